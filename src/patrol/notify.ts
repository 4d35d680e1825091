/**
 * Someone hears about it: editing the sticky comment notifies nobody, so when a run enters a state that needs a
 * person, one new short comment mentions the person who launched it (or the people and teams `notify` names).
 * Each run and state is told once (remembered, signed, in the tick memory), and each place gets at most one
 * notice per save (so per tick). Pure: the phase posts what this plans and marks what was posted.
 */
import type { Notify } from '../config/patrol.ts';
import { code, inert } from '../report/markdown.ts';
import { NOTIFIED_MAX, type RunMemory, type TickMemory } from './memory.ts';
import type { State } from './remediation.ts';
import { stateText, type HostVerdict } from './render.ts';

/** The states that need a person; `unreachable` only once it held for two ticks (a blip is not news). */
export const NOTIFY_STATES: readonly State[] = [
  'preempted',
  'failed',
  'stalled',
  'dead',
  'rebooted',
  'unreachable',
  'host-key-changed',
  'auth-refused',
  'degraded',
];
export const NOTICE_MARKER = '<!-- tether:notice -->';

/** What a run's notice is about: its state, class and attempt (a new attempt that fails the same way is news again). */
export const noticeKey = (v: Pick<HostVerdict, 'state' | 'cls' | 'attempt'>) => `${v.state}:${v.cls ?? ''}:${v.attempt}`;

export interface Notice {
  runId: string;
  key: string;
  /** The GitHub logins or teams to mention (validated logins only: nothing from a box becomes a mention). */
  mentions: string[];
  line: string;
}

/** The notices this tick owes: runs that entered a state needing a person, not told before. */
export function planNotices(
  verdicts: readonly HostVerdict[],
  memory: TickMemory,
  notify: Notify,
  launchers: Record<string, string | null | undefined>,
): Notice[] {
  if (notify.kind === 'none') return [];
  return verdicts.flatMap((v) => {
    if (!NOTIFY_STATES.includes(v.state)) return [];
    const m: RunMemory | undefined = memory.runs[v.runId];
    if (v.state === 'unreachable' && (m?.unreachableTicks ?? 0) < 2) return [];
    const key = noticeKey(v);
    if (m?.notified?.includes(key)) return [];
    const launcher = launchers[v.runId];
    const mentions = notify.kind === 'names' ? notify.names : launcher ? [launcher] : [];
    const line = `run ${code(v.runId)} on ${code(v.host)} is **${stateText(v)}** (attempt ${v.attempt}): ${inert(v.detail, 300)}. Do: ${inert(v.remediation, 400)}`;
    return [{ runId: v.runId, key, mentions, line }];
  });
}

/** One comment for the notices of one place: the mentions first, a line per run, where the full status is. */
export function noticeBody(notices: readonly Notice[]): string {
  const mentions = [...new Set(notices.flatMap((n) => n.mentions))].map((m) => `@${m}`);
  const who = mentions.length ? `${mentions.join(' ')}: ` : '';
  return [
    NOTICE_MARKER,
    `🔔 ${who}${notices.length === 1 ? 'a run needs you' : `${notices.length} runs need you`}`,
    '',
    ...notices.map((n) => `- ${n.line}`),
    '',
    'The sticky status comment has the full picture; this notice is posted once per run and state.',
  ].join('\n');
}

/** The memory after notices were posted: each run remembers what it was told (bounded). Pure. */
export function markNotified(memory: TickMemory, posted: readonly Notice[]): void {
  for (const n of posted) {
    const m = memory.runs[n.runId];
    if (m) memory.runs[n.runId] = { ...m, notified: [...(m.notified ?? []), n.key].slice(-NOTIFIED_MAX) };
  }
}
