import { crc32 } from 'node:zlib';
import { nonFiniteIn } from './finite.ts';
import { FLOAT_DTYPES } from './types.ts';
import { zip64Values } from './zip.ts';

/** What a pass over the bytes in file order saw of one stored zip entry: its CRC32, and its NaN/Inf count when a float storage. */
export interface EntryScan {
  dataOffset: number;
  size: number;
  crc: number;
  /** The dtype it was scanned as (null: not scanned for NaN/Inf). */
  dtype: string | null;
  nonFinite: number;
}

/** Scans of the entries of one file, by data offset: the verifier uses one only where its own entry has exactly that range. */
export type StreamScans = ReadonlyMap<number, EntryScan>;

const LOCAL = 0x04034b50;
const DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
/** A data descriptor after stored data: signature, CRC32, then both sizes in 4 bytes each, or 8 (zip64). */
const HOLD = 23; // bytes kept back at a piece's end: a descriptor starting there cannot be checked yet

/** The length of the data descriptor of entry `s` at buf[i] (16, or 24 with zip64 sizes), or 0 when it is not one. */
function descriptorAt(s: { seen: number; crc: number }, buf: Buffer, i: number): number {
  const len = s.seen;
  const crcOk = buf.readUInt32LE(i + 4) === s.crc >>> 0;
  if (crcOk && buf.readUInt32LE(i + 8) === len && buf.readUInt32LE(i + 12) === len) return 16;
  if (crcOk && buf.readBigUInt64LE(i + 8) === BigInt(len) && buf.readBigUInt64LE(i + 16) === BigInt(len)) return 24;
  return 0;
}
const MAX_ENTRIES = 100_000;

type State =
  | { kind: 'header'; need: number }
  | {
      kind: 'data';
      name: string;
      start: number;
      /** Bytes left, or null when only a data descriptor after the data says where it ends (what torch.save writes). */
      left: number | null;
      seen: number;
      crc: number;
      dtype: string | null;
      bad: number;
      carry: Buffer | null;
      keep: Buffer[] | null;
      keptBytes: number;
      hold: Buffer | null;
    }
  | { kind: 'skip'; left: number }
  | { kind: 'stop' };

/**
 * Walks a torch.save zip in file order as its bytes arrive (collect feeds it every byte it writes, a resumed
 * prefix first), so the CRC32s and the NaN/Inf scan are done by the time the last byte lands: the verifier
 * then reads only the directory and data.pkl. Anything it does not understand (a data descriptor, a deflated
 * entry, a descriptor it cannot confirm) just ends or skips the walk: the verifier reads whatever has no scan
 * itself, so a scan can only save work, never decide a result. `dtypesOf` maps data.pkl's bytes to the
 * storage dtypes (the verifier's own rules); data.pkl comes first in a torch.save file.
 */
export class ZipStreamScan {
  private pos = 0;
  private state: State = { kind: 'header', need: 30 };
  private head: Buffer[] = [];
  private headLen = 0;
  private dtypes: Map<string, string> | null = null;
  private dataPrefix: string | null = null;
  private readonly found = new Map<number, EntryScan>();

  constructor(
    private readonly dtypesOf: (pkl: Buffer) => Map<string, string>,
    private readonly pklMax: number,
  ) {}

  get scans(): StreamScans {
    return this.found;
  }

  write(chunk: Buffer): void {
    let b = chunk;
    while (b.length && this.state.kind !== 'stop') {
      const s = this.state;
      if (s.kind === 'header') {
        const take = Math.min(b.length, s.need - this.headLen);
        this.head.push(b.subarray(0, take));
        this.headLen += take;
        this.pos += take;
        b = b.subarray(take);
        if (this.headLen === s.need) this.header();
      } else if (s.kind === 'skip') {
        const take = Math.min(b.length, s.left);
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.nextHeader();
      } else if (s.kind === 'data' && s.left !== null) {
        const take = Math.min(b.length, s.left);
        this.data(s, b.subarray(0, take));
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.endEntry(s);
      } else if (s.kind === 'data') {
        b = this.openData(s, b);
      }
    }
  }

  private nextHeader(): void {
    this.head = [];
    this.headLen = 0;
    this.state = { kind: 'header', need: 30 };
  }

  private header(): void {
    const h = Buffer.concat(this.head);
    const sig = h.readUInt32LE(0);
    if (sig !== LOCAL || this.found.size >= MAX_ENTRIES) {
      this.state = { kind: 'stop' }; // the central directory (or something not placed): the walk is over
      return;
    }
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    if (h.length < 30 + nameLen + extraLen) {
      this.state = { kind: 'header', need: 30 + nameLen + extraLen };
      return;
    }
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    let csize = h.readUInt32LE(18);
    let usize = h.readUInt32LE(22);
    const name = h.toString('utf8', 30, 30 + nameLen);
    if (csize === 0xffffffff || usize === 0xffffffff) {
      let z;
      try {
        z = zip64Values(h.subarray(30 + nameLen, 30 + nameLen + extraLen), [
          ...(usize === 0xffffffff ? (['size'] as const) : []),
          ...(csize === 0xffffffff ? (['compressedSize'] as const) : []),
        ]);
      } catch {
        return void (this.state = { kind: 'stop' });
      }
      usize = z.size ?? usize;
      csize = z.compressedSize ?? csize;
      if (!Number.isSafeInteger(usize) || !Number.isSafeInteger(csize) || usize === 0xffffffff || csize === 0xffffffff)
        return void (this.state = { kind: 'stop' });
    }
    // With a data descriptor (bit 3) the sizes here may be zero: stored data then ends at a descriptor that names its size.
    const described = (flags & 0x08) !== 0;
    this.head = [];
    this.headLen = 0;
    if (method !== 0 || (!described && csize !== usize)) {
      if (described) return void (this.state = { kind: 'stop' }); // deflated, size unknown: no way to walk past it
      this.state = csize > 0 ? { kind: 'skip', left: csize } : { kind: 'header', need: 30 };
      return;
    }
    const isPkl = this.dataPrefix === null && (name === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(name));
    if (isPkl) this.dataPrefix = name.slice(0, -'data.pkl'.length);
    let dtype: string | null = null;
    if (!isPkl && this.dtypes && this.dataPrefix !== null && name.startsWith(`${this.dataPrefix}data/`)) {
      const d = this.dtypes.get(name.slice(this.dataPrefix.length + 'data/'.length));
      if (d && FLOAT_DTYPES.has(d)) dtype = d;
    }
    const s: State = {
      kind: 'data',
      name,
      start: this.pos,
      left: described ? null : csize,
      seen: 0,
      crc: 0,
      dtype,
      bad: 0,
      carry: null,
      keep: isPkl && (described || csize <= this.pklMax) ? [] : null,
      keptBytes: 0,
      hold: null,
    };
    this.state = s;
    if (csize === 0 && !described) this.endEntry(s);
  }

