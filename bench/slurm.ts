// Slurm benchmarks on the test cluster (test/harness/slurm.ts), as ratios in one run (nothing asserted):
//  1. launch (the CLI bundle, backend slurm) vs `ssh login sbatch --wrap true` with OpenSSH (goal ≤ 1.5×);
//  2. a patrol tick of 20 runs on one cluster vs `ssh login 'squeue; sacct -c'` (goal ≤ 1.5×).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCluster } from '../test/harness/slurm.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const time = (fn: () => void) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 300_000 });
// `--name=value`: slurm-options values start with `--` themselves.
const flags = (o: Record<string, string>) => Object.entries(o).map(([k, v]) => `--${k}=${v}`);

const cl = await createCluster();
try {
  const login = cl.login;
  login.sh(`mkdir -p ${login.home}/code`);
  const kh = join(login.dir, 'bench_known_hosts');
  writeFileSync(kh, `${login.hostKeyLine}\n`);
  const ssh = (cmd: string) =>
    spawnSync(
      'ssh',
      [
        '-i',
        login.clientKeyPath,
        '-o',
        `UserKnownHostsFile=${kh}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        `root@${login.addr}`,
        `export SLURM_CONF=${cl.conf}; ${cmd}`,
      ],
      { encoding: 'utf8' },
    );
  const base = (id: string) =>
    login.inputs({
      'run-id': id,
      workdir: '~/code',
      backend: 'slurm',
      'slurm-conf': cl.conf,
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': join(login.dir, `${id}.json`),
    });

  const tLaunch: number[] = [];
  const tSbatch: number[] = [];
  for (let i = 0; i < N; i++) {
    tSbatch.push(time(() => ssh('sbatch --parsable -o /dev/null --wrap true')));
    tLaunch.push(
      time(() => {
        const r = cli(['launch', ...flags({ ...base(`bench-l${i}`), command: 'true', 'slurm-options': '--time=1' })]);
        if (r.status !== 0) throw new Error(`launch failed: ${r.stderr}`);
      }),
    );
  }
  // (confirm-timeout 1 s is part of launch's wall time: it watches the job briefly after submitting)
  console.log(`launch (backend slurm, confirm 1 s):      ${median(tLaunch).toFixed(0)} ms`);
  console.log(
    `ssh login sbatch --wrap true (OpenSSH):   ${median(tSbatch).toFixed(0)} ms  → launch = ${(median(tLaunch) / median(tSbatch)).toFixed(2)}× (goal ≤ 1.5×)`,
  );

  const ids = Array.from({ length: 20 }, (_, i) => `bench-p${i}`);
  for (const id of ids) {
    const r = cli(['launch', ...flags({ ...base(id), command: 'sleep 600', 'slurm-options': '--time=10' })]);
    if (r.status !== 0) throw new Error(`launch failed: ${r.stderr}`);
  }
  const state = join(login.dir, 'bench.state');
  const args = ['status', ...flags(login.inputs({ 'run-ids': ids.join(','), 'state-file': state, 'stall-after': '1h' }))];
  cli(args);
  const tTick: number[] = [];
  const tRaw: number[] = [];
  for (let i = 0; i < N; i++) {
    tTick.push(time(() => cli(args)));
    tRaw.push(time(() => ssh('squeue; sacct -c')));
  }
  console.log(`patrol tick, 20 Slurm runs:               ${median(tTick).toFixed(0)} ms`);
  console.log(`ssh login 'squeue; sacct -c' (OpenSSH):   ${median(tRaw).toFixed(0)} ms  → tick = ${(median(tTick) / median(tRaw)).toFixed(2)}× (goal ≤ 1.5×)`);
  cl.slurm('scancel -u root');
} finally {
  cl.destroy();
}
