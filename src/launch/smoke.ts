import { BoxDataError, int, obj, parseJson, str } from '../record/strict.ts';

/**
 * `tether.smoke/v1`: what actions/smoke recorded of a tiny CPU run of the training command. Launch with
 * `require-smoke` refuses, before touching the box, unless a record for the same commit says it passed
 * (runbook R24); `smoke-waiver` skips that with a reason the summary keeps. Pure.
 */
export const SMOKE_SCHEMA = 'tether.smoke/v1';
/** A full git object id: 40 hex (SHA-1) or 64 (SHA-256 repositories). A prefix could name another commit. */
export const FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export interface SmokeRecord {
  commit: string;
  commandSha256: string;
  exitCode: number;
  durationS: number;
  finishedAt: string;
  logTail: string[];
}

export function parseSmoke(text: string): SmokeRecord {
  const o = obj(parseJson(text, 'the smoke record', 1 << 20), 'the smoke record');
  if (o['schema'] !== SMOKE_SCHEMA) throw new BoxDataError(`the smoke record is not ${SMOKE_SCHEMA}`);
  const tail = Array.isArray(o['log_tail']) ? o['log_tail'].slice(-40).map((l) => String(l).slice(0, 500)) : [];
  const d = o['duration_s'];
  if (typeof d !== 'number' || !Number.isFinite(d) || d < 0) throw new BoxDataError('the smoke record.duration_s is not a number of seconds');
  return {
    commit: (() => {
      const c = str(o, 'commit', 'the smoke record', { max: 64 });
      if (!FULL_OID.test(c))
        throw new BoxDataError('the smoke record.commit is not a full commit id (40 or 64 hex): an abbreviated id could name another commit');
      return c;
    })(),
    commandSha256: str(o, 'command_sha256', 'the smoke record', { max: 64, pattern: /^[0-9a-f]{64}$/ }),
    exitCode: int(o, 'exit_code', 'the smoke record', { min: 0, max: 255 }),
    durationS: d,
    finishedAt: str(o, 'finished_at', 'the smoke record', { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ }),
    logTail: tail,
  };
}

/** Whether launch may go on: a passing smoke of this very commit, or a waiver. A refusal says what to do. */
export function smokeGate(record: SmokeRecord | null, commit: string, found: string): { ok: true; note: string } | { ok: false; why: string } {
  if (!record)
    return {
      ok: false,
      why: `require-smoke: no smoke record for commit ${commit.slice(0, 12)} (${found}); run actions/smoke on this commit first, or give smoke-waiver with a reason`,
    };
  if (!FULL_OID.test(commit)) return { ok: false, why: `require-smoke: ${commit.slice(0, 64)} is not a full commit id (40 or 64 hex): give the whole id` };
  if (record.commit !== commit)
    return { ok: false, why: `require-smoke: the smoke record is for commit ${record.commit.slice(0, 12)}, not ${commit.slice(0, 12)}: smoke this commit` };
  if (record.exitCode !== 0)
    return {
      ok: false,
      why: `require-smoke: the smoke run of ${commit.slice(0, 12)} failed (exit ${record.exitCode}${record.exitCode === 124 ? ': it hit its time limit' : ''}); last line: ${record.logTail.at(-1) ?? '(none)'}`,
    };
  return { ok: true, note: `smoke passed for ${record.commit.slice(0, 12)} in ${record.durationS.toFixed(1)} s (${record.finishedAt})` };
}
