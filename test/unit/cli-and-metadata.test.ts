import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HELP, OPTION_HELP } from '../../src/cli/help.ts';
import { ArgsError, cliLine, main, parseArgs } from '../../src/cli/index.ts';
import { vi } from 'vitest';
import { inputDef, PHASE_INPUTS } from '../../src/config/inputs.ts';
import { PHASE_LIST } from '../../src/phases.ts';
import { OUTPUT_DOCS } from '../../src/config/outputs.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { buildSpec } from '../../src/record/spec.ts';

describe('CLI arguments', () => {
  it('takes --name value and --name=value, joins repeatable flags with newlines', () => {
    expect(parseArgs('launch', ['--run-id', 'r1', '--command=python train.py --lr=3e-4', '--env', 'A=1', '--env=B=2'])).toEqual({
      'run-id': 'r1',
      command: 'python train.py --lr=3e-4',
      env: 'A=1\nB=2',
    });
  });

  it('refuses unknown options, stray words and a missing value', () => {
    expect(() => parseArgs('launch', ['--hots', 'x'])).toThrow(/not an option of 'tether launch'/);
    expect(() => parseArgs('audit', ['--command', 'x'])).toThrow(/not an option of 'tether audit'/);
    expect(() => parseArgs('launch', ['stray'])).toThrow(/unexpected argument/);
    expect(() => parseArgs('launch', ['--host'])).toThrow(/needs a value/);
  });

  it('reports every problem of one command line together, with a suggestion for a near miss', () => {
    let err: unknown;
    try {
      parseArgs('launch', ['--hots', 'x', '--run-id', 'r', '--comand', 'y', 'stray', '--port']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgsError);
    expect((err as ArgsError).problems).toEqual([
      "--hots is not an option of 'tether launch' (did you mean --host?); see 'tether launch --help'",
      "--comand is not an option of 'tether launch' (did you mean --command?); see 'tether launch --help'",
      `"stray": unexpected argument (options are --name value); see 'tether launch --help'`,
      "--port needs a value; see 'tether launch --help'",
    ]);
    expect(() => parseArgs('launch', ['--zzzzzzzz', '1'])).toThrow(/is not an option of 'tether launch'; see/); // nothing near: no guess
  });

  it('boolean options stand alone, take true/false, or --no-<name>', () => {
    expect(parseArgs('launch', ['--resume', '--audit', 'false', '--accept-new-host-key', '--run-id', 'r'])).toEqual({
      resume: 'true',
      audit: 'false',
      'accept-new-host-key': 'true',
      'run-id': 'r',
    });
    expect(parseArgs('launch', ['--no-audit', '--no-require-gpu'])).toEqual({ audit: 'false', 'require-gpu': 'false' });
    expect(() => parseArgs('launch', ['--no-host'])).toThrow(/--no-host is not an option/);
  });

  it('speaks the terminal: --name, never the workflow input syntax', () => {
    expect(cliLine('input \'run-id\': "a b" is not a run id (nothing was sent to the box)')).toBe(
      '--run-id: "a b" is not a run id (nothing was sent to the box)',
    );
    expect(cliLine("input 'ssh-key': give either 'ssh-key' or 'ssh-key-path', not both; see 'ssh-keygen -lf'")).toBe(
      "--ssh-key: give either --ssh-key or --ssh-key-path, not both; see 'ssh-keygen -lf'",
    );
  });

  it('turns a workflow remediation into the flag that does it, and leaves other words alone', () => {
    expect(cliLine('nothing was done (set dry-run: false to act)')).toBe('nothing was done (set --no-dry-run to act)');
    expect(cliLine('rent another box or set require-gpu: false for CPU jobs')).toBe('rent another box or set --no-require-gpu for CPU jobs');
    expect(cliLine('relaunch the identical command with launch `resume: true`')).toBe('relaunch the identical command with launch `--resume`');
    expect(cliLine('set dry-run: "false" in the approved job')).toBe('set --no-dry-run in the approved job');
    expect(cliLine('or set artifact: none')).toBe('or set --artifact none');
    expect(cliLine('unless stop-running: true says to kill it')).toBe('unless --stop-running says to kill it');
    // Not inputs, not booleans, not a remediation: unchanged.
    for (const line of ['gpu: true', 'sync: run-7: the box refused', 'state: failed', 'artifact: none of them', 'timeout: false alarm'])
      expect(cliLine(line), line).toBe(line);
  });

  it('gives shell advice, not workflow YAML, where the two differ', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    const agent = process.env['SSH_AUTH_SOCK'];
    delete process.env['SSH_AUTH_SOCK'];
    try {
      const fp = `SHA256:${'A'.repeat(43)}`;
      expect(
        await main(['launch', '--run-id', 'r', '--command', 'true', '--host', 'h', '--host-key-fingerprint', fp, '--secrets', 'UNSET_SECRET_FOR_TEST']),
      ).toBe(2);
    } finally {
      spy.mockRestore();
      if (agent !== undefined) process.env['SSH_AUTH_SOCK'] = agent;
    }
    const text = lines.join('');
    expect(text).toMatch(/error: --secrets: UNSET_SECRET_FOR_TEST is not set in this shell's environment \(export UNSET_SECRET_FOR_TEST=… first/);
    expect(text).toMatch(/error: --ssh-key: no key: give --ssh-key-path/);
    expect(text).not.toMatch(/\$\{\{|step's environment|from a secret/);
  });

  it('--version, help <command>, and a near miss of a command', async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const errs = vi.spyOn(console, 'error').mockImplementation((s: string) => void out.push(s));
    try {
      expect(await main(['--version'])).toBe(0);
      expect(out.pop()).toBe(`tether ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}`);
      expect(await main(['help', 'status'])).toBe(0);
      expect(out.pop()).toBe(HELP.status);
      expect(await main(['help', 'colect'])).toBe(2);
      expect(out.pop()).toMatch(/^error: no command "colect" \(did you mean 'collect'\?\)/);
      expect(await main(['stauts'])).toBe(2);
      expect(out.pop()).toMatch(/^error: unknown command "stauts" \(did you mean 'status'\?\)/);
    } finally {
      log.mockRestore();
      errs.mockRestore();
    }
  });

  it('documents every option in --help', () => {
    for (const [phase, names] of Object.entries(PHASE_INPUTS)) {
      for (const n of names) {
        expect(OPTION_HELP[n], n).toBeTruthy();
        expect(HELP[(phase === 'patrol' ? 'status' : phase) as keyof typeof HELP]).toContain(`--${n}`);
      }
    }
  });
});

describe('action metadata', () => {
  it.each([
    ['actions/launch/action.yml', 'launch'],
    ['actions/audit/action.yml', 'audit'],
    ['actions/patrol/action.yml', 'patrol'],
    ['actions/collect/action.yml', 'collect'],
  ] as const)('%s declares exactly the inputs the code reads and the outputs it writes', (file, phase) => {
    const doc = parse(readFileSync(file, 'utf8'));
    // A CLI-only input (logs' tail) is a flag, never an action input.
    expect(Object.keys(doc.inputs).sort()).toEqual([...PHASE_INPUTS[phase]].filter((n) => inputDef(n)?.only !== 'cli').sort());
    expect(Object.keys(doc.outputs).sort()).toEqual(Object.keys(OUTPUT_DOCS[phase]).sort());
    expect(doc.runs.using).toBe('node24');
  });

  it('the root action takes command (the phase) and the launch inputs, the training command as job-command', () => {
    const doc = parse(readFileSync('action.yml', 'utf8'));
    const all = new Set<string>(
      [
        ...PHASE_INPUTS.launch,
        ...PHASE_INPUTS.patrol,
        ...PHASE_INPUTS.collect,
        ...PHASE_INPUTS.teardown,
        ...PHASE_INPUTS.chatops,
        ...PHASE_INPUTS.logs,
        ...PHASE_INPUTS.stop,
        ...PHASE_INPUTS.provision,
        ...PHASE_INPUTS.recover,
      ].filter((n) => inputDef(n)?.only !== 'cli'),
    );
    all.delete('command');
    expect(Object.keys(doc.inputs).sort()).toEqual(['command', 'job-command', ...all].sort());
    expect(doc.inputs.command.description).toMatch(/launch .*audit, patrol, collect, teardown, chatops, logs, stop, provision or recover/);
  });

  it('each action entry is a run() module plus an index that calls it (what @github/local-action imports)', async () => {
    for (const name of [...PHASE_LIST.map((p) => p.name), 'root']) {
      expect(readFileSync(`src/actions/${name}/index.ts`, 'utf8')).toBe("import { run } from './main.ts';\n\nawait run();\n");
      expect(readFileSync(`src/actions/${name}/main.ts`, 'utf8')).toMatch(/^export (async )?function run\(\): Promise<void>/m);
    }
  });

  it('.env.example names only real inputs, in the INPUT_<NAME> form the runner and local-action read', () => {
    const names = [...readFileSync('.env.example', 'utf8').matchAll(/^INPUT_([A-Z0-9-]+)=/gm)].map((m) => (m[1] as string).toLowerCase());
    expect(names).toEqual(expect.arrayContaining(['host', 'run-id', 'command', 'report-to']));
    const declared = new Set(Object.keys(parse(readFileSync('action.yml', 'utf8')).inputs));
    for (const phase of ['launch', 'patrol'] as const) for (const n of PHASE_INPUTS[phase]) declared.add(n);
    expect(names.filter((n) => !declared.has(n))).toEqual([]);
  });

  it('the example workflow passes inputs to scripts only through env:', () => {
    const text = readFileSync('examples/workflows/launch.yml', 'utf8');
    const doc = parse(text);
    for (const step of doc.jobs.launch.steps) if (step.run) expect(step.run).not.toMatch(/\$\{\{/);
  });
});

describe('spec.json', () => {
  it('has sorted keys and env/secret names, never values', () => {
    const cfg = parseLaunch({ 'run-id': 'r', command: 'python t.py', env: 'PLAIN=visible-value', secrets: 'TOKEN' });
    const text = buildSpec(cfg, new Date('2026-11-22T00:00:00Z'));
    const spec = JSON.parse(text);
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
    expect(spec.env).toEqual(['PLAIN']);
    expect(spec.secrets).toEqual(['TOKEN']);
    expect(text).not.toContain('visible-value');
    expect(spec.identity).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the collect + teardown example workflow', () => {
  it('gates teardown behind the environment, after a verified collect, with the proof artifact and inputs only through env: in scripts', () => {
    const doc = parse(readFileSync('examples/workflows/collect-teardown.yml', 'utf8'));
    const t = doc.jobs.teardown;
    expect(t.environment).toBe('tether-teardown');
    expect(t.needs).toBe('collect');
    expect(t.if).toBe("needs.collect.outputs.verified == 'true'");
    const step = t.steps.find((s: { uses?: string }) => s.uses?.includes('actions/teardown'));
    expect(step.with['verified-artifact']).toBe('${{ needs.collect.outputs.verified-artifact }}');
    expect(step.with['dry-run']).toBe('false');
    for (const s of [...doc.jobs.collect.steps, ...t.steps]) if (s.run) expect(s.run).not.toMatch(/\$\{\{/);
    // Every `with:` key is an input the action declares.
    const declared = Object.keys(parse(readFileSync('actions/teardown/action.yml', 'utf8')).inputs);
    for (const k of Object.keys(step.with)) expect(declared).toContain(k);
  });
});

describe('the package', () => {
  it('npm pack holds what a user needs (bundles, action.yml files, licences, docs) and no sources or tests', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const [pack] = JSON.parse(r.stdout) as { files: { path: string; mode: number }[]; unpackedSize: number }[];
    const paths = pack!.files.map((f) => f.path);
    for (const need of [
      'dist/cli/index.js',
      'dist/launch/index.js',
      'dist/licenses.txt',
      'action.yml',
      'actions/patrol/action.yml',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'package.json',
    ])
      expect(paths).toContain(need);
    expect(paths.filter((p) => /^(src|test|bench|scripts|node_modules)\//.test(p))).toEqual([]);
    expect(pack!.unpackedSize).toBeLessThan(12 * 1024 * 1024);
    // The bin works from a checkout and from the package: a node shebang and the executable bit.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.bin.tether).toBe('dist/cli/index.js');
    expect(pack!.files.find((f) => f.path === 'dist/cli/index.js')!.mode & 0o111).toBe(0o111);
    expect(readFileSync('dist/cli/index.js', 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
  });

  it('dist/licenses.txt carries the licence text of each bundled package', () => {
    const text = readFileSync('dist/licenses.txt', 'utf8');
    for (const name of ['ssh2', '@actions/core', '@octokit/rest', 'yaml', '@actions/artifact']) {
      const at = text.search(new RegExp(`^${name.replace(/[/.]/g, '\\$&')}@\\d+\\.\\d+\\.\\d+ \\(`, 'm'));
      expect(at, name).toBeGreaterThan(0);
      expect(text.slice(at, at + 2000)).toMatch(/Permission is hereby granted|Licensed under|ISC License|Apache License/);
    }
  });

  it('engines states what installing needs, and the versions tie together (package, changelog, CLI)', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.engines.node).toBe('>=20');
    expect(readFileSync('CHANGELOG.md', 'utf8')).toMatch(new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'));
    const v = spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', '--version'], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(`tether ${pkg.version}`);
  });
});
