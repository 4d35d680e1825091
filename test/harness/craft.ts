import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Builders for checkpoint files written byte by byte, the way the formats' specs lay them out: valid
 * ones (the fuzz seeds) and crafted hostile ones. No torch or numpy is needed to make them; where those
 * are installed, tests hand the same bytes to torch.load / np.load to check the verdicts agree.
 */

export interface ZipMember {
  name: string;
  data: Buffer;
  /** Deflate the member (method 8); by default stored (method 0). */
  deflate?: boolean;
  /** Lie in the central directory: declared uncompressed size. */
  declaredSize?: number;
  /** Raw bytes to store as the compressed data instead of deflating `data`. */
  raw?: Buffer;
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/** A zip archive (no zip64): local headers, data, central directory, end record. */
export function zip(members: ZipMember[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let at = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const method = m.deflate || m.raw ? 8 : 0;
    const body = m.raw ?? (method === 8 ? deflateRawSync(m.data) : m.data);
    const crc = crc32(m.data) >>> 0;
    const size = m.declaredSize ?? m.data.length;
    const fixed = [u16(20), u16(0), u16(method), u16(0), u16(0x21), u32(crc), u32(body.length), u32(size), u16(name.length)];
    const local = Buffer.concat([u32(0x04034b50), ...fixed, u16(0), name]);
    central.push(Buffer.concat([u32(0x02014b50), u16(20), ...fixed, u16(0), u16(0), u16(0), u16(0), u32(0), u32(at), name]));
    parts.push(local, body);
    at += local.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(members.length), u16(members.length), u32(cd.length), u32(at), u16(0)]);
  return Buffer.concat([...parts, cd, end]);
}

/** Pickle protocol-2 opcodes for the subset torch.save writes (and the hostile shapes built from them). */
export const P = {
  proto: Buffer.from([0x80, 0x02]),
  stop: Buffer.from('.'),
  mark: Buffer.from('('),
  emptyDict: Buffer.from('}'),
  emptyList: Buffer.from(']'),
  emptyTuple: Buffer.from(')'),
  tuple: Buffer.from('t'),
  append: Buffer.from('a'),
  appends: Buffer.from('e'),
  setitem: Buffer.from('s'),
  setitems: Buffer.from('u'),
  reduce: Buffer.from('R'),
  binpersid: Buffer.from('Q'),
  none: Buffer.from('N'),
  newFalse: Buffer.from([0x89]),
  put: (i: number) => Buffer.from([0x71, i]),
  get: (i: number) => Buffer.from([0x68, i]),
  int: (n: number) => (n >= 0 && n < 256 ? Buffer.from([0x4b, n]) : Buffer.concat([Buffer.from([0x4a]), u32(n)])),
  float: (x: number) => {
    const b = Buffer.alloc(9);
    b[0] = 0x47;
    b.writeDoubleBE(x, 1);
    return b;
  },
  str: (s: string) => {
    const b = Buffer.from(s);
    return Buffer.concat([Buffer.from([0x58]), u32(b.length), b]); // BINUNICODE, as torch.save's protocol 2 writes
  },
  global: (mod: string, name: string) => Buffer.from(`c${mod}\n${name}\n`),
  long4: (bytes: Buffer) => Buffer.concat([Buffer.from([0x8b]), u32(bytes.length), bytes]),
};

/** A tuple of the given pickled items. */
export const tupleOf = (...items: Buffer[]) => Buffer.concat([P.mark, ...items, P.tuple]);

