import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../src/verify/file-source.ts';
import { verifyOne } from '../../src/verify/verify-files.ts';
import { verifySafetensors } from '../../src/verify/verifiers/safetensors.ts';
import { verifyTorch } from '../../src/verify/verifiers/torch.ts';
import type { ByteSource, VerifyResult } from '../../src/verify/verifiers/types.ts';
import { dataOffset, readCentralDirectory } from '../../src/verify/verifiers/zip.ts';

const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch'], { timeout: 60_000 }).status === 0;
let dir: string;
let expected: { 'model.pt': Array<{ name: string; dtype: string; shape: number[] }> };
beforeAll(() => {
  if (!hasTorch) return;
  dir = mkdtempSync(join(tmpdir(), 'tether-ckpt-'));
  const r = spawnSync(PY, ['test/fixtures/make_checkpoints.py', dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  expected = JSON.parse(r.stdout);
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

const mem = (b: Buffer): ByteSource => ({ size: b.length, read: async (o, n) => b.subarray(o, Math.min(b.length, o + n)) });
async function onFile(path: string, fn: (s: ByteSource) => Promise<VerifyResult>): Promise<VerifyResult> {
  const s = await fileSource(path);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe.skipIf(!hasTorch)('structural verification against checkpoints written by torch', () => {
  it('lists exactly the tensors torch.load sees, with dtypes and shapes, and passes', async () => {
    const r = await onFile(join(dir, 'model.pt'), verifyTorch);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape }))).toEqual(expected['model.pt']);
    expect(r.tensors.length).toBeGreaterThan(12);
  });

  it('finds the planted NaN and names the tensor', async () => {
    const r = await onFile(join(dir, 'nan.pt'), verifyTorch);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([]);
    expect(r.nonFinite).toEqual([{ name: 'w', count: 1 }]);
  });

  it('fails every truncation with a reason', async () => {
    const whole = readFileSync(join(dir, 'model.pt'));
    for (const cut of [
      0,
      1,
      21,
      100,
      1000,
      Math.floor(whole.length / 3),
      Math.floor(whole.length / 2),
      whole.length - 200,
      whole.length - 22,
      whole.length - 1,
    ]) {
      const r = await verifyTorch(mem(whole.subarray(0, cut)));
      expect(r.ok, `cut at ${cut}`).toBe(false);
      expect(r.problems.length, `cut at ${cut}`).toBeGreaterThan(0);
    }
  });

  it('catches bit flips in the zip header, the pickle and the tensor data', async () => {
    const whole = readFileSync(join(dir, 'model.pt'));
    const entries = await readCentralDirectory(mem(whole));
    const at = async (suffix: string) =>
      dataOffset(
        mem(whole),
        entries.find((e) => e.name.endsWith(suffix))!,
      );
    const cases: Array<[string, number, RegExp]> = [
      ['local header signature', 1, /local header missing/],
      ['pickle bytes', (await at('data.pkl')) + 40, /data\.pkl: CRC32 mismatch/],
      ['tensor bytes', (await at('data/0')) + 3, /data\/0: CRC32 mismatch/],
      // The last 'data/0' is the central directory's copy of the entry name.
      ['central directory name', whole.lastIndexOf(Buffer.from('data/0')) + 5, /storage 0 \(data\/0\) is missing/],
    ];
    for (const [where, pos, reason] of cases) {
      const b = Buffer.from(whole);
      b[pos] = (b[pos] as number) ^ 0x10;
      const r = await verifyTorch(mem(b));
      expect(r.ok, where).toBe(false);
      expect(r.problems.join(' '), where).toMatch(reason);
    }
  });

  it('refuses zero bytes and garbage', async () => {
    expect((await verifyTorch(mem(Buffer.alloc(0)))).problems[0]).toMatch(/too short/);
    expect((await verifyTorch(mem(Buffer.from('x'.repeat(5000))))).problems[0]).toMatch(/no end-of-central-directory/);
  });

  it('safetensors: passes the real layout and fails broken ones', async () => {
    const good = await onFile(join(dir, 'model.safetensors'), verifySafetensors);
    expect(good).toMatchObject({ ok: true, problems: [] });
    expect(good.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'float32', [4, 4]],
      ['b', 'int64', [6]],
      ['c', 'float16', [3]],
    ]);
    const whole = readFileSync(join(dir, 'model.safetensors'));
    expect((await verifySafetensors(mem(whole.subarray(0, whole.length - 4)))).problems.join()).toMatch(/truncated or trailing/);
    const n = Number(whole.readBigUInt64LE(0));
    const header = JSON.parse(whole.subarray(8, 8 + n).toString());
    header.a.shape = [4, 5];
    const h = Buffer.from(JSON.stringify(header));
    const lenBuf = Buffer.alloc(8);
    lenBuf.writeBigUInt64LE(BigInt(h.length));
    const bad = await verifySafetensors(mem(Buffer.concat([lenBuf, h, whole.subarray(8 + n)])));
    expect(bad.problems[0]).toMatch(/a: float32\[4,5\] needs 80 bytes, data_offsets give 64/);
    const nanFile = Buffer.from(whole);
    nanFile.writeFloatLE(NaN, 8 + n);
    expect((await verifySafetensors(mem(nanFile))).nonFinite).toEqual([{ name: 'a', count: 1 }]);
  });
});

