// A run on many boxes (issue 28 §4), as a ratio measured in one run (nothing here is asserted): one patrol tick of
// a run on 3 nodes (one round trip per node, at once) vs one tick of the same run on 1 box, both found through the
// signed registry on the GitHub double, the real phases in this process. Goal: <= 1.3x.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createBox, type Box } from '../test/harness/box.ts';
import { startGitHubDouble } from '../test/harness/github-double.ts';
import { launchPhase, patrolPhase } from '../test/harness/phases.ts';
import { captureReporter } from '../test/harness/reporter.ts';
import { routeBetween } from '../test/harness/route.ts';
import { githubStore } from '../src/github/status-store.ts';
import { parseReportTo } from '../src/config/patrol.ts';
import { probeHost } from '../src/remote/probe.ts';
import { ed25519Pair } from '../src/ssh/keygen.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const account = ed25519Pair('tether-runner');
const work = mkdtempSync(join(tmpdir(), 'tether-bench-nodes-'));
const key = join(work, 'key');
writeFileSync(key, account.private, { mode: 0o600 });
const gh = await startGitHubDouble();
const env = { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url };
const boxes: Box[] = [];
let unroute = () => undefined as void;
try {
  for (let i = 0; i < 3; i++) boxes.push(await createBox({ authorizedKeys: [account.public] }));
  unroute = routeBetween(boxes);
  for (const b of boxes) b.sh(`mkdir -p ${b.home}/code`);
  // A job that logs a step every second on each node (no rendezvous needed to be patrolled).
  const command = 'for i in $(seq 1 900); do echo "step $i loss 0.5"; sleep 1; done';
  const common = { 'ssh-key-path': key, command, workdir: '~/code', audit: 'false', 'confirm-timeout': '1' };
  const one = `issue:${gh.addIssue('one box')}`;
  const three = `issue:${gh.addIssue('three boxes')}`;
  const store = (at: string) => githubStore(parseReportTo(at)!, env, 'ghs-actions-token');
  const b0 = boxes[0]!;
  const r1 = captureReporter();
  if (
    (await launchPhase(
      { ...common, host: b0.addr, 'host-key-fingerprint': b0.fingerprint, 'run-id': 'bench-one', 'report-to': one },
      {},
      r1,
      work,
      store(one),
    )) !== 0
  )
    throw new Error(r1.errors.join('\n'));
  const r3 = captureReporter();
  const nodes = boxes.map((b) => `root@${b.addr} ${b.fingerprint}`).join('\n');
  if ((await launchPhase({ ...common, nodes, 'master-port': '29555', 'run-id': 'bench-three', 'report-to': three }, {}, r3, work, store(three))) !== 0)
    throw new Error(r3.errors.join('\n'));
  const tick = async (at: string) => {
    const r = captureReporter();
    const t0 = process.hrtime.bigint();
    const pt: number[] = [];
    await patrolPhase({ 'ssh-key-path': key, 'connect-timeout': '5', 'report-to': at, 'github-token': 'ghs-actions-token' }, env, r, {
      probe: (async (...args: Parameters<typeof probeHost>) => {
        const s0 = process.hrtime.bigint();
        try {
          return await probeHost(...args);
        } finally {
          pt.push(Number(process.hrtime.bigint() - s0) / 1e6, Number(s0 - t0) / 1e6);
        }
      }) as typeof probeHost,
      remote: store(at),
      workspace: work,
    });
    if (process.env['BENCH_TRACE'])
      console.log(at, 'probes (ms, started at):', pt.map((x) => x.toFixed(0)).join(' '), 'total', (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0));
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const t1: number[] = [];
  const t3: number[] = [];
  await tick(one);
  await tick(three);
  for (let i = 0; i < N; i++) {
    t1.push(await tick(one));
    t3.push(await tick(three));
  }
  // What a user would run instead: OpenSSH's `ssh true` to one box, and to the three at once (same machine, same run).
  const sshTrue = (b: Box) =>
    new Promise<void>((resolve, reject) => {
      const p = spawn(
        'ssh',
        [
          '-i',
          key,
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'LogLevel=ERROR',
          `root@${b.addr}`,
          'true',
        ],
        {
          stdio: 'ignore',
        },
      );
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited ${code}`))));
    });
  const timed = async (f: () => Promise<unknown>) => {
    const t0 = process.hrtime.bigint();
    await f();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const s1: number[] = [];
  const s3: number[] = [];
  for (let i = 0; i < N; i++) {
    s1.push(await timed(() => sshTrue(b0)));
    s3.push(await timed(() => Promise.all(boxes.map(sshTrue))));
  }
  const a = median(t1);
  const c = median(t3);
  console.log(`runs: ${N} each, medians; namespace boxes routed to each other, the registry on the GitHub double`);
  console.log(`patrol tick, a run on 1 box     ${a.toFixed(0)} ms`);
  console.log(`patrol tick, a run on 3 nodes   ${c.toFixed(0)} ms   ratio ${(c / a).toFixed(2)}x (goal <= 1.3x)`);
  const o1 = median(s1);
  const o3 = median(s3);
  console.log(`OpenSSH ssh true, 1 box          ${o1.toFixed(0)} ms`);
  console.log(`OpenSSH ssh true, 3 boxes at once ${o3.toFixed(0)} ms   ratio ${(o3 / o1).toFixed(2)}x (the machine's own floor for three handshakes)`);
} finally {
  unroute();
  for (const b of boxes) b.destroy();
  await gh.close();
  rmSync(work, { recursive: true, force: true });
}
