import { describe, expect, it } from 'vitest';
import { verifyOne } from '../../src/verify/verify-files.ts';
import type { ByteSource } from '../../src/verify/verifiers/types.ts';
import { gguf, npy, prng, safetensors, torchZip, zip } from '../harness/craft.ts';

/**
 * Seeded, deterministic fuzzing of every structural verifier: thousands of mutants of valid files
 * (truncation, byte flips, length-field inflation, nesting by self-splicing). Each must get a verdict,
 * never an exception, within a time bound per KB, with the process's memory under a cap.
 */
const SEED = Number(process.env['TETHER_FUZZ_SEED'] ?? 20261123);
const PER_FORMAT = Number(process.env['TETHER_FUZZ_CASES'] ?? 2000);
const MS_BASE = 250;
const MS_PER_KB = 5;
const RSS_CAP = 1.5 * 2 ** 30;

const f32 = (xs: number[]) => Buffer.from(new Float32Array(xs).buffer);
const SEEDS: Record<string, Buffer> = {
  'model.pt': torchZip(
    [
      { name: 'w', key: '0', numel: 12, offset: 0, shape: [3, 4], stride: [4, 1] },
      { name: 'b', key: '1', numel: 4, offset: 1, shape: [3], stride: [1] },
    ],
    (_k, n) => f32(Array.from({ length: n }, (_, i) => i / 3)),
  ),
  'model.safetensors': safetensors(
    { __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'I64', shape: [1], data_offsets: [16, 24] } },
    Buffer.concat([f32([1, 2, 3, 4]), Buffer.alloc(8)]),
  ),
  'arr.npy': npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", f32([1, 2, 3, 4, 5, 6, 7, 8])),
  'bundle.npz': zip([
    { name: 'a.npy', data: npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", Buffer.alloc(24)) },
    { name: 'b.npy', data: npy("{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }", Buffer.alloc(10)), deflate: true },
  ]),
  'model.gguf': gguf(16),
};

type Mutation = (b: Buffer, r: () => number) => Buffer;
const at = (b: Buffer, r: () => number) => Math.floor(r() * Math.max(1, b.length));
const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, r) => b.subarray(0, at(b, r)),
  flip: (b, r) => {
    const c = Buffer.from(b);
    for (let i = 1 + Math.floor(r() * 8); i > 0; i--) c[at(c, r)] = Math.floor(r() * 256);
    return c;
  },
  // A length or offset field blown up: a u16/u32/u64 of ones or a large value at a random place.
  inflate: (b, r) => {
    const c = Buffer.from(b);
    const p = Math.min(at(c, r), Math.max(0, c.length - 8));
    const big = [0xffffffff, 0x7fffffff, 0x10000000, c.length * 2 + 1][Math.floor(r() * 4)] as number;
    if (c.length >= p + 4) c.writeUInt32LE(big >>> 0, p);
    if (r() < 0.3 && c.length >= p + 8) c.writeUInt32LE(0xffffffff, p + 4);
    return c;
  },
  // Nesting: a slice of the file spliced into itself, repeated (repeats opcodes, headers, brackets).
  nest: (b, r) => {
    const s = at(b, r);
    const e = Math.min(b.length, s + 1 + Math.floor(r() * 64));
    const times = 1 + Math.floor(r() * 200);
    return Buffer.concat([b.subarray(0, e), ...Array.from({ length: times }, () => b.subarray(s, e)), b.subarray(e)]);
  },
};

const mem = (b: Buffer): ByteSource => ({ size: b.length, read: async (o, n) => b.subarray(o, Math.min(b.length, o + n)) });

describe('verifier fuzzing (seeded)', () => {
  for (const [path, seed] of Object.entries(SEEDS)) {
    it(`${path}: ${PER_FORMAT} mutants each get a verdict, no exception, bounded time and memory`, async () => {
      expect((await verifyOne(path, mem(seed))).ok, `${path} seed must verify`).toBe(true);
      const r = prng(SEED ^ path.length ^ seed.length);
      const names = Object.keys(MUTATIONS);
      const seen = { ok: 0, failed: 0 };
      for (let i = 0; i < PER_FORMAT; i++) {
        const kind = names[i % names.length] as string;
        const bytes = (MUTATIONS[kind] as Mutation)(seed, r);
        const t0 = performance.now();
        const v = await verifyOne(path, mem(bytes));
        const ms = performance.now() - t0;
        expect(typeof v.ok, `case ${i} (${kind})`).toBe('boolean');
        expect(Array.isArray(v.problems), `case ${i} (${kind})`).toBe(true);
        if (!v.ok) expect(v.problems.length + v.nonFinite.length, `case ${i} (${kind}) failed without a reason`).toBeGreaterThan(0);
        expect(ms, `case ${i} (${kind}) of ${bytes.length} bytes`).toBeLessThan(MS_BASE + (MS_PER_KB * bytes.length) / 1024);
        if (v.ok) seen.ok++;
        else seen.failed++;
        if (i % 100 === 0) expect(process.memoryUsage().rss).toBeLessThan(RSS_CAP);
      }
      expect(process.memoryUsage().rss).toBeLessThan(RSS_CAP);
      // The mutations really reach the parsers: most mutants fail (and say why), yet the run covered both.
      expect(seen.failed).toBeGreaterThan(PER_FORMAT / 2);
    }, 120_000);
  }
});
