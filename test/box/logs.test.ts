import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * `tether logs RUN`: the run's log through the pinned connection, bounded, escaped for the terminal (and inert on
 * the runner), --tail until the run ends, --attempt N, and a clear error for an attempt that does not exist.
 */
let box: Box;
let dir: string;
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
const node = resolve('node_modules/.bin/node');
const tether = (args: string[]) =>
  spawnSync(node, ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
const conn = () => flags(box.inputs());
// A job whose log holds an OSC 52 clipboard write, a workflow command and a remediation-looking line, then more later.
const JOB = [
  'printf "step 1 loss 0.9\\n"',
  'printf "\\033]52;c;cGF5bG9hZA==\\007clip\\n"',
  'printf "::error::pwned\\n"',
  'printf "resume: true is what the job said\\n"',
  'sleep 4',
  'printf "step 2 loss 0.5\\nlast line\\n"',
].join('; ');

beforeAll(async () => {
  box = await createBox();
  dir = mkdtempSync(join(tmpdir(), 'tether-logs-'));
  box.sh(`mkdir -p ${box.home}/code`);
}, 60_000);
afterAll(() => {
  box?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const launch = (id: string) => {
  const l = tether([
    'launch',
    ...conn(),
    ...flags({ 'run-id': id, command: JOB, workdir: '~/code', audit: 'false', 'confirm-timeout': '1', 'run-file': join(dir, `${id}.json`) }),
  ]);
  expect(l.status, l.stderr).toBe(0);
};

describe('tether logs', () => {
  it('--tail follows the log until the run ends; the text is escaped for the terminal and otherwise as the job wrote it', async () => {
    launch('lg');
    const child = spawn(node, ['dist/cli/index.js', 'logs', 'lg', '--tail', ...conn()], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(code, err).toBe(0);
    expect(out).toContain('step 1 loss 0.9');
    expect(out).toContain('step 2 loss 0.5\nlast line');
    expect(out).not.toMatch(/\u001b|\u0007/);
    expect(out).toContain('clip');
    // Box text is shown as it is: not turned into tether's flag advice.
    expect(out).toContain('resume: true is what the job said');
    expect(err).toMatch(/logs: attempt 1 of lg has ended; \d+ bytes read/);
    expect(existsSync(`${box.home}/.tether/runs/lg/DONE`)).toBe(true);
  }, 60_000);

  it('reads only the last log-bytes, names the attempt, and refuses an attempt that does not exist', () => {
    const all = tether(['logs', 'lg', ...conn()]);
    expect(all.status, all.stderr).toBe(0);
    expect(all.stdout).toContain('last line');
    const size = Number(/attempt 1 of lg: (\d+) bytes/.exec(all.stderr)?.[1]);
    expect(size).toBeGreaterThan(60);
    const tail = tether(['logs', 'lg', '--log-bytes', '10', '--attempt', '1', ...conn()]);
    expect(tail.status, tail.stderr).toBe(0);
    expect(tail.stdout).toBe('last line\n');
    expect(tail.stderr).toContain(`its last 10 of ${size} bytes`);
    const none = tether(['logs', 'lg', '--attempt', '9', ...conn()]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/run lg has no attempt 9 \(newest: 1\)/);
    const bad = tether(['logs', 'lg', '--attempt', '0', '--log-bytes', '2MiB', ...conn()]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--attempt: "0" is not an attempt number/);
    expect(bad.stderr).toMatch(/--log-bytes: "2MiB" is not from 1 byte to 1MiB/);
  });

  it('as an action, a workflow command in the log is printed inside a stop-commands block', async () => {
    await waitFor('lg to be done', () => existsSync(`${box.home}/.tether/runs/lg/DONE`), 10_000);
    const r = await runBuiltAction('logs', box.inputs({ 'run-id': 'lg' }));
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const m = /::stop-commands::(tether-[0-9a-f]{32})\n([\s\S]*?)\n::\1::/.exec(r.stdout);
    expect(m, r.stdout).toBeTruthy();
    expect(m![2]).toContain('::error::pwned');
    expect(r.stdout.replace(m![0], '')).not.toContain('::error::pwned');
    expect(r.outputs['attempt']).toBe('1');
  });
});
