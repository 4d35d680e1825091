import type { HostObservation, ProbeFailure, SeenRun } from '../record/observation.ts';
import { isEnded, NOT_ENDED_NAMED, type RunState } from '../record/run-state.ts';
import { tick } from './tick.ts';
import type { Verdict } from './verdict.ts';

/** What one look at a run gave: its state, or why the box could not be looked at (a transport failure). */
export type Look =
  | { kind: 'seen'; state: RunState }
  | { kind: 'blind'; detail: string }
  /** The box answered, but nothing certain came of it (unreadable, no run record): never evidence of an end. */
  | { kind: 'unclear'; detail: string; verdict: Verdict };

/**
 * One read-only look at one run on its box (collect and teardown): the patrol's own tick over one host
 * with no memory, so the state means exactly what the status says. The probe is handed in; pure.
 */
export async function lookAtRun(
  runId: string,
  probe: (runs: SeenRun[]) => Promise<HostObservation | ProbeFailure>,
  now: Date,
  stallAfterS = 1800,
): Promise<Look> {
  let seen: HostObservation | null = null;
  const r = await tick(
    [{ label: 'box', runIds: [runId] }],
    { v: 1, tick: 0, runs: {} },
    async (_t, runs) => {
      const o = await probe(runs);
      if (!('transport' in o)) seen = o;
      return o;
    },
    { stallAfterS },
    now,
  );
  const v = r.verdicts[0]!;
  if (v.state === 'unreachable') return { kind: 'blind', detail: v.detail };
  const obs = seen as HostObservation | null;
  if (!obs || v.state === 'probe-error' || v.state === 'unknown') return { kind: 'unclear', detail: `${v.state}: ${v.detail}`, verdict: v };
  return { kind: 'seen', state: runStateOf(v, obs, now) };
}

/** The recorded form of a verdict (VERIFIED.json's `run_state`, the teardown card's line). Pure. */
export function runStateOf(v: Verdict, obs: HostObservation, now: Date): RunState {
  const run = obs.runs.find((x) => x.id === v.runId);
  const ended = isEnded(v.state);
  const marker = run?.marker && run.marker.attempt === v.attempt ? run.marker.finishedAt : null;
  const state: RunState = {
    state: v.state,
    cls: v.cls,
    attempt: v.attempt,
    step: v.step,
    checkpoint_age_s: v.checkpoints.ageS !== null ? Math.round(v.checkpoints.ageS) : null,
    finished_at: ended ? (marker ?? now.toISOString()) : 'running',
    observed_at: now.toISOString(),
  };
  if (v.cells) {
    const open = v.cells.filter((c) => !isEnded(c.state));
    state.cells = {
      total: v.cells.length,
      not_ended: open.slice(0, NOT_ENDED_NAMED).map((c) => ({ name: c.runId, state: c.state })),
      more: Math.max(0, open.length - NOT_ENDED_NAMED),
    };
  }
  return state;
}

/** A look as a recorded state: what was not seen is recorded as not ended (a later teardown needs the box, or stop-running). Pure. */
export function stateOfLook(l: Look, now: Date): RunState {
  if (l.kind === 'seen') return l.state;
  const v = l.kind === 'unclear' ? l.verdict : null;
  return {
    state: l.kind === 'blind' ? 'unreachable' : (v?.state ?? 'probe-error'),
    cls: null,
    attempt: v?.attempt ?? 0,
    step: v?.step ?? null,
    checkpoint_age_s: null,
    finished_at: 'running',
    observed_at: now.toISOString(),
  };
}
