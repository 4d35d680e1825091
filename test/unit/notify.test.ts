import { describe, expect, it } from 'vitest';
import { parseNotify } from '../../src/config/patrol.ts';
import type { RunMemory, TickMemory } from '../../src/patrol/memory.ts';
import { markNotified, noticeBody, planNotices } from '../../src/patrol/notify.ts';
import type { HostVerdict } from '../../src/patrol/render.ts';

const v = (runId: string, state: HostVerdict['state'], over: Partial<HostVerdict> = {}): HostVerdict =>
  ({ runId, state, cls: null, attempt: 1, host: 'h', detail: 'd', remediation: 'r', flags: [], ...over }) as HostVerdict;
const mem = (runs: Record<string, Partial<RunMemory>>): TickMemory => ({ v: 1, tick: 2, runs: runs as Record<string, RunMemory> });

describe('notices: a new comment when a run needs a person', () => {
  it('for the states that need one, once per state and attempt; unreachable only once it held two ticks', () => {
    const verdicts = [v('a', 'failed', { cls: 'cuda-oom' }), v('b', 'running'), v('c', 'unreachable'), v('d', 'unreachable'), v('e', 'stalled')];
    const memory = mem({ a: {}, b: {}, c: { unreachableTicks: 1 }, d: { unreachableTicks: 2 }, e: { notified: ['stalled::1'] } });
    const plan = planNotices(verdicts, memory, { kind: 'launcher' }, { a: 'wes', d: null });
    expect(plan.map((n) => [n.runId, n.key, n.mentions])).toEqual([
      ['a', 'failed:cuda-oom:1', ['wes']],
      ['d', 'unreachable::1', []],
    ]);
    markNotified(memory, plan);
    expect(planNotices(verdicts, memory, { kind: 'launcher' }, { a: 'wes' })).toEqual([]);
    // A new attempt that fails again is news again; notify: none tells nobody.
    expect(planNotices([v('a', 'failed', { cls: 'cuda-oom', attempt: 2 })], memory, { kind: 'launcher' }, {}).map((n) => n.key)).toEqual(['failed:cuda-oom:2']);
    expect(planNotices(verdicts, mem({}), { kind: 'none' }, { a: 'wes' })).toEqual([]);
    // At most NOTIFIED_MAX keys are remembered per run.
    const many = mem({ x: {} });
    for (let k = 1; k <= 40; k++) markNotified(many, [{ runId: 'x', key: `failed::${k}`, mentions: [], line: '' }]);
    expect(many.runs['x']?.notified).toHaveLength(16);
    expect(many.runs['x']?.notified?.at(-1)).toBe('failed::40');
  });

  it('mentions only the validated logins and teams, and escapes box text in the lines', () => {
    const plan = planNotices(
      [v('a', 'failed', { detail: '@everyone <img src=x> **bold**' })],
      mem({ a: {} }),
      { kind: 'names', names: ['ana', 'org/team'] },
      {},
    );
    const body = noticeBody(plan);
    expect(body).toMatch(/^🔔 @ana @org\/team: a run needs you$/m);
    expect(body).not.toMatch(/(^|\s)@everyone/);
    expect(body).not.toContain('<img');
  });

  it('notify takes launcher, none, or up to ten @logins and @org/teams', () => {
    expect(parseNotify('')).toEqual({ kind: 'launcher' });
    expect(parseNotify('none')).toEqual({ kind: 'none' });
    expect(parseNotify('@ana, @org/ml-oncall bob')).toEqual({ kind: 'names', names: ['ana', 'org/ml-oncall', 'bob'] });
    expect(() => parseNotify('@ana @evil<script>')).toThrow(/"@evil<script>" is not launcher, none, @login or @org\/team/);
    expect(() => parseNotify(Array.from({ length: 11 }, (_, k) => `u${k}`).join(' '))).toThrow(/at most 10/);
  });
});
