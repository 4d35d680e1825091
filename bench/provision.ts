// `tsx bench/provision.ts`: tether's own time from the provider saying "running" (the Lambda double flips the
// instance to active) to the job's first training step (provision's pinned SSH check, then launch with its
// audit until the first step), against what SSH itself needs on the same box: `ssh true` plus an scp of the
// code. Issue 26's goal: tether adds at most 5 s. Production polling (provision/phase.ts); medians of N runs;
// nothing here is asserted.
import { ed25519Pair } from '../src/ssh/keygen.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_KEY, LambdaDouble } from '../test/harness/lambda-double.ts';
import { launchPhase } from '../test/harness/phases.ts';
import { captureReporter } from '../test/harness/reporter.ts';
import { PHASES } from '../src/phases.ts';
import { readFileSync as read } from 'node:fs';

const N = Number(process.env['BENCH_RUNS'] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const work = mkdtempSync(join(tmpdir(), 'tether-bench-provision-'));
const account = ed25519Pair('bench');
const keyFile = join(work, 'key');
writeFileSync(keyFile, account.private, { mode: 0o600 });
// A small code folder, as a training repository's working copy might be: 20 files, 2 MB.
const code = join(work, 'code');
mkdirSync(code);
for (let i = 0; i < 20; i++) writeFileSync(join(code, `f${i}.py`), Buffer.alloc(100_000, 97 + (i % 20)));
const lambda = new LambdaDouble();
await lambda.start();
const tetherMs: number[] = [];
const sshMs: number[] = [];
try {
  for (let i = 0; i < N; i++) {
    const r = captureReporter();
    const cfg = PHASES.provision.parse(
      {
        'run-id': `bench-${i}`,
        provider: 'lambda',
        'api-key': LAMBDA_KEY,
        'provider-api-url': lambda.url,
        'instance-types': 'gpu_1x_a10',
        'ssh-key-path': keyFile,
        user: 'root',
      },
      {},
    );
    const { provisionPhase } = await import('../src/provision/phase.ts');
    const ctx = {
      env: {},
      reporter: r,
      ports: {
        workspace: work,
        statusMode: 'markdown' as const,
        checkContext: () => undefined,
        stateStore: () => {
          throw new Error('none');
        },
        readConfig: () => '',
      },
    };
    if ((await provisionPhase(cfg, ctx as never)) !== 0) throw new Error(`provision failed: ${r.errors.join('; ')}`);
    const inst = lambda.instances.get(r.outputs['instance-id']!)!;
    const box = inst.box!;
    box.sh(`mkdir -p ${box.home}/code`);
    const l = captureReporter();
    const code0 = await launchPhase(
      {
        host: r.outputs['host']!,
        user: 'root',
        'host-key-fingerprint': r.outputs['host-key-fingerprint']!,
        'ssh-key-path': keyFile,
        'run-id': `bench-${i}`,
        command: 'echo step 1 loss 0.5; sleep 30',
        workdir: '~/code',
        'require-gpu': 'false',
        'min-free-gb': '1',
        'run-file': join(work, `run-${i}.json`),
      },
      {},
      l,
      work,
    );
    if (code0 !== 0) throw new Error(`launch failed: ${l.errors.join('; ')}`);
    tetherMs.push(Date.now() - inst.activeAt);
    // What SSH itself needs on the same box: a pinned `ssh true`, then an scp of the code.
    const kh = join(work, `kh-${i}`);
    writeFileSync(kh, `${box.addr} ${read(join(box.dir, 'hostkey.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')}\n`);
    const o = ['-i', keyFile, '-o', `UserKnownHostsFile=${kh}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes'];
    const t0 = Date.now();
    spawnSync('ssh', [...o, `root@${box.addr}`, 'true'], { stdio: 'ignore', timeout: 30_000 });
    spawnSync('scp', [...o, '-q', '-r', code, `root@${box.addr}:code-copy`], { stdio: 'ignore', timeout: 60_000 });
    sshMs.push(Date.now() - t0);
  }
} finally {
  await lambda.stop();
  rmSync(work, { recursive: true, force: true });
}
const t = median(tetherMs);
const s = median(sshMs);
console.log(`runs: ${N}, medians, Lambda double with real namespace boxes`);
console.log(`provider "running" → first training step (tether: pinned SSH check + launch with audit)   ${t} ms`);
console.log(`ssh true + scp of a 2 MB code folder (OpenSSH, pinned)                                      ${s} ms   ratio ${(t / s).toFixed(2)}x`);
console.log(`tether adds ${((t - s) / 1000).toFixed(1)} s on top of what SSH itself needs (goal ≤ 5 s)`);
