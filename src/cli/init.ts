/**
 * `tether init`: writes the workflows a repository needs (launch, patrol, collect-teardown; ChatOps and the
 * smoke run when asked) from the examples, adapted to a provider, a runner label and where the status goes;
 * from a few questions on a terminal, or from flags alone. Never overwrites a file; prints what to create on
 * GitHub (secrets, the teardown environment, the runners' labels). The files it writes pass `tether lint`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { InputError } from '../config/errors.ts';
import * as v from '../config/values.ts';
import { parseReportTo } from '../config/patrol.ts';
import { bundledText } from './bundled-text.ts';
import { FACTS } from '../providers/index.ts';

/** The providers init writes a teardown for; their login user, credentials and verbs are the registry's facts. */
const INIT_PROVIDERS = ['lambda', 'runpod', 'vastai', 'aws', 'ssh'] as const;
type Provider = (typeof INIT_PROVIDERS)[number];
const factsOf = (p: Provider) => {
  const f = FACTS[p];
  // A box whose provider cannot destroy it (a plain SSH box) is parked.
  return { user: f.loginUser ?? 'ubuntu', auth: f.credentials, verb: f.destroy ? 'destroy' : 'park' };
};
const isProvider = (p: string): p is Provider => (INIT_PROVIDERS as readonly string[]).includes(p);

export interface InitChoices {
  provider: Provider;
  label: string;
  reportTo: string;
  user: string;
  chatops: boolean;
  smoke: boolean;
  dir: string;
}

const LABEL = /^[A-Za-z0-9._-]{1,64}$/;

/** An input error in the terminal's words (`--name: …`). */
const asFlag = (err: unknown) => (err as Error).message.replace(/^input '([a-z-]+)': /, '--$1: ');

/** Reads the flags; every problem together. */
export function parseInitArgs(argv: string[]): { choices: Partial<InitChoices>; problems: string[] } {
  const choices: Partial<InitChoices> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i] ?? '');
    const name = m?.[1] ?? '';
    const value = () => m?.[2] ?? argv[++i] ?? '';
    switch (name) {
      case 'provider': {
        const p = value();
        if (isProvider(p)) choices.provider = p;
        else problems.push(`--provider: "${p}" is not one of ${INIT_PROVIDERS.join(', ')}`);
        break;
      }
      case 'runner-label': {
        const l = value();
        if (LABEL.test(l)) choices.label = l;
        else problems.push(`--runner-label: "${l}" is not a runner label (1-64 of A-Z a-z 0-9 . _ -)`);
        break;
      }
      case 'report-to': {
        const r = value();
        try {
          parseReportTo(r);
          choices.reportTo = r;
        } catch (err) {
          problems.push(asFlag(err));
        }
        break;
      }
      case 'user':
        try {
          choices.user = v.user('user', value());
        } catch (err) {
          problems.push(asFlag(err));
        }
        break;
      case 'dir':
        choices.dir = value();
        break;
      case 'chatops':
      case 'smoke':
        choices[name] = true;
        break;
      case 'no-chatops':
      case 'no-smoke':
        choices[name.slice(3) as 'chatops' | 'smoke'] = false;
        break;
      default:
        problems.push(
          `${JSON.stringify(argv[i])}: not an option of 'tether init' (--provider, --runner-label, --report-to, --user, --[no-]chatops, --[no-]smoke, --dir)`,
        );
    }
  }
  return { choices, problems };
}

/** The input ended before every question had its answer: nothing is written. */
class NoAnswer extends Error {}

/** The questions a terminal gets for what the flags left open (answers typed ahead are read in order). */
async function ask(given: Partial<InitChoices>): Promise<Partial<InitChoices>> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  try {
    const q = async (text: string, fallback: string) => {
      process.stderr.write(`${text} [${fallback}] `);
      const r = await lines.next();
      if (r.done) throw new NoAnswer();
      return String(r.value).trim() || fallback;
    };
    const out = { ...given };
    for (let i = 0; !out.provider && i < 5; i++) {
      const p = await q(`provider (${INIT_PROVIDERS.join(', ')})`, 'lambda');
      if (isProvider(p)) out.provider = p;
    }
    for (let i = 0; !out.label && i < 5; i++) {
      const l = await q("the self-hosted runner's label", 'tether');
      if (LABEL.test(l)) out.label = l;
    }
    out.reportTo ??= await q('where the status goes (tracking-issue, pr:<n>, issue:<n>)', 'tracking-issue');
    parseReportTo(out.reportTo);
    out.chatops ??= /^y/i.test(await q('/tether commands in comments (ChatOps)? y/n', 'n'));
    out.smoke ??= !/^n/i.test(await q('a smoke run on a free runner before each launch? y/n', 'y'));
    return out;
  } finally {
    rl.close();
  }
}

/** Every `runs-on: [self-hosted, tether…]` of a workflow names the chosen label (tether-follow → <label>-follow). */
function relabel(doc: Document, label: string): void {
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return;
  for (const job of jobs.items) {
    const runsOn = isMap(job.value) ? job.value.get('runs-on', true) : null;
    if (!isSeq(runsOn)) continue;
    runsOn.items = runsOn.items.map((n) => {
      const v = String((n as { value?: unknown }).value ?? '');
      if (v === 'tether') return doc.createNode(label);
      if (v === 'tether-follow') return doc.createNode(`${label}-follow`);
      return n;
    });
  }
}

