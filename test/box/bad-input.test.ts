import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/errors.ts';
import { launchPhase } from '../harness/phases.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
const canary = `/tmp/tether-canary-${process.pid}`;
const touch = `touch ${canary}`;
beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  rmSync(canary, { force: true });
});
afterAll(() => box?.destroy());

const base = () =>
  box.inputs({ 'run-id': 'ok-run', command: 'sleep 1', workdir: '~/code', 'require-gpu': 'false', 'min-free-gb': '1', 'confirm-timeout': '1' });
const long = (n: number) => 'a'.repeat(n);

// [input, hostile value, the input the error must name]
const HOSTILE: Array<[string, string, string?]> = [
  ['run-id', ''],
  ['run-id', '../x'],
  ['run-id', '..'],
  ['run-id', '.'],
  ['run-id', 'a/b'],
  ['run-id', 'a b'],
  ['run-id', `x;${touch}`],
  ['run-id', `$(${touch})`],
  ['run-id', `\`${touch}\``],
  ['run-id', 'a\nb'],
  ['run-id', '-rf'],
  ['run-id', long(65)],
  ['run-id', 'réseau'],
  ['host', `-oProxyCommand=${touch}`],
  ['host', `box;${touch}`],
  ['host', 'root@10.0.0.1'],
  ['host', '10.0.0.1:22'],
  ['host', 'two words'],
  ['host', `$(${touch})`],
  ['host', long(300)],
  ['host', ''],
  ['port', '0'],
  ['port', '65536'],
  ['port', '-1'],
  ['port', `22;${touch}`],
  ['port', '22 23'],
  ['port', '1e3'],
  ['user', '-oProxyCommand=x'],
  ['user', `root;${touch}`],
  ['user', '$(id)'],
  ['run-root', 'relative/runs'],
  ['run-root', '/tmp/../etc'],
  ['run-root', '~/a/../../b'],
  ['run-root', '/x\n/y'],
  ['run-root', `/${long(2000)}`],
  ['run-root', '~root/runs'],
  ['workdir', '../up'],
  ['workdir', '/code\u0000x'],
  ['checkpoints', '/abs/*.pt'],
  ['checkpoints', '../*.pt'],
  ['checkpoints', '~/x/*.pt'],
  ['checkpoints', 'ckpt/\u0007*.pt'],
  ['env', `BAD-NAME=1`],
  ['env', '1X=2'],
  ['env', 'LD_PRELOAD=/tmp/x.so'],
  ['env', 'BASH_ENV=/tmp/x'],
  ['env', 'PATH=/evil'],
  ['env', 'NOEQUALS'],
  ['env', 'A=1\nA=2'],
  ['env', 'TETHER_RUN_ID=x'],
  ['env', `BIG=${long(40_000)}`],
  ['secrets', 'BAD-NAME'],
  ['secrets', 'IFS'],
  ['secrets', 'NOT_SET_ANYWHERE'],
  ['command', ''],
  ['command', '   \n  '],
  ['command', long(70_000)],
  ['command', 'echo a\u0000b'],
  ['then', 'x\u0000'],
  ['backend', 'screen'],
  ['backend', `tmux;${touch}`],
  ['resume', 'yes'],
  ['resume', '1'],
  ['expected-duration', '12 hours'],
  ['expected-duration', '-5m'],
  ['confirm-timeout', '61'],
  ['confirm-timeout', 'ten'],
  ['connect-timeout', '0'],
  ['known-hosts', 'garbage that is not a key line'],
  ['known-hosts', '10.9.9.9 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0ZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleQ=='],
  ['host-key-fingerprint', 'MD5:aa:bb:cc'],
  ['host-key-fingerprint', 'SHA256:short'],
  ['ssh-key', 'not a key'],
  ['ssh-key-path', '/nonexistent/key'],
  ['accept-new-host-key', 'true'],
  ['interpreter', '$(id)'],
  ['min-free-gb', '-1'],
];

