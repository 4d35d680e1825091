/**
 * The patrol's `after-verified` policy (issue 27 §3), pure: which ended runs the policy applies to this tick, what
 * the status says of each (waiting for a proof, refused and why, done and what it saved), and what a finished
 * run's box has cost since it finished. The act itself (proof, box, approval, provider) is the teardown's
 * after-verified step, handed in by the registry.
 */
import type { TickMemory } from './memory.ts';
import { COLLECT_WHEN } from './collects.ts';
import { durationText } from '../record/run-state.ts';

export interface PolicyWanted {
  runId: string;
  attempt: number;
  state: string;
  verb: 'park' | 'destroy';
  /** The collect workflow run the patrol dispatched for this attempt, when GitHub named it. */
  collectRun: number | null;
}

/** What the step found for one run: waiting (nothing to act on yet), refused (a doubt, shown), done, or failed at the provider. */
export type PolicyOutcome =
  | { kind: 'waiting'; why: string }
  | { kind: 'refused'; why: string }
  | { kind: 'done'; verb: 'park' | 'destroy'; detail: string; approvedBy: string; at: string }
  | { kind: 'failed'; why: string };

/** How many runs one tick carries the policy out for (each may re-hash a box's files): the rest wait a tick. */
export const POLICY_PER_TICK = 4;

/** The workflow run a dispatch's URL names (`…/actions/runs/<id>`), or null. */
export function runOfUrl(url: string): number | null {
  const m = /\/actions\/runs\/([1-9]\d{0,15})(?:[/?#]|$)/.exec(url);
  return m ? Number(m[1]) : null;
}

/**
 * The runs the policy applies to now: registered with a policy, ended on the box, not torn down, not already
 * done for this attempt; at most POLICY_PER_TICK of them.
 */
export function planPolicies(
  verdicts: ReadonlyArray<{ runId: string; state: string; attempt: number }>,
  memory: TickMemory,
  policies: Readonly<Record<string, 'park' | 'destroy' | null>>,
): PolicyWanted[] {
  const out: PolicyWanted[] = [];
  for (const v of verdicts) {
    const verb = policies[v.runId];
    const m = memory.runs[v.runId];
    if (!verb || !m || m.teardown || v.attempt < 1 || !(COLLECT_WHEN as readonly string[]).includes(v.state)) continue;
    if (m.policy?.attempt === v.attempt) continue;
    const c = m.collect?.attempt === v.attempt ? m.collect : undefined;
    out.push({ runId: v.runId, attempt: v.attempt, state: v.state, verb, collectRun: c ? (c.run ?? runOfUrl(c.url)) : null });
  }
  return out.slice(0, POLICY_PER_TICK);
}

const dollars = (x: number) => `$${x.toFixed(2)}`;

/** What the box has cost since the run ended (the patrol saw it end at `since`), at the registered hourly price. Pure. */
export function costSince(since: string, hourlyPrice: string | null | undefined, now: Date): { s: number; cost: number | null } | null {
  const t = Date.parse(since);
  if (!Number.isFinite(t)) return null;
  const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
  const p = hourlyPrice ? Number(hourlyPrice) : NaN;
  return { s, cost: Number.isFinite(p) ? (p * s) / 3600 : null };
}

/** The status line for a run the policy applies to. `code` escapes a value for markdown. Pure. */
export function policyLine(
  runId: string,
  verb: 'park' | 'destroy',
  o: PolicyOutcome,
  finished: { since: string; hourlyPrice: string | null | undefined },
  now: Date,
  code: (s: string) => string,
  inert: (s: string) => string,
): string {
  const c = costSince(finished.since, finished.hourlyPrice, now);
  const since = c ? `; ended ${durationText(c.s)} ago${c.cost !== null ? `, ${dollars(c.cost)} billed since` : ''}` : '';
  switch (o.kind) {
    case 'waiting':
      return `⏳ ${code(runId)}: after-verified ${verb} waits: ${inert(o.why)}${since}`;
    case 'refused':
      return `⛔ ${code(runId)}: after-verified ${verb} **refused**: ${inert(o.why)}${since}. Nothing was done; **Do:** collect again, or tear down through teardown's approval`;
    case 'failed':
      return `❌ ${code(runId)}: after-verified ${verb} asked the provider, which did not confirm it: ${inert(o.why)}${since}. **Do:** look at the instance at the provider`;
    case 'done':
      return `✅ ${code(runId)}: ${verb === 'park' ? 'parked' : 'destroyed'} by the patrol after a verified collect (${inert(o.detail)}), approved by @${inert(o.approvedBy)} at launch`;
  }
}

/**
 * The meter a policy stopped: the status line of a run the patrol parked or destroyed, with what it has not
 * billed since (a parked box's disk may still bill: `keeps` says what). Pure.
 */
export function savedLine(
  runId: string,
  done: { verb: 'park' | 'destroy'; at: string; endedAt: string | null },
  hourlyPrice: string | null | undefined,
  now: Date,
  code: (s: string) => string,
): string | null {
  const stopped = costSince(done.at, hourlyPrice, now);
  if (!stopped || stopped.cost === null) return null;
  const waited = done.endedAt ? costSince(done.endedAt, hourlyPrice, new Date(Date.parse(done.at))) : null;
  return (
    `💰 ${code(runId)}: the patrol ${done.verb === 'park' ? 'parked' : 'destroyed'} its box ${durationText(stopped.s)} ago` +
    (waited?.cost != null ? `, ${durationText(waited.s)} after it ended (${dollars(waited.cost)} billed in between)` : '') +
    `: ${dollars(stopped.cost)} not billed since, at $${hourlyPrice}/h${done.verb === 'park' ? ' (a parked box’s disk still bills)' : ''}`
  );
}
