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
  const lines = [`#### Teardown card — ${code(c.runId)}`, '', '| | |', '|---|---|'];
  lines.push(`| provider | ${FACTS[c.provider].title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  lines.push(...verbRows(c.provider, c.verb));
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : '**nothing verified**'} |`);
  lines.push(`| run | ${runText(c.run)} |`);
  if (c.kills) lines.push(`| kills | **${inert(c.kills)}** |`);
  return [...lines, ...trapLines(c.provider, c.now)].join('\n');
}

/** One node of a run on many boxes, as the card lists it. */
export interface CardNode {
  rank: number;
  instanceId: string;
  /** Verified files of this node, or null; `uncollected` when collect-from: rank0 left it (teardown lists it first). */
  verified: { files: number; bytes: number } | null | 'uncollected';
  run: CardRun;
  kills?: string | null;
}

/**
 * The card of a run on many boxes: the verb's facts once, then every node's instance, what of it is verified and
 * its run, so the one approval is given knowing every instance it acts on. Pure.
 */
export function renderNodesCard(c: { provider: ProviderName; verb: Verb; runId: string; nodes: CardNode[]; now: Date }): string {
  const lines = [`#### Teardown card — ${code(c.runId)} on ${c.nodes.length} nodes`, '', '| | |', '|---|---|'];
  lines.push(`| provider | ${FACTS[c.provider].title} (\`${c.provider}\`) |`, `| instances | ${c.nodes.length}, one per node, all behind this one approval |`);
  lines.push(...verbRows(c.provider, c.verb), '', '| rank | instance | verified | run |', '|---|---|---|---|');
  for (const n of c.nodes) {
    const verified =
      n.verified === 'uncollected'
        ? 'not collected (collect-from: rank0): torn down only if a listing shows no checkpoint files'
        : n.verified
          ? `${n.verified.files} files, ${human(n.verified.bytes)}`
          : '**nothing verified**';
    lines.push(`| ${n.rank} | ${code(n.instanceId)} | ${verified} | ${runText(n.run)}${n.kills ? ` — **kills: ${inert(n.kills)}**` : ''} |`);
  }
  return [...lines, ...trapLines(c.provider, c.now)].join('\n');
}

const runText = (run: CardRun) => (run.state ? `${inert(whereText(run.state))} — ${inert(run.source)}` : `**not known**: ${inert(run.source)}`);

/** The verb's rows: what it does, whether it can be undone, what survives and bills, and the other verb's trade-off. */
function verbRows(provider: ProviderName, verb: Verb): string[] {
  const f = verbFacts(provider, verb);
  const other: Verb = verb === 'park' ? (FACTS[provider].scheduler ? 'cancel' : 'destroy') : 'park';
  const o = verbFacts(provider, other);
  const rows = f
    ? [
        `| verb | **${verb}**: ${f.action} |`,
        `| reversible | ${f.reversible ? 'yes' : '**NO** — this cannot be undone'} |`,
        `| survives | ${f.survives} |`,
        `| keeps billing | ${f.keepsBilling} |`,
      ]
    : [`| verb | **${verb}** — not available: ${verbMissing(provider, verb)} |`];
  rows.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? 'reversible' : 'irreversible'}; keeps billing: ${o.keepsBilling}` : verbMissing(provider, other)} |`,
  );
  return rows;
}

/** The provider's cost traps, and a warning when its facts are old. */
function trapLines(provider: ProviderName, now: Date): string[] {
  const p = FACTS[provider];
  const lines = ['', ...p.traps.map((t) => `- ⚠️ ${t}`)];
  const age = monthsSince(p.verified, now);
  if (age > 6) lines.push(`- ⚠️ these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines;
}
