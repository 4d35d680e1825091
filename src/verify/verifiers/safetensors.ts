import { countNonFinite } from './finite.ts';
import { DTYPE_BYTES, FLOAT_DTYPES, type ByteSource, type VerifyResult } from './types.ts';

const DTYPES: Record<string, string> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  BOOL: 'bool',
  F8_E4M3: 'float8_e4m3fn',
  F8_E5M2: 'float8_e5m2',
};

/** safetensors: header JSON, dtype × shape = byte range, ranges contiguous, inside the file, no overlap. */
export async function verifySafetensors(src: ByteSource): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'safetensors', ok: false, problems: [], tensors: [], nonFinite: [] };
  if (src.size < 8) return { ...r, problems: ['shorter than the 8-byte header length'] };
  const n = Number((await src.read(0, 8)).readBigUInt64LE(0));
  if (n < 2 || n > 100 * 2 ** 20 || 8 + n > src.size) return { ...r, problems: [`header length ${n} does not fit the file (${src.size} bytes)`] };
  let header: Record<string, unknown>;
  try {
    // safetensors requires the header to be valid UTF-8 JSON whose top level is an object.
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await src.read(8, n)));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ...r, problems: ['header is not a JSON object'] };
    header = parsed as Record<string, unknown>;
  } catch (err) {
    return { ...r, problems: [`header is not UTF-8 JSON: ${(err as Error).message.slice(0, 120)}`] };
  }
  const dataStart = 8 + n;
  const meta = header['__metadata__'];
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === 'string')))
    r.problems.push('__metadata__ is not a map of strings');
  const entries: Array<[string, { dtype: string; shape: number[]; data_offsets: [number, number] }]> = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      r.problems.push(`${name}: not a tensor entry`);
      continue;
    }
    const dtype = typeof t.dtype === 'string' ? DTYPES[t.dtype] : undefined;
    if (!dtype) {
      r.problems.push(`${name}: unknown dtype ${JSON.stringify(t.dtype)?.slice(0, 40)}`);
      continue;
    }
    const offs = t.data_offsets;
    const shape = t.shape;
    if (
      !Array.isArray(shape) ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      !Array.isArray(offs) ||
      offs.length !== 2 ||
      !offs.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offs[0] > offs[1]
    ) {
      r.problems.push(`${name}: malformed shape or data_offsets`);
      continue;
    }
    const [b, e] = offs as [number, number];
    const want = (shape as number[]).reduce((a, d) => a * d, 1) * (DTYPE_BYTES[dtype] ?? 1);
    if (e - b !== want) r.problems.push(`${name}: ${dtype}${JSON.stringify(shape)} needs ${want} bytes, data_offsets give ${e - b}`);
    entries.push([name, { dtype, shape: shape as number[], data_offsets: [b, e] }]);
    r.tensors.push({ name, dtype, shape: shape as number[], storage: String(b), bytes: want });
  }
  const ranges = entries.map(([name, t]) => ({ name, b: t.data_offsets[0], e: t.data_offsets[1] })).sort((x, y) => x.b - y.b);
  let at = 0;
  for (const x of ranges) {
    if (x.b < at) r.problems.push(`${x.name}: overlaps the previous tensor`);
    else if (x.b > at) r.problems.push(`${x.name}: a gap of ${x.b - at} bytes before it`);
    at = Math.max(at, x.e);
  }
  if (dataStart + at !== src.size) r.problems.push(`tensors end at byte ${dataStart + at}, the file has ${src.size} (truncated or trailing bytes)`);
  if (r.problems.length === 0) {
    for (const t of r.tensors) {
      if (!FLOAT_DTYPES.has(t.dtype)) continue;
      const bad = await countNonFinite(src, dataStart + Number(t.storage), t.bytes, t.dtype);
      if (bad) r.nonFinite.push({ name: t.name, count: bad });
    }
  }
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}
