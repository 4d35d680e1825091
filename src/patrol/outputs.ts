/**
 * What a patrol tick says when it ends: the step outputs, the warnings, and whether the job fails. Pure: the
 * tick's verdicts and the memory before and after it in, values out (src/patrol/phase.ts reports them).
 */
import { summarize, summaryText } from './cells.ts';
import type { RunMemory, TickMemory } from './memory.ts';
import { ESCALATE, stateText } from './render.ts';
import type { State } from './remediation.ts';
import type { HostVerdict } from './render.ts';

export interface PatrolEnd {
  outputs: Record<string, string>;
  warnings: string[];
  infos: string[];
  errors: string[];
  /** A run (or a sweep's cell) entered a fail-on state on this tick. */
  failed: boolean;
}

/**
 * The outputs of one tick: `states`, `escalate`, `tick`, `entered` (and `synced`, `status-url` when given),
 * a warning per run that needs looking at (and per run whose globs matched symlinks), and the fail-on news.
 * fail-on fails the job when a run *enters* such a state (another state, class or attempt than the last tick
 * remembered): one notification, not one per tick while it stays there; a sweep's cell that enters one is
 * news too (`run/cell`).
 */
export function patrolEnd(
  verdicts: readonly HostVerdict[],
  before: TickMemory,
  after: TickMemory,
  failOn: readonly State[],
  extra: { synced: Record<string, unknown> | null; statusUrls: string[] },
): PatrolEnd {
  const states = Object.fromEntries(
    verdicts.map((v) => [
      v.runId,
      {
        state: v.state,
        class: v.cls,
        attempt: v.attempt,
        step: v.step,
        epoch: v.epoch,
        metrics: v.metrics,
        flags: v.flags,
        host: v.host,
        ...(v.cells
          ? {
              summary: summaryText(summarize(v.cells)),
              cells: Object.fromEntries(v.cells.map((c) => [c.runId, { state: c.state, class: c.cls, attempt: c.attempt, step: c.step, gpus: c.cellGpus }])),
            }
          : {}),
        ...(v.nodes
          ? { nodes: v.nodes.map((n) => ({ rank: n.rank, host: n.host, state: n.state, class: n.cls, consequence: n.consequence, step: n.step })) }
          : {}),
      },
    ]),
  );
  const outputs: Record<string, string> = { states: JSON.stringify(states) };
  if (extra.synced) outputs['synced'] = JSON.stringify(extra.synced);
  outputs['escalate'] = String(verdicts.some((v) => ESCALATE.includes(v.state)));
  outputs['tick'] = String(after.tick);
  outputs['status-url'] = extra.statusUrls.filter((w) => w.startsWith('http')).join('\n');
  const warnings: string[] = [];
  for (const v of verdicts)
    if (v.state !== 'running' && v.state !== 'finished' && v.state !== 'launching') warnings.push(`${v.runId}: ${stateText(v)}: ${v.detail}. ${v.remediation}`);
  // The one symlink rule: a symlink the checkpoint globs match is never followed, pulled or counted, and said so.
  for (const v of verdicts)
    if (v.checkpoints.symlinks)
      warnings.push(
        `${v.runId}: ${v.checkpoints.symlinks} file(s) its checkpoint globs match are symlinks: skipped, never followed (not counted, synced or collected)`,
      );
  const entered: Array<{ runId: string } & Pick<HostVerdict, 'state' | 'cls'>> = verdicts.filter(
    (v) => failOn.includes(v.state) && enteredNow(before.runs[v.runId], after.runs[v.runId], v),
  );
  const cellsEntered = verdicts.flatMap((v) =>
    (v.cells ?? [])
      .filter((c) => failOn.includes(c.state) && enteredNow(before.runs[v.runId]?.cells?.[c.runId], after.runs[v.runId]?.cells?.[c.runId], c))
      .map((c) => ({ ...c, runId: `${v.runId}/${c.runId}` })),
  );
  entered.push(...cellsEntered.filter((c) => !entered.some((v) => v.runId === c.runId)));
  outputs['entered'] = JSON.stringify(entered.map((v) => v.runId));
  const infos: string[] = [];
  const staying = verdicts.filter((v) => failOn.includes(v.state) && !entered.includes(v));
  if (staying.length) infos.push(`patrol: still ${staying.map((v) => `${v.runId} ${stateText(v)}`).join(', ')} (already reported when it began)`);
  const errors: string[] = [];
  if (entered.length) errors.push(`patrol: ${entered.map((v) => `${v.runId} is ${stateText(v)}`).join(', ')} (fail-on: ${failOn.join(',')})`);
  return { outputs, warnings, infos, errors, failed: entered.length > 0 };
}

/** Whether this tick's verdict is news against what the last tick remembered of the run. */
function enteredNow(prev: RunMemory | undefined, now: RunMemory | undefined, v: { state: string; cls: string | null }): boolean {
  if (!prev) return true;
  return prev.state !== v.state || prev.cls !== v.cls || prev.attempt !== now?.attempt;
}
