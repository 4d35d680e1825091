import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, withBackoff } from '../../src/ssh/backoff.ts';
import { dataLines, scriptCommand, shellQuote } from '../../src/remote/invoke.ts';
import { LIB } from '../../src/remote/scripts.ts';

const NASTY = ["it's", '$(id)', '`id`', 'a b\tc', '"q"', '\\', '*', '~', '-n', '', 'new\nline', 'ünï'];

describe('remote invocation', () => {
  it('single-quoting survives a real shell for hostile arguments', () => {
    const cmd = `printf '%s\\0' ${NASTY.map(shellQuote).join(' ')}`;
    const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(NASTY);
  });

  it('builds `bash -s -- args` with every argument quoted', () => {
    expect(scriptCommand(['/a b', "x'y"])).toBe(`bash -s -- '/a b' 'x'\\''y'`);
  });

  it('data lines decode on the box to the exact bytes, including trailing newlines', () => {
    const values = { command: 'echo "$X"; exit 3\n\n', then: '', workdir: '~/code' };
    // Job variables exist only after export_job_env, and only for what runs after it.
    const script = `${LIB}\nmain() { read_data || exit 9; printf '<%s>' "\${SECRET_X-unset}"; (export_job_env; printf '[%s][%s][%s][%s]' "$DATA_command" "$DATA_then" "$DATA_workdir" "$SECRET_X"); }\nmain "$@"; exit $?\n`;
    const stdin = script + dataLines(values, [['SECRET_X', 'va\nlue ']]);
    const r = spawnSync('bash', ['-s'], { input: stdin, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`<unset>[${values.command}][][~/code][va\nlue ]`);
  });

  it('read_data refuses a truncated stream', () => {
    const script = `${LIB}\nmain() { read_data && echo complete; }\nmain "$@"; exit $?\n`;
    const r = spawnSync('bash', ['-s'], { input: script + 'command ZWNobw==\n', encoding: 'utf8' });
    expect(r.stdout).not.toContain('complete');
    expect(r.stderr).toContain('data ended early');
  });
});

describe('backoff', () => {
  it('is capped exponential', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n))).toEqual([0, 1000, 2000, 4000, 8000, 8000]);
  });

  it('retries only retryable errors, a bounded number of times', async () => {
    const slept: number[] = [];
    let calls = 0;
    const sleep = async (ms: number) => void slept.push(ms);
    await expect(
      withBackoff(
        3,
        async () => {
          calls++;
          throw new Error('flaky');
        },
        () => true,
        sleep,
      ),
    ).rejects.toThrow('flaky');
    expect(calls).toBe(3);
    expect(slept).toEqual([1000, 2000]);
    calls = 0;
    await expect(
      withBackoff(
        3,
        async () => {
          calls++;
          throw new Error('fatal');
        },
        () => false,
        sleep,
      ),
    ).rejects.toThrow('fatal');
    expect(calls).toBe(1);
    expect(
      await withBackoff(
        3,
        async (n) => (n < 2 ? Promise.reject(new Error('x')) : 'ok'),
        () => true,
        sleep,
      ),
    ).toBe('ok');
  });
});