describe('the pickle reader executes nothing', () => {
  it('refuses a pickle that calls os.system', async () => {
    const { unpickle } = await import('../../src/verify/verifiers/pickle.ts');
    const evil = Buffer.from("cos\nsystem\n(S'touch /tmp/pwned'\ntR.", 'latin1');
    expect(() => unpickle(evil)).toThrow(/refusing to interpret os.system/);
  });
});

describe('NaN/Inf scan', () => {
  it('finds non-finite values in f64, f32, f16 and bf16, and only those', async () => {
    const { countNonFinite } = await import('../../src/verify/verifiers/finite.ts');
    const f64 = Buffer.alloc(8 * 4);
    [1.5, NaN, -Infinity, 0].forEach((v, i) => f64.writeDoubleLE(v, i * 8));
    const f32 = Buffer.alloc(4 * 5);
    [1, 2, Infinity, NaN, -0].forEach((v, i) => f32.writeFloatLE(v, i * 4));
    // f16: 0x3c00 = 1, 0x7c00 = +Inf, 0x7e00 = NaN, 0xfbff = -65504 (finite); bf16: 0x3f80 = 1, 0x7fc0 = NaN, 0xff80 = -Inf
    const f16 = Buffer.from(new Uint16Array([0x3c00, 0x7c00, 0x7e00, 0xfbff]).buffer);
    const bf16 = Buffer.from(new Uint16Array([0x3f80, 0x7fc0, 0xff80, 0x7f7f]).buffer);
    expect(await countNonFinite(mem(f64), 0, f64.length, 'float64')).toBe(2);
    expect(await countNonFinite(mem(f32), 0, f32.length, 'float32')).toBe(2);
    expect(await countNonFinite(mem(f16), 0, f16.length, 'float16')).toBe(2);
    expect(await countNonFinite(mem(bf16), 0, bf16.length, 'bfloat16')).toBe(2);
    // An unaligned slice is read correctly too.
    const shifted = Buffer.concat([Buffer.alloc(1), f32]).subarray(1);
    expect(await countNonFinite(mem(shifted), 0, shifted.length, 'float32')).toBe(2);
  });

  it('agrees with a decode of every element on random bytes at every offset, in each dtype', async () => {
    const { nonFiniteIn } = await import('../../src/verify/verifiers/finite.ts');
    // A seeded generator whose bytes often hit all-ones exponents (0x7f, 0xff, 0xf0..), so both answers are exercised.
    let x = 12345;
    const byte = () => {
      x = (x * 1103515245 + 12345) >>> 0;
      const r = x >>> 24;
      return r < 96 ? ([0x7f, 0xff, 0xfc, 0x7c, 0xf0, 0x80][r % 6] as number) : r;
    };
    const half = (v: number, dtype: string) => (dtype === 'bfloat16' ? (v & 0x7f80) === 0x7f80 : (v & 0x7c00) === 0x7c00);
    for (const dtype of ['float64', 'float32', 'float16', 'bfloat16']) {
      const size = dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 2;
      let seenBad = 0;
      for (const offset of [0, 1, 2, 3, 5, 7]) {
        const all = Buffer.from(Array.from({ length: offset + size * 400 }, byte));
        const b = all.subarray(offset);
        let want = 0;
        for (let i = 0; i < b.length; i += size) {
          const bad = size === 8 ? !Number.isFinite(b.readDoubleLE(i)) : size === 4 ? !Number.isFinite(b.readFloatLE(i)) : half(b.readUInt16LE(i), dtype);
          if (bad) want++;
        }
        expect(nonFiniteIn(b, dtype), `${dtype} at offset ${offset}`).toBe(want);
        seenBad += want;
      }
      expect(seenBad, dtype).toBeGreaterThan(10);
    }
  });
});

