import { human } from '../report/bytes.ts';
import { code, inert } from '../report/markdown.ts';
import { whereText, type RunState } from '../record/run-state.ts';
import { FACTS, monthsSince, verbFacts, verbMissing, type ProviderName, type Verb } from '../providers/index.ts';

/** The run as the card shows it: what was seen and where (the box now, or the proof at collect), or why nothing is known. */
export type CardRun = { state: RunState; source: string } | { state: null; source: string };

export interface CardInput {
  provider: ProviderName;
  instanceId: string;
  verb: Verb;
  runId: string;
  /** Verified file count and bytes, or null when nothing is verified. */
  verified: { files: number; bytes: number } | null;
  /** The run's state, step and last checkpoint age: always shown, whatever the verdict. */
  run: CardRun;
  /** What going ahead kills (stop-running on a live run), or null. */
  kills?: string | null;
  now: Date;
}

/**
 * The teardown card: what the approver approves. Verb, reversibility, what survives, what keeps
 * billing, the other verb's trade-off, cost traps and a stale-facts warning. Pure.
 */
export function renderCard(c: CardInput): string {
  const p = FACTS[c.provider];
  const f = verbFacts(c.provider, c.verb);
  const other: Verb = c.verb === 'park' ? (FACTS[c.provider].scheduler ? 'cancel' : 'destroy') : 'park';
  const o = verbFacts(c.provider, other);
  const lines = [`#### Teardown card — ${code(c.runId)}`, '', '| | |', '|---|---|'];
  lines.push(`| provider | ${p.title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  if (!f) {
    lines.push(`| verb | **${c.verb}** — not available: ${verbMissing(c.provider, c.verb)} |`);
  } else {
    lines.push(
      `| verb | **${c.verb}**: ${f.action} |`,
      `| reversible | ${f.reversible ? 'yes' : '**NO** — this cannot be undone'} |`,
      `| survives | ${f.survives} |`,
      `| keeps billing | ${f.keepsBilling} |`,
    );
  }
  lines.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? 'reversible' : 'irreversible'}; keeps billing: ${o.keepsBilling}` : verbMissing(c.provider, other)} |`,
  );
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : '**nothing verified**'} |`);
  lines.push(`| run | ${c.run.state ? `${inert(whereText(c.run.state))} — ${inert(c.run.source)}` : `**not known**: ${inert(c.run.source)}`} |`);
  if (c.kills) lines.push(`| kills | **${inert(c.kills)}** |`);
  lines.push('', ...p.traps.map((t) => `- ⚠️ ${t}`));
  const age = monthsSince(p.verified, c.now);
  if (age > 6) lines.push(`- ⚠️ these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines.join('\n');
}
