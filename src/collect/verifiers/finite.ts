import type { ByteSource } from './types.ts';

const CHUNK = 4 << 20;

/** Counts NaN/±Inf values of a little-endian float range, reading it in bounded chunks. Pure but for the source. */
export async function countNonFinite(src: ByteSource, offset: number, bytes: number, dtype: string): Promise<number> {
  const size = dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 2;
  const chunk = CHUNK - (CHUNK % size);
  let bad = 0;
  for (let pos = 0; pos < bytes; pos += chunk) {
    const b = await src.read(offset + pos, Math.min(chunk, bytes - pos));
    const n = Math.floor(b.length / size);
    if (size === 8) {
      for (let i = 0; i < n; i++) if (((b.readUInt32LE(i * 8 + 4) >>> 20) & 0x7ff) === 0x7ff) bad++;
    } else if (size === 4) {
      for (let i = 0; i < n; i++) if (((b.readUInt32LE(i * 4) >>> 23) & 0xff) === 0xff) bad++;
    } else if (dtype === 'bfloat16') {
      for (let i = 0; i < n; i++) if (((b.readUInt16LE(i * 2) >>> 7) & 0xff) === 0xff) bad++;
    } else {
      for (let i = 0; i < n; i++) if (((b.readUInt16LE(i * 2) >>> 10) & 0x1f) === 0x1f) bad++;
    }
  }
  return bad;
}
