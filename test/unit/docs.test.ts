import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseCommandLine } from '../../src/cli/index.ts';
import type { Phase } from '../../src/config/inputs.ts';

/**
 * The README and every page under docs/: each yaml snippet parses, names only inputs the action or reusable
 * workflow it calls declares, and passes actionlint (a fragment wrapped in the smallest workflow that holds it);
 * each bash snippet parses (`bash -n`) and its `tether` command lines use only real flags; every relative link
 * points at a file that exists; every tether `uses:` line says how to pin.
 */
const PAGES = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const dir = mkdtempSync(join(tmpdir(), 'tether-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Snippet {
  page: string;
  line: number;
  lang: string;
  text: string;
}

function snippets(page: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = readFileSync(page, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(\w*)\s*$/.exec(lines[i] as string);
    if (!m || !m[1]) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    expect(i, `${page}:${start + 1}: a code block that never closes`).toBeLessThan(lines.length);
    const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
    out.push({ page, line: start + 1, lang: m[1], text: body.map((l) => l.slice(indent)).join('\n') });
  }
  return out;
}
const ALL = PAGES.flatMap(snippets);
const YAML = ALL.filter((s) => s.lang === 'yaml');
const BASH = ALL.filter((s) => s.lang === 'bash');

type Declared = Record<string, unknown>;
const actionInputs = (path: string) => Object.keys((parse(readFileSync(path, 'utf8')) as { inputs: Declared }).inputs);
const callInputs = (file: string) => {
  const on = (parse(readFileSync(`.github/workflows/${file}`, 'utf8')) as { on: { workflow_call: { inputs: Declared; secrets: Declared } } }).on;
  return { inputs: Object.keys(on.workflow_call.inputs), secrets: Object.keys(on.workflow_call.secrets) };
};

/** Every `uses:` of tether in a parsed snippet, with what it passes. */
function tetherCalls(doc: unknown): Array<{ uses: string; with: string[]; secrets: string[] }> {
  const out: Array<{ uses: string; with: string[]; secrets: string[] }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.uses === 'string' && o.uses.startsWith('tether-dev/tether'))
        out.push({ uses: o.uses, with: Object.keys((o.with as Declared) ?? {}), secrets: Object.keys((o.secrets as Declared) ?? {}) });
      Object.values(o).forEach(walk);
    }
  };
  walk(doc);
  return out;
}

/**
 * A fragment (steps, or jobs without `on:`) inside the smallest workflow actionlint accepts: the `inputs.*` it
 * reads are declared, and a job it `needs` (`needs.<job>.outputs.<name>`) but does not hold is a stub with those outputs.
 */
function asWorkflow(doc: unknown, text: string): Record<string, unknown> {
  const o = doc as Record<string, unknown>;
  if (o && !Array.isArray(o) && 'jobs' in o) return o;
  const inputs = Object.fromEntries([...text.matchAll(/\binputs\.([a-z][a-z0-9-]*)/g)].map((m) => [m[1], { description: m[1], required: false }]));
  const jobs: Record<string, Record<string, unknown>> = Array.isArray(doc)
    ? { snippet: { 'runs-on': ['self-hosted', 'tether'], steps: doc } }
    : (o as Record<string, Record<string, unknown>>);
  const stubs: Record<string, Record<string, string>> = {};
  for (const m of text.matchAll(/\bneeds\.([a-z][a-z0-9-]*)\.outputs\.([a-z][a-z0-9-]*)/g))
    (stubs[m[1] as string] ??= {})[m[2] as string] = '${{ steps.s.outputs.x }}';
  for (const m of text.matchAll(/^\s*needs: ([a-z][a-z0-9-]*)\s*$/gm)) stubs[m[1] as string] ??= {};
  for (const [name, outputs] of Object.entries(stubs)) {
    if (name in jobs) continue;
    jobs[name] = { 'runs-on': 'ubuntu-latest', outputs, steps: [{ id: 's', run: 'echo x=1 >> "$GITHUB_OUTPUT"' }] };
    if (jobs.snippet) jobs.snippet.needs = [...((jobs.snippet.needs as string[]) ?? []), name];
  }
  return { on: { workflow_dispatch: { inputs } }, permissions: { contents: 'read' }, jobs };
}

