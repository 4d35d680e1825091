// Collect benchmarks, ratios in one run (nothing asserted): collect (manifest hashing on the box + pinned
// OpenSSH pull hashed as it streams + completeness + structural verify) of several files vs scp and rsync
// of the same files; then the torch verifier's throughput and peak RSS on one large checkpoint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBox } from '../test/harness/box.ts';

const GIB = Number(process.env['BENCH_GIB'] ?? 2);
const FILES = 4;
const per = Math.floor((GIB * 1024) / FILES); // MiB per file
const node = process.execPath;
const ms = (fn: () => void) => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
const box = await createBox();
const work = mkdtempSync(join(tmpdir(), 'tether-bench-collect-'));
try {
  box.sh(`mkdir -p ${box.home}/code/ck && for i in $(seq 1 ${FILES}); do head -c ${per}M /dev/urandom > ${box.home}/code/ck/shard$i.bin; done`, 300_000);
  const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
  const conn = box.inputs({ 'connect-timeout': '15' });
  let r = spawnSync(
    node,
    [
      'dist/cli/index.js',
      'launch',
      ...flags({
        ...conn,
        'run-id': 'bc',
        command: 'true',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        checkpoints: 'ck/*.bin',
        'run-file': join(work, 'run.json'),
      }),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  const bytes = FILES * per * 2 ** 20;
  const kh = join(work, 'kh');
  writeFileSync(kh, `${box.hostKeyLine}\n`);
  const sshOpts = ['-i', box.clientKeyPath, '-o', `UserKnownHostsFile=${kh}`, '-o', 'BatchMode=yes'];
  const results: Record<string, number> = {};
  for (const [name, run] of [
    [
      'collect',
      () =>
        (r = spawnSync(node, ['dist/cli/index.js', 'collect', ...flags({ ...conn, 'run-id': 'bc', 'dest-dir': join(work, 'collect') })], {
          encoding: 'utf8',
          timeout: 600_000,
        })),
    ],
    ['scp', () => spawnSync('scp', [...sshOpts, '-q', '-r', `root@${box.addr}:${box.home}/code/ck`, join(work, 'scp')], { timeout: 600_000 })],
    [
      'rsync',
      () => spawnSync('rsync', ['-a', '-e', `ssh ${sshOpts.join(' ')}`, `root@${box.addr}:${box.home}/code/ck/`, join(work, 'rsync/')], { timeout: 600_000 }),
    ],
  ] as const) {
    spawnSync('sync');
    results[name] = ms(run as () => void);
    if (name === 'collect' && r.status !== 0) throw new Error(`collect failed: ${r.stderr}`);
    rmSync(join(work, name), { recursive: true, force: true });
  }
  const mbs = (t: number) => bytes / 1e6 / (t / 1000);
  console.log(`${FILES} files, ${(bytes / 2 ** 30).toFixed(2)} GiB of random bytes, one namespace box (2 cores shared by box and runner)`);
  for (const [k, t] of Object.entries(results)) console.log(`${k.padEnd(8)} ${(t / 1000).toFixed(2)} s  ${mbs(t).toFixed(0)} MB/s`);
  console.log(
    `collect (with box hashing, streaming hash, verify) vs scp: ${(results['scp']! / results['collect']!).toFixed(2)}x throughput (goal >= 1.2x); vs rsync: ${(results['rsync']! / results['collect']!).toFixed(2)}x`,
  );

  // Verifier throughput and memory on one large torch checkpoint.
  const ckpt = join(work, 'big.pt');
  const py = spawnSync('/usr/bin/python3', ['-c', `import torch; torch.save({'w': torch.zeros(${Math.floor((GIB * 2 ** 30) / 4)})}, '${ckpt}')`], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (py.status === 0) {
    const script = join(process.cwd(), 'bench', '.verify-tmp.mts');
    writeFileSync(
      script,
      `import { fileSource } from '${process.cwd()}/src/collect/file-source.ts';\nimport { verifyTorch } from '${process.cwd()}/src/collect/verifiers/torch.ts';\nconst s = await fileSource(process.argv[2]);\nconst t0 = performance.now();\nconst r = await verifyTorch(s);\nconst t = performance.now() - t0;\nawait s.close();\nconsole.log(JSON.stringify({ ok: r.ok, ms: t, rssMB: process.resourceUsage().maxRSS / 1024 }));\n`,
    );
    const v = spawnSync('node_modules/.bin/tsx', [script, ckpt], { encoding: 'utf8', timeout: 600_000 });
    if (v.status !== 0) throw new Error(`verifier run failed: ${v.stderr}`);
    const out = JSON.parse(v.stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; ms: number; rssMB: number };
    const size = statSync(ckpt).size;
    console.log(
      `torch verifier on a ${(size / 2 ** 30).toFixed(2)} GiB checkpoint: ok=${out.ok}, ${(size / 1e6 / (out.ms / 1000)).toFixed(0)} MB/s (goal >= 800), peak RSS ${out.rssMB.toFixed(0)} MB (goal <= 200, includes Node and tsx)`,
    );
  } else {
    console.log(`torch verifier bench skipped: /usr/bin/python3 cannot import torch (${py.stderr.trim().split('\n').pop()})`);
  }
} finally {
  rmSync(join(process.cwd(), 'bench', '.verify-tmp.mts'), { force: true });
  box.destroy();
  rmSync(work, { recursive: true, force: true });
}
