// Time from an action's process start to its first SSH connect (issue 16 §2: goal ≤ 250 ms per bundle),
// measured to a loopback TCP listener that records when the connection arrives and then closes it (the
// action then fails its handshake; only the connect time counts). Median of BENCH_RUNS (default 7) per
// bundle, run as the runner runs it: `node dist/<action>/index.js` with INPUT_* variables.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.env['BENCH_RUNS'] ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'tether-startup-'));
const key = join(dir, 'id');
writeFileSync(key, '', { mode: 0o600 });
const keygen = spawn('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
rmSync(key);
await new Promise((r) => keygen.on('close', r));

let arrived: ((t: number) => void) | null = null;
const server = createServer((s: Socket) => {
  arrived?.(performance.now());
  s.destroy();
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as { port: number }).port;

const common = { host: '127.0.0.1', port: String(port), 'ssh-key-path': key, 'host-key-fingerprint': `SHA256:${'A'.repeat(43)}`, 'connect-attempts': '1' };
const BUNDLES: Record<string, Record<string, string>> = {
  audit: {},
  launch: { 'run-id': 'b1', command: 'true', audit: 'false' },
  patrol: { 'run-ids': 'b1' },
  collect: { 'run-id': 'b1', 'dest-dir': join(dir, 'dest'), artifact: 'none' },
  main: { command: 'launch', 'run-id': 'b1', 'job-command': 'true', audit: 'false' },
};

function once(bundle: string, inputs: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: dir,
      GITHUB_WORKSPACE: dir,
      GITHUB_OUTPUT: join(dir, 'out'),
      GITHUB_STEP_SUMMARY: join(dir, 'sum'),
    };
    for (const [k, v] of Object.entries({ ...common, ...inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
    const t0 = performance.now();
    const child = spawn(process.execPath, [`dist/${bundle}/index.js`], { env, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bundle}: no connection within 10 s`));
    }, 10_000);
    arrived = (t) => {
      clearTimeout(timer);
      arrived = null;
      child.kill('SIGKILL');
      resolve(t - t0);
    };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
try {
  console.log(`| bundle | time to first connect (median of ${N}) | goal |`);
  console.log('|---|---|---|');
  for (const [bundle, inputs] of Object.entries(BUNDLES)) {
    const ts: number[] = [];
    for (let i = 0; i < N; i++) ts.push(await once(bundle, inputs));
    console.log(`| ${bundle === 'main' ? 'root (action.yml)' : `actions/${bundle}`} | ${median(ts).toFixed(0)} ms | ≤ 250 ms |`);
  }
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
