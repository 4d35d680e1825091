import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * `--json` on the CLI: stdout is one JSON object (command, exit_code, the outputs under their action names,
 * errors) for status, collect and teardown against a real box; the summary and the lines go to stderr.
 */
let box: Box;
let dir: string;
const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
const tether = (args: string[]) =>
  spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
const asJson = (r: ReturnType<typeof tether>) => {
  expect(() => JSON.parse(r.stdout), `stdout is one JSON object: ${r.stdout.slice(0, 400)}\n${r.stderr.slice(-600)}`).not.toThrow();
  return JSON.parse(r.stdout) as { command: string; exit_code: number; outputs: Record<string, unknown>; errors: string[] };
};

beforeAll(async () => {
  box = await createBox();
  dir = mkdtempSync(join(tmpdir(), 'tether-cli-json-'));
  box.sh(`mkdir -p ${box.home}/code`);
  const l = tether([
    'launch',
    ...flags(box.inputs({ 'run-id': 'js', command: 'mkdir -p ck && head -c 4096 /dev/urandom > ck/a.bin && echo step 1 loss 0.5', workdir: '~/code' })),
    ...flags({ audit: 'false', checkpoints: 'ck/*.bin', 'confirm-timeout': '2', 'run-file': join(dir, 'run.json') }),
  ]);
  expect(l.status, l.stderr).toBe(0);
  await waitFor('the run to finish', () => existsSync(`${box.home}/.tether/runs/js/DONE`), 20_000);
}, 120_000);
afterAll(() => {
  box?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tether … --json', () => {
  it('status, collect and teardown each print one JSON object on stdout and their summary on stderr', () => {
    const status = tether(['status', '--json', ...flags(box.inputs({ 'run-ids': 'js' }))]);
    const s = asJson(status);
    expect(s).toMatchObject({ command: 'status', exit_code: 0, errors: [] });
    expect((s.outputs['states'] as Record<string, { state: string }>)['js']?.state).toBe('finished');
    expect(status.stderr).toMatch(/tether status —/);

    const dest = join(dir, 'dest');
    const collect = tether([
      'collect',
      '--json',
      ...flags(box.inputs({ 'run-id': 'js', 'dest-dir': dest, provider: 'command', 'instance-id': 'box-js', verb: 'destroy' })),
    ]);
    const c = asJson(collect);
    expect(c).toMatchObject({ command: 'collect', exit_code: 0, outputs: { verified: 'true', files: '1' } });
    expect(c.outputs['verified-path']).toBe(join(dest, 'js', 'VERIFIED.json'));
    expect(collect.stderr).toMatch(/tether collect — .*verified/);

    const teardown = tether([
      'teardown',
      '--json',
      ...flags(
        box.inputs({
          'run-id': 'js',
          provider: 'command',
          'instance-id': 'box-js',
          verb: 'destroy',
          'teardown-command': 'true',
          'verified-path': join(dest, 'js'),
        }),
      ),
    ]);
    const t = asJson(teardown);
    expect(t).toMatchObject({ command: 'teardown', exit_code: 0, outputs: { state: 'dry-run' } });
    expect(String(t.outputs['reason'])).toMatch(/nothing was done/);
  });

  it('--host takes an alias from ~/.ssh/config (HostName, User, IdentityFile); the host key is still the pinned one', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const i = box.inputs();
    writeFileSync(join(home, '.ssh', 'config'), `Host mybox\n  HostName ${box.addr}\n  User root\n  IdentityFile ${i['ssh-key-path']}\n`);
    const run = (pin: string) =>
      spawnSync(
        resolve('node_modules/.bin/node'),
        ['dist/cli/index.js', 'audit', '--host', 'mybox', '--known-hosts', pin, '--no-require-gpu', '--min-free-gb', '1'],
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, HOME: home, NO_COLOR: '1' },
        },
      );
    const ok = run(i['known-hosts'] as string);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`--host mybox: from ~/.ssh/config, HostName ${box.addr}, User root, IdentityFile ${i['ssh-key-path']}`);
    // The alias moves the address, never the trust: another pin is refused before authentication.
    const other = run(`${box.addr} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm7kF5b6o8Lq0v3v7mO6sR6o1k9xGq3QmW2y9z4a1bC`);
    expect(other.status).toBe(4);
    expect(other.stderr).toMatch(/host key/i);
  });

  it('a bad command line is a JSON answer too: exit 2 and every problem, before the box is touched', () => {
    const r = tether(['collect', '--json', '--run-id', 'js', '--dest-dirr', '/tmp/x']);
    const j = asJson(r);
    expect(r.status).toBe(2);
    expect(j).toMatchObject({ command: 'collect', exit_code: 2, outputs: {} });
    expect(j.errors.join('\n')).toMatch(/--dest-dirr is not an option of 'tether collect' \(did you mean --dest-dir\?\)/);
  });
});
