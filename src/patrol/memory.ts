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

/** The hidden block: base64 JSON inside an HTML comment, invisible in rendered markdown. */
export function memoryBlock(m: TickMemory): string {
  return `${OPEN}${Buffer.from(JSON.stringify(m)).toString('base64')}${CLOSE}`;
}

/** Reads the block back from a comment or summary body; a missing, old or corrupt block is a first tick. */
export function readMemory(body: string | undefined): TickMemory {
  if (!body) return emptyMemory();
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return emptyMemory();
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return emptyMemory();
  try {
    const m = JSON.parse(Buffer.from(body.slice(start + OPEN.length, end), 'base64').toString('utf8')) as TickMemory;
    if (m?.v !== 1 || typeof m.tick !== 'number' || typeof m.runs !== 'object' || m.runs === null) return emptyMemory();
    return m;
  } catch {
    return emptyMemory();
  }
}