  /**
   * Stored data of unknown length: it ends where a data descriptor stands whose sizes are the bytes seen so far
   * and whose CRC32 is theirs. Returns what is left of the piece after the entry ended (or nothing).
   */
  private openData(s: Extract<State, { kind: 'data' }>, piece: Buffer): Buffer {
    const hold = s.hold;
    if (hold && piece.length > HOLD) {
      // A descriptor may start in the held bytes: only they and the piece's first bytes are joined and searched
      // (at most 2 × HOLD + 1 bytes), so no piece is ever copied whole.
      const edge = Buffer.concat([hold, piece.subarray(0, HOLD + 1)]);
      s.hold = null;
      const end = this.findEnd(s, edge, this.pos - hold.length, hold.length);
      if (end >= 0) return end >= hold.length ? piece.subarray(end - hold.length) : Buffer.concat([hold.subarray(end), piece]);
    }
    // The same search within one buffer (a held tail joined in front only when the piece is too short to check it apart).
    const buf = s.hold ? Buffer.concat([s.hold, piece]) : piece;
    const base = this.pos - (s.hold?.length ?? 0); // file offset of buf[0]
    s.hold = null;
    const limit = Math.max(0, buf.length - HOLD);
    const end = this.findEnd(s, buf, base, limit);
    if (end >= 0) return buf.subarray(end);
    s.hold = Buffer.from(buf.subarray(limit)); // a descriptor may start here: checked once more bytes came
    this.pos = base + buf.length;
    return Buffer.alloc(0);
  }

  /**
   * Looks for the entry's descriptor starting before `limit` in `buf` (whose first byte is at file offset `base`),
   * giving the entry every byte before it: the offset just past the descriptor, or -1 when none starts before `limit`
   * (every byte before `limit` then given).
   */
  private findEnd(s: Extract<State, { kind: 'data' }>, buf: Buffer, base: number, limit: number): number {
    let from = 0;
    for (;;) {
      const i = buf.indexOf(DESCRIPTOR, from);
      if (i < 0 || i >= limit) {
        this.data(s, buf.subarray(from, limit));
        return -1;
      }
      this.data(s, buf.subarray(from, i));
      const desc = descriptorAt(s, buf, i);
      if (desc) {
        this.pos = base + i;
        this.endEntry(s);
        this.pos = base + i + desc;
        return i + desc;
      }
      this.data(s, buf.subarray(i, i + 1)); // not this entry's descriptor: its first byte is data
      from = i + 1;
    }
  }

  private data(s: Extract<State, { kind: 'data' }>, b: Buffer): void {
    if (!b.length) return;
    s.crc = crc32(b, s.crc);
    s.seen += b.length;
    if (s.keep) {
      s.keptBytes += b.length;
      if (s.keptBytes > this.pklMax) s.keep = null;
      else s.keep.push(Buffer.from(b)); // (copied: the caller may reuse its buffer)
    }
    if (!s.dtype) return;
    const item = s.dtype === 'float64' ? 8 : s.dtype === 'float32' ? 4 : 2;
    let rest = b;
    if (s.carry) {
      // An element split between pieces: completed from this piece's head (a few bytes copied, not the piece).
      const need = item - s.carry.length;
      if (b.length < need) {
        s.carry = Buffer.concat([s.carry, b]);
        return;
      }
      s.bad += nonFiniteIn(Buffer.concat([s.carry, b.subarray(0, need)]), s.dtype);
      rest = b.subarray(need);
    }
    const whole = rest.length - (rest.length % item);
    if (whole) s.bad += nonFiniteIn(rest.subarray(0, whole), s.dtype);
    s.carry = rest.length > whole ? Buffer.from(rest.subarray(whole)) : null;
  }

  private endEntry(s: Extract<State, { kind: 'data' }>): void {
    // A float storage whose size is not a whole number of elements is scanned short: the verifier refuses its size anyway.
    this.found.set(s.start, { dataOffset: s.start, size: s.seen, crc: s.crc >>> 0, dtype: s.carry ? null : s.dtype, nonFinite: s.bad });
    if (s.keep) {
      try {
        this.dtypes = this.dtypesOf(Buffer.concat(s.keep));
      } catch {
        this.dtypes = null; // the verifier will say what is wrong with data.pkl
      }
    }
    this.nextHeader();
  }
}
