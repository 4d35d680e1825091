import { BoxDataError, int, obj, optInt, optStr, str, type Obj } from './strict.ts';

/** Every state the patrol can give a run (src/patrol/remediation.ts gives each its remediation). */
export const STATES = [
  'queued',
  'requeued',
  'launching',
  'running',
  'stalled',
  'finished',
  'failed',
  'dead',
  'rebooted',
  'unreachable',
  'host-key-changed',
  'auth-refused',
  'probe-error',
  'unknown',
  'torn-down',
  'preempted',
  'degraded',
] as const;
export type State = (typeof STATES)[number];

/**
 * What tether saw of a run at one moment (a collect's proof records it; teardown looks again): its state
 * and where it was. `finished_at` is the marker's time (or when it was seen ended without one), or
 * "running" while the run is not ended. Types and a strict reader; pure.
 */
export interface RunState {
  state: string;
  cls: string | null;
  attempt: number;
  step: number | null;
  /** Seconds since the newest checkpoint, when there is one. */
  checkpoint_age_s: number | null;
  finished_at: string;
  observed_at: string;
  /** A sweep's cells that are not ended (at most NOT_ENDED_NAMED named), and how many cells in all. */
  cells?: { total: number; not_ended: Array<{ name: string; state: string }>; more: number };
}

/** Ended: no job process is alive (DESIGN.md; issue 23 §1). Everything else, including not knowing, is not ended. */
export const ENDED_STATES = ['finished', 'failed', 'dead', 'rebooted', 'preempted'] as const;
/** A run state names at most this many of a sweep's not-ended cells (the rest are counted in `more`). */
export const NOT_ENDED_NAMED = 20;
/** A checkpoint saved as the job ended is the job's (the marker is written just after); newer ones are foreign. */
export const FOREIGN_SLACK_S = 5;

export function isEnded(state: string): boolean {
  return (ENDED_STATES as readonly string[]).includes(state);
}

/** The run and each of its cells ended. */
export function allEnded(s: RunState): boolean {
  return isEnded(s.state) && (s.cells?.not_ended.length ?? 0) === 0 && (s.cells?.more ?? 0) === 0;
}

const STATE = /^[a-z][a-z-]{0,31}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** Reads a recorded run state strictly (from VERIFIED.json: tether's file, but a file anyone could have edited). */
export function parseRunState(raw: unknown, where = 'run_state'): RunState {
  const o = obj(raw, where);
  const state = str(o, 'state', where, { max: 32, pattern: STATE });
  const finished = str(o, 'finished_at', where, { max: 32 });
  if (finished !== 'running' && !ISO.test(finished)) throw new BoxDataError(`${where}.finished_at is neither a time nor "running"`);
  if ((finished === 'running') === isEnded(state)) throw new BoxDataError(`${where}.finished_at ${finished} contradicts state ${state}`);
  const out: RunState = {
    state,
    cls: optStr(o, 'cls', where, { max: 32, pattern: STATE }),
    attempt: int(o, 'attempt', where, { max: 1_000_000 }),
    step: optInt(o, 'step', where),
    checkpoint_age_s: optInt(o, 'checkpoint_age_s', where),
    finished_at: finished,
    observed_at: str(o, 'observed_at', where, { max: 32, pattern: ISO }),
  };
  if (o['cells'] !== undefined) {
    const c = obj(o['cells'], `${where}.cells`);
    const list = c['not_ended'];
    if (!Array.isArray(list) || list.length > NOT_ENDED_NAMED) throw new BoxDataError(`${where}.cells.not_ended is not a list of at most ${NOT_ENDED_NAMED}`);
    out.cells = {
      total: int(c, 'total', `${where}.cells`, { max: 100_000 }),
      not_ended: list.map((e, i) => {
        const x: Obj = obj(e, `${where}.cells.not_ended[${i}]`);
        return {
          name: str(x, 'name', `${where}.cells.not_ended[${i}]`, { max: 128, pattern: NAME }),
          state: str(x, 'state', `${where}.cells.not_ended[${i}]`, { max: 32, pattern: STATE }),
        };
      }),
      more: int(c, 'more', `${where}.cells`, { max: 100_000 }),
    };
  }
  return out;
}

/** A duration as people read it: seconds under 90, minutes under 90, else hours. Pure. */
/** 40 s, 12 min, 3.5 h, 2.1 d: the one way tether writes a length of time. */
export const durationText = (s: number) =>
  s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} d`;

/** "running at step 7, last checkpoint 40 s ago" (or "no checkpoint yet"). Pure. */
export function whereText(s: RunState): string {
  const step = s.step !== null ? ` at step ${s.step}` : '';
  const ck = s.checkpoint_age_s !== null ? `last checkpoint ${durationText(s.checkpoint_age_s)} ago` : 'no checkpoint yet';
  const cells =
    s.cells && (s.cells.not_ended.length || s.cells.more)
      ? `; cells not ended: ${s.cells.not_ended.map((c) => `${c.name} (${c.state})`).join(', ')}${s.cells.more ? ` and ${s.cells.more} more` : ''} of ${s.cells.total}`
      : '';
  return `${s.state}${s.cls ? `(${s.cls})` : ''}${step} (attempt ${s.attempt}), ${ck}${cells}`;
}
