import { RUN_ID } from '../record/grammar.ts';

/** What a follower on the box says (scripts/remote/follow.sh): one short JSON line per change. */
export const RUN_EVENTS = ['attempt', 'crash', 'marker', 'exit', 'heartbeat', 'checkpoint', 'cells'] as const;
export type RunEventKind = (typeof RUN_EVENTS)[number];
export type FollowEvent = { kind: 'start' } | { kind: 'alive' } | { kind: RunEventKind; runId: string };

/**
 * One follower line, read strictly: a known event for a run that was asked about, or null (the line is
 * ignored, never trusted: an event only ever makes the runner look again). Pure.
 */
export function parseEvent(line: string, runIds: ReadonlySet<string>): FollowEvent | null {
  if (line.length > 200) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const { e, run } = o as Record<string, unknown>;
  if (e === 'start' || e === 'alive') return { kind: e };
  if (typeof e !== 'string' || !(RUN_EVENTS as readonly string[]).includes(e)) return null;
  if (typeof run !== 'string' || !RUN_ID.test(run) || !runIds.has(run)) return null;
  return { kind: e as RunEventKind, runId: run };
}