describe.skipIf(!hasTorch)('NumPy .npy and .npz written by numpy', () => {
  it('reads dtype and shape, finds NaN/Inf, refuses truncation and object arrays', async () => {
    const { verifyNpy, verifyNpz } = await import('../../src/verify/verifiers/npy.ts');
    const arr = await onFile(join(dir, 'arr.npy'), verifyNpy);
    expect(arr).toMatchObject({ ok: true, tensors: [{ dtype: 'float32', shape: [3, 4], bytes: 48 }] });
    expect((await onFile(join(dir, 'nan.npy'), verifyNpy)).nonFinite).toEqual([{ name: 'array', count: 2 }]);
    const whole = readFileSync(join(dir, 'arr.npy'));
    expect((await verifyNpy(mem(whole.subarray(0, whole.length - 4)))).problems[0]).toMatch(/needs 48 data bytes, the file has 44/);
    const objectArray = Buffer.from(whole.toString('latin1').replace("'<f4'", "'|O' "), 'latin1');
    expect((await verifyNpy(mem(objectArray))).problems[0]).toMatch(/object arrays/);
    const npz = await onFile(join(dir, 'bundle.npz'), verifyNpz);
    expect(npz.ok).toBe(true);
    expect(npz.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'float16', [2, 3]],
      ['b', 'int64', [5]],
    ]);
    expect((await onFile(join(dir, 'packed.npz'), verifyNpz)).tensors[0]).toMatchObject({ name: 'c', dtype: 'float64', shape: [100] });
  });
});

