import { countNonFinite } from './finite.ts';
import type { ByteSource, TensorInfo, VerifyResult } from './types.ts';

/**
 * ggml tensor types: [name, elements per block, bytes per block] (ggml.c type_traits). A tensor's
 * byte size is elements / block × block bytes, and its first dimension must be a whole number of blocks.
 */
const GGML_TYPES: Record<number, [string, number, number]> = {
  0: ['F32', 1, 4],
  1: ['F16', 1, 2],
  2: ['Q4_0', 32, 18],
  3: ['Q4_1', 32, 20],
  6: ['Q5_0', 32, 22],
  7: ['Q5_1', 32, 24],
  8: ['Q8_0', 32, 34],
  9: ['Q8_1', 32, 36],
  10: ['Q2_K', 256, 84],
  11: ['Q3_K', 256, 110],
  12: ['Q4_K', 256, 144],
  13: ['Q5_K', 256, 176],
  14: ['Q6_K', 256, 210],
  15: ['Q8_K', 256, 292],
  16: ['IQ2_XXS', 256, 66],
  17: ['IQ2_XS', 256, 74],
  18: ['IQ3_XXS', 256, 98],
  19: ['IQ1_S', 256, 50],
  20: ['IQ4_NL', 32, 18],
  21: ['IQ3_S', 256, 110],
  22: ['IQ2_S', 256, 82],
  23: ['IQ4_XS', 256, 136],
  24: ['I8', 1, 1],
  25: ['I16', 1, 2],
  26: ['I32', 1, 4],
  27: ['I64', 1, 8],
  28: ['F64', 1, 8],
  29: ['IQ1_M', 256, 56],
  30: ['BF16', 1, 2],
  34: ['TQ1_0', 256, 54],
  35: ['TQ2_0', 256, 66],
  39: ['MXFP4', 32, 17],
};
const FLOATS: Record<string, string> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64' };
/** Fixed sizes of the metadata value types; 8 (string) and 9 (array) are variable. */
const VALUE_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const MAX_STRING = 16 << 20;
const MAX_DIMS = 4;

class Malformed extends Error {}

/** Sequential little-endian reads over a ByteSource through a bounded window (metadata can be MBs of vocabulary). */
class Cursor {
  pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  private bufAt = 0;
  constructor(private readonly src: ByteSource) {}

  async bytes(n: number, what: string): Promise<Buffer> {
    if (n < 0 || this.pos + n > this.src.size) throw new Malformed(`${what} at byte ${this.pos} runs past the end of the file (${this.src.size} bytes)`);
    if (this.pos < this.bufAt || this.pos + n > this.bufAt + this.buf.length) {
      this.bufAt = this.pos;
      this.buf = await this.src.read(this.pos, Math.max(n, 1 << 20));
    }
    const out = this.buf.subarray(this.pos - this.bufAt, this.pos - this.bufAt + n);
    this.pos += n;
    return out;
  }
  async u32(what: string): Promise<number> {
    return (await this.bytes(4, what)).readUInt32LE(0);
  }
  async u64(what: string): Promise<number> {
    const v = (await this.bytes(8, what)).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed(`${what} at byte ${this.pos - 8} is ${v}, beyond any real file`);
    return Number(v);
  }
  async string(what: string): Promise<string> {
    const n = await this.u64(`${what} length`);
    if (n > MAX_STRING) throw new Malformed(`${what} at byte ${this.pos - 8} claims ${n} bytes`);
    return (await this.bytes(n, what)).toString('utf8');
  }
  skip(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.src.size) throw new Malformed(`${what} at byte ${this.pos} runs past the end of the file (${this.src.size} bytes)`);
    this.pos += n;
  }
}

/** Reads one metadata value; returns it when it is a scalar or string (for general.alignment), else null. */
async function readValue(c: Cursor, type: number, key: string, depth = 0): Promise<number | string | null> {
  if (type === 8) return c.string(`value of ${key}`);
  if (type === 9) {
    if (depth > 0) throw new Malformed(`${key}: nested arrays are not part of GGUF`);
    const inner = await c.u32(`array type of ${key}`);
    const n = await c.u64(`array length of ${key}`);
    const fixed = VALUE_BYTES[inner];
    if (fixed !== undefined) c.skip(n * fixed, `array ${key}`);
    else if (inner === 8) for (let i = 0; i < n; i++) c.skip(await c.u64(`string ${i} of ${key}`), `string ${i} of ${key}`);
    else throw new Malformed(`${key}: array of unknown value type ${inner}`);
    return null;
  }
  const size = VALUE_BYTES[type];
  if (size === undefined) throw new Malformed(`${key}: unknown value type ${type}`);
  const b = await c.bytes(size, `value of ${key}`);
  return type === 4 ? b.readUInt32LE(0) : type === 5 ? b.readInt32LE(0) : null;
}