export interface TensorSpec {
  name: string;
  key: string;
  numel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** `{name: _rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict())}`, float32 storages. */
export function torchPickle(tensors: TensorSpec[]): Buffer {
  const ints = (xs: number[]) => tupleOf(...xs.map((x) => (Number.isInteger(x) ? P.int(x) : P.float(x))));
  // Build each call as REDUCE(global, (persid, offset, shape, stride, False, OrderedDict())).
  const calls = tensors.map((t) =>
    Buffer.concat([
      P.str(t.name),
      P.global('torch._utils', '_rebuild_tensor_v2'),
      P.mark,
      tupleOf(P.str('storage'), P.global('torch', 'FloatStorage'), P.str(t.key), P.str('cpu'), P.int(t.numel)),
      P.binpersid,
      Number.isInteger(t.offset) ? P.int(t.offset) : P.float(t.offset),
      ints(t.shape),
      ints(t.stride),
      P.newFalse,
      P.global('collections', 'OrderedDict'),
      P.emptyTuple,
      P.reduce,
      P.tuple,
      P.reduce,
    ]),
  );
  return Buffer.concat([P.proto, P.emptyDict, P.mark, ...calls, P.setitems, P.stop]);
}

/** A torch.save-style zip: `archive/data.pkl`, `archive/data/<key>` (float32 bytes), `archive/version`. */
export function torchZip(tensors: TensorSpec[], values: (key: string, numel: number) => Buffer = (_k, n) => Buffer.alloc(4 * n)): Buffer {
  const keys = new Map(tensors.map((t) => [t.key, t.numel]));
  return zip([
    { name: 'archive/data.pkl', data: torchPickle(tensors) },
    { name: 'archive/byteorder', data: Buffer.from('little') },
    ...[...keys].map(([key, numel]) => ({ name: `archive/data/${key}`, data: values(key, numel) })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

/** A zip holding a crafted data.pkl (and nothing else torch needs): for pickle-reader cases. */
export const pickleZip = (pkl: Buffer) =>
  zip([
    { name: 'archive/data.pkl', data: pkl },
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);

/** An .npy file with the given header dict text (padded as numpy pads) and data. */
export function npy(header: string, data: Buffer): Buffer {
  const base = 10 + header.length + 1;
  const pad = (64 - (base % 64)) % 64;
  const h = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), u16(h.length), h, data]);
}

/** A safetensors file from a header object and raw data. */
export function safetensors(header: unknown, data: Buffer): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const n = Buffer.alloc(8);
  n.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([n, h, data]);
}

/** A GGUF v3 file: one F32 tensor of `n` elements, general.alignment 32. */
export function gguf(n = 8): Buffer {
  const str = (s: string) => {
    const b = Buffer.from(s);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(b.length));
    return Buffer.concat([len, b]);
  };
  const u64 = (x: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(x));
    return b;
  };
  const head = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(1), u64(1), str('general.alignment'), u32(4), u32(32)]);
  const info = Buffer.concat([str('w'), u32(1), u64(n), u32(0), u64(0)]);
  const pre = Buffer.concat([head, info]);
  const pad = Buffer.alloc((32 - (pre.length % 32)) % 32);
  const data = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) data.writeFloatLE(i / 2, 4 * i);
  return Buffer.concat([pre, pad, data]);
}

/** A deterministic PRNG (mulberry32): the fuzz cases are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The members of a zip written by torch.save or by `zip()` (no zip64; stored or deflated), read from the
 * central directory and local headers: for rebuilding a real checkpoint with one thing changed. Written
 * apart from src/verify/verifiers/zip.ts so that a test of that reader never leans on it.
 */
export function unzip(b: Buffer): ZipMember[] {
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('unzip: no end record');
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const out: ZipMember[] = [];
  for (let i = 0; i < count; i++) {
    if (b.readUInt32LE(at) !== 0x02014b50) throw new Error('unzip: bad central header');
    const method = b.readUInt16LE(at + 10);
    const csize = b.readUInt32LE(at + 20);
    const nameLen = b.readUInt16LE(at + 28);
    const extraLen = b.readUInt16LE(at + 30);
    const commentLen = b.readUInt16LE(at + 32);
    const local = b.readUInt32LE(at + 42);
    const name = b.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const start = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const body = b.subarray(start, start + csize);
    out.push({ name, data: Buffer.from(method === 8 ? inflateRawSync(body) : body), ...(method === 8 ? { deflate: true } : {}) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
