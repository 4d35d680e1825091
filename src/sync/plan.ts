import { createHash } from 'node:crypto';
import type { BoxCheckpoint } from '../remote/checkpoints.ts';
import { SYNC_ENTRIES_MAX, type SyncEntry, type SyncRecord } from './record.ts';
import { CELLS_MAX } from '../record/contract.ts';

/**
 * What a sync does with what the box listed, given what the runner already holds: which files to pull,
 * where each version lives, what to keep, and what the run's standing is. Pure.
 */

type Identity = Pick<BoxCheckpoint, 'path' | 'cell' | 'bytes' | 'mtime'>;

/** The same file: path, cell, size and mtime all equal (one the runner has judged need not cross again). */
export function sameFile(a: Identity, b: Identity): boolean {
  return a.path === b.path && a.cell === b.cell && a.bytes === b.bytes && a.mtime === b.mtime;
}

/** Listed files to pull: those the runner has not already judged as that same file. */
export function toPull(files: BoxCheckpoint[], record: SyncRecord): BoxCheckpoint[] {
  return files.filter((f) => !record.entries.some((e) => sameFile(e, f)));
}

const where = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 8);
const stamp = (mtime: number) => new Date(mtime * 1000).toISOString().replace(/[-:]|\.\d+/g, '');

/**
 * Where a file is staged while it arrives (under `.incoming/`): named by what the listing knew of it (when it
 * was written, its size, its path), so a pull cut off resumes into the same folder on the next sync, and a
 * file rewritten since gets another. Its hash is known only once its bytes are in.
 */
export function stagingDir(f: Pick<BoxCheckpoint, 'mtime' | 'mtimeExact' | 'bytes' | 'path'>): string {
  return `${stamp(f.mtime)}-${f.mtimeExact.slice(f.mtimeExact.indexOf('.') + 1)}-${f.bytes}-${where(f.path)}`;
}

/**
 * Where one version of a file lives under the run's sync directory: its own folder named by when it was
 * written, its hash and its path, so a checkpoint rewritten in place (last.pt) keeps its older verified
 * versions, and two files with the same bytes and time (a copy, a rename into a folder) never share one.
 */
export function versionDir(f: { mtime: number; sha256: string; path: string }): string {
  return `${stamp(f.mtime)}-${f.sha256.slice(0, 12)}-${where(f.path)}`;
}

/** The training step a checkpoint holds, from its file name (`step_1200.pt`, `ckpt-300.safetensors`, `iter=40`). */
export function stepFromName(path: string): number | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const m = /(?:step|iter|it|global_step|ckpt|checkpoint)[-_=]?(\d{1,12})(?!\d)/i.exec(base) ?? /^(\d{1,12})\.[A-Za-z]+$/.exec(base);
  return m ? Number(m[1]) : null;
}

/**
 * The record after this sync's judgements: each judged file added (replacing an entry of the same file),
 * then per cell only the newest `keep` verified versions stay; the older ones become `pruned` and are
 * returned so their folders are deleted on the runner (never anything on the box). Newest first, bounded.
 */
export function judge(record: SyncRecord, judged: SyncEntry[], keep: number): { record: SyncRecord; prune: SyncEntry[] } {
  const rest = record.entries.filter((e) => !judged.some((j) => sameFile(e, j)));
  const all = [...judged, ...rest].sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : 1));
  const kept = new Map<string, number>();
  const prune: SyncEntry[] = [];
  const entries = all.map((e) => {
    if (e.status !== 'verified') return e;
    const n = (kept.get(e.cell ?? '') ?? 0) + 1;
    kept.set(e.cell ?? '', n);
    if (n <= keep) return e;
    prune.push(e);
    return { ...e, status: 'pruned' as const };
  });
  return { record: { ...record, entries: entries.slice(0, SYNC_ENTRIES_MAX) }, prune };
}

/** Each cell's newest verified checkpoint (a single run's: one, cell null), newest first: what a recovery restores. */
export function newestPerCell(record: SyncRecord): SyncEntry[] {
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const seen = new Set<string>();
  return byMtime.filter((e) => {
    if (e.status !== 'verified' || seen.has(e.cell ?? '')) return false;
    seen.add(e.cell ?? '');
    return true;
  });
}

/**
 * The cells a recovery may record done on a new box: those recorded before, and those the patrol saw finished
 * this tick, but only after a sync pass that stopped for nothing (`held` null when it did), for a cell with no
 * file still being written or too large (`held`), and whose newest judged file is verified. A cell finished whose
 * last checkpoint is not home yet runs again on a new box from the newest it has.
 */
export function doneCells(record: SyncRecord, finished: readonly string[], held: readonly string[] | null): string[] {
  if (!held) return record.done;
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const home = finished.filter((c) => !held.includes(c) && byMtime.find((e) => e.cell === c && e.status !== 'pruned')?.status === 'verified');
  return [...new Set([...record.done, ...home])].slice(0, CELLS_MAX);
}

/**
 * Where the run stands: its newest verified checkpoint (over all cells) and, when the newest checkpoint
 * it judged (in any cell) failed verification, that one: a newer bad file is news even while an older good
 * one is kept.
 */
export function standing(record: SyncRecord): { newest: SyncEntry | null; bad: SyncEntry | null } {
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const newest = byMtime.find((e) => e.status === 'verified') ?? null;
  const cells = [...new Set(record.entries.map((e) => e.cell ?? ''))];
  const bad = cells.map((c) => byMtime.find((e) => (e.cell ?? '') === c && e.status !== 'pruned')).find((e) => e?.status === 'bad') ?? null;
  return { newest, bad };
}