describe('GGUF: header, metadata, tensor infos, aligned data section', () => {
  const make = (extra: string[] = []) => {
    const d = mkdtempSync(join(tmpdir(), 'tether-gguf-'));
    const r = spawnSync(PY, ['test/fixtures/make_gguf.py', join(d, 'm.gguf'), ...extra], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(r.stderr);
    const bytes = readFileSync(join(d, 'm.gguf'));
    rmSync(d, { recursive: true, force: true });
    return { bytes, expected: JSON.parse(r.stdout) as { data_start: number; tensors: Array<{ name: string; dtype: string; shape: number[]; bytes: number }> } };
  };
  const hasNumpy = existsSync(PY) && spawnSync(PY, ['-c', 'import numpy'], { timeout: 60_000 }).status === 0;
  /** Byte offset of a tensor's info record (its name's length prefix) in the header. */
  const infoAt = (b: Buffer, name: string) => b.indexOf(Buffer.from(name)) - 8;

  it.skipIf(!hasNumpy)('lists every tensor with its ggml type, shape and byte size, and passes', async () => {
    const { bytes, expected } = make();
    const r = await verifyOne('m.gguf', mem(bytes));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.format).toBe('gguf');
    expect(r.tensors.map(({ name, dtype, shape, bytes: n }) => ({ name, dtype, shape, bytes: n }))).toEqual(expected.tensors);
  });

  it.skipIf(!hasNumpy)('a NaN planted in an F32 tensor is named', async () => {
    const r = await verifyOne('m.gguf', mem(make(['--nan']).bytes));
    expect(r.ok).toBe(false);
    expect(r.nonFinite).toEqual([{ name: 'token_embd.weight', count: 1 }]);
  });

  it.skipIf(!hasNumpy)('each damage fails with a precise reason', async () => {
    const { bytes, expected } = make();
    const cases: Array<[string, (b: Buffer) => Buffer, RegExp]> = [
      ['bad magic', (b) => Buffer.concat([Buffer.from('GGUX'), b.subarray(4)]), /no GGUF magic/],
      ['version 1', (b) => (b.writeUInt32LE(1, 4), b), /GGUF version 1 is not supported/],
      ['a tensor count beyond the file', (b) => (b.writeBigUInt64LE(10n ** 9n, 8), b), /cannot fit/],
      ['a metadata string claiming 2^40 bytes', (b) => (b.writeBigUInt64LE(2n ** 40n, 24), b), /claims 1099511627776 bytes/],
      [
        'an unknown metadata value type',
        (b) => (b.writeUInt32LE(77, b.indexOf('general.architecture') + 20), b),
        /general.architecture: unknown value type 77/,
      ],
      [
        'a misaligned offset',
        (b) => {
          const at = infoAt(b, 'output.bias') + 8 + 11 + 4 + 8 + 4;
          b.writeBigUInt64LE(b.readBigUInt64LE(at) + 4n, at);
          return b;
        },
        /output.bias: offset \d+ is not a multiple of the alignment 64/,
      ],
      [
        'overlapping tensors',
        (b) => {
          const at = infoAt(b, 'output.bias') + 8 + 11 + 4 + 8 + 4;
          b.writeBigUInt64LE(192n, at);
          return b;
        },
        /overlaps blk.0.ffn_down.weight/,
      ],
      [
        'an unknown ggml type',
        (b) => {
          const at = infoAt(b, 'output.bias') + 8 + 11 + 4 + 8;
          b.writeUInt32LE(99, at);
          return b;
        },
        /output.bias: ggml type 99 is unknown/,
      ],
      [
        'a Q8_0 row that is not whole blocks',
        (b) => {
          const at = infoAt(b, 'blk.0.ffn_down.weight') + 8 + 21 + 4;
          b.writeBigUInt64LE(48n, at);
          b.writeBigUInt64LE(3n, at + 8);
          return b;
        },
        /Q8_0 packs 32 values per block, but the first dimension is 48/,
      ],
      ['five dimensions', (b) => (b.writeUInt32LE(5, infoAt(b, 'output.bias') + 8 + 11), b), /5 dimensions/],
      ['trailing bytes', (b) => Buffer.concat([b, Buffer.alloc(4096)]), /4096 bytes after the last tensor/],
    ];
    for (const [label, damage, reason] of cases) {
      const r = await verifyOne('m.gguf', mem(damage(Buffer.from(bytes))));
      expect(r.ok, label).toBe(false);
      expect(r.problems.join('; '), label).toMatch(reason);
    }
    // Truncation anywhere in header, metadata, infos or tensor data is caught (only the last tensor's
    // zero padding may go: no byte of any tensor is lost then).
    const lastEnd = bytes.length - ((64 - (expected.tensors.at(-1)!.bytes % 64)) % 64);
    expect((await verifyOne('m.gguf', mem(bytes.subarray(0, lastEnd)))).ok).toBe(true);
    for (let cut = 3; cut < lastEnd; cut += 37) {
      const r = await verifyOne('m.gguf', mem(bytes.subarray(0, cut)));
      expect(r.ok, `cut at ${cut}`).toBe(false);
      expect(r.problems.join('; '), `cut at ${cut}`).toMatch(/runs past the end|truncated|no GGUF magic|cannot fit in/);
    }
    expect(expected.data_start % 64).toBe(0);
  });
});
