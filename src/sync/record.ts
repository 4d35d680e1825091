import { CELL_NAME, RUN_ID } from '../record/grammar.ts';
import { SAFE_PATH } from '../record/manifest.ts';
import { arr, BoxDataError, int, obj, parseJson, str, strs } from '../record/strict.ts';
import { CELLS_MAX } from '../record/contract.ts';

/**
 * `tether.sync/v1`: what a run's sync directory on the runner holds, and what it has judged. The runner's
 * own file, but read as strictly as anything else (a hand-edited or half-written one is started afresh).
 * A sync record is never a proof for teardown: only collect's VERIFIED.json is. Pure.
 */
export const SYNC_SCHEMA = 'tether.sync/v1';
export const SYNC_RECORD = 'sync.json';
/** Entries remembered per run (verified, bad and pruned ones, newest first). */
export const SYNC_ENTRIES_MAX = 256;

export type SyncStatus = 'verified' | 'bad' | 'pruned';

export interface SyncEntry {
  path: string;
  cell: string | null;
  bytes: number;
  /** The box's mtime (epoch seconds): with size and path, what "the same file" means. */
  mtime: number;
  sha256: string;
  status: SyncStatus;
  /** Why it failed verification (status bad). */
  why: string | null;
  /** Runner clock, ISO. */
  syncedAt: string;
  /** When the box wrote it, on the runner's clock (box mtime moved by the box's clock offset). */
  writtenAt: string;
  /** The training step it holds: from its name (step_1200.pt) or the log when it was synced. */
  step: number | null;
}

export interface SyncRecord {
  schema: typeof SYNC_SCHEMA;
  runId: string;
  entries: SyncEntry[];
  /**
   * A sweep's cells the patrol saw finished whose newest checkpoint this runner holds verified (plan.ts
   * doneCells): a recovery restores them and records them done on the new box instead of running them again.
   */
  done: string[];
}

export function emptyRecord(runId: string): SyncRecord {
  return { schema: SYNC_SCHEMA, runId, entries: [], done: [] };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
const STATUSES: readonly SyncStatus[] = ['verified', 'bad', 'pruned'];

/** A sync record's text, or a BoxDataError naming what is wrong with it. */
export function parseRecord(text: string, runId: string): SyncRecord {
  const o = obj(parseJson(text, SYNC_RECORD, 4 << 20), SYNC_RECORD);
  if (o['schema'] !== SYNC_SCHEMA) throw new BoxDataError(`${SYNC_RECORD} is not ${SYNC_SCHEMA}`);
  if (o['runId'] !== runId) throw new BoxDataError(`${SYNC_RECORD} is for another run`);
  str(o, 'runId', SYNC_RECORD, { max: 64, pattern: RUN_ID });
  const entries = arr(o, 'entries', SYNC_RECORD, SYNC_ENTRIES_MAX).map((x, i): SyncEntry => {
    const w = `${SYNC_RECORD}.entries[${i}]`;
    const e = obj(x, w);
    const status = str(e, 'status', w, { max: 16 }) as SyncStatus;
    if (!STATUSES.includes(status)) throw new BoxDataError(`${w}.status is not one of ${STATUSES.join(', ')}`);
    return {
      path: str(e, 'path', w, { max: 1024, pattern: SAFE_PATH }),
      cell: e['cell'] === null ? null : str(e, 'cell', w, { max: 64, pattern: CELL_NAME }),
      bytes: int(e, 'bytes', w),
      mtime: int(e, 'mtime', w),
      sha256: str(e, 'sha256', w, { max: 64, pattern: /^[0-9a-f]{64}$/ }),
      status,
      why: e['why'] === null ? null : str(e, 'why', w, { max: 2000 }),
      syncedAt: str(e, 'syncedAt', w, { max: 32, pattern: ISO }),
      writtenAt: str(e, 'writtenAt', w, { max: 32, pattern: ISO }),
      step: e['step'] === null ? null : int(e, 'step', w),
    };
  });
  // Older records have no list: nothing recorded done.
  const done = o['done'] === undefined ? [] : strs(o, 'done', SYNC_RECORD, CELLS_MAX, CELL_NAME, 'a cell name');
  return { schema: SYNC_SCHEMA, runId, entries, done };
}

export function recordText(r: SyncRecord): string {
  return `${JSON.stringify({ schema: r.schema, runId: r.runId, entries: r.entries.slice(0, SYNC_ENTRIES_MAX), done: r.done.slice(0, CELLS_MAX) }, null, 1)}\n`;
}
