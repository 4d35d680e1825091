/**
 * The on-box contract: the grammar and limits the bash side (scripts/remote) and the TypeScript side both
 * need, written once here. TypeScript imports them; bash gets them as variables (contractSh) sent ahead of
 * lib.sh with every on-box script (src/remote/scripts.ts), as the backends' bash is. No script spells one of
 * these itself; test/unit/contract.test.ts runs the bash helpers and the TS parsers over the same cases.
 * Each pattern is a POSIX ERE that JavaScript reads the same way (no `(?:`, no `\d`).
 */

/** A run or cell id, as the box records it. */
export const RUN_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}$';
/** A sweep's cell name: it names a directory, so never `.`, `..` or a leading `-`. */
export const CELL_NAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$';
/** An attempt directory name: 1..999999, no sign, no leading zero (so `007` is not attempt 7). */
export const ATTEMPT_PATTERN = '^[1-9][0-9]{0,5}$';
/** A checkpoint path tether takes (relative, no `..`, no leading `-` or `.` in any part, no spaces). */
export const SAFE_PATH_PATTERN = '^([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$';
/** The same, as the RegExp TypeScript tests paths with. */
export const SAFE_PATH = new RegExp(SAFE_PATH_PATTERN);
/** A checkpoint path is at most this long. */
export const PATH_MAX = 1024;

/** Cells one sweep may hold: launch refuses more, the probe and the sync listing read no more. */
export const CELLS_MAX = 512;

/** Checkpoint files one collect or teardown listing may hold (manifest.sh refuses more, the parser reads no more). */
export const MANIFEST_FILES_MAX = 100_000;

/** What the probe sends of a log per tick: the new bytes (newest kept) and the tail; a cell's are smaller. */
export const LOG_WINDOWS = { delta: 65_536, tail: 8_192, cellDelta: 16_384, cellTail: 4_096 } as const;

/** One shell word: single quotes, each `'` as `'\''`. */
const word = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The contract as bash variables, plus any a registry adds (the backends' scheduler states): one
 * `NAME=value` line each, read-only for the scripts that follow.
 */
export function contractSh(extra: Record<string, string | number> = {}): string {
  const vars: Record<string, string | number> = {
    TETHER_RUN_ID_RE: RUN_ID_PATTERN,
    TETHER_CELL_NAME_RE: CELL_NAME_PATTERN,
    TETHER_ATTEMPT_RE: ATTEMPT_PATTERN,
    TETHER_SAFE_PATH_RE: SAFE_PATH_PATTERN,
    TETHER_PATH_MAX: PATH_MAX,
    CELLS_MAX,
    TETHER_MANIFEST_FILES_MAX: MANIFEST_FILES_MAX,
    DELTA_MAX: LOG_WINDOWS.delta,
    TAIL_MAX: LOG_WINDOWS.tail,
    CELL_DELTA_MAX: LOG_WINDOWS.cellDelta,
    CELL_TAIL_MAX: LOG_WINDOWS.cellTail,
    ...extra,
  };
  return [
    '# The on-box contract, generated from src/record/contract.ts (never spelled in a script).',
    ...Object.entries(vars).map(([k, v]) => `${k}=${typeof v === 'number' ? String(v) : word(v)}`),
  ].join('\n');
}
