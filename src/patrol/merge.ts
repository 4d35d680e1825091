import type { TickMemory } from './memory.ts';
import { FAILURE_REMEDIATION, STATE_REMEDIATION, type State } from './remediation.ts';
import type { TickResult } from './tick.ts';
import { remembered } from './verdict.ts';

/** What the status shows that matters (state, class, flags, attempt, step per run): a follow writes when it changes. */
export function shownText(r: TickResult): string {
  return JSON.stringify(r.verdicts.map((v) => [v.runId, v.state, v.cls, v.flags, v.attempt, v.step, r.memory.runs[v.runId]?.sync?.newest?.path ?? null]));
}

/**
 * Another patrol (a cron tick beside a follow) may have written a newer observation of a run: that one is
 * kept, never replaced by an older one of ours (last writer wins only on a newer observation).
 */
export function adoptNewer(result: TickResult, stored: TickMemory): void {
  for (const v of result.verdicts) {
    const theirs = stored.runs[v.runId];
    const ours = result.memory.runs[v.runId];
    if (!isIso(theirs?.at) || !isIso(ours?.at) || theirs.at <= ours.at) continue;
    result.memory.runs[v.runId] = theirs;
    const i = result.verdicts.indexOf(v);
    result.verdicts[i] = {
      ...remembered(v.runId, theirs.state, theirs, {
        remediation: theirs.state === 'failed' && theirs.cls ? FAILURE_REMEDIATION[theirs.cls] : STATE_REMEDIATION[theirs.state as Exclude<State, 'failed'>],
        detail: `as another patrol saw it at ${theirs.at}`,
        since: theirs.since,
      }),
      cls: theirs.cls,
      host: v.host,
      hourlyPrice: v.hourlyPrice,
    };
  }
  result.memory.tick = Math.max(result.memory.tick, stored.tick);
}

const isIso = (t: unknown): t is string => typeof t === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t);
