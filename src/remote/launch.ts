/**
 * The TS side of scripts/remote/launch.sh and confirm.sh: their one-line JSON answers, read strictly field by
 * field (the box may be hostile). Pure.
 */
import { ATTEMPT_MAX } from '../record/grammar.ts';
import { bool, int, obj, optInt, optStr, str } from '../record/strict.ts';

export interface LaunchScriptResult {
  result: string;
  message?: string;
  attempt: number;
  pid: number | null;
  handle?: string;
  started_at: string;
  run_dir: string;
  note?: string;
}

export interface ConfirmResult {
  alive: boolean;
  log_exists: boolean;
  markerKind: 'DONE' | 'FAILED' | null;
  marker: string;
  head: string;
}

/** launch.sh's answer, checked field by field (the box may be hostile). */
export function launchResult(raw: unknown): LaunchScriptResult {
  const o = obj(raw, 'launch.sh result');
  const w = 'launch.sh result';
  return {
    result: str(o, 'result', w, { max: 32, pattern: /^[a-z-]+$/ }),
    message: optStr(o, 'message', w, { max: 4096 }) ?? undefined,
    attempt: int(o, 'attempt', w, { min: 0, max: ATTEMPT_MAX }),
    pid: optInt(o, 'pid', w, { min: 1, max: 2 ** 32 }),
    handle: optStr(o, 'handle', w, { max: 4096 }) ?? undefined,
    started_at: optStr(o, 'started_at', w, { max: 64 }) ?? '',
    run_dir: str(o, 'run_dir', w, { max: 4096 }),
    note: optStr(o, 'note', w, { max: 4096 }) ?? undefined,
  };
}

/** confirm.sh's answer, checked field by field. */
export function confirmResult(raw: unknown): ConfirmResult {
  const o = obj(raw, 'confirm.sh result');
  const w = 'confirm.sh result';
  const kind = str(o, 'marker_kind', w, { max: 6, pattern: /^(DONE|FAILED|)$/ });
  return {
    alive: bool(o, 'alive', w),
    log_exists: bool(o, 'log_exists', w),
    markerKind: kind === '' ? null : (kind as 'DONE' | 'FAILED'),
    marker: str(o, 'marker', w, { max: 4096 }),
    head: str(o, 'head', w, { max: 8192 }),
  };
}