/**
 * GGUF (v2, v3): header, metadata key/values walked to their end, tensor infos (name, ≤ 4 dims, ggml
 * type, offset), the data section at `general.alignment`; every tensor's byte range whole-block sized,
 * aligned, inside the file, not overlapping another; NaN/Inf scan of F64/F32/F16/BF16 tensors.
 */
export async function verifyGguf(src: ByteSource): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'gguf', ok: false, problems: [], tensors: [], nonFinite: [] };
  const c = new Cursor(src);
  const infos: Array<TensorInfo & { offset: number; float?: string }> = [];
  let alignment = 32;
  try {
    if ((await c.bytes(4, 'magic')).toString('latin1') !== 'GGUF') throw new Malformed('no GGUF magic');
    const version = await c.u32('version');
    if (version !== 2 && version !== 3) throw new Malformed(`GGUF version ${version} is not supported (2 and 3 are)`);
    const tensorCount = await c.u64('tensor count');
    const kvCount = await c.u64('metadata count');
    // Each entry takes at least 12 bytes: counts beyond the file size are damage, not a big model.
    if (tensorCount * 12 > src.size || kvCount * 12 > src.size)
      throw new Malformed(`counts (${tensorCount} tensors, ${kvCount} metadata) cannot fit in ${src.size} bytes`);
    const keys = new Set<string>();
    for (let i = 0; i < kvCount; i++) {
      const key = await c.string(`metadata key ${i}`);
      if (keys.has(key)) throw new Malformed(`metadata key ${key} appears twice`);
      keys.add(key);
      const type = await c.u32(`value type of ${key}`);
      const v = await readValue(c, type, key);
      if (key === 'general.alignment') {
        if (type !== 4 || typeof v !== 'number' || v === 0 || (v & (v - 1)) !== 0)
          throw new Malformed(`general.alignment must be a power-of-two u32, got type ${type} value ${String(v)}`);
        alignment = v;
      }
    }
    const names = new Set<string>();
    for (let i = 0; i < tensorCount; i++) {
      const name = await c.string(`tensor name ${i}`);
      if (names.has(name)) throw new Malformed(`tensor ${name} appears twice`);
      names.add(name);
      const nDims = await c.u32(`dimension count of ${name}`);
      if (nDims < 1 || nDims > MAX_DIMS) throw new Malformed(`${name}: ${nDims} dimensions (1 to ${MAX_DIMS})`);
      const shape: number[] = [];
      for (let d = 0; d < nDims; d++) shape.push(await c.u64(`dimension ${d} of ${name}`));
      const typeId = await c.u32(`type of ${name}`);
      const offset = await c.u64(`offset of ${name}`);
      const t = GGML_TYPES[typeId];
      if (!t) {
        r.problems.push(`${name}: ggml type ${typeId} is unknown to this verifier, so its byte range cannot be checked`);
        continue;
      }
      const [dtype, block, blockBytes] = t;
      const elements = shape.reduce((a, d) => a * d, 1);
      if (!Number.isSafeInteger(elements)) throw new Malformed(`${name}: shape ${JSON.stringify(shape)} overflows`);
      if ((shape[0] ?? 0) % block !== 0) r.problems.push(`${name}: ${dtype} packs ${block} values per block, but the first dimension is ${shape[0]}`);
      if (offset % alignment !== 0) r.problems.push(`${name}: offset ${offset} is not a multiple of the alignment ${alignment}`);
      infos.push({
        name,
        dtype,
        shape,
        storage: String(offset),
        bytes: (elements / block) * blockBytes,
        offset,
        ...(FLOATS[dtype] ? { float: FLOATS[dtype] } : {}),
      });
    }
  } catch (err) {
    if (err instanceof Malformed) return { ...r, problems: [err.message] };
    throw err;
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  let end = dataStart;
  let prev: (typeof infos)[number] | undefined;
  for (const t of [...infos].sort((a, b) => a.offset - b.offset)) {
    if (prev && t.offset < prev.offset + prev.bytes) r.problems.push(`${t.name}: overlaps ${prev.name}`);
    if (dataStart + t.offset + t.bytes > src.size)
      r.problems.push(
        `${t.name}: ${t.dtype}${JSON.stringify(t.shape)} needs bytes ${dataStart + t.offset}–${dataStart + t.offset + t.bytes}, the file has ${src.size} (truncated)`,
      );
    end = Math.max(end, dataStart + t.offset + t.bytes);
    prev = t;
  }
  // Writers pad the last tensor to the alignment; more than that is bytes nobody accounts for.
  const padded = Math.ceil(end / alignment) * alignment;
  if (src.size > padded) r.problems.push(`${src.size - padded} bytes after the last tensor and its padding to ${alignment}`);
  r.tensors = infos.map(({ name, dtype, shape, storage, bytes }) => ({ name, dtype, shape, storage, bytes }));
  if (r.problems.length === 0) {
    for (const t of infos) {
      if (!t.float) continue;
      const bad = await countNonFinite(src, dataStart + t.offset, t.bytes, t.float);
      if (bad) r.nonFinite.push({ name: t.name, count: bad });
    }
  }
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}
