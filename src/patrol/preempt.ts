/**
 * Preemption as a fact from the provider (issue 27 §1): a run becomes `preempted` only on its provider's own
 * confirmed word (two readings in one tick, provision/orphans.ts) or Slurm's PREEMPTED, and stays so for that
 * attempt whatever the network says afterwards; a transport failure is never evidence of one. Pure.
 */
import type { PreemptedMark, RunMemory, TickMemory } from './memory.ts';
import { STATE_REMEDIATION } from './remediation.ts';
import { withFlag, type Verdict } from './verdict.ts';

/** A registered run's instance as its provider described it this tick (the patrol's view of provision/orphans.ts). */
export interface ProviderWord {
  runId: string;
  provider: string;
  instanceId: string;
  phase: string;
  detail: string;
  /** Confirmed by a second reading. */
  preempted?: string;
  unconfirmed?: string;
}

const textOf = (p: PreemptedMark, stillAnswers: boolean) =>
  `${p.provider} says it preempted the box (${p.words}) at ${p.at}${stillAnswers ? '; the box still answers, and goes within minutes' : ''}`;

/** The verdict and memory of a run its provider preempted. */
function asPreempted<V extends Verdict>(v: V, m: RunMemory, p: PreemptedMark, stillAnswers: boolean): { verdict: V; memory: RunMemory } {
  const since = m.preempted?.attempt === p.attempt && m.state === 'preempted' ? m.since : p.at;
  return {
    verdict: { ...v, state: 'preempted', cls: null, flags: [], detail: textOf(p, stillAnswers), remediation: STATE_REMEDIATION.preempted, since },
    memory: { ...m, state: 'preempted', cls: null, since, preempted: p },
  };
}

/** Seen alive or ended by the box itself, this tick (not a state learnt from silence). */
const answered = (s: string) => s === 'running' || s === 'launching' || s === 'stalled';

/**
 * A preemption remembered for the attempt the run is still on keeps the run `preempted` (the box is gone or
 * stopped; silence from it says nothing new). A finished run stays finished, and a new attempt (a recovery)
 * starts afresh. Pure; called on every tick's verdict (src/patrol/tick.ts).
 */
export function keepPreempted<V extends Verdict>(out: { verdict: V; memory: RunMemory }, prev: RunMemory | undefined): { verdict: V; memory: RunMemory } {
  const p = prev?.preempted;
  if (!p || out.memory.attempt !== p.attempt || out.verdict.state === 'finished') return out;
  return asPreempted(out.verdict, out.memory, p, answered(out.verdict.state));
}

/**
 * The provider's confirmed words applied to this tick's verdicts: each preempted run's verdict and memory, and
 * a line for each unconfirmed first reading (shown, never acted on). A run torn down or finished is left as it is.
 */
export function applyProviderWords<V extends Verdict>(verdicts: V[], memory: TickMemory, words: readonly ProviderWord[], now: Date): string[] {
  const notes: string[] = [];
  for (const w of words) {
    const i = verdicts.findIndex((v) => v.runId === w.runId);
    const m = memory.runs[w.runId];
    if (i < 0 || !m) continue;
    const v = verdicts[i]!;
    if (w.unconfirmed)
      notes.push(`${w.runId}: ${w.provider} once said instance ${w.instanceId} was preempted (${w.unconfirmed}): not confirmed, nothing assumed`);
    if (!w.preempted || v.state === 'torn-down' || v.state === 'finished') continue;
    const p: PreemptedMark =
      m.preempted?.attempt === m.attempt ? m.preempted : { at: now.toISOString(), provider: w.provider, words: w.preempted.slice(0, 300), attempt: m.attempt };
    const out = asPreempted(v, m, p, answered(v.state));
    verdicts[i] = out.verdict;
    memory.runs[w.runId] = { ...out.memory, ...(m.at ? { at: m.at } : {}) };
  }
  return notes;
}

/** What the patrol does about a preempted run this tick (issue 27 §2), and the status line that says so. */
export interface RecoveryStep {
  runId: string;
  attempt: number;
  action: 'dispatch' | 'dispatched' | 'wait' | 'exhausted' | 'no-workflow' | 'not-yet';
  line: string;
}

/**
 * For each run its provider preempted: dispatch a recovery (on-preempt replace, recoveries left, a workflow to
 * dispatch, the box no longer running, none dispatched for this attempt), or say why not. Pure.
 */
export function planRecoveries(
  verdicts: ReadonlyArray<{ runId: string; state: string; attempt: number }>,
  memory: TickMemory,
  terms: Readonly<Record<string, { recoveries: number; maxRecoveries: number } | null>>,
  words: readonly ProviderWord[],
  workflow: string | null,
): RecoveryStep[] {
  const out: RecoveryStep[] = [];
  for (const v of verdicts) {
    const m = memory.runs[v.runId];
    if (v.state !== 'preempted' || !m?.preempted) continue;
    const t = terms[v.runId];
    const attempt = m.preempted.attempt;
    const step = (action: RecoveryStep['action'], line: string) => out.push({ runId: v.runId, attempt, action, line: `🪂 \`${v.runId}\` ${line}` });
    if (!t) step('wait', 'launched with on-preempt: wait: nothing is recovered; rent a box and resume it by hand from its newest synced checkpoint');
    else if (t.recoveries >= t.maxRecoveries) step('exhausted', `was recovered ${t.recoveries} times, its max-recoveries: it stays preempted`);
    else if (m.recovery?.attempt === attempt)
      step(
        'dispatched',
        `recovery ${t.recoveries + 1} of ${t.maxRecoveries} was dispatched at ${m.recovery.at} (${m.recovery.url}); if that run failed, run recover again by hand`,
      );
    else if (!workflow)
      step('no-workflow', 'asks for a recovery (its on-preempt), but this patrol has no recover-workflow to dispatch: give it, or run recover by hand');
    else if (words.find((w) => w.runId === v.runId)?.phase === 'running')
      step('not-yet', 'is being taken by its provider but the box still runs: the recovery is dispatched once it is gone');
    else step('dispatch', `recovery ${t.recoveries + 1} of ${t.maxRecoveries}: dispatching ${workflow} with recover: ${v.runId}`);
  }
  return out;
}

/**
 * A recovered attempt resumed when its first reported step is not below the restored checkpoint's (issue 27 §2:
 * a job may first announce the step it loaded, `resumed from step 24`, then go on past it); below it, the job
 * started from scratch and is flagged `restarted-from-zero`. Unknown steps claim nothing. Pure.
 */
export function checkResumes<V extends Verdict>(
  verdicts: V[],
  memory: TickMemory,
  restored: Readonly<Record<string, { attempt: number; step: number | null } | null>>,
): void {
  verdicts.forEach((v, i) => {
    const r = restored[v.runId];
    const first = memory.runs[v.runId]?.firstStep;
    if (!r || r.step === null || v.attempt !== r.attempt || first === undefined || first === null) return;
    verdicts[i] = withFlag(v, 'restarted-from-zero', first < r.step);
  });
}
