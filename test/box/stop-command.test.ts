import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * `tether stop RUN-ID`: TERM to a live run's job through its recorded handle, only with collect's VERIFIED.json
 * for this run and this box; in a workflow only with confirm "stop <run-id>". The job checkpoints on TERM; the
 * record says FAILED, stage stopped.
 */
let box: Box;
let dir: string;
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
const tether = (args: string[]) =>
  spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
// A job that saves a checkpoint when it is asked to stop.
const JOB =
  'mkdir -p ck; echo step 1 > ck/a.bin; trap "echo saved-on-term > ck/term.bin; echo got TERM; exit 0" TERM; echo step 1; while true; do sleep 0.2; done';
const runDir = (id: string) => `${box.home}/.tether/runs/${id}`;

beforeAll(async () => {
  box = await createBox();
  dir = mkdtempSync(join(tmpdir(), 'tether-stop-'));
  box.sh(`mkdir -p ${box.home}/code`);
}, 60_000);
afterAll(() => {
  box?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const launch = (id: string) => {
  box.sh(`mkdir -p ${box.home}/code/${id}`);
  const l = tether([
    'launch',
    ...flags(
      box.inputs({
        'run-id': id,
        command: JOB,
        workdir: `~/code/${id}`,
        checkpoints: 'ck/*.bin',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': join(dir, `${id}.json`),
      }),
    ),
  ]);
  expect(l.status, l.stderr).toBe(0);
};
const collect = (id: string) => {
  const c = tether(['collect', ...flags(box.inputs({ 'run-id': id, 'dest-dir': join(dir, 'dest') }))]);
  expect(c.status, c.stderr + c.stdout).toBe(0);
  return join(dir, 'dest', id);
};

describe('tether stop', () => {
  it('refuses without the proof of this run, then stops it by its handle once its results are home', async () => {
    launch('st');
    launch('other');
    const noProof = tether(['stop', 'st', ...flags(box.inputs())]);
    expect(noProof.status).toBe(2);
    expect(noProof.stderr).toMatch(/--verified-path: is required: stopping a run needs its results home first/);
    const otherProof = collect('other');
    const wrongRun = tether(['stop', 'st', ...flags(box.inputs({ 'verified-path': otherProof }))]);
    expect(wrongRun.status).toBe(1);
    expect(wrongRun.stderr).toMatch(/stop refused: VERIFIED\.json is for run "other", not st/);
    expect(readFileSync(`${runDir('st')}/attempts/1/pid`, 'utf8')).toBeTruthy();
    expect(existsSync(`${runDir('st')}/FAILED`)).toBe(false);

    const proof = collect('st');
    const stopped = tether(['stop', 'st', '--stop-grace', '20s', ...flags(box.inputs({ 'verified-path': proof }))]);
    expect(stopped.status, stopped.stderr + stopped.stdout).toBe(0);
    expect(stopped.stderr).toMatch(/stop: attempt 1 stopped \(it exited on TERM\); the record says FAILED, stage stopped; the box keeps running/);
    expect(JSON.parse(readFileSync(`${runDir('st')}/FAILED`, 'utf8'))).toMatchObject({ stage: 'stopped', attempt: 1 });
    // The job had its TERM and saved what it had.
    expect(readFileSync(`${box.home}/code/st/ck/term.bin`, 'utf8')).toBe('saved-on-term\n');
    const again = tether(['stop', 'st', ...flags(box.inputs({ 'verified-path': proof }))]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/attempt 1 was not running \(FAILED\): nothing was signalled/);
    // The other run was never touched.
    expect(existsSync(`${runDir('other')}/FAILED`)).toBe(false);
  });

  it('in a workflow it also needs confirm "stop <run-id>", typed by the person who dispatches', async () => {
    const proof = join(dir, 'dest', 'other');
    const bare = await runBuiltAction('stop', box.inputs({ 'run-id': 'other', 'verified-path': proof }));
    expect(bare.code).toBe(1);
    expect(bare.outputs['state']).toBe('refused');
    expect(bare.outputs['reason']).toMatch(/in a workflow, stop needs confirm: "stop other"/);
    expect(existsSync(`${runDir('other')}/FAILED`)).toBe(false);
    const confirmed = await runBuiltAction('stop', box.inputs({ 'run-id': 'other', 'verified-path': proof, confirm: 'stop other', 'stop-grace': '20s' }));
    expect(confirmed.code, confirmed.stderr + confirmed.stdout).toBe(0);
    expect(confirmed.outputs['state']).toBe('stopped');
    await waitFor('other to be recorded stopped', () => existsSync(`${runDir('other')}/FAILED`), 5000);
  });
});
