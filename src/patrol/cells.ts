import type { RunMemory } from './memory.ts';
import type { CellObservation, HostObservation } from '../record/observation.ts';
import { FAILURE_REMEDIATION, FLAG_REMEDIATION, STATE_REMEDIATION, type Flag, type State } from './remediation.ts';
import { assess, remembered, type AssessOptions, type CellVerdict, type Verdict } from './verdict.ts';

/**
 * A sweep's cells on one tick: a verdict per cell from the same verdict function a run gets (its own log
 * delta, so a traceback in one cell is never another's), and the run's line from its cells. Pure.
 */

/** A cell's verdict: the run's fields, with the cell name as `runId` and the GPUs the queue gave it. */
export type { CellVerdict };

export interface CellSummary {
  total: number;
  /** Cells by state, e.g. { finished: 3, running: 4, failed: 1 }. */
  counts: Partial<Record<State, number>>;
  /** Failed cells by failure class, e.g. { 'cuda-oom': 1 }. */
  classes: Record<string, number>;
}

/** History kept per cell: a sweep's memory must fit one comment with hundreds of cells. */
export const CELL_HISTORY_MAX = 16;

export function assessCells(
  cells: CellObservation[],
  cellErrors: Record<string, string>,
  host: HostObservation,
  prev: Record<string, RunMemory> | undefined,
  runEnded: boolean,
  opts: AssessOptions,
  now: Date,
): { verdicts: CellVerdict[]; memory: Record<string, RunMemory> } {
  const verdicts: CellVerdict[] = [];
  const memory: Record<string, RunMemory> = {};
  const iso = now.toISOString();
  const names = [...cells.map((c) => c.id), ...Object.keys(cellErrors).filter((n) => !cells.some((c) => c.id === n))];
  for (const name of names) {
    const c = cells.find((x) => x.id === name);
    const before = prev?.[name];
    let out: { verdict: Verdict; memory: RunMemory };
    let gpus = '';
    if (!c) {
      out = assess(name, { kind: 'probe-error', detail: `probe output for this cell is unreadable: ${cellErrors[name]}` }, before, opts, now);
    } else if (c.settled) {
      // Seen finished last tick: what was concluded then stands (its class came from its whole log).
      const m: RunMemory = before && before.attempt === c.attempt ? before : settledMemory(c, iso);
      out = { verdict: { ...remembered(name, m.state, m, { remediation: remediationOf(m), detail: detailOf(m, c), since: m.since }), cls: m.cls }, memory: m };
    } else {
      gpus = c.gpus;
      out = assess(name, { kind: 'observed', host, run: c }, before, opts, now);
      if (c.attempt === 0) out = queued(name, out, before, runEnded, iso, c.blocked);
    }
    const m = { ...out.memory, history: out.memory.history.slice(-CELL_HISTORY_MAX) };
    memory[name] = m;
    verdicts.push({ ...out.verdict, cellGpus: gpus });
  }
  return { verdicts, memory };
}

/** A cell the queue has not started: queued while the run lives, never started once it ended. */
function queued(name: string, out: { verdict: Verdict; memory: RunMemory }, before: RunMemory | undefined, runEnded: boolean, iso: string, blocked?: string) {
  const state: State = runEnded ? 'failed' : 'queued';
  const since = before?.state === state ? before.since : iso;
  const memory: RunMemory = { ...out.memory, state, cls: runEnded ? 'stopped' : null, since };
  const held = !runEnded && blocked;
  const detail = runEnded
    ? 'never started: the sweep ended before its turn (on-cell-failure: stop, or a stop)'
    : held
      ? `blocked-disk: the queue holds it: ${blocked}`
      : 'waiting for a slot';
  return {
    verdict: {
      ...out.verdict,
      state,
      cls: memory.cls,
      since,
      detail,
      remediation: runEnded
        ? FAILURE_REMEDIATION.stopped
        : held
          ? `${STATE_REMEDIATION.queued}; ${FLAG_REMEDIATION['blocked-disk']}`
          : STATE_REMEDIATION.queued,
      flags: held ? (['blocked-disk'] as Flag[]) : [],
    },
    memory,
  };
}

function settledMemory(c: Extract<CellObservation, { settled: true }>, iso: string): RunMemory {
  const done = c.marker?.kind === 'DONE';
  return {
    attempt: c.attempt,
    offset: 0,
    state: done ? 'finished' : 'failed',
    cls: done ? null : 'other',
    since: iso,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: null,
    epoch: null,
    metrics: {},
    history: [],
  };
}

function remediationOf(m: RunMemory): string {
  return m.state === 'failed' ? FAILURE_REMEDIATION[m.cls ?? 'other'] : STATE_REMEDIATION[m.state as Exclude<State, 'failed'>];
}

function detailOf(m: RunMemory, c: Extract<CellObservation, { settled: true }>): string {
  const mk = c.marker;
  if (!mk) return m.state;
  return mk.kind === 'DONE' ? `DONE at ${mk.finishedAt}` : `exit ${mk.exitCode}${mk.signal ? ` (SIG${mk.signal})` : ''} in stage ${mk.stage}`;
}

export function summarize(cells: readonly Verdict[]): CellSummary {
  const counts: Partial<Record<State, number>> = {};
  const classes: Record<string, number> = {};
  for (const c of cells) {
    counts[c.state] = (counts[c.state] ?? 0) + 1;
    if (c.state === 'failed') classes[c.cls ?? 'other'] = (classes[c.cls ?? 'other'] ?? 0) + 1;
  }
  return { total: cells.length, counts, classes };
}

/** `3/8 done, 4 running, 1 failed: cuda-oom` (states in lifecycle order; failed with its classes). */
export function summaryText(s: CellSummary): string {
  const order: State[] = ['running', 'launching', 'queued', 'stalled', 'preempted', 'failed', 'dead', 'rebooted', 'probe-error', 'unknown', 'unreachable'];
  const parts = [`${s.counts.finished ?? 0}/${s.total} done`];
  for (const st of order) {
    const n = s.counts[st];
    if (!n) continue;
    const cls =
      st === 'failed'
        ? `: ${Object.entries(s.classes)
            .map(([k, v]) => (v > 1 ? `${k} ×${v}` : k))
            .join(', ')}`
        : '';
    parts.push(`${n} ${st}${cls}`);
  }
  return parts.join(', ');
}

/**
 * The run's line of a sweep: the queue's own verdict, but its liveness and progress come from the cells (a
 * live queue is running while any cell runs or waits, stalled only when every live cell is); the detail is
 * the cells' summary, and a failed run takes the class of its first failed cell.
 */
export function sweepVerdict(run: Verdict, cells: readonly Verdict[]): Verdict {
  const s = summarize(cells);
  const live = cells.filter((c) => ['running', 'launching', 'stalled', 'queued'].includes(c.state));
  let state = run.state;
  if (run.state === 'running' || run.state === 'stalled' || run.state === 'launching') {
    state = live.length && live.every((c) => c.state === 'stalled') ? 'stalled' : live.length ? 'running' : run.state;
  }
  const firstFailed = cells.find((c) => c.state === 'failed');
  const cls = state === 'failed' ? (firstFailed?.cls ?? run.cls) : run.cls;
  const remediation =
    state === run.state && cls === run.cls
      ? run.remediation
      : state === 'failed'
        ? FAILURE_REMEDIATION[cls ?? 'other']
        : STATE_REMEDIATION[state as Exclude<State, 'failed'>];
  return { ...run, state, cls, remediation, detail: `${summaryText(s)} (${run.detail})` };
}
