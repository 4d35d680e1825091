// Sweep benchmarks, as ratios and times measured in one run (nothing here is asserted):
//  1. a patrol tick (the CLI bundle) over one box holding a 128-cell sweep — 8 cells running, the others
//     queued, as on an 8-GPU box — vs the same box with a 1-cell sweep (goal: ≤ 1.5×), and vs a tick after
//     64 of 128 cells finished (settled cells cost only their marker);
//  2. queue overhead: from a cell's exit to the next cell's start, one slot, 20 short cells (goal: ≤ 1 s).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createBox, type Box } from '../test/harness/box.ts';

const N = Number(process.env['BENCH_RUNS'] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const node = process.execPath;
const cli = (args: string[]) => spawnSync(node, ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 300_000 });
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function launch(box: Box, id: string, cells: string[], extra: Record<string, string> = {}) {
  const r = cli([
    'launch',
    ...flags(
      box.inputs({
        'run-id': id,
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'gpus-per-cell': '0',
        'run-file': join(box.dir, `${id}.json`),
        ...extra,
      }),
    ),
    ...cells.flatMap((c) => ['--cells', c]),
  ]);
  if (r.status !== 0 && !/confirmation window/.test(r.stderr)) throw new Error(`launch ${id} failed: ${r.stderr}`);
}

/** Median wall time of `tether status` for one run, after one warm-up tick that fills the state file. */
function tickMs(box: Box, id: string): number {
  const state = join(box.dir, `${id}.state`);
  rmSync(state, { force: true });
  const args = ['status', ...flags(box.inputs({ 'run-ids': id, 'state-file': state, 'stall-after': '1h' }))];
  cli(args);
  const xs: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    const r = cli(args);
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`status ${id} failed: ${r.stderr}`);
  }
  return median(xs);
}

const boxes: Box[] = [];
try {
  const [a, b, c] = [await createBox(), await createBox(), await createBox()];
  boxes.push(a, b, c);
  for (const x of boxes) x.sh(`mkdir -p ${x.home}/code`);
  // Live cells keep writing their log, as training does, so every tick has new bytes to read.
  const live = (i: number) => `c${String(i).padStart(3, '0')}: for s in $(seq 1 600); do echo "step $s loss 0.5"; sleep 1; done`;

  launch(a, 'one', [live(0)]);
  launch(
    b,
    'many',
    Array.from({ length: 128 }, (_, i) => live(i)),
    { 'max-parallel': '8' },
  );
  const quick = (i: number) => (i < 64 ? `c${String(i).padStart(3, '0')}: echo "step ${i} loss 0.5"` : live(i));
  launch(
    c,
    'half',
    Array.from({ length: 128 }, (_, i) => quick(i)),
    { 'max-parallel': '8' },
  );
  const run = (x: Box, id: string) => `${x.home}/.tether/runs/${id}`;
  await until(
    '8 running cells',
    () => spawnSync('sh', ['-c', `ls -d ${run(b, 'many')}/cells/*/attempts/1 2>/dev/null | wc -l`], { encoding: 'utf8' }).stdout.trim() === '8',
  );
  await until(
    '64 finished cells',
    () => spawnSync('sh', ['-c', `ls ${run(c, 'half')}/cells/*/DONE 2>/dev/null | wc -l`], { encoding: 'utf8' }).stdout.trim() === '64',
  );

  const t1 = tickMs(a, 'one');
  const t128 = tickMs(b, 'many');
  const tHalf = tickMs(c, 'half');
  console.log(`patrol tick, 1-cell sweep:                         ${t1.toFixed(0)} ms`);
  console.log(`patrol tick, 128 cells (8 running, 120 queued):    ${t128.toFixed(0)} ms  = ${(t128 / t1).toFixed(2)}× (goal ≤ 1.5×)`);
  console.log(`patrol tick, 128 cells (64 settled, 8 running):    ${tHalf.toFixed(0)} ms  = ${(tHalf / t1).toFixed(2)}×`);

  // Queue overhead: 20 cells of 0.1 s on one slot; each notes its start and end in nanoseconds.
  a.sh(`cat > ${a.home}/code/stamp.sh <<'EOF'
s=$(date +%s%N); sleep 0.1; printf '%s %s\\n' "$s" "$(date +%s%N)" > "stamps/$TETHER_CELL"
EOF
mkdir -p ${a.home}/code/stamps`);
  const names = Array.from({ length: 20 }, (_, i) => `q${String(i).padStart(2, '0')}`);
  launch(
    a,
    'queue',
    names.map((n) => `${n}: bash stamp.sh`),
    { 'max-parallel': '1' },
  );
  await until('the queue sweep', () => spawnSync('test', ['-f', `${run(a, 'queue')}/DONE`]).status === 0);
  const spans = names.map((n) => readFileSync(`${a.home}/code/stamps/${n}`, 'utf8').trim().split(' ').map(BigInt) as [bigint, bigint]);
  const gaps = spans.slice(1).map((s, i) => Number(s[0] - spans[i]![1]) / 1e6);
  console.log(
    `queue overhead, exit → next start (one slot, 19 gaps): median ${median(gaps).toFixed(0)} ms, max ${Math.max(...gaps).toFixed(0)} ms (goal ≤ 1000 ms)`,
  );
} finally {
  for (const x of boxes) x.destroy();
}
