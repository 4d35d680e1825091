import type { SyncMode } from '../config/sync.ts';
import { CELL_NAME, RUN_ID } from '../record/grammar.ts';
import { CELLS_MAX, PATH_MAX } from '../record/contract.ts';
import { RECORD_NAME, SAFE_PATH } from '../record/manifest.ts';
import { arr, BoxDataError, int, obj, str, strs, type Obj } from '../record/strict.ts';
import type { Session } from '../ssh/client.ts';
import { parseJsonLine, runScript } from './invoke.ts';

/** A settled checkpoint on the box, as listed (nothing read: its hash comes with its bytes when it is pulled). */
export interface BoxCheckpoint {
  path: string;
  cell: string | null;
  bytes: number;
  /** Box clock, whole epoch seconds (what the sync record keeps). */
  mtime: number;
  /** The same mtime exactly as the box's `stat %.9Y` printed it: send.sh sends the file only while it still reads so. */
  mtimeExact: string;
}

export type SettledRun =
  | {
      id: string;
      error: null;
      workdir: string;
      files: BoxCheckpoint[];
      unsettled: number;
      skipped: number;
      tooLarge: number;
      /** A sweep's cells with a newer file still being written or too large: not all of theirs is listed. */
      held: string[];
    }
  | { id: string; error: string };

export interface SettledListing {
  /** The box's clock when it listed (epoch seconds): ages are taken against it, not the runner's. */
  now: number;
  runs: SettledRun[];
}

export interface SyncRequest {
  runId: string;
  mode: Exclude<SyncMode, 'none'>;
  keep: number;
}

const FILES_MAX = 512 * 16;
const TIME = { min: 0, max: 1e11 };
/** `stat -c %.9Y`: whole seconds, a dot, nanoseconds. */
const MTIME_EXACT = /^[0-9]{1,12}\.[0-9]{9}$/;

/**
 * Lists, read-only, the settled checkpoints of the requested runs (scripts/remote/checkpoints.sh): names,
 * sizes and mtimes, no file read; a file over `maxBytes` (what the runner can hold) is only counted.
 */
export async function listSettled(
  session: Session,
  runRoot: string,
  settleS: number,
  maxBytes: number,
  requests: SyncRequest[],
  timeoutMs = 300_000,
): Promise<SettledListing> {
  const lines = requests.map((r) => `run ${r.runId} ${r.mode} ${r.keep}`);
  const res = await runScript(session, 'checkpoints', [runRoot, String(settleS), String(Math.max(0, Math.floor(maxBytes)))], {
    data: `${lines.join('\n')}\nend\n`,
    timeoutMs,
    maxOutput: 8 << 20,
  });
  return parseSettled(parseJsonLine('checkpoints', res), new Set(requests.map((r) => r.runId)));
}

/**
 * checkpoints.sh's answer, field by field. A run whose part is broken is that run's error (its sync is
 * skipped this tick); a broken envelope is a BoxDataError for the host. Pure.
 */
export function parseSettled(raw: unknown, asked: Set<string>): SettledListing {
  const o = obj(raw, 'checkpoints');
  const now = int(o, 'now', 'checkpoints', TIME);
  const runs = arr(o, 'runs', 'checkpoints', 64).map((x, i): SettledRun => {
    const where = `checkpoints.runs[${i}]`;
    const r = obj(x, where);
    const id = str(r, 'id', where, { max: 64, pattern: RUN_ID });
    if (!asked.has(id)) throw new BoxDataError(`${where} is run ${id}, which was not asked about`);
    if (r['error'] !== undefined) return { id, error: str(r, 'error', where, { max: 200, pattern: /^[ -~]*$/ }) };
    try {
      return parseRun(r, id, where);
    } catch (err) {
      if (err instanceof BoxDataError) return { id, error: err.message };
      throw err;
    }
  });
  return { now, runs };
}

function parseRun(r: Obj, id: string, where: string): SettledRun {
  const workdir = str(r, 'workdir', where, { max: 4096, pattern: /^\/[^\u0000-\u001f]*$/ });
  const seen = new Set<string>();
  const files = arr(r, 'files', where, FILES_MAX).map((x, k): BoxCheckpoint => {
    const w = `${where}.files[${k}]`;
    const f = obj(x, w);
    const path = str(f, 'path', w, { max: PATH_MAX, pattern: SAFE_PATH });
    if (RECORD_NAME.test(path)) throw new BoxDataError(`${w} is ${path}, a name tether keeps for its own records`);
    const cell = f['cell'] === null ? null : str(f, 'cell', w, { max: 64, pattern: CELL_NAME });
    const key = `${cell ?? ''}/${path}`;
    if (seen.has(key)) throw new BoxDataError(`${w}: ${path} is listed twice`);
    seen.add(key);
    const mtimeExact = str(f, 'mtime', w, { max: 21, pattern: MTIME_EXACT });
    const mtime = Number(mtimeExact.slice(0, mtimeExact.indexOf('.')));
    if (mtime > TIME.max) throw new BoxDataError(`${w}.mtime is ${mtimeExact}, not a time`);
    return { path, cell, bytes: int(f, 'bytes', w), mtime, mtimeExact };
  });
  const held = strs(r, 'held', where, CELLS_MAX, CELL_NAME, 'a cell name');
  return {
    id,
    error: null,
    workdir,
    files,
    unsettled: int(r, 'unsettled', where),
    skipped: int(r, 'skipped', where),
    tooLarge: int(r, 'too_large', where),
    held,
  };
}
