import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyOne } from '../../src/verify/verify-files.ts';
import { parseNpyHeader } from '../../src/verify/verifiers/npy.ts';
import type { ByteSource, VerifyResult } from '../../src/verify/verifiers/types.ts';
import { npy, P, pickleZip, safetensors, torchPickle, torchZip, tupleOf, unzip, zip, type TensorSpec } from '../harness/craft.ts';

const mem = (b: Buffer): ByteSource => ({ size: b.length, read: async (o, n) => b.subarray(o, Math.min(b.length, o + n)) });

/** Runs a verifier on crafted bytes; the verdict must arrive quickly and must not be an exception. */
async function verdict(path: string, bytes: Buffer, budgetMs = 2000): Promise<VerifyResult> {
  const t0 = performance.now();
  const r = await verifyOne(path, mem(bytes));
  expect(performance.now() - t0, `${path}: time`).toBeLessThan(budgetMs);
  return r;
}

const PY = '/usr/bin/python3';
const hasTorch = existsSync(PY) && spawnSync(PY, ['-c', 'import torch, numpy'], { timeout: 60_000 }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tether-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** What the real loader says of the same bytes: true when it loads them. */
function realLoads(name: string, bytes: Buffer, code: string): boolean {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return spawnSync(PY, ['-c', code, f], { timeout: 60_000 }).status === 0;
}
const TORCH_LOAD = 'import torch,sys; torch.load(sys.argv[1], weights_only=True)';
const NP_LOAD = 'import numpy,sys; numpy.load(sys.argv[1], allow_pickle=False)';

describe('crafted pickles are bounded in time', () => {
  it('memo reuse (a DAG of 10^30 paths in a few hundred bytes) is walked once per object', async () => {
    // l0 = []; l(k+1) = [lk × 10], each list memoized and fetched 10 times.
    const parts = [P.proto, P.emptyList, P.put(0)];
    for (let k = 1; k <= 30; k++) parts.push(P.emptyList, P.mark, ...Array.from({ length: 10 }, () => P.get(k - 1)), P.appends, P.put(k));
    parts.push(P.stop);
    const r = await verdict('bomb.pt', pickleZip(Buffer.concat(parts)));
    expect(r.format).toBe('torch-zip');
    expect(r.tensors).toEqual([]);
  });

  it('a self-referencing list neither recurses forever nor overflows the stack', async () => {
    const r = await verdict('loop.pt', pickleZip(Buffer.concat([P.proto, P.emptyList, P.put(0), P.get(0), P.append, P.stop])));
    expect(r.problems.join()).not.toMatch(/stack/i);
  });

  it('nesting 200,000 lists deep is refused with a reason, not a crash', async () => {
    const n = 200_000;
    const pkl = Buffer.concat([P.proto, Buffer.alloc(n, ']'), Buffer.alloc(n - 1, 'a'), P.stop]);
    const r = await verdict('deep.pt', pickleZip(pkl));
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/deeper than/);
  });

  it('a 4 MB LONG4 is refused at once (decoding it would be quadratic)', async () => {
    const r = await verdict('long.pt', pickleZip(Buffer.concat([P.proto, P.long4(Buffer.alloc(4 << 20, 0x7f)), P.stop])));
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/LONG of 4194304 bytes/);
  });
});

describe('crafted archives cannot make us inflate more than they declare', () => {
  const bomb = Buffer.alloc(64 << 20); // 64 MiB of zeros deflates to ~64 KB
  it('an entry declaring far more than deflate can produce is refused before inflating', async () => {
    const r = await verdict(
      'ratio.pt',
      zip([{ name: 'archive/data.pkl', data: Buffer.from('x'), raw: Buffer.from([0x03, 0x00]), declaredSize: 4_000_000_000 }]),
    );
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/more than deflate can produce/);
  });

  it('an entry that inflates past its declared size stops at the declared size', async () => {
    const before = process.memoryUsage().rss;
    const r = await verdict('grow.npz', zip([{ name: 'a.npy', data: bomb, deflate: true, declaredSize: 1000 }]), 5000);
    expect(r.ok).toBe(false);
    expect(r.problems.join()).toMatch(/inflates past its declared 1000 bytes|more than deflate/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
    const pkl = await verdict(
      'grow.pt',
      zip([
        { name: 'archive/data.pkl', data: bomb, deflate: true, declaredSize: 1000 },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ]),
      5000,
    );
    expect(pkl.ok).toBe(false);
    expect(pkl.problems.join()).toMatch(/inflates past its declared 1000 bytes|more than deflate/);
  });

  it('a large compressed npz member is verified streaming, in bounded memory', async () => {
    const data = Buffer.alloc(128 << 20);
    const member = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (33554432,), }", data);
    const before = process.memoryUsage().rss;
    const r = await verdict('big.npz', zip([{ name: 'x.npy', data: member, deflate: true }]), 20_000);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.tensors[0]?.shape).toEqual([33554432]);
    expect(process.memoryUsage().rss - before).toBeLessThan(400 << 20);
  });
});

