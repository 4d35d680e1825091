import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageDtypes, TORCH_PKL_MAX, verifyTorch } from '../../src/verify/verifiers/torch.ts';
import type { ByteSource } from '../../src/verify/verifiers/types.ts';
import { ZipStreamScan } from '../../src/verify/verifiers/zip-stream.ts';
import { prng, torchZip, zip } from '../harness/craft.ts';

const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { timeout: 60_000 }).status === 0;
let dir = '';
beforeAll(() => {
  if (!hasTorch) return;
  dir = mkdtempSync(join(tmpdir(), 'tether-zipstream-'));
  const r = spawnSync(PY, ['test/fixtures/make_checkpoints.py', dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

/** A source over bytes that counts what the verifier reads. */
function counted(b: Buffer): ByteSource & { readBytes: number } {
  const s = {
    size: b.length,
    readBytes: 0,
    read: async (o: number, n: number) => {
      const out = b.subarray(o, Math.min(b.length, o + n));
      s.readBytes += out.length;
      return out;
    },
  };
  return s;
}

/** Feeds the bytes to a scan in random pieces (1 byte to 70 kB), as pipe reads arrive. */
function scanOf(b: Buffer, seed: number) {
  const rnd = prng(seed);
  const scan = new ZipStreamScan(storageDtypes, TORCH_PKL_MAX);
  for (let p = 0; p < b.length;) {
    const n = Math.max(1, Math.floor(rnd() * (rnd() < 0.2 ? 16 : 70_000)));
    scan.write(b.subarray(p, p + n));
    p += n;
  }
  return scan.scans;
}

/** A copy with one random bit flipped. */
function flipped(b: Buffer, rnd: () => number): Buffer {
  const out = Buffer.from(b);
  const k = Math.floor(rnd() * out.length);
  out[k] = (out[k] as number) ^ (1 << Math.floor(rnd() * 8));
  return out;
}

const floats = (n: number, bad: number[] = []) => {
  const b = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) b.writeFloatLE(Math.sin(i), 4 * i);
  for (const i of bad) b.writeFloatLE(i % 2 ? Infinity : NaN, 4 * i);
  return b;
};

describe('a pass over a checkpoint as its bytes arrive (CRC32s and the NaN/Inf scan done on arrival)', () => {
  it('gives the verifier the same answer with and without it, and spares it reading the tensor data', async () => {
    const file = torchZip(
      [
        { name: 'w', key: '0', numel: 500_000, offset: 0, shape: [500_000], stride: [1] },
        { name: 'b', key: '1', numel: 300_000, offset: 0, shape: [300_000], stride: [1] },
      ],
      (k, n) => floats(n, k === '1' ? [7, 8, 299_999] : []),
    );
    const plain = counted(file);
    const want = await verifyTorch(plain);
    expect(want.nonFinite).toEqual([{ name: 'b', count: 3 }]);
    for (const seed of [1, 2, 3]) {
      const scans = scanOf(file, seed);
      expect([...scans.values()].filter((s) => s.dtype === 'float32').map((s) => s.nonFinite)).toEqual([0, 3]);
      const src = counted(file);
      expect(await verifyTorch(src, scans)).toEqual(want);
      expect(plain.readBytes).toBeGreaterThan(3_000_000);
      expect(src.readBytes).toBeLessThan(100_000); // the directory (the last 64 kB), data.pkl and the local headers only
    }
  });

  it('never decides a result: on crafted, truncated and flipped files the verifier says what it says without it', async () => {
    const base = torchZip([{ name: 'w', key: '0', numel: 4096, offset: 0, shape: [4096], stride: [1] }], (_k, n) => floats(n));
    const rnd = prng(7);
    const cases: Buffer[] = [
      base,
      base.subarray(0, 100),
      base.subarray(0, base.length - 30),
      zip([
        { name: 'archive/data.pkl', data: Buffer.from('not a pickle') },
        { name: 'archive/data/0', data: floats(16), deflate: true },
      ]),
      Buffer.from('PK\x03\x04garbage that claims to be a zip'),
      Buffer.alloc(5000, 0xff),
    ];
    for (let i = 0; i < 40; i++) {
      cases.push(flipped(base, rnd));
    }
    for (const [i, b] of cases.entries()) {
      const without = await verifyTorch(counted(b));
      expect(await verifyTorch(counted(b), scanOf(b, i)), `case ${i}`).toEqual(without);
    }
  });

  it.skipIf(!hasTorch)('on every checkpoint torch itself wrote: the same answer, with every stored entry scanned', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.pt'));
    expect(files.length).toBeGreaterThan(1);
    for (const f of files) {
      const b = readFileSync(join(dir, f));
      const scans = scanOf(b, f.length);
      expect(await verifyTorch(counted(b), scans), f).toEqual(await verifyTorch(counted(b)));
    }
    const model = readFileSync(join(dir, 'model.pt'));
    // torch.save ends each entry with a data descriptor: a flipped bit anywhere still gets the verifier's own answer.
    const rnd = prng(11);
    for (let i = 0; i < 60; i++) {
      const b = flipped(model, rnd);
      expect(await verifyTorch(counted(b), scanOf(b, i)), `flip ${i}`).toEqual(await verifyTorch(counted(b)));
    }
    const scans = scanOf(model, 99);
    expect(scans.size).toBeGreaterThan(12);
    expect([...scans.values()].some((s) => s.dtype === 'bfloat16')).toBe(true);
    expect([...scans.values()].some((s) => s.dtype === 'float64')).toBe(true);
  });
});
