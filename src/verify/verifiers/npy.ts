import { countNonFinite, nonFiniteIn } from './finite.ts';
import { DTYPE_BYTES, type ByteSource, type TensorInfo, type VerifyResult } from './types.ts';
import { checkCrc, dataOffset, readCentralDirectory } from './zip.ts';

const DESCR: Record<string, string> = {
  '<f8': 'float64',
  '<f4': 'float32',
  '<f2': 'float16',
  '<i8': 'int64',
  '<i4': 'int32',
  '<i2': 'int16',
  '|i1': 'int8',
  '|u1': 'uint8',
  '<u2': 'uint16',
  '<u4': 'uint32',
  '<u8': 'uint64',
  '|b1': 'bool',
  '<c8': 'complex64',
  '<c16': 'complex128',
};
const HEADER_MAX = 65_536 + 12;

type Header = { descr: string; fortran: boolean; shape: number[] };

/**
 * The header dict the way numpy reads it (`ast.literal_eval`, then exactly the keys descr, fortran_order,
 * shape): a strict parser of that one literal form. A duplicate key is refused: numpy would keep the
 * last one, so a check of the first could be fooled (e.g. into passing an object array). Pure.
 */
export function parseNpyHeader(h: string): Header | string {
  let i = 0;
  const ws = () => {
    while (i < h.length && /[ \t\n]/.test(h[i] as string)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (h[i] !== c) throw new Error(`expected ${JSON.stringify(c)} at ${i}`);
    i++;
  };
  const string = (): string => {
    ws();
    const q = h[i];
    if (q !== "'" && q !== '"') throw new Error(`expected a string at ${i}`);
    const end = h.indexOf(q, i + 1);
    if (end < 0 || h.slice(i + 1, end).includes('\\')) throw new Error('unterminated or escaped string');
    const s = h.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    ws();
    if (h.startsWith('True', i)) return ((i += 4), true);
    if (h.startsWith('False', i)) return ((i += 5), false);
    if (h[i] === "'" || h[i] === '"') return string();
    if (h[i] === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (h[i] === ')') break;
        const m = /^[0-9]{1,19}/.exec(h.slice(i, i + 20));
        if (!m) throw new Error(`expected a dimension at ${i}`);
        dims.push(Number(m[0]));
        i += m[0].length;
        ws();
        if (h[i] === ',') i++;
        else if (h[i] !== ')') throw new Error(`expected , or ) at ${i}`);
      }
      i++;
      return dims;
    }
    throw new Error(`unsupported value at ${i} (structured dtypes are not read)`);
  };
  try {
    const d = new Map<string, string | boolean | number[]>();
    expect('{');
    for (;;) {
      ws();
      if (h[i] === '}') break;
      const k = string();
      expect(':');
      if (d.has(k)) return `the header names ${JSON.stringify(k)} twice (numpy would use the last one); refusing it`;
      d.set(k, value());
      ws();
      if (h[i] === ',') i++;
      else if (h[i] !== '}') throw new Error(`expected , or } at ${i}`);
    }
    i++;
    ws();
    if (i !== h.length) throw new Error('text after the dict');
    const keys = [...d.keys()].sort().join(',');
    if (keys !== 'descr,fortran_order,shape') return `header keys are [${keys}], numpy needs exactly descr, fortran_order, shape`;
    const descr = d.get('descr');
    const fortran = d.get('fortran_order');
    const shape = d.get('shape');
    if (typeof descr !== 'string' || typeof fortran !== 'boolean' || !Array.isArray(shape)) return 'header values have the wrong types';
    return { descr, fortran, shape };
  } catch (err) {
    return `unreadable header ${JSON.stringify(h.trim().slice(0, 80))}: ${(err as Error).message}`;
  }
}