describe('malformed headers are a failure of the file, never an exception', () => {
  it.each<[string, string, Buffer]>([
    ['safetensors null header', 'a.safetensors', safetensors(null, Buffer.alloc(0))],
    ['safetensors array header', 'a.safetensors', safetensors([1, 2], Buffer.alloc(0))],
    ['safetensors null entry', 'a.safetensors', safetensors({ w: null }, Buffer.alloc(0))],
    ['safetensors string offsets', 'a.safetensors', safetensors({ w: { dtype: 'F32', shape: [1], data_offsets: 'ab' } }, Buffer.alloc(4))],
    ['safetensors bad UTF-8', 'a.safetensors', Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d])])],
    ['safetensors metadata not strings', 'a.safetensors', safetensors({ __metadata__: { a: 1 } }, Buffer.alloc(0))],
    ['npy header that is not a dict', 'a.npy', npy('[1, 2]', Buffer.alloc(0))],
    ['npy structured dtype', 'a.npy', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", Buffer.alloc(4))],
    ['npy extra key', 'a.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }", Buffer.alloc(4))],
    [
      'zip64 fields without a locator',
      'a.pt',
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(4), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.alloc(10)]),
    ],
  ])('%s', async (_n, path, bytes) => {
    const r = await verdict(path, bytes);
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(0);
  });
});

const view = (over: Partial<TensorSpec>): TensorSpec => ({ name: 'w', key: '0', numel: 12, offset: 0, shape: [3, 4], stride: [4, 1], ...over });

describe('agreement with the real loaders', () => {
  it.each<[string, TensorSpec, boolean]>([
    ['a well-formed view', view({}), true],
    ['a view at an offset inside its storage', view({ offset: 2, shape: [10], stride: [1] }), true],
    ['a negative storage offset', view({ offset: -1 }), false],
    ['a non-integer storage offset', view({ offset: 1.5, shape: [2], stride: [1] }), false],
    ['a negative stride', view({ shape: [3], stride: [-1] }), false],
    ['a view past its storage', view({ offset: 4, shape: [3, 4] }), false],
  ])('torch view: %s', async (name, spec, loads) => {
    const bytes = torchZip([spec]);
    const r = await verdict('v.pt', bytes);
    expect(r.ok, r.problems.join('; ')).toBe(loads);
    if (hasTorch) expect(realLoads(`${name.replace(/\W+/g, '-')}.pt`, bytes, TORCH_LOAD), 'torch.load agrees').toBe(loads);
  });

  it('an .npy whose header names descr twice is refused (numpy would use the last, an object dtype)', async () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '|O', }";
    expect(parseNpyHeader(header)).toMatch(/twice/);
    const bytes = npy(header, Buffer.alloc(8));
    const r = await verdict('dup.npy', bytes);
    expect(r.ok).toBe(false);
    if (hasTorch) expect(realLoads('dup.npy', bytes, NP_LOAD), 'np.load refuses it too').toBe(false);
    const good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8));
    expect((await verdict('good.npy', good)).ok).toBe(true);
    if (hasTorch) expect(realLoads('good.npy', good, NP_LOAD)).toBe(true);
  });

  it('the crafted torch zip used as the fuzz seed is one torch.load loads', async () => {
    const bytes = torchZip([view({}), view({ name: 'b', key: '1', numel: 3, shape: [3], stride: [1] })]);
    expect((await verdict('seed.pt', bytes)).ok).toBe(true);
    if (hasTorch) expect(realLoads('seed.pt', bytes, TORCH_LOAD)).toBe(true);
  });

  it('tupleOf builds what the pickle reader reads', () => {
    expect(tupleOf(P.int(1), P.int(2)).length).toBe(6);
  });
});

