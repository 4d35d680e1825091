import { constants, crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { prefetch } from './read-ahead.ts';
import type { ByteSource } from './types.ts';

/** Zip (and zip64) central directory reading and per-entry CRC32 checks. Pure but for the source handed in. */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Bounds against crafted archives: deflate cannot expand more than ~1032:1, so an entry declaring more
 * is refused before anything is inflated; an entry is never inflated past its declared size; whole-entry
 * reads (data.pkl, npz headers) stay under a fixed budget; the directory itself is bounded.
 */
export const ZIP_LIMITS = { ratio: 1032, inMemory: 256 << 20, directoryBytes: 64 << 20, entries: 100_000 };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export async function readCentralDirectory(src: ByteSource): Promise<ZipEntry[]> {
  if (src.size < 22) throw new Error('too short to be a zip archive');
  const tailLen = Math.min(src.size, 65_557);
  const tail = await src.read(src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error('no end-of-central-directory record (truncated, or not a zip)');
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  const eocdPos = src.size - tailLen + at;
  // Where the central directory must end: at the zip64 end record when there is one (torch.save always
  // writes one), else at the end record. A directory that does not end there was damaged.
  let cdEnd = eocdPos;
  let thisDisk = tail.readUInt16LE(at + 4);
  let cdDisk = tail.readUInt16LE(at + 6);
  let onDisk = tail.readUInt16LE(at + 8);
  const loc = eocdPos >= 20 ? await src.read(eocdPos - 20, 20) : Buffer.alloc(0);
  const sentinel = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
  if (loc.length === 20 && loc.readUInt32LE(0) === ZIP64_LOCATOR) {
    if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) throw new Error('the zip64 locator describes a multi-disk archive (damaged)');
    // torch's reader (miniz) reads the zip64 record where the locator points, Python's zipfile just before the
    // locator; each falls back to the end record when it finds no record there. Both must read one directory.
    const ptr = Number(loc.readBigUInt64LE(8));
    if (!Number.isSafeInteger(ptr) || ptr > src.size - 56) throw new Error('the zip64 locator points outside the file');
    const fixed = eocdPos - 20 - 56;
    const at64 = async (pos: number) => {
      if (pos < 0) return null;
      const rec = await src.read(pos, 56);
      return rec.length === 56 && rec.readUInt32LE(0) === ZIP64_EOCD ? rec : null;
    };
    const plain = { count, cdSize, cdOffset, thisDisk, cdDisk, onDisk };
    const view = (rec: Buffer | null) =>
      rec
        ? {
            count: Number(rec.readBigUInt64LE(32)),
            cdSize: Number(rec.readBigUInt64LE(40)),
            cdOffset: Number(rec.readBigUInt64LE(48)),
            thisDisk: rec.readUInt32LE(16),
            cdDisk: rec.readUInt32LE(20),
            onDisk: Number(rec.readBigUInt64LE(24)),
          }
        : plain;
    const byPtr = await at64(ptr);
    if (byPtr && byPtr.readBigUInt64LE(4) < 44n) throw new Error('the zip64 end record is shorter than its fixed fields (damaged)');
    const a = view(byPtr);
    const atFixed = await at64(fixed);
    const b = view(atFixed);
    if (
      a.count !== b.count ||
      a.cdSize !== b.cdSize ||
      a.cdOffset !== b.cdOffset ||
      a.thisDisk !== b.thisDisk ||
      a.cdDisk !== b.cdDisk ||
      a.onDisk !== b.onDisk
    )
      throw new Error('the zip64 records disagree on where the central directory is (damaged)');
    ({ count, cdSize, cdOffset, thisDisk, cdDisk, onDisk } = a);
    // Python's zipfile finds the directory by counting back from the record it read.
    cdEnd = atFixed ? fixed : eocdPos;
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new Error('zip64 fields without a zip64 end record');
  } else if (sentinel) {
    throw new Error('zip64 fields without a zip64 locator');
  }
  // One disk (numbered 0, or 1 as some writers do), every entry on it: torch's reader (miniz) refuses anything else.
  if (onDisk !== count || !((thisDisk === 0 && cdDisk === 0) || (thisDisk === 1 && cdDisk === 1)))
    throw new Error('the end record describes a multi-disk archive (damaged)');
  if (!Number.isSafeInteger(cdOffset) || !Number.isSafeInteger(cdSize) || cdOffset + cdSize > src.size)
    throw new Error('the central directory lies outside the file (truncated)');
  if (cdOffset + cdSize !== cdEnd) throw new Error('the central directory does not end where the end record says (damaged)');
  if (cdSize > ZIP_LIMITS.directoryBytes) throw new Error(`the central directory is ${cdSize} bytes (at most ${ZIP_LIMITS.directoryBytes} are read)`);
  if (count > ZIP_LIMITS.entries) throw new Error(`the archive claims ${count} entries (at most ${ZIP_LIMITS.entries})`);
  const cd = await src.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new Error(`central directory entry ${i} is damaged`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const e: ZipEntry = {
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
    };
    try {
      Object.assign(
        e,
        zip64Values(
          cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen),
          (['size', 'compressedSize', 'localOffset'] as const).filter((k) => e[k] === 0xffffffff),
        ),
      );
    } catch (err) {
      throw new Error(`central directory entry ${i}: ${(err as Error).message}`, { cause: err });
    }
    const xEnd = p + 46 + nameLen + extraLen;
    if (!Number.isSafeInteger(e.size) || !Number.isSafeInteger(e.compressedSize) || !Number.isSafeInteger(e.localOffset))
      throw new Error(`${e.name}: sizes beyond any real file`);
    if (e.method === 8 && e.size > e.compressedSize * ZIP_LIMITS.ratio + 1024)
      throw new Error(`${e.name}: declares ${e.size} bytes from ${e.compressedSize} compressed (more than deflate can produce)`);
    if (e.method === 0 && e.size !== e.compressedSize) throw new Error(`${e.name}: a stored entry whose sizes differ (${e.compressedSize} vs ${e.size})`);
    const disk = cd.readUInt16LE(p + 34);
    if (disk !== thisDisk && disk !== 1) throw new Error(`${e.name}: on another disk (damaged)`);
    // Encrypted (bits 0, 6, 13) or patched (bit 5) data: neither torch's reader nor Python's zipfile reads it.
    if (cd.readUInt16LE(p + 8) & 0x2061) throw new Error(`${e.name}: encrypted or patched data (flags 0x${cd.readUInt16LE(p + 8).toString(16)})`);
    // Python's zipfile refuses what needs a newer zip than 6.3 to extract.
    if ((cd[p + 6] as number) > 63) throw new Error(`${e.name}: needs zip version ${((cd[p + 6] as number) / 10).toFixed(1)} to extract`);
    entries.push(e);
    p = xEnd + commentLen;
  }
  if (p !== cd.length) throw new Error(`the central directory holds ${cd.length - p} bytes past its ${count} entries (damaged)`);
  return entries;
}