describe('hostile inputs are rejected before any connection', () => {
  it(`covers at least 40 values (${HOSTILE.length})`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE.map(([input, value], i) => [i, input, value] as const))('#%i %s', async (_i, input, value) => {
    const sshdLog = `${box.dir}/sshd.log`;
    const before = readFileSync(sshdLog, 'utf8').length;
    const inputs = { ...base(), [input]: value };
    if (input === 'ssh-key') delete inputs['ssh-key-path'];
    if (input === 'host-key-fingerprint') inputs['known-hosts'] = '';
    const r = captureReporter();
    const err = await launchPhase(inputs, {}, r, '/tmp').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    const named = input === 'accept-new-host-key' ? 'accept-new-host-key' : input;
    expect((err as InputError).input).toBe(named);
    expect((err as Error).message.length).toBeLessThan(400);
    expect((err as Error).message).not.toContain('\n');
    // Nothing reached the box, nothing ran.
    expect(readFileSync(sshdLog, 'utf8').slice(before)).not.toMatch(/Connection from/);
    expect(existsSync(canary)).toBe(false);
  });

  it('a bad input through the built action is one error line and exit 2', async () => {
    const run = await runBuiltAction('launch', { ...base(), host: `-oProxyCommand=${touch}` });
    removeWorkspace(run);
    expect(run.code).toBe(2);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([expect.stringMatching(/^::error::input 'host': .* is not a host name .*\(nothing was sent to the box\)$/)]);
    expect(existsSync(canary)).toBe(false);
  });
});

describe('hostile values that are legal pass through literally', () => {
  it('env values and the command reach the job byte for byte, and nothing else runs', async () => {
    const value = `$(${touch}) \`${touch}\` ; ${touch} | "quoted" 'single' \\ $HOME`;
    const r = captureReporter();
    const code = await launchPhase({ ...base(), 'run-id': 'literal', env: `ODD=${value}`, command: 'printf "%s" "$ODD" > odd.txt' }, {}, r, '/tmp');
    expect(code, r.errors.join('\n')).toBe(0);
    await waitFor('DONE', () => existsSync(`${box.home}/.tether/runs/literal/DONE`), 15_000);
    expect(readFileSync(`${box.home}/code/odd.txt`, 'utf8')).toBe(value);
    expect(existsSync(canary)).toBe(false);
    rmSync('/tmp/tether-run-literal.json', { force: true });
  });

  it("job variables named like tether's own script variables change nothing but the job's view", async () => {
    // Names that launch.sh, lib.sh or the wrapper use (or used) for themselves.
    const clash = [
      'RUN_DIR',
      'HANDLE',
      'LAST',
      'DATA_spec',
      'DATA_command',
      'backend',
      'wrapper',
      'n',
      'a',
      'hb',
      'stage',
      'rc',
      'run_dir',
      'sock',
      'path',
      'tmp',
    ];
    const env = clash.map((n) => `${n}=user-${n}`).join('\n');
    const show = clash.map((n) => `${n}=$${n}`).join(' ');
    const r = captureReporter();
    const code = await launchPhase(
      { ...base(), 'run-id': 'clash', env, command: `echo "${show}" > clash.txt`, 'run-file': '/tmp/tether-clash.json' },
      {},
      r,
      '/tmp',
    );
    expect(code, r.errors.join('\n')).toBe(0);
    expect(r.outputs['run-dir']).toBe(`${box.home}/.tether/runs/clash`);
    await waitFor('DONE', () => existsSync(`${box.home}/.tether/runs/clash/DONE`), 15_000);
    expect(readFileSync(`${box.home}/code/clash.txt`, 'utf8').trim()).toBe(clash.map((n) => `${n}=user-${n}`).join(' '));
    expect(JSON.parse(readFileSync(`${box.home}/.tether/runs/clash/DONE`, 'utf8'))).toMatchObject({ exit_code: 0, stage: 'command' });
    rmSync('/tmp/tether-clash.json', { force: true });
  });
});
