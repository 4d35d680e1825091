import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { FailureClass } from './signatures.ts';
import type { State } from './remediation.ts';

/** What one tick remembers of a run for the next (kept in a hidden block of the comment / summary). */
export interface RunMemory {
  attempt: number;
  /** Bytes of the attempt log already scanned for crash signatures. */
  offset: number;
  state: State;
  cls: FailureClass | null;
  /** When the run entered `state` (ISO). */
  since: string;
  /** The state before the host became unreachable, carried while it stays so. */
  lastKnown: State | null;
  unreachableSince: string | null;
  unreachableTicks: number;
  oomKills: number | null;
  step: number | null;
  epoch: string | null;
  metrics: Record<string, number>;
  /** [epoch seconds, step, loss] points for the chart, at most HISTORY_MAX. */
  history: Array<[number, number | null, number | null]>;
  /** The run's tracking issue, once found: the next tick looks it up directly instead of searching. */
  issue?: number;
  /** Set by teardown: what was done, to which instance, and when; the patrol stops probing the run. */
  teardown?: TeardownMark;
  /** A sweep's cells, by name: the same memory per cell (history kept shorter). */
  cells?: Record<string, RunMemory>;
  /** What the patrol's checkpoint sync (`sync`) last knew of the run. */
  sync?: SyncMemory;
  /** When this memory was made (the tick's time, ISO): of two patrols' memories of a run, the newer wins. */
  at?: string;
}

/** The sync's standing of a run, as the status shows it: its newest verified checkpoint on the runner, and a newer bad one. */
export interface SyncMemory {
  newest: { path: string; cell: string | null; step: number | null; writtenAt: string; where: string; sha256: string; artifact?: string } | null;
  /** The newest checkpoint judged, when it failed verification. */
  bad: { path: string; cell: string | null; writtenAt: string; why: string } | null;
  /** When the last sync ran (ISO), and why it stopped early, if it did. */
  at: string;
  error: string | null;
  /** Sync artifacts tether uploaded for the run (`sync-artifact`), newest first: the older ones are the user's to prune. */
  artifacts?: Array<{ name: string; bytes: number; at: string }>;
}

export interface TeardownMark {
  state: 'torn-down' | 'parked';
  reason: string;
  at: string;
}

export interface TickMemory {
  v: 1;
  tick: number;
  runs: Record<string, RunMemory>;
}

export const HISTORY_MAX = 96;
const OPEN = '<!-- tether:memory ';
const CLOSE = ' -->';

export function emptyMemory(): TickMemory {
  return { v: 1, tick: 0, runs: {} };
}

/** The hidden block: deflated JSON, base64, inside an HTML comment (invisible in rendered markdown). */
export function memoryBlock(m: TickMemory): string {
  return `${OPEN}z${deflateRawSync(Buffer.from(JSON.stringify(m))).toString('base64')}${CLOSE}`;
}

/**
 * Keeps the block within `budget` characters by thinning every run's history (every other point, newest
 * kept) until it fits; offsets, states and the rest are never dropped.
 */
export function fitMemory(m: TickMemory, budget: number): TickMemory {
  let cur = m;
  for (let i = 0; i < 8 && memoryBlock(cur).length > budget; i++) {
    cur = {
      ...cur,
      runs: Object.fromEntries(Object.entries(cur.runs).map(([id, r]) => [id, thin(r)])),
    };
  }
  return cur;
}

/** Every other history point dropped (the newest kept), in the run and in each of its cells. */
function thin(r: RunMemory): RunMemory {
  const half = (h: RunMemory['history']) => h.filter((_, k, all) => (all.length - 1 - k) % 2 === 0);
  const out: RunMemory = { ...r, history: half(r.history) };
  if (r.cells) out.cells = Object.fromEntries(Object.entries(r.cells).map(([n, c]) => [n, { ...c, history: half(c.history) }]));
  return out;
}

/** Memory spread over several bodies (one tracking issue per run): runs merged, the highest tick kept. */
export function mergeMemories(list: TickMemory[]): TickMemory {
  return list.reduce((acc, m) => ({ v: 1, tick: Math.max(acc.tick, m.tick), runs: { ...acc.runs, ...m.runs } }), emptyMemory());
}

/** Reads the block back from a comment or summary body; a missing, old or corrupt block is a first tick. */
export function readMemory(body: string | undefined): TickMemory {
  if (!body) return emptyMemory();
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return emptyMemory();
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return emptyMemory();
  try {
    const text = body.slice(start + OPEN.length, end);
    const bytes = text.startsWith('z') ? inflateRawSync(Buffer.from(text.slice(1), 'base64')) : Buffer.from(text, 'base64');
    const m = JSON.parse(bytes.toString('utf8')) as TickMemory;
    if (m?.v !== 1 || typeof m.tick !== 'number' || typeof m.runs !== 'object' || m.runs === null) return emptyMemory();
    return m;
  } catch {
    return emptyMemory();
  }
}

/** The body with its hidden block(s) taken out (the visible status only). */
export function withoutMemory(body: string): string {
  let out = body;
  for (let start = out.indexOf(OPEN); start >= 0; start = out.indexOf(OPEN)) {
    const end = out.indexOf(CLOSE, start + OPEN.length);
    out = out.slice(0, start) + (end < 0 ? '' : out.slice(end + CLOSE.length));
  }
  return out;
}

/** Marks a run as torn down (or parked) in the tick memory; a run never patrolled gets a fresh entry. Pure. */
export function markTeardown(m: TickMemory, runId: string, mark: TeardownMark): TickMemory {
  const prev: RunMemory = m.runs[runId] ?? {
    attempt: 0,
    offset: 0,
    state: 'finished',
    cls: null,
    since: mark.at,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: null,
    epoch: null,
    metrics: {},
    history: [],
  };
  return { ...m, runs: { ...m.runs, [runId]: { ...prev, teardown: mark } } };
}
