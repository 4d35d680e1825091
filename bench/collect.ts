// Collect benchmarks, ratios in one run (nothing asserted; issue 16 §1). Real PyTorch checkpoints (written by
// Debian's python3-torch on the box) are pulled from a box whose link is capped at 800 Mbit/s (tc tbf on its
// veth, test-infra-facts §7a) by:
//   collect   tether's collect (listing, one pass over the bytes hashed at both ends, structural verify incl.
//             NaN/Inf scan of every tensor, manifest.json and VERIFIED.json)
//   scp       `scp -r` of the same files (moves bytes, proves nothing)
//   pipeline  the seeds' own way: sha256sum manifest on the box, rsync pull, local `sha256sum -c`, then
//             `python3 -c "torch.load(…)"` per file
// Goals: collect ≤ 1.05× scp wall time; pipeline ≥ 1.5× collect. Cases: 2 GiB in 4 files and 1 GiB in one.
// Then the same 4-file case on the unshaped loopback (CPU-bound: both cores shared by box and runner), the
// runner's CPU per GiB (what decides at 10 Gbit/s: user+sys of collect's node and its ssh children, against
// scp's client and its ssh; goal ≤ 1.5×), and the torch verifier's own throughput and peak RSS on one large
// checkpoint.
// BENCH_GIB scales the cases (default 2); BENCH_RUNS repeats each measurement (median; default 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBox } from '../test/harness/box.ts';

const GIB = Number(process.env['BENCH_GIB'] ?? 2);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 2);
const PY = '/usr/bin/python3';
const node = process.execPath;
const ms = (fn: () => void) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] as number;
const rotate = <T>(xs: T[], k: number) => [...xs.slice(k % xs.length), ...xs.slice(0, k % xs.length)];
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);