describe('the torch verifier refuses what torch.load refuses (issue 23 §8)', () => {
  const T = [{ name: 'w', key: '0', numel: 4, offset: 0, shape: [4], stride: [1] }];
  const members = () => unzipOf(torchZip(T));
  const unzipOf = (b: Buffer) => unzip(b);
  const rebuilt = (f: (ms: ReturnType<typeof unzip>) => ReturnType<typeof unzip>) => zip(f(members()));
  it('an archive without its version record, or of a version torch cannot read', async () => {
    const none = await verdict(
      'nov.pt',
      rebuilt((ms) => ms.filter((m) => !m.name.endsWith('/version'))),
    );
    expect(none.problems.join()).toMatch(/no archive\/version record \(torch.load refuses it/);
    for (const v of ['11\n', '0\n', 'x\n', ''])
      expect(
        (
          await verdict(
            'v.pt',
            rebuilt((ms) => ms.map((m) => (m.name.endsWith('/version') ? { ...m, data: Buffer.from(v) } : m))),
          )
        ).problems.join(),
        v,
      ).toMatch(/archive version .* is not one torch.load reads/);
    expect((await verdict('ok.pt', torchZip(T))).ok).toBe(true);
  });
  it('a storage record shorter than its storage (torch 1.13 reads past it); a longer one is what torch ignores', async () => {
    const short = await verdict(
      'short.pt',
      rebuilt((ms) => ms.map((m) => (m.name.endsWith('/data/0') ? { ...m, data: m.data.subarray(0, 8) } : m))),
    );
    expect(short.problems.join()).toMatch(/storage 0: 8 bytes, float32 × 4 needs 16/);
    const long = await verdict(
      'long.pt',
      rebuilt((ms) => ms.map((m) => (m.name.endsWith('/data/0') ? { ...m, data: Buffer.concat([m.data, Buffer.alloc(8)]) } : m))),
    );
    expect(long.ok).toBe(true);
    expect(long.note).toMatch(/storage 0 has 8 bytes past what its tensors use \(ignored, as torch.load does\)/);
  });
  it('a record outside the archive directory, a dict key Python cannot hash, a storage location torch cannot restore, text that is not UTF-8', async () => {
    const outside = await verdict(
      'out.pt',
      rebuilt((ms) => [...ms, { name: 'elsewhere/x', data: Buffer.from('x') }]),
    );
    expect(outside.problems.join()).toMatch(/elsewhere\/x is not in the archive's directory archive\//);
    // {[]: 1}: TypeError: unhashable type: 'list'
    const unhashable = await verdict('key.pt', pickleZip(Buffer.concat([P.proto, P.emptyDict, P.emptyList, P.int(1), P.setitem, P.stop])));
    expect(unhashable.problems.join()).toMatch(/a dict key is a list/);
    const tupleKey = await verdict('tkey.pt', pickleZip(Buffer.concat([P.proto, P.emptyDict, tupleOf(P.int(1), P.emptyList), P.int(1), P.setitem, P.stop])));
    expect(tupleKey.problems.join()).toMatch(/a dict key is unhashable/);
    const hashableKey = await verdict('hkey.pt', pickleZip(Buffer.concat([P.proto, P.emptyDict, tupleOf(P.int(1), P.str('a')), P.int(1), P.setitem, P.stop])));
    expect(hashableKey.problems).toEqual([]);
    const gpu = torchPickle(T).toString('latin1').replace('cpu', 'tpu');
    const tpu = await verdict(
      'tpu.pt',
      rebuilt((ms) => ms.map((m) => (m.name.endsWith('data.pkl') ? { ...m, data: Buffer.from(gpu, 'latin1') } : m))),
    );
    expect(tpu.problems.join()).toMatch(/storage location "tpu" is not one torch.load restores/);
    const bad = Buffer.concat([P.proto, Buffer.from([0x8c, 2, 0xc3, 0x28]), P.stop]);
    expect((await verdict('utf.pt', pickleZip(bad))).problems.join()).toMatch(/pickle text is not UTF-8/);
  });
});
