import type { ByteSource } from './types.ts';
import { prefetch } from './read-ahead.ts';

const CHUNK = 4 << 20;

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

/**
 * Non-finite values in one chunk whose length is a multiple of the element size. The exponent is read from the
 * element's top two bytes one byte at a time: as fast as a word view, and no copy for a chunk that starts at an
 * odd offset (most pieces of a stream do).
 */
export function nonFiniteIn(b: Buffer, dtype: string): number {
  let bad = 0;
  if (dtype === 'float64') {
    // exponent 0x7ff: the top byte's low 7 bits and the next byte's high 4
    for (let i = 7; i < b.length; i += 8) if (((b[i] as number) & 0x7f) === 0x7f && ((b[i - 1] as number) & 0xf0) === 0xf0) bad++;
  } else if (dtype === 'float32') {
    // exponent 0xff: the top byte's low 7 bits and the next byte's high bit
    for (let i = 3; i < b.length; i += 4) if (((b[i] as number) & 0x7f) === 0x7f && ((b[i - 1] as number) & 0x80) !== 0) bad++;
  } else if (dtype === 'bfloat16') {
    for (let i = 1; i < b.length; i += 2) if (((b[i] as number) & 0x7f) === 0x7f && ((b[i - 1] as number) & 0x80) !== 0) bad++;
  } else {
    // float16: exponent 0x1f, bits 14..10, all in the top byte
    for (let i = 1; i < b.length; i += 2) if (((b[i] as number) & 0x7c) === 0x7c) bad++;
  }
  return bad;
}