if (spawnSync(PY, ['-c', 'import torch'], { timeout: 60_000 }).status !== 0) {
  console.log('collect bench skipped: /usr/bin/python3 cannot import torch (apt-get install python3-torch)');
  process.exit(0);
}
const box = await createBox();
const work = mkdtempSync(join(tmpdir(), 'tether-bench-collect-'));
try {
  const conn = box.inputs({ 'connect-timeout': '15' });
  const kh = join(work, 'kh');
  writeFileSync(kh, `${box.hostKeyLine}\n`);
  const sshOpts = ['-i', box.clientKeyPath, '-o', `UserKnownHostsFile=${kh}`, '-o', 'BatchMode=yes'];
  const sshCmd = `ssh ${sshOpts.join(' ')}`;

  /** A finished run whose checkpoints are `files` torch.save'd float32 tensors of `mib` MiB each, under ~/code/<id>/. */
  const makeRun = (id: string, files: number, mib: number) => {
    const numel = Math.floor((mib * 2 ** 20) / 4);
    box.sh(
      `mkdir -p ${box.home}/code/${id} && cd ${box.home}/code/${id} && ${PY} -c "
import torch
torch.manual_seed(0)
for i in range(${files}):
    torch.save({'step': i, 'w': torch.randn(${numel})}, 'ckpt%d.pt' % i)
"`,
      600_000,
    );
    const r = spawnSync(
      node,
      [
        'dist/cli/index.js',
        'launch',
        ...flags({
          ...conn,
          'run-id': id,
          command: 'true',
          workdir: `~/code/${id}`,
          audit: 'false',
          'confirm-timeout': '1',
          checkpoints: '*.pt',
          'run-file': join(work, `${id}.json`),
        }),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`launch ${id}: ${r.stderr}`);
    return Number(box.sh(`cat ${box.home}/code/${id}/*.pt | wc -c`).trim());
  };

  const tools = (id: string): Array<[string, () => void]> => {
    const dir = `${box.home}/code/${id}`;
    const out = (name: string) => join(work, `${id}-${name}`);
    return [
      [
        'collect',
        () => {
          const r = spawnSync(node, ['dist/cli/index.js', 'collect', ...flags({ ...conn, 'run-id': id, 'dest-dir': out('collect') })], {
            encoding: 'utf8',
            timeout: 600_000,
          });
          if (r.status !== 0) throw new Error(`collect failed: ${r.stdout}\n${r.stderr}`);
        },
      ],
      ['scp', () => spawnSync('scp', [...sshOpts, '-q', '-r', `root@${box.addr}:${dir}`, out('scp')], { timeout: 600_000 })],
      [
        'pipeline',
        () => {
          const d = out('pipeline');
          const m = spawnSync('ssh', [...sshOpts, `root@${box.addr}`, `cd ${dir} && sha256sum *.pt`], { encoding: 'utf8', timeout: 600_000 });
          if (m.status !== 0) throw new Error(`pipeline manifest: ${m.stderr}`);
          spawnSync('rsync', ['-a', '-e', sshCmd, `root@${box.addr}:${dir}/`, `${d}/`], { timeout: 600_000 });
          writeFileSync(join(d, 'SHA256SUMS'), m.stdout);
          if (spawnSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: d }).status !== 0) throw new Error('pipeline: sha256sum -c failed');
          for (const line of m.stdout.trim().split('\n')) {
            const f = join(d, line.split(/\s+/)[1] as string);
            const t = spawnSync(PY, ['-c', 'import sys, torch; torch.load(sys.argv[1], weights_only=True)', f], { timeout: 600_000 });
            if (t.status !== 0) throw new Error(`pipeline: torch.load ${f} failed`);
          }
        },
      ],
    ];
  };

  const measure = (id: string) => {
    const times: Record<string, number[]> = {};
    // The order turns each run, so no tool always follows the heaviest writer (the pipeline) or always goes first.
    for (let run = 0; run < RUNS; run++)
      for (const [name, fn] of rotate(tools(id), run)) {
        spawnSync('sync');
        (times[name] ??= []).push(ms(fn));
        rmSync(join(work, `${id}-${name}`), { recursive: true, force: true });
      }
    return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<'collect' | 'scp' | 'pipeline', number>;
  };

  const cases: Array<{ id: string; files: number; mib: number }> = [
    { id: 'four', files: 4, mib: Math.round((GIB * 1024) / 4) },
    { id: 'one', files: 1, mib: Math.round((GIB * 1024) / 2) },
  ];
  const rows: string[] = [];
  const shape = (on: boolean) =>
    box.sh(
      on ? `tc qdisc replace dev tbg${box.index} root tbf rate 800mbit burst 256kb latency 50ms` : `tc qdisc del dev tbg${box.index} root 2>/dev/null || true`,
    );
  const sizes: Record<string, number> = {};
  for (const c of cases) sizes[c.id] = makeRun(c.id, c.files, c.mib);
  const line = (label: string, bytes: number, t: Record<'collect' | 'scp' | 'pipeline', number>) => {
    const s = (x: number) => `${(x / 1000).toFixed(2)} s`;
    rows.push(
      `| ${label} | ${(bytes / 2 ** 30).toFixed(2)} GiB | ${s(t.collect)} | ${s(t.scp)} | ${s(t.pipeline)} | **${(t.collect / t.scp).toFixed(3)}×** (goal ≤ 1.05) | **${(t.pipeline / t.collect).toFixed(2)}×** (goal ≥ 1.5) |`,
    );
  };
  shape(true);
  try {
    for (const c of cases) line(`${c.files} file${c.files > 1 ? 's' : ''}, 800 Mbit/s`, sizes[c.id] as number, measure(c.id));
  } finally {
    shape(false);
  }
  line('4 files, unshaped loopback', sizes['four'] as number, measure('four'));

  // The runner's CPU: each command under bash, whose `times` then gives its reaped children's user+sys
  // (node's ssh children are reaped by node, so they count; so are scp's ssh).
  const cpuOf = (argv: string[]) => {
    const r = spawnSync('bash', ['-c', '"$@" >/dev/null 2>&1; s=$?; times; exit $s', 'cpu', ...argv], { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`cpu run of ${argv[0]} failed (${r.status})`);
    const [u, sy] = (r.stdout.trim().split('\n').pop() ?? '').split(/\s+/).map((t) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    });
    return (u as number) + (sy as number);
  };
  const cpu: Record<'collect' | 'scp', number[]> = { collect: [], scp: [] };
  const four = `${box.home}/code/four`;
  for (let run = 0; run < RUNS; run++) {
    for (const name of rotate(['collect', 'scp'] as const, run)) {
      const out = join(work, `cpu-${name}`);
      spawnSync('sync');
      cpu[name].push(
        name === 'collect'
          ? cpuOf([node, 'dist/cli/index.js', 'collect', ...flags({ ...conn, 'run-id': 'four', 'dest-dir': out })])
          : cpuOf(['scp', ...sshOpts, '-q', '-r', `root@${box.addr}:${four}`, out]),
      );
      rmSync(out, { recursive: true, force: true });
    }
  }
  const gib = (sizes['four'] as number) / 2 ** 30;
  const perGiB = { collect: median(cpu.collect) / gib, scp: median(cpu.scp) / gib };
  console.log(`collect bench: real torch checkpoints, median of ${RUNS} runs, one namespace box (2 cores shared by box and runner)`);
  console.log('| case | bytes | collect (incl. verify) | scp | seeds pipeline | collect / scp | pipeline / collect |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(
    `runner CPU per GiB collected (4 files, unshaped; user+sys incl. ssh children): collect ${perGiB.collect.toFixed(2)} s/GiB, scp client ${perGiB.scp.toFixed(2)} s/GiB: **${(perGiB.collect / perGiB.scp).toFixed(2)}×** (goal ≤ 1.5)`,
  );

  // Verifier throughput and memory on one large torch checkpoint (no stream scan: the whole file is read).
  const ckpt = join(work, 'big.pt');
  const py = spawnSync(PY, ['-c', `import torch; torch.save({'w': torch.zeros(${Math.floor((GIB * 2 ** 30) / 4)})}, '${ckpt}')`], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (py.status !== 0) throw new Error(py.stderr);
  const script = join(process.cwd(), 'bench', '.verify-tmp.mts');
  writeFileSync(
    script,
    `import { fileSource } from '${process.cwd()}/src/verify/file-source.ts';\nimport { verifyTorch } from '${process.cwd()}/src/verify/verifiers/torch.ts';\nconst s = await fileSource(process.argv[2]);\nconst t0 = performance.now();\nconst r = await verifyTorch(s);\nconst t = performance.now() - t0;\nawait s.close();\nconsole.log(JSON.stringify({ ok: r.ok, ms: t, rssMB: process.resourceUsage().maxRSS / 1024 }));\n`,
  );
  const v = spawnSync('node_modules/.bin/tsx', [script, ckpt], { encoding: 'utf8', timeout: 600_000 });
  if (v.status !== 0) throw new Error(`verifier run failed: ${v.stderr}`);
  const res = JSON.parse(v.stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; ms: number; rssMB: number };
  const size = statSync(ckpt).size;
  console.log(
    `torch verifier reading a ${(size / 2 ** 30).toFixed(2)} GiB checkpoint itself: ok=${res.ok}, ${(size / 1e6 / (res.ms / 1000)).toFixed(0)} MB/s (goal >= 800), peak RSS ${res.rssMB.toFixed(0)} MB (goal <= 200, includes Node and tsx)`,
  );
} finally {
  rmSync(join(process.cwd(), 'bench', '.verify-tmp.mts'), { force: true });
  box.destroy();
  rmSync(work, { recursive: true, force: true });
}
