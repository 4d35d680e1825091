import type { Session } from '../ssh/client.ts';
import { ATTEMPT_MAX } from '../record/grammar.ts';
import { bool, BoxDataError, int, obj, str } from '../record/strict.ts';
import { parseJsonLine, runScript } from './invoke.ts';

/** What stop.sh did to a run's newest attempt. */
export interface StopResult {
  attempt: number;
  /** The attempt ran when the stop began (false: nothing was signalled). */
  wasAlive: boolean;
  /** TERM was not enough within the grace, so KILL was sent. */
  escalated: boolean;
  /** Still running after KILL (a process stuck in the kernel): the stop did not take. */
  alive: boolean;
  markerKind: 'DONE' | 'FAILED' | null;
}

/** Strict reading of stop.sh's answer. Pure. */
export function parseStop(raw: unknown): StopResult {
  const where = "stop.sh's result";
  const o = obj(raw, where);
  if ('error' in o) throw new BoxDataError(`stop: ${str(o, 'message', where, { max: 600 })}`);
  const kind = str(o, 'marker_kind', where, { max: 6, pattern: /^(DONE|FAILED|)$/ });
  return {
    attempt: int(o, 'attempt', where, { min: 0, max: ATTEMPT_MAX }),
    wasAlive: bool(o, 'was_alive', where),
    escalated: bool(o, 'escalated', where),
    alive: bool(o, 'alive', where),
    markerKind: kind === '' ? null : (kind as 'DONE' | 'FAILED'),
  };
}

/**
 * Stops a run by the handle its newest attempt recorded (backend_stop_<name>): TERM, up to `graceS` seconds
 * for the job to checkpoint and exit, then KILL. The run record ends with FAILED, stage `stopped`.
 */
export async function stopRun(session: Session, runDir: string, graceS: number): Promise<StopResult> {
  if (!Number.isInteger(graceS) || graceS < 0 || graceS > 9999) throw new RangeError(`stop grace must be 0..9999 seconds, not ${graceS}`);
  const r = await runScript(session, 'stop', [runDir, String(graceS)], { timeoutMs: (graceS + 30) * 1000, maxOutput: 64 * 1024 });
  return parseStop(parseJsonLine('stop', r));
}