/** The layout from the first bytes of an .npy (`head`) and its total size; or a problem. Pure. */
function npyLayout(head: Buffer, size: number, name: string): { tensor: TensorInfo; dataStart: number } | string {
  if (size < 10 || head.length < 10) return 'shorter than an .npy header';
  if (!head.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))) return 'no \\x93NUMPY magic';
  const major = head[6] as number;
  if (major < 1 || major > 3) return `.npy format version ${major} is not known`;
  if (major > 1 && head.length < 12) return 'shorter than an .npy header';
  const hlen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > head.length || start + hlen > size) return 'the header runs past the file';
  const parsed = parseNpyHeader(head.subarray(start, start + hlen).toString('latin1'));
  if (typeof parsed === 'string') return parsed;
  const { descr, shape } = parsed;
  if (descr.includes('O')) return 'object arrays hold pickled Python objects; refusing to read them';
  const dtype = DESCR[descr];
  if (!dtype) return `dtype ${descr} is not supported (big-endian or unusual)`;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `malformed shape (${shape.join(', ')})`;
  const bytes = shape.reduce((a, d) => a * d, 1) * (DTYPE_BYTES[dtype] ?? 1);
  if (!Number.isSafeInteger(bytes)) return `shape (${shape.join(', ')}) is larger than any real file`;
  const dataStart = start + hlen;
  if (size - dataStart !== bytes) return `${dtype}${JSON.stringify(shape)} needs ${bytes} data bytes, the file has ${size - dataStart}`;
  return { tensor: { name, dtype, shape, storage: String(dataStart), bytes }, dataStart };
}

const SCANNED = new Set(['float64', 'float32', 'float16']);

/** NumPy .npy: magic, header, dtype × shape = data size; NaN/Inf scan of float arrays. */
export async function verifyNpy(src: ByteSource): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'npy', ok: false, problems: [], tensors: [], nonFinite: [] };
  const l = npyLayout(await src.read(0, Math.min(src.size, HEADER_MAX)), src.size, 'array');
  if (typeof l === 'string') return { ...r, problems: [l] };
  r.tensors.push(l.tensor);
  if (SCANNED.has(l.tensor.dtype)) {
    const bad = await countNonFinite(src, l.dataStart, l.tensor.bytes, l.tensor.dtype);
    if (bad) r.nonFinite.push({ name: l.tensor.name, count: bad });
  }
  return { ...r, ok: r.nonFinite.length === 0 };
}

/**
 * One streaming pass over a member's bytes (stored or inflated): the first bytes are kept for the header,
 * the rest counted for NaN/Inf with the partial element carried between chunks. Memory stays bounded.
 */
function memberScanner(size: number, name: string) {
  let head = Buffer.alloc(0);
  let layout: ReturnType<typeof npyLayout> | null = null;
  let pos = 0;
  let carry = Buffer.alloc(0);
  let bad = 0;
  const feedData = (b: Buffer, dtype: string) => {
    const item = DTYPE_BYTES[dtype] ?? 1;
    const all = carry.length ? Buffer.concat([carry, b]) : b;
    const whole = all.length - (all.length % item);
    bad += nonFiniteIn(all.subarray(0, whole), dtype);
    carry = Buffer.from(all.subarray(whole));
  };
  return {
    each(b: Buffer) {
      const at = pos;
      pos += b.length;
      if (layout === null) {
        head = Buffer.concat([head, b.subarray(0, Math.max(0, HEADER_MAX - head.length))]);
        if (head.length < Math.min(size, HEADER_MAX)) return;
        layout = npyLayout(head, size, name);
      }
      if (typeof layout === 'string' || !SCANNED.has(layout.tensor.dtype)) return;
      const skip = Math.max(0, layout.dataStart - at);
      if (skip < b.length) feedData(b.subarray(skip), layout.tensor.dtype);
    },
    result(): { layout: ReturnType<typeof npyLayout>; bad: number } {
      return { layout: layout ?? npyLayout(head, size, name), bad };
    },
  };
}

/** NumPy .npz: a zip of .npy members, each CRC-checked and verified as .npy in the same streaming read. */
export async function verifyNpz(src: ByteSource): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'npz', ok: false, problems: [], tensors: [], nonFinite: [] };
  let entries;
  try {
    entries = await readCentralDirectory(src);
  } catch (err) {
    return { ...r, problems: [(err as Error).message] };
  }
  for (const e of entries) {
    try {
      const name = e.name.replace(/\.npy$/, '');
      await dataOffset(src, e);
      const scan = memberScanner(e.size, name);
      const bad = await checkCrc(src, e, (b) => scan.each(b));
      if (bad) {
        r.problems.push(bad);
        continue;
      }
      const { layout, bad: nonFinite } = scan.result();
      if (typeof layout === 'string') r.problems.push(`${e.name}: ${layout}`);
      else {
        r.tensors.push(layout.tensor);
        if (nonFinite) r.nonFinite.push({ name, count: nonFinite });
      }
    } catch (err) {
      r.problems.push(`${e.name}: ${(err as Error).message}`);
    }
  }
  if (entries.length === 0) r.problems.push('the archive is empty');
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}
