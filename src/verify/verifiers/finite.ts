import type { ByteSource } from './types.ts';
import { prefetch } from './read-ahead.ts';

const CHUNK = 4 << 20;

/** A typed view of the chunk's words (copied once if the buffer is not aligned). */
function words<T extends Uint32Array | Uint16Array>(
  b: Buffer,
  Ctor: { new (buf: ArrayBufferLike, off: number, len: number): T; BYTES_PER_ELEMENT: number },
): T {
  const n = Math.floor(b.length / Ctor.BYTES_PER_ELEMENT);
  const src = b.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? b : Buffer.from(b);
  return new Ctor(src.buffer, src.byteOffset, n);
}

/**
 * Counts NaN/±Inf values of a little-endian float range, reading it in bounded chunks: a value is
 * non-finite when its exponent bits are all ones. Pure but for the source handed in.
 */
export async function countNonFinite(src: ByteSource, offset: number, bytes: number, dtype: string): Promise<number> {
  const size = dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 2;
  const chunk = CHUNK - (CHUNK % size);
  let bad = 0;
  // Read-ahead of one chunk overlaps the disk with the scan.
  const at = (pos: number) => (pos < bytes ? prefetch(src.read(offset + pos, Math.min(chunk, bytes - pos))) : null);
  let next = at(0);
  for (let pos = 0; next; pos += chunk) {
    const b = await next;
    next = at(pos + chunk);
    bad += nonFiniteIn(b, dtype);
  }
  return bad;
}

/** Non-finite values in one chunk whose length is a multiple of the element size. */
export function nonFiniteIn(b: Buffer, dtype: string): number {
  let bad = 0;
  if (dtype === 'float64') {
    const u = words(b, Uint32Array);
    for (let i = 1; i < u.length; i += 2) if (((u[i] as number) & 0x7ff00000) === 0x7ff00000) bad++;
  } else if (dtype === 'float32') {
    const u = words(b, Uint32Array);
    for (let i = 0; i < u.length; i++) if (((u[i] as number) & 0x7f800000) === 0x7f800000) bad++;
  } else {
    const mask = dtype === 'bfloat16' ? 0x7f80 : 0x7c00;
    const u = words(b, Uint16Array);
    for (let i = 0; i < u.length; i++) if (((u[i] as number) & mask) === mask) bad++;
  }
  return bad;
}
