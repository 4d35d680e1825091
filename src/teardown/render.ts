import { code, inert } from '../report/markdown.ts';

/** What a teardown ended in, for its job summary. */
export type TeardownSummary =
  | { kind: 'refused' | 'dry-run' | 'failed'; runId: string; reason: string; notes: string[]; card: string }
  | { kind: 'unconfirmed'; runId: string; detail: string; notes: string[]; card: string }
  | {
      kind: 'done';
      runId: string;
      state: 'torn-down' | 'parked';
      instanceId: string;
      detail: string;
      already: boolean;
      verb: string;
      keepsBilling: string | null;
      leftovers: string[] | { error: string } | null;
      notes: string[];
      card: string;
    };

/** How a teardown ends: its outputs, its summary and the exit code (the phase's, and a run on many boxes'). */
export type Finish = (state: string, reason: string, exit: number, summary: TeardownSummary) => number;

const HEAD: Record<string, [string, string]> = {
  refused: ['⛔', 'refused'],
  'dry-run': ['🔍', 'dry run'],
  failed: ['❌', 'failed'],
  unconfirmed: ['❌', 'NOT confirmed'],
};

/** The teardown job summary; every provider answer and reason in it is escaped. Pure. */
export function renderTeardown(s: TeardownSummary): string {
  const head = (icon: string, what: string) => `### ${icon} tether teardown — ${code(s.runId)}: ${what}`;
  const notes = s.notes.map((n) => `- ${inert(n)}`).join('\n');
  let body: string[];
  if (s.kind === 'done') {
    body = [head('✅', s.state), `${code(s.instanceId)}: ${inert(s.detail)}${s.already ? ' (it already was, before anything was asked)' : ''}.`, notes];
    if (s.keepsBilling) body.push(`Still billing after this ${s.verb}: ${s.keepsBilling}.`);
    if (s.leftovers && 'error' in s.leftovers) body.push(`Could not list what still bills: ${inert(s.leftovers.error)}`);
    else if (s.leftovers)
      body.push(
        s.leftovers.length
          ? `#### Still billing (reported, never deleted)\n\n${s.leftovers.map((l) => `- ${inert(l)}`).join('\n')}`
          : 'The provider lists nothing else that bills.',
      );
  } else {
    const [icon, what] = HEAD[s.kind] as [string, string];
    const text = s.kind === 'unconfirmed' ? `${inert(s.detail)}. The instance may still bill: check the provider console.` : inert(s.reason);
    // A refusal says why, then the card; the others also keep the gate's notes.
    body = s.kind === 'refused' ? [head(icon, what), text] : [head(icon, what), text, notes];
  }
  return [...body, s.card].filter(Boolean).join('\n\n');
}
