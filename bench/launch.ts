// `npm run bench`: launch wall time against `ssh host true` on the same namespace box, as ratios.
// Both sides pin the host key and use the same identity. Medians of N runs; nothing here is asserted.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBox } from '../test/harness/box.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const box = await createBox();
try {
  box.sh(`mkdir -p ${box.home}/code`);
  const kh = join(box.dir, 'bench_known_hosts');
  writeFileSync(kh, box.hostKeyLine + '\n');
  const ssh = [
    '-i',
    box.clientKeyPath,
    '-o',
    `UserKnownHostsFile=${kh}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=15',
    `root@${box.addr}`,
    'true',
  ];
  const cli = (args: Record<string, string>) => {
    const flags = Object.entries(box.inputs({ 'require-gpu': 'false', 'min-free-gb': '1', workdir: '~/code', ...args })).flatMap(([k, v]) => [`--${k}`, v]);
    const r = spawnSync(process.execPath, ['dist/cli/index.js', 'launch', ...flags], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`launch failed: ${r.stderr}`);
  };
  const sshTimes: number[] = [];
  const bare: number[] = [];
  const audited: number[] = [];
  for (let i = 0; i < N; i++) {
    sshTimes.push(time(() => spawnSync('ssh', ssh, { stdio: 'ignore', timeout: 30_000 })));
    // The confirmation window is a fixed wait (confirm-timeout s) unless the job ends first: the job
    // here ends at once, so the measured time is tether's own work.
    bare.push(time(() => cli({ 'run-id': `bench-${i}`, command: 'true', audit: 'false', 'confirm-timeout': '1' })));
    audited.push(time(() => cli({ 'run-id': `bench-a-${i}`, command: 'true', 'confirm-timeout': '1', interpreter: '/bin/false' })));
  }
  const s = median(sshTimes);
  const b = median(bare);
  const a = median(audited);
  console.log(`runs: ${N} each, medians, namespace box ${box.addr}`);
  console.log(`ssh host true (OpenSSH)                 ${s.toFixed(0)} ms`);
  console.log(`tether launch, no audit (CLI bundle)    ${b.toFixed(0)} ms   ratio ${(b / s).toFixed(2)}x`);
  console.log(`tether launch with audit (CLI bundle)   ${a.toFixed(0)} ms   ratio ${(a / s).toFixed(2)}x`);
  console.log('(tether includes Node start-up, the pure-JS ssh2 handshake, launch.sh, and the confirmation probe)');
} finally {
  box.destroy();
}
