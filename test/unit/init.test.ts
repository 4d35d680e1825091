import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initCommand, initFiles, parseInitArgs, type InitChoices } from '../../src/cli/init.ts';
import { actionlint, tetherChecks } from '../../src/cli/lint.ts';

/** `tether init`: the examples adapted to a provider, a label and a report target; never overwriting; lint-clean. */
const dir = mkdtempSync(join(tmpdir(), 'tether-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base: InitChoices = { provider: 'lambda', label: 'tether', reportTo: 'tracking-issue', user: 'ubuntu', chatops: true, smoke: true, dir: '' };
type Wf = {
  on: { workflow_dispatch?: { inputs: Record<string, { default?: string }> } };
  jobs: Record<string, { 'runs-on'?: unknown; needs?: unknown; steps?: Array<{ uses?: string; with?: Record<string, string>; env?: Record<string, string> }> }>;
};
const steps = (w: Wf) => Object.values(w.jobs).flatMap((j) => j.steps ?? []);
const tetherSteps = (w: Wf) => steps(w).filter((s) => s.uses?.startsWith('tether-dev/tether/actions/'));

describe('tether init', () => {
  it.each([
    ['lambda', 'tether', true],
    ['runpod', 'gpu-box', false],
    ['vastai', 'vast.runner', true],
    ['aws', 'aws-gpu', false],
    ['ssh', 'lab', true],
  ] as const)('%s on label %s (smoke %s): every file passes actionlint and tether lint, with the choices in it', async (provider, label, smoke) => {
    const c = {
      ...base,
      provider,
      label,
      smoke,
      user: provider === 'runpod' || provider === 'vastai' ? 'root' : 'ubuntu',
      reportTo: smoke ? 'tracking-issue' : 'pr:7',
    };
    const files = initFiles(c);
    expect(Object.keys(files).sort()).toEqual(['chatops.yml', 'collect-teardown.yml', 'launch.yml', 'patrol.yml']);
    for (const [name, text] of Object.entries(files)) {
      const problems = [...(await actionlint(text, name, [label, `${label}-follow`])), ...tetherChecks(text, name)];
      expect(problems, `${provider} ${name}`).toEqual([]);
      const w = parse(text) as Wf;
      for (const j of Object.values(w.jobs))
        if (Array.isArray(j['runs-on']) && j['runs-on'][0] === 'self-hosted') expect([label, `${label}-follow`]).toContain(j['runs-on'][1]);
      for (const s of tetherSteps(w)) {
        if (s.with?.['report-to'] !== undefined) expect(s.with['report-to']).toBe(c.reportTo);
        if (s.with?.user !== undefined) expect(s.with.user).toBe(c.user);
      }
    }
    const launch = parse(files['launch.yml']!) as Wf;
    expect('smoke' in launch.jobs).toBe(smoke);
    expect(launch.jobs['launch']?.needs === 'smoke').toBe(smoke);
    expect(tetherSteps(launch).some((s) => String(s.with?.['require-smoke']) === 'true')).toBe(smoke);
    const ct = parse(files['collect-teardown.yml']!) as Wf;
    expect(ct.on.workflow_dispatch?.inputs['provider']?.default).toBe(provider);
    expect(ct.on.workflow_dispatch?.inputs['verb']?.default).toBe(provider === 'ssh' ? 'park' : 'destroy');
    const teardown = tetherSteps(ct).find((s) => s.uses?.includes('/actions/teardown@'))!;
    expect('api-key' in (teardown.with ?? {})).toBe(['lambda', 'runpod', 'vastai'].includes(provider));
    if (provider === 'aws')
      expect(teardown.env).toEqual({ AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}', AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}' });
  });

  it('writes from flags alone, never overwrites a file, writes the labels for actionlint, and says what to create', async () => {
    const out: string[] = [];
    const wf = join(dir, 'repo', '.github', 'workflows');
    writeFileSync(join(dir, 'keep.txt'), '');
    const first = await initCommand(['--provider', 'aws', '--runner-label', 'gpu', '--dir', wf], (l) => out.push(l), false);
    expect(first).toBe(0);
    expect(out.filter((l) => l.startsWith('wrote ')).map((l) => l.split(' ')[1])).toEqual([
      join(wf, 'launch.yml'),
      join(wf, 'patrol.yml'),
      join(wf, 'collect-teardown.yml'),
      join(dir, 'repo', '.github', 'actionlint.yaml'),
    ]);
    expect(out.join('\n')).toMatch(/secrets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and variable AWS_REGION/);
    expect(out.join('\n')).toMatch(/environment "tether-teardown" with required reviewers/);
    expect(out.join('\n')).toMatch(/the label "gpu", and one more with "gpu-follow"/);
    expect(existsSync(join(wf, 'chatops.yml'))).toBe(false);
    // A file the user changed is never replaced.
    writeFileSync(join(wf, 'patrol.yml'), '# mine\n');
    const again: string[] = [];
    expect(await initCommand(['--provider', 'aws', '--runner-label', 'gpu', '--dir', wf, '--chatops'], (l) => again.push(l), false)).toBe(0);
    expect(readFileSync(join(wf, 'patrol.yml'), 'utf8')).toBe('# mine\n');
    expect(again).toContain(`kept ${join(wf, 'patrol.yml')} (it exists; init never overwrites a file)`);
    expect(again).toContain(`wrote ${join(wf, 'chatops.yml')}`);
    // The CLI lints what init wrote, with the labels init wrote.
    writeFileSync(join(wf, 'patrol.yml'), initFiles({ ...base, provider: 'aws', label: 'gpu', chatops: false })['patrol.yml']!);
    // The built CLI, as a user runs it, from inside their repository.
    const lint = spawnSync(resolve('node_modules/.bin/node'), [resolve('dist/cli/index.js'), 'lint', wf], { encoding: 'utf8', cwd: join(dir, 'repo') });
    expect(lint.stdout + lint.stderr).toMatch(/^tether lint: 4 workflows, 0 problems$/m);
  });

  it('on a terminal it asks for what the flags left open (answers typed ahead are read in order); an input that ends writes nothing', () => {
    // `script` gives the CLI a terminal, as a person's shell would.
    const onTty = (input: string, at: string) =>
      spawnSync('script', ['-qec', `${resolve('node_modules/.bin/node')} ${resolve('dist/cli/index.js')} init --dir ${at}`, '/dev/null'], {
        encoding: 'utf8',
        input,
        timeout: 30_000,
        cwd: dir,
      });
    const at = join(dir, 'tty', 'wf');
    const r = onTty('runpod\ngpu\n\ny\nn\n', at);
    expect(r.stdout).toMatch(/provider \(lambda, runpod, vastai, aws, ssh\) \[lambda\]/);
    expect(r.stdout).toMatch(/wrote .*chatops\.yml/);
    const launch = parse(readFileSync(join(at, 'launch.yml'), 'utf8')) as Wf;
    expect('smoke' in launch.jobs).toBe(false);
    expect(launch.jobs['launch']?.['runs-on']).toEqual(['self-hosted', 'gpu']);
    expect((parse(readFileSync(join(at, 'collect-teardown.yml'), 'utf8')) as Wf).on.workflow_dispatch?.inputs['provider']?.default).toBe('runpod');
    const short = join(dir, 'tty-short', 'wf');
    const cut = onTty('runpod\n', short);
    expect(cut.stdout).toMatch(/init: the input ended before every question was answered; nothing was written/);
    expect(existsSync(short)).toBe(false);
  });

  it('refuses bad flags together, before writing anything', () => {
    const { problems } = parseInitArgs(['--provider', 'azure', '--runner-label', 'a b', '--report-to', 'slack', '--user', '-x', '--force']);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/--provider: "azure" is not one of lambda, runpod, vastai, aws, ssh/);
    expect(problems[1]).toMatch(/--runner-label: "a b" is not a runner label/);
    expect(problems[2]).toMatch(/^--report-to: "slack" is not pr:<number>/);
    expect(problems[3]).toMatch(/^--user: "-x" is not a login name/);
    expect(problems[4]).toMatch(/"--force": not an option of 'tether init'/);
  });
});
