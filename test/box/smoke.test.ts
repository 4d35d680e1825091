import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubArtifacts } from '../../src/github/artifacts.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';
import { createBox, type Box } from '../harness/box.ts';
import { runComposite } from '../harness/composite.ts';

/**
 * actions/smoke (a composite action) run step by step by the harness's composite runner, with
 * actions/setup-python and actions/upload-artifact replaced by doubles; its record then gates launch.
 */

const SHA = 'c0ffee'.padEnd(40, '0');
let ws: string;
let shims: string;
let uploaded: string;
let box: Box;
const calls: Array<{ uses: string; with: Record<string, string> }> = [];

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'tether-smoke-ws-'));
  uploaded = mkdtempSync(join(tmpdir(), 'tether-smoke-up-'));
  shims = mkdtempSync(join(tmpdir(), 'tether-smoke-bin-'));
  // What setup-python puts on PATH: `python` (here Debian's, with torch), and pip as a double (no index here).
  writeFileSync(
    join(shims, 'python'),
    `#!/bin/bash\nif [ "$1 $2 $3" = "-m pip install" ]; then echo "pip-double: $* (in $PWD)" >> "${join(ws, 'pip.log')}"; exit 0; fi\nexec /usr/bin/python3 "$@"\n`,
  );
  chmodSync(join(shims, 'python'), 0o755);
  writeFileSync(join(ws, 'requirements.txt'), 'torch\n');
  writeFileSync(
    join(ws, 'train.py'),
    [
      'import os, sys, time',
      "print(f\"smoke={os.environ.get('TETHER_SMOKE')} cuda={os.environ.get('CUDA_VISIBLE_DEVICES')!r}\", flush=True)",
      "if '--sleep' in sys.argv: time.sleep(30)",
      "print('step 1 loss 2.0', flush=True)",
      "sys.exit(int(os.environ.get('SMOKE_EXIT', '0')))",
    ].join('\n'),
  );
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
});
afterAll(() => {
  for (const d of [ws, uploaded, shims]) rmSync(d, { recursive: true, force: true });
  box?.destroy();
});

function smoke(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runComposite('actions/smoke/action.yml', inputs, {
    sha: SHA,
    workspace: ws,
    env: { PATH: `${shims}:${process.env['PATH']}`, ...env },
    uses: {
      'actions/setup-python': (w) => void calls.push({ uses: 'setup-python', with: w }),
      'actions/upload-artifact': (w) => {
        calls.push({ uses: 'upload-artifact', with: w });
        mkdirSync(join(uploaded, w['name']!), { recursive: true });
        copyFileSync(w['path']!, join(uploaded, w['name']!, 'tether-smoke.json'));
      },
    },
  });
}
const record = (name = `tether-smoke-${SHA}`) => JSON.parse(readFileSync(join(uploaded, name, 'tether-smoke.json'), 'utf8'));

describe('actions/smoke, step by step', () => {
  it('a passing smoke: Python set up with the pip cache keyed on the requirements, requirements installed, the command run CPU-only, the record uploaded', () => {
    const command = 'python train.py --smoke';
    const r = smoke({ 'smoke-command': command });
    expect(r.steps.map((s) => [s.name, s.ran, s.ok])).toEqual([
      ['Set up Python', true, true],
      ['Install requirements', true, true],
      ['Smoke run', true, true],
      ['Upload the smoke record', true, true],
      ['Fail when the smoke failed', false, true],
    ]);
    expect(r.ok).toBe(true);
    expect(r.outputs).toMatchObject({ passed: 'true', 'exit-code': '0' });
    expect(calls.find((c) => c.uses === 'setup-python')!.with).toEqual({
      'python-version': '3.12',
      cache: 'pip',
      'cache-dependency-path': './requirements.txt',
    });
    expect(readFileSync(join(ws, 'pip.log'), 'utf8')).toMatch(/-m pip install -r requirements\.txt/);
    expect(calls.find((c) => c.uses === 'upload-artifact')!.with).toMatchObject({ name: `tether-smoke-${SHA}`, 'retention-days': '7' });
    const rec = record();
    expect(rec).toMatchObject({
      schema: 'tether.smoke/v1',
      commit: SHA,
      command_sha256: createHash('sha256').update(command).digest('hex'),
      exit_code: 0,
    });
    expect(rec.log_tail).toEqual(["smoke=1 cuda=''", 'step 1 loss 2.0']);
  });

  it('in a working-directory: the pip cache is keyed on the same requirements file pip installs', () => {
    mkdirSync(join(ws, 'sub'), { recursive: true });
    copyFileSync(join(ws, 'train.py'), join(ws, 'sub', 'train.py'));
    writeFileSync(join(ws, 'sub', 'reqs.txt'), 'numpy\n');
    calls.length = 0;
    const r = smoke({ 'smoke-command': 'python train.py', 'working-directory': 'sub', requirements: 'reqs.txt', 'artifact-name': 'sub' });
    expect(r.ok).toBe(true);
    expect(calls.find((c) => c.uses === 'setup-python')!.with).toMatchObject({ cache: 'pip', 'cache-dependency-path': 'sub/reqs.txt' });
    expect(readFileSync(join(ws, 'pip.log'), 'utf8').trim().split('\n').at(-1)).toBe(`pip-double: -m pip install -r reqs.txt (in ${join(ws, 'sub')})`);
    // Nothing to install: no pip cache, so no dependency path either.
    calls.length = 0;
    smoke({ 'smoke-command': 'python train.py', requirements: '', 'artifact-name': 'none' });
    expect(calls.find((c) => c.uses === 'setup-python')!.with).toMatchObject({ cache: '', 'cache-dependency-path': '' });
  });

  it('a failing smoke is recorded and uploaded, then fails the job; a run past the time limit is exit 124', () => {
    const bad = smoke({ 'smoke-command': 'python train.py', requirements: '', 'artifact-name': 'bad' }, { SMOKE_EXIT: '3' });
    expect(bad.ok).toBe(false);
    expect(bad.outputs).toMatchObject({ passed: 'false', 'exit-code': '3' });
    expect(bad.steps.map((s) => s.ran)).toEqual([true, false, true, true, true]);
    expect(record('bad').exit_code).toBe(3);
    const slow = smoke({ 'smoke-command': 'python train.py --sleep', requirements: '', 'time-limit': '1', 'artifact-name': 'slow' });
    expect(slow.outputs['exit-code']).toBe('124');
    expect(record('slow').exit_code).toBe(124);
  }, 30_000);
});

