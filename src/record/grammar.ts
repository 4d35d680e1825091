/**
 * The one grammar of the on-box run record (its patterns from the contract, src/record/contract.ts, which
 * lib.sh gets as variables): run ids, attempt numbers and the DONE/FAILED markers. Pure.
 */
import { ATTEMPT_PATTERN, CELL_NAME_PATTERN, RUN_ID_PATTERN } from './contract.ts';
import { BoxDataError, int, obj, optStr, str } from './strict.ts';

/** A run or cell id: what launch accepts and what the probe asks about. */
export const RUN_ID = new RegExp(RUN_ID_PATTERN);
/** The key a node of a run on many boxes has in a patrol's verdicts and tick memory (`#` is outside the run id grammar). */
export const nodeKey = (runId: string, rank: number) => `${runId}#${rank}`;
/** The run a node key belongs to (a run id is its own). */
export const baseRunId = (key: string) => key.replace(/#\d{1,2}$/, '');
/** Where a node's collected files and proof go under the run's destination (collect writes it, teardown reads it). */
export const rankDir = (rank: number) => `rank-${rank}`;
/** A sweep's cell name: it names a directory, so never `.`, `..` or a leading `-` (lib.sh is_cell_name). */
export const CELL_NAME = new RegExp(CELL_NAME_PATTERN);
/** An attempt directory name: 1..999999, no sign, no leading zero (so `007` is not attempt 7). */
export const ATTEMPT = new RegExp(ATTEMPT_PATTERN);
export const ATTEMPT_MAX = 999_999;

export function isAttempt(s: string): boolean {
  return ATTEMPT.test(s);
}

export interface Marker {
  kind: 'DONE' | 'FAILED';
  attempt: number;
  exitCode: number;
  signal: string | null;
  stage: string;
  finishedAt: string;
}

/**
 * A DONE/FAILED marker as the wrapper writes it: `{"attempt":N,"exit_code":N,"signal":S|null,"stage":S,
 * "finished_at":S}`. Anything else is a BoxDataError naming what is wrong (never an exception of another kind).
 */
export function parseMarker(kind: 'DONE' | 'FAILED', text: string): Marker {
  if (text.length > 4096) throw new BoxDataError(`${kind} marker is ${text.length} bytes (at most 4096)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BoxDataError(`${kind} marker is not JSON`);
  }
  const m = obj(raw, `${kind} marker`);
  const exitCode = int(m, 'exit_code', `${kind} marker`, { min: -1, max: 255 });
  const signal = optStr(m, 'signal', `${kind} marker`, { max: 16, pattern: /^[A-Z0-9]{1,16}$/ });
  return {
    kind,
    attempt: int(m, 'attempt', `${kind} marker`, { min: 0, max: ATTEMPT_MAX }),
    exitCode,
    signal,
    stage: str(m, 'stage', `${kind} marker`, { max: 32, pattern: /^[a-z_-]{1,32}$/ }),
    finishedAt: str(m, 'finished_at', `${kind} marker`, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ }),
  };
}
