// `tsx bench/recovery.ts`: a preempted spot run's recovery (issue 27 §4), from the end of the patrol tick that
// confirmed the preemption to the job's first step on the new box, split into what is not tether's (the EC2
// double's boot, the job's own start: python and torch loading the checkpoint, measured on this machine) and
// tether's own part, against what a person would run on the new box instead: `ssh true` plus an scp of the
// code and the checkpoint (OpenSSH, same box). Goal: tether's own part ≤ 15 s plus the transfer at link speed.
// Medians of N runs; nothing is asserted.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ec2Double } from '../test/harness/ec2-double.ts';
import { startGitHubDouble } from '../test/harness/github-double.ts';
import { waitFor } from '../test/harness/sh.ts';
import { logged, readIf, SpotLab, TRAIN } from '../test/harness/spot-lab.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 3);
const PAD_MB = Number(process.env['BENCH_CKPT_MB'] ?? 64);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ec2 = new Ec2Double();
await ec2.start();
const gh = await startGitHubDouble();
const work = mkdtempSync(join(tmpdir(), 'tether-bench-recovery-'));
const rows: Array<{ total: number; boot: number; job: number; ssh: number; bytes: number }> = [];
try {
  const lab = new SpotLab(ec2, gh, work);
  const env = `STEP_S=0.3\nTOTAL_STEPS=400\nSAVE_EVERY=4\nPAD_MB=${PAD_MB}`;
  for (let i = 0; i < N; i++) {
    const run = `bench-rec-${i}`;
    const at = `issue:${gh.addIssue(run)}`;
    const code = lab.code(`code-${i}`);
    const id = await lab.start(run, at, { code, command: '/usr/bin/python3 train.py', env });
    await waitFor('a checkpoint', () => logged(readIf(`${lab.runDir(id, run)}/attempts/1/log`)).length >= 6, 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    const synced = await lab.patrol(at, run);
    if (synced.v.state !== 'running') throw new Error(`before: ${synced.v.state}`);
    ec2.preempt(id, 'terminate');
    const confirm = await lab.patrol(at, run);
    if (confirm.v.state !== 'preempted') throw new Error(`after: ${confirm.v.state}`);
    const t0 = Date.now();
    const r = await lab.recover(at, run, env);
    if (r.code !== 0) throw new Error(r.text);
    const next = r.r.outputs['instance-id']!;
    await waitFor('the first step on the new box', () => logged(readIf(`${lab.runDir(next, run)}/attempts/2/log`)).length > 0, 120_000, 20);
    const total = Date.now() - t0;
    const inst = lab.box(next);
    const boot = (inst.runningMs ?? inst.createdMs) - inst.createdMs;
    // The restored checkpoint, and what the job alone takes to load it and log a step, on this machine.
    const dir = `${lab.runDir(next, run)}/../.releases`;
    const rel = join(dir, readdirSync(dir)[0]!);
    const ck = readdirSync(join(rel, 'ckpt')).filter((f) => f.endsWith('.pt'))[0]!;
    const bytes = statSync(join(rel, 'ckpt', ck)).size;
    const local = mkdtempSync(join(tmpdir(), 'tether-bench-job-'));
    mkdirSync(join(local, 'ckpt'));
    cpSync(join(rel, 'ckpt', ck), join(local, 'ckpt', ck));
    const j0 = Date.now();
    spawnSync('/usr/bin/python3', [TRAIN], {
      cwd: local,
      env: { ...process.env, STEP_S: '0', TOTAL_STEPS: String(Number(/\d+/.exec(ck)![0]) + 1) },
      timeout: 120_000,
    });
    const job = Date.now() - j0;
    rmSync(local, { recursive: true, force: true });
    // What a person would run on the new box: ssh true, then scp of the code and the checkpoint.
    const b = inst.box!;
    const opts = ['-i', b.clientKeyPath, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes'];
    const s0 = Date.now();
    spawnSync('ssh', [...opts, `root@${b.addr}`, 'true'], { timeout: 60_000 });
    spawnSync('scp', [...opts, '-q', join(code, 'train.py'), join(work, `tether-provision-${run}.json`), `root@${b.addr}:/tmp/`], { timeout: 60_000 });
    spawnSync('scp', [...opts, '-q', join(rel, 'ckpt', ck), `root@${b.addr}:/tmp/ck.pt`], { timeout: 300_000 });
    const ssh = Date.now() - s0;
    rows.push({ total, boot, job, ssh, bytes });
    console.log(`run ${i}: ${s(total)} in all; boot ${s(boot)}, job start ${s(job)}, ssh+scp ${s(ssh)}; checkpoint ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    ec2.preempt(next, 'terminate');
  }
} finally {
  await ec2.stop();
  await gh.close();
  rmSync(work, { recursive: true, force: true });
}
const total = median(rows.map((r) => r.total));
const boot = median(rows.map((r) => r.boot));
const job = median(rows.map((r) => r.job));
const ssh = median(rows.map((r) => r.ssh));
const own = total - boot - job;
console.log(
  `\nrecovery, median of ${N} (checkpoint ${(median(rows.map((r) => r.bytes)) / 2 ** 20).toFixed(1)} MiB): ${s(total)} from the confirming tick to the first step; ` +
    `the double's boot ${s(boot)}, the job's own start ${s(job)}; tether's own part ${s(own)} (goal ≤ 15 s + the transfer), ` +
    `${(own / ssh).toFixed(2)}× ssh true + scp of code and checkpoint (${s(ssh)})`,
);