/** Each tether step's `with:` gets the chosen values, where the step has that key. */
function setWith(doc: Document, values: Record<string, string | null>): void {
  const jobs = doc.get('jobs');
  if (!isMap(jobs)) return;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps') : null;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step) || !String(step.get('uses') ?? '').startsWith('tether-dev/tether')) continue;
      const w = step.get('with');
      if (!isMap(w)) continue;
      for (const [k, v] of Object.entries(values)) {
        if (!w.has(k)) continue;
        if (v === null) w.delete(k);
        else w.set(k, v);
      }
    }
  }
}

/** The workflow files for these choices, by name. Pure. */
export function initFiles(c: InitChoices): Record<string, string> {
  const p = factsOf(c.provider);
  const common = { user: c.user, 'report-to': c.reportTo };
  const files: Record<string, string> = {};
  const adapt = (name: string, edit: (d: Document) => void) => {
    const doc = parseDocument(bundledText(`examples/workflows/${name}`));
    relabel(doc, c.label);
    setWith(doc, common);
    edit(doc);
    files[name] = doc
      .toString({ lineWidth: 0, flowCollectionPadding: false })
      .replace(/^[ \t]+$/gm, '')
      .replace(/^jobs:\n\n/m, 'jobs:\n');
  };
  adapt('launch.yml', (d) => {
    if (c.smoke) return;
    d.deleteIn(['jobs', 'smoke']);
    // The comment that introduced the smoke job goes with it.
    const jobs = d.get('jobs', true);
    if (isMap(jobs)) jobs.commentBefore = null;
    d.deleteIn(['jobs', 'launch', 'needs']);
    setWith(d, { 'require-smoke': null });
  });
  adapt('patrol.yml', () => undefined);
  adapt('collect-teardown.yml', (d) => {
    d.setIn(['on', 'workflow_dispatch', 'inputs', 'provider', 'default'], c.provider);
    d.setIn(['on', 'workflow_dispatch', 'inputs', 'provider', 'description'], `Where the box is rented (${c.provider})`);
    d.setIn(['on', 'workflow_dispatch', 'inputs', 'verb', 'default'], p.verb);
    if (p.auth !== 'api-key') setWith(d, { 'api-key': null });
    if (p.auth === 'aws') {
      // AWS credentials come from the environment, the region from a variable (the example has neither).
      const steps = d.getIn(['jobs', 'teardown', 'steps']);
      if (isSeq(steps) && isMap(steps.items[0])) {
        steps.items[0].set('env', { AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}', AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}' });
        const w = steps.items[0].get('with');
        if (isMap(w)) w.set('aws-region', '${{ vars.AWS_REGION }}');
      }
    }
  });
  if (c.chatops) adapt('chatops.yml', () => undefined);
  return files;
}

/** What to create on GitHub for these choices, one line each. */
export function nextSteps(c: InitChoices, dir: string): string[] {
  const p = factsOf(c.provider);
  return [
    'Next, on GitHub (Settings of this repository):',
    `  - a self-hosted runner (v2.327.1 or newer) with the label "${c.label}", and one more with "${c.label}-follow" for follow jobs`,
    "  - secret TETHER_SSH_KEY: the private key whose public half is in each box's ~/.ssh/authorized_keys",
    ...(p.auth === 'api-key' ? [`  - secret PROVIDER_API_KEY: your ${c.provider} API key (teardown)`] : []),
    ...(p.auth === 'aws' ? ['  - secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and variable AWS_REGION (teardown)'] : []),
    '  - optional secrets HF_TOKEN and WANDB_API_KEY, if your job uses them (launch sends them on stdin)',
    '  - environment "tether-teardown" with required reviewers: a person approves every teardown',
    `Pin the actions: replace @main in ${dir} with one commit sha of tether (docs/versions.md).`,
    `Check the files: tether lint ${dir}`,
  ];
}

export async function initCommand(argv: string[], out: (l: string) => void = console.log, interactive = Boolean(process.stdin.isTTY)): Promise<number> {
  const { choices, problems } = parseInitArgs(argv);
  if (problems.length) {
    for (const p of problems) out(`error: ${p}`);
    return 2;
  }
  let given = choices;
  if (interactive)
    try {
      given = await ask(choices);
    } catch (err) {
      if (!(err instanceof NoAnswer) && !(err instanceof InputError)) throw err;
      out(err instanceof NoAnswer ? 'init: the input ended before every question was answered; nothing was written' : `error: ${err.message}`);
      return err instanceof NoAnswer ? 1 : 2;
    }
  const provider = given.provider ?? 'lambda';
  const c: InitChoices = {
    provider,
    label: given.label ?? 'tether',
    reportTo: given.reportTo ?? 'tracking-issue',
    user: given.user ?? factsOf(provider).user,
    chatops: given.chatops ?? false,
    smoke: given.smoke ?? true,
    dir: given.dir ?? '.github/workflows',
  };
  const files = initFiles(c);
  mkdirSync(c.dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const path = join(c.dir, name);
    if (existsSync(path)) {
      out(`kept ${path} (it exists; init never overwrites a file)`);
      continue;
    }
    writeFileSync(path, text);
    out(`wrote ${path}`);
  }
  // actionlint knows a self-hosted runner's labels only from this file (tether lint reads it too).
  const lintConfig = join(dirname(c.dir), 'actionlint.yaml');
  if (c.label !== 'tether' && !existsSync(lintConfig)) {
    writeFileSync(lintConfig, `self-hosted-runner:\n  labels:\n    - ${c.label}\n    - ${c.label}-follow\n`);
    out(`wrote ${lintConfig} (the runner labels, for actionlint)`);
  }
  for (const l of nextSteps(c, c.dir)) out(l);
  return 0;
}