type Zip64Field = 'size' | 'compressedSize' | 'localOffset';

/**
 * The zip64 extended information field (0x0001) of an extra block, central or local: the 64-bit values of
 * the fields that overflowed (0xffffffff), which are the only ones present, in the format's order. Nothing
 * when the block has no such field; an Error when a field runs past the block or the zip64 one is too short.
 */
export function zip64Values(extra: Buffer, overflowed: readonly Zip64Field[]): Partial<Record<Zip64Field, number>> {
  const out: Partial<Record<Zip64Field, number>> = {};
  for (let x = 0; x + 4 <= extra.length;) {
    const id = extra.readUInt16LE(x);
    const len = extra.readUInt16LE(x + 2);
    if (x + 4 + len > extra.length) throw new Error('an extra field runs past its end');
    if (id === 0x0001) {
      if (8 * overflowed.length > len) throw new Error('the zip64 field is too short');
      let q = x + 4;
      for (const k of (['size', 'compressedSize', 'localOffset'] as const).filter((f) => overflowed.includes(f))) {
        out[k] = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
    }
    x += 4 + len;
  }
  return out;
}

/** Where an entry's data starts (after its local header). */
export async function dataOffset(src: ByteSource, e: ZipEntry): Promise<number> {
  const h = await src.read(e.localOffset, 30);
  if (h.length < 30 || h.readUInt32LE(0) !== LOCAL) throw new Error(`${e.name}: local header missing at ${e.localOffset}`);
  const nameLen = h.readUInt16LE(26);
  // The local header must name the entry the directory names (Python's zipfile refuses a mismatch).
  if (nameLen !== Buffer.byteLength(e.name) || !(await src.read(e.localOffset + 30, nameLen)).equals(Buffer.from(e.name)))
    throw new Error(`${e.name}: its local header names another file (damaged)`);
  const start = e.localOffset + 30 + nameLen + h.readUInt16LE(28);
  if (start + e.compressedSize > src.size) throw new Error(`${e.name}: data runs past the end of the file (truncated)`);
  return start;
}

/** Reads a whole (small) entry, inflating it if needed: never past its declared size, never past the budget. */
export async function readEntry(src: ByteSource, e: ZipEntry): Promise<Buffer> {
  if (e.size > ZIP_LIMITS.inMemory || e.compressedSize > ZIP_LIMITS.inMemory)
    throw new Error(`${e.name}: ${e.size} bytes is more than is read into memory (${ZIP_LIMITS.inMemory})`);
  const raw = await src.read(await dataOffset(src, e), e.compressedSize);
  if (e.method === 0) return raw;
  if (e.method !== 8) throw new Error(`${e.name}: compression method ${e.method} is not supported`);
  let out: Buffer;
  try {
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(code === 'ERR_BUFFER_TOO_LARGE' ? `${e.name}: inflates past its declared ${e.size} bytes` : `${e.name}: deflate data is damaged`, {
      cause: err,
    });
  }
  if (out.length !== e.size) throw new Error(`${e.name}: inflates to ${out.length} bytes, the directory says ${e.size}`);
  return out;
}

/**
 * Inflates an entry chunk by chunk (memory stays bounded for any size), handing each chunk to `each`;
 * stops with a problem as soon as the output passes the declared size. Returns the CRC32 or a problem.
 */
async function inflateStream(
  src: ByteSource,
  e: ZipEntry,
  start: number,
  each: ((chunk: Buffer) => void) | undefined,
  chunk: number,
): Promise<{ crc: number } | string> {
  const inf = createInflateRaw({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH });
  let crc = 0;
  let out = 0;
  let problem: string | null = null;
  inf.on('data', (b: Buffer) => {
    if (problem) return;
    out += b.length;
    if (out > e.size) {
      problem = `${e.name}: inflates past its declared ${e.size} bytes`;
      return;
    }
    crc = crc32(b, crc);
    each?.(b);
  });
  const done = new Promise<void>((resolve) => {
    inf.on('end', () => resolve());
    inf.on('error', (err) => {
      problem ??= `${e.name}: deflate data is damaged (${err.message})`;
      resolve();
    });
  });
  for (let pos = 0; pos < e.compressedSize && !problem; pos += chunk) {
    const b = await src.read(start + pos, Math.min(chunk, e.compressedSize - pos));
    if (!inf.write(b)) await new Promise<void>((r) => inf.once('drain', () => r()));
  }
  inf.end();
  await done;
  if (problem) return problem;
  if (out !== e.size) return `${e.name}: inflates to ${out} bytes, the directory says ${e.size}`;
  return { crc };
}

/**
 * Checks an entry's CRC32, streaming stored data in bounded chunks (a multiple of 8 bytes); `each`
 * sees every chunk, so other checks can share the one read.
 */
export async function checkCrc(src: ByteSource, e: ZipEntry, each?: (chunk: Buffer) => void, chunk = 4 << 20): Promise<string | null> {
  const start = await dataOffset(src, e);
  let crc = 0;
  if (e.method === 0) {
    // The next chunk is read (off the main thread) while this one is checked: I/O and CRC overlap.
    const at = (pos: number) => (pos < e.size ? prefetch(src.read(start + pos, Math.min(chunk, e.size - pos))) : null);
    let next = at(0);
    for (let pos = 0; next; pos += chunk) {
      const b = await next;
      next = at(pos + chunk);
      crc = crc32(b, crc);
      each?.(b);
    }
  } else if (e.method === 8) {
    const r = await inflateStream(src, e, start, each, chunk);
    if (typeof r === 'string') return r;
    crc = r.crc;
  } else {
    return `${e.name}: compression method ${e.method} is not supported`;
  }
  return crc >>> 0 === e.crc ? null : `${e.name}: CRC32 mismatch (data damaged)`;
}