describe('launch with require-smoke', () => {
  const launchWith = (id: string, extra: Record<string, string>, env: Record<string, string> = {}) =>
    runBuiltAction(
      'launch',
      box.inputs({
        'run-id': id,
        command: 'sleep 60',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        commit: SHA,
        'require-smoke': 'true',
        ...extra,
      }),
      env,
    ).then((r) => {
      removeWorkspace(r);
      return r;
    });
  const recorded = (id: string) => existsSync(`${box.home}/.tether/runs/${id}`);

  it('a passing record of this commit lets it launch; a failing one, another commit or none at all block it before the box is touched', async () => {
    smoke({ 'smoke-command': 'python train.py', requirements: '', 'artifact-name': 'good' });
    const ok = await launchWith('sm-ok', { 'smoke-record': join(uploaded, 'good', 'tether-smoke.json') });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.summary).toMatch(/✅ smoke passed for c0ffee000000 in \d+\.\d s/);

    const failing = await launchWith('sm-bad', { 'smoke-record': join(uploaded, 'bad', 'tether-smoke.json') });
    expect(failing.code).toBe(3);
    expect(failing.outputs['result']).toBe('blocked');
    expect(failing.stdout).toMatch(/the smoke run of c0ffee000000 failed \(exit 3\); last line: step 1 loss 2\.0/);
    const other = await launchWith('sm-other', { 'smoke-record': join(uploaded, 'good', 'tether-smoke.json'), commit: 'd'.repeat(40) });
    expect(other.stdout).toMatch(/the smoke record is for commit c0ffee000000, not dddddddddddd/);
    const none = await launchWith('sm-none', { 'smoke-record': join(uploaded, 'nothing-here.json') });
    expect(none.stdout).toMatch(/no smoke record for commit c0ffee000000/);
    for (const id of ['sm-bad', 'sm-other', 'sm-none']) expect(recorded(id), id).toBe(false);
    expect(recorded('sm-ok')).toBe(true);

    const waived = await launchWith('sm-waived', { 'smoke-waiver': 'hotfix: the smoke runner is down' });
    expect(waived.code).toBe(0);
    expect(waived.summary).toMatch(/Launched without a smoke run \(smoke-waiver\): hotfix: the smoke runner is down/);
  }, 90_000);

  it('without smoke-record it takes the artifact tether-smoke-<commit> of this workflow run, through @actions/artifact', async () => {
    const svc = new ArtifactDouble();
    await svc.start();
    try {
      // The smoke job of the same workflow run uploaded it (here through the real client and the service double).
      const saved = { ...process.env };
      Object.assign(process.env, svc.env('run-21', 'job-smoke'));
      try {
        await githubArtifacts().upload(
          { kind: 'records', name: `tether-smoke-${SHA}`, root: join(uploaded, 'good'), files: ['tether-smoke.json'], bytes: 1 },
          undefined,
        );
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
      const r = await launchWith('sm-art', {}, svc.env('run-21', 'job-launch'));
      expect(r.code, r.stdout).toBe(0);
      const elsewhere = await launchWith('sm-art2', {}, svc.env('run-22', 'job-launch'));
      expect(elsewhere.code).toBe(3);
      // The refusal also says why the service found none.
      expect(elsewhere.stdout).toMatch(
        /no smoke record for commit c0ffee000000 \(artifact tether-smoke-c0ffee0+ of this workflow run: artifact tether-smoke-c0ffee0+ was not found/,
      );
    } finally {
      await svc.stop();
    }
  }, 60_000);
});
