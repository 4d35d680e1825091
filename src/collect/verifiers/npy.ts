import { inflateRawSync } from 'node:zlib';
import { countNonFinite } from './finite.ts';
import { DTYPE_BYTES, type ByteSource, type TensorInfo, type VerifyResult } from './types.ts';
import { checkCrc, dataOffset, readCentralDirectory } from './zip.ts';

const DESCR: Record<string, string> = {
  '<f8': 'float64', '<f4': 'float32', '<f2': 'float16', '<i8': 'int64', '<i4': 'int32', '<i2': 'int16', '|i1': 'int8',
  '|u1': 'uint8', '<u2': 'uint16', '<u4': 'uint32', '<u8': 'uint64', '|b1': 'bool', '<c8': 'complex64', '<c16': 'complex128',
};

/** Parses an .npy header; returns the tensor layout and where the data starts, or a problem. Pure. */
async function npyLayout(src: ByteSource, name: string): Promise<{ tensor: TensorInfo; dataStart: number } | string> {
  if (src.size < 10) return 'shorter than an .npy header';
  const head = await src.read(0, Math.min(src.size, 65_536 + 12));
  if (!head.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))) return 'no \\x93NUMPY magic';
  const major = head[6] as number;
  const hlen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > head.length) return 'the header runs past the file';
  const h = head.subarray(start, start + hlen).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(h)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(h)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(h)?.[1];
  if (!descr || !fortran || shapeText === undefined) return `unreadable header ${JSON.stringify(h.trim().slice(0, 80))}`;
  if (descr.includes('O')) return 'object arrays hold pickled Python objects; refusing to read them';
  const dtype = DESCR[descr];
  if (!dtype) return `dtype ${descr} is not supported (big-endian or unusual)`;
  const shape = shapeText.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `malformed shape (${shapeText})`;
  const bytes = shape.reduce((a, d) => a * d, 1) * (DTYPE_BYTES[dtype] ?? 1);
  const dataStart = start + hlen;
  if (src.size - dataStart !== bytes) return `${dtype}${JSON.stringify(shape)} needs ${bytes} data bytes, the file has ${src.size - dataStart}`;
  return { tensor: { name, dtype, shape, storage: String(dataStart), bytes }, dataStart };
}

async function scan(src: ByteSource, t: TensorInfo, dataStart: number, r: VerifyResult): Promise<void> {
  if (['float64', 'float32', 'float16'].includes(t.dtype)) {
    const bad = await countNonFinite(src, dataStart, t.bytes, t.dtype);
    if (bad) r.nonFinite.push({ name: t.name, count: bad });
  }
}

/** NumPy .npy: magic, header, dtype × shape = data size; NaN/Inf scan of float arrays. */
export async function verifyNpy(src: ByteSource): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'npy', ok: false, problems: [], tensors: [], nonFinite: [] };
  const l = await npyLayout(src, 'array');
  if (typeof l === 'string') return { ...r, problems: [l] };
  r.tensors.push(l.tensor);
  await scan(src, l.tensor, l.dataStart, r);
  return { ...r, ok: r.nonFinite.length === 0 };
}

/** NumPy .npz: a zip of .npy members, each CRC-checked and verified as .npy. */
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
      const bad = await checkCrc(src, e);
      if (bad) {
        r.problems.push(bad);
        continue;
      }
      const start = await dataOffset(src, e);
      // Stored members are read in place; compressed ones (savez_compressed) are inflated in memory.
      let member: ByteSource;
      if (e.method === 0) {
        member = { size: e.size, read: (o, n) => src.read(start + o, Math.min(n, e.size - o)) };
      } else {
        const data = inflateRawSync(await src.read(start, e.compressedSize));
        member = { size: data.length, read: async (o, n) => data.subarray(o, o + n) };
      }
      const name = e.name.replace(/\.npy$/, '');
      const l = await npyLayout(member, name);
      if (typeof l === 'string') r.problems.push(`${e.name}: ${l}`);
      else {
        r.tensors.push(l.tensor);
        await scan(member, l.tensor, l.dataStart, r);
      }
    } catch (err) {
      r.problems.push(`${e.name}: ${(err as Error).message}`);
    }
  }
  if (entries.length === 0) r.problems.push('the archive is empty');
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}
