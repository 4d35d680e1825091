// Patrol benchmarks, as ratios measured in one run (nothing here is asserted):
//  1. one tick (the CLI bundle, one host, one live run) vs `ssh host true` (OpenSSH) on the same box;
//  2. a tick over 32 hosts vs a tick over one host;
//  3. a black-holed host: time to the `unreachable` verdict vs the connect timeout, 20 tries.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBox, type Box } from '../test/harness/box.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 7);
const HOSTS = Number(process.env['BENCH_HOSTS'] ?? 32);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (fn: () => void) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const node = process.execPath;
const cli = (args: string[]) => spawnSync(node, ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 300_000 });
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);

const boxes: Box[] = [];
const config = (list: Box[], timeout = 15) =>
  [
    'defaults:',
    '  user: root',
    `  connect-timeout: ${timeout}`,
    'hosts:',
    ...list.map((b, i) => `  - {name: h${i}, host: ${b.addr}, ssh-key-path: ${b.clientKeyPath}, known-hosts: "${b.hostKeyLine}", runs: [bench-${b.index}]}`),
    '',
  ].join('\n');
try {
  for (let i = 0; i < HOSTS; i++) boxes.push(await createBox());
  for (const b of boxes) {
    b.sh(`mkdir -p ${b.home}/code`);
    const r = cli([
      'launch',
      ...flags(
        b.inputs({
          'run-id': `bench-${b.index}`,
          command: 'echo "step 1 loss 1"; sleep 600',
          workdir: '~/code',
          audit: 'false',
          'confirm-timeout': '1',
          'run-file': join(b.dir, 'run.json'),
        }),
      ),
    ]);
    if (r.status !== 0) throw new Error(`launch on box ${b.index} failed: ${r.stderr}`);
  }
  const one = boxes[0] as Box;
  const kh = join(one.dir, 'bench_known_hosts');
  writeFileSync(kh, `${one.hostKeyLine}\n`);
  const ssh = ['-i', one.clientKeyPath, '-o', `UserKnownHostsFile=${kh}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${one.addr}`, 'true'];
  const tick1: number[] = [];
  const sshT: number[] = [];
  const tickAll: number[] = [];
  const sshAll: number[] = [];
  // The same fan-out done by OpenSSH (32 `ssh host true` at once): on one machine the boxes share the
  // runner's cores, so this is the floor any 32-host tick is measured against.
  const sshMany = () =>
    Promise.all(
      boxes.map(
        (b) =>
          new Promise<void>((res) => {
            const k = join(b.dir, 'bench_known_hosts');
            writeFileSync(k, `${b.hostKeyLine}\n`);
            spawn(
              'ssh',
              ['-i', b.clientKeyPath, '-o', `UserKnownHostsFile=${k}`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${b.addr}`, 'true'],
              { stdio: 'ignore' },
            ).on('close', () => res());
          }),
      ),
    );
  const cfgOne = join(one.dir, 'one.yml');
  const cfgAll = join(one.dir, 'all.yml');
  writeFileSync(cfgOne, config([one]));
  writeFileSync(cfgAll, config(boxes));
  for (let i = 0; i < N; i++) {
    sshT.push(ms(() => spawnSync('ssh', ssh, { stdio: 'ignore', timeout: 30_000 })));
    tick1.push(ms(() => cli(['status', '--config', cfgOne])));
    tickAll.push(ms(() => cli(['status', '--config', cfgAll, '--concurrency', '32'])));
    const t0 = process.hrtime.bigint();
    await sshMany();
    sshAll.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const s = median(sshT);
  const t1 = median(tick1);
  const ta = median(tickAll);
  console.log(`runs: ${N} each, medians; ${HOSTS} namespace boxes, one live run each`);
  console.log(`ssh host true (OpenSSH)                   ${s.toFixed(0)} ms`);
  console.log(`patrol tick, 1 host (tether status)       ${t1.toFixed(0)} ms   ratio ${(t1 / s).toFixed(2)}x (goal <= 1.5x)`);
  console.log(`patrol tick, ${HOSTS} hosts                     ${ta.toFixed(0)} ms   ratio ${(ta / t1).toFixed(2)}x of one host (goal <= 3x)`);
  const sa = median(sshAll);
  console.log(
    `OpenSSH ssh true to ${HOSTS} hosts at once       ${sa.toFixed(0)} ms   ratio ${(sa / s).toFixed(2)}x of one host; tether's 32-host tick is ${(ta / sa).toFixed(2)}x of it`,
  );

  one.blackhole();
  const dark: number[] = [];
  let unreachable = 0;
  writeFileSync(cfgOne, config([one], 3));
  for (let i = 0; i < 20; i++) {
    let out = '';
    dark.push(ms(() => (out = cli(['status', '--config', cfgOne]).stdout)));
    if (/bench-\d+\s+h0\s+(\S+\s+)?unreachable/.test(out)) unreachable++;
  }
  one.clearFirewall();
  console.log(
    `black-holed host, connect-timeout 3 s: ${unreachable}/20 ticks said unreachable; median ${median(dark).toFixed(0)} ms, max ${Math.max(...dark).toFixed(0)} ms (goal <= 5000 ms, no hang)`,
  );
  rmSync(cfgOne);
  rmSync(cfgAll);
} finally {
  for (const b of boxes) b.destroy();
}