describe('the README and docs/', () => {
  it('the README leads: at most ~150 lines, says a self-hosted runner is needed and what is released', () => {
    const text = readFileSync('README.md', 'utf8');
    expect(text.split('\n').length).toBeLessThanOrEqual(150);
    expect(text.split('\n').slice(0, 25).join('\n')).toMatch(/self-hosted GitHub Actions runner/);
    expect(text).toMatch(/What is released/);
    for (const peer of ['SkyPilot', 'CML', 'ssh-action', 'rsync']) expect(text).toContain(peer);
    expect(YAML.length).toBeGreaterThan(8);
    expect(BASH.length).toBeGreaterThan(4);
  });

  it('every yaml snippet parses, and every tether call passes only declared inputs (and secrets)', () => {
    let calls = 0;
    for (const s of YAML) {
      const where = `${s.page}:${s.line}`;
      let doc: unknown;
      expect(() => (doc = parse(s.text)), where).not.toThrow();
      for (const c of tetherCalls(doc)) {
        calls++;
        const wf = /^tether-dev\/tether\/\.github\/workflows\/([\w-]+\.yml)@/.exec(c.uses);
        const action = /^tether-dev\/tether(?:\/actions\/([a-z]+))?@/.exec(c.uses);
        expect(wf || action, `${where}: ${c.uses} names no tether action or reusable workflow`).toBeTruthy();
        if (wf) {
          const declared = callInputs(wf[1] as string);
          expect(
            c.with.filter((k) => !declared.inputs.includes(k)),
            `${where}: ${c.uses}`,
          ).toEqual([]);
          expect(
            c.secrets.filter((k) => !declared.secrets.includes(k)),
            `${where}: ${c.uses}`,
          ).toEqual([]);
        } else {
          const path = action![1] ? `actions/${action![1]}/action.yml` : 'action.yml';
          expect(existsSync(path), `${where}: ${c.uses}`).toBe(true);
          const declared = actionInputs(path);
          expect(
            c.with.filter((k) => !declared.includes(k)),
            `${where}: ${c.uses}`,
          ).toEqual([]);
        }
      }
    }
    expect(calls).toBeGreaterThan(8);
  });

  it('every yaml snippet passes actionlint; every whole workflow says its permissions', () => {
    const files: string[] = [];
    YAML.forEach((s, i) => {
      const doc = parse(s.text) as Record<string, unknown>;
      if (!doc || typeof doc !== 'object') return;
      if (!Array.isArray(doc) && 'jobs' in doc) {
        const jobs = Object.values(doc.jobs as Record<string, Record<string, unknown>>);
        expect('permissions' in doc || jobs.every((j) => 'permissions' in j), `${s.page}:${s.line}: a workflow without permissions:`).toBe(true);
        expect('on' in doc, `${s.page}:${s.line}: a whole workflow needs on:`).toBe(true);
      }
      const f = join(dir, `${s.page.replace(/\W/g, '_')}-${s.line}-${i}.yml`);
      writeFileSync(f, stringify(asWorkflow(doc, s.text)));
      files.push(f);
    });
    expect(files.length).toBeGreaterThan(8);
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lint-actions.ts', ...files], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout + r.stderr).toMatch(new RegExp(`^actionlint: ${files.length} workflows, \\d+ action\\.yml files, 0 problems\\n$`));
    expect(r.status).toBe(0);
  });

  it('every bash snippet parses, and its tether command lines use only real flags', () => {
    let commands = 0;
    for (const s of BASH) {
      const where = `${s.page}:${s.line}`;
      const n = spawnSync('bash', ['-n'], { input: s.text, encoding: 'utf8' });
      expect(n.status, `${where}: ${n.stderr}`).toBe(0);
      for (const line of s.text.replace(/\\\n\s*/g, ' ').split('\n')) {
        const m = /^(?:tether|\.\/dist\/cli\/index\.js) ([a-z]+)((?: [^#]*)?)/.exec(line.trim());
        if (!m || ['help', 'verify', 'init', 'lint'].includes(m[1] as string)) continue;
        const phase = (m[1] === 'status' ? 'patrol' : m[1]) as Phase;
        // Up to a pipe; --json is the CLI's own switch, not an input.
        const words = [...(m[2] ?? '').split(/ \| /)[0]!.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)]
          .map((w) => w[1] ?? w[2] ?? w[3] ?? '')
          .filter((w) => w !== '--json');
        expect(() => parseCommandLine(phase, words), `${where}: ${line}`).not.toThrow();
        commands++;
      }
    }
    expect(commands).toBeGreaterThan(1);
  });

  it('every relative link points at a file that exists', () => {
    for (const page of PAGES) {
      const base = page.includes('/') ? page.slice(0, page.lastIndexOf('/') + 1) : '';
      for (const m of readFileSync(page, 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1] as string;
        if (/^[a-z]+:/.test(target)) continue;
        expect(existsSync(join(base, target)), `${page}: link to ${target}`).toBe(true);
      }
    }
  });

  it('every tether uses: line in the docs and examples names @main with a pin comment, a commit sha or a release', () => {
    const files = [...PAGES, ...readdirSync('examples/workflows').map((f) => `examples/workflows/${f}`)];
    let seen = 0;
    for (const f of files)
      for (const [i, line] of readFileSync(f, 'utf8').split('\n').entries()) {
        const m = /^\s*(?:-\s+)?uses: (tether-dev\/tether[^\s@]*)@(\S+)/.exec(line);
        if (!m) continue;
        seen++;
        // (a release commit names its tag: scripts/release.mjs rewrites these lines)
        const ok = /^([0-9a-f]{40}|v\d+\.\d+\.\d+)$/.test(m[2] as string) || (m[2] === 'main' && /#.*\bpin\b/.test(line));
        expect(ok, `${f}:${i + 1}: ${line.trim()}`).toBe(true);
      }
    expect(seen).toBeGreaterThan(15);
  });
});
