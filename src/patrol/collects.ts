/**
 * The patrol's collect dispatch (issue 27 §3, `auto-collect-workflow`): a registered run that has ended gets its
 * collect workflow dispatched once per attempt, so its checkpoints are pulled and verified without a person
 * remembering to ask (collect is read-only on the box; nothing is torn down by it). Pure.
 */
import type { TickMemory } from './memory.ts';
import type { State } from './remediation.ts';

/** The states in which a run has ended on the box (a preempted box is gone or stopped: nothing to pull from it). */
export const COLLECT_WHEN: readonly State[] = ['finished', 'failed', 'dead', 'rebooted'];

export function planCollects(
  verdicts: ReadonlyArray<{ runId: string; state: string; attempt: number }>,
  memory: TickMemory,
  registered: ReadonlySet<string>,
): Array<{ runId: string; attempt: number; state: string }> {
  return verdicts
    .filter((v) => v.attempt > 0 && registered.has(v.runId) && (COLLECT_WHEN as readonly string[]).includes(v.state))
    .filter((v) => memory.runs[v.runId]?.collect?.attempt !== v.attempt)
    .map((v) => ({ runId: v.runId, attempt: v.attempt, state: v.state }));
}
