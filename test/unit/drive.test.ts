import { describe, expect, it } from 'vitest';
import { drive } from '../../src/providers/drive.ts';
import { ProviderError, type InstanceState, type Provider } from '../../src/providers/types.ts';

/** A provider scripted by a list of states, with a virtual clock: no real waiting. */
function scripted(states: InstanceState[], requests: Array<'ok' | 'retryable' | 'fatal'> = ['ok']) {
  const log: string[] = [];
  const p: Provider = {
    state: async () => {
      const s = states.length > 1 ? (states.shift() as InstanceState) : (states[0] as InstanceState);
      log.push(`state ${s}`);
      return { state: s, detail: s };
    },
    request: async (verb) => {
      const r = requests.length > 1 ? requests.shift() : requests[0];
      log.push(`request ${verb} ${r}`);
      if (r === 'retryable') throw new ProviderError('503', true);
      if (r === 'fatal') throw new ProviderError('400', false);
    },
  };
  return { p, log };
}
const ctx = { instanceId: 'i-1', runId: 'r', verb: 'destroy' as const, callTimeoutMs: 1000, log: () => undefined };
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += Math.max(ms, 1)) };
}

describe('provider driver (injected clock)', () => {
  it('already gone at the first look: done, nothing asked', async () => {
    const { p, log } = scripted(['gone']);
    expect(await drive(p, 'destroy', ctx, { deadlineMs: 10_000, pollMs: 1000, attempts: 3, ...clock() })).toMatchObject({
      ok: true,
      already: true,
      requests: 0,
    });
    expect(log).toEqual(['state gone']);
  });

  it('asks once, then polls until the terminal state', async () => {
    const { p, log } = scripted(['running', 'changing', 'changing', 'gone']);
    expect(await drive(p, 'destroy', ctx, { deadlineMs: 60_000, pollMs: 1000, attempts: 3, ...clock() })).toMatchObject({
      ok: true,
      already: false,
      requests: 1,
    });
    expect(log.filter((l) => l.startsWith('request'))).toHaveLength(1);
  });

  it('re-reads the state before every retry, and stops retrying when it is already gone', async () => {
    const { p, log } = scripted(['running', 'gone'], ['retryable']);
    expect(await drive(p, 'destroy', ctx, { deadlineMs: 60_000, pollMs: 1000, attempts: 3, ...clock() })).toMatchObject({ ok: true, requests: 1 });
    expect(log).toEqual(['state running', 'request destroy retryable', 'state gone']);
  });

  it('never confirmed within the deadline: not ok, with the last state', async () => {
    const { p } = scripted(['running']);
    const r = await drive(p, 'destroy', ctx, { deadlineMs: 5000, pollMs: 1000, attempts: 3, ...clock() });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/still running .* 5 s after the destroy request/);
  });

  it('a non-retryable refusal is thrown; park is reached by stopped', async () => {
    await expect(drive(scripted(['running'], ['fatal']).p, 'destroy', ctx, { deadlineMs: 5000, pollMs: 1000, attempts: 3, ...clock() })).rejects.toThrow('400');
    expect(
      await drive(scripted(['running', 'stopped']).p, 'park', { ...ctx, verb: 'park' }, { deadlineMs: 5000, pollMs: 1000, attempts: 3, ...clock() }),
    ).toMatchObject({ ok: true });
  });
});
