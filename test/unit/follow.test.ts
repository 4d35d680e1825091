import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/follow/events.ts';
import { idle, plan, reconnect, STEADY_MS, worthWriting, type HostClock } from '../../src/follow/schedule.ts';
import { emptyMemory, type RunMemory } from '../../src/patrol/memory.ts';
import { adoptNewer } from '../../src/patrol/merge.ts';
import { CRASH_HINT } from '../../src/patrol/signatures.ts';
import type { TickResult } from '../../src/patrol/tick.ts';
import { remembered } from '../../src/patrol/verdict.ts';

describe('follower events are read strictly', () => {
  const ids = new Set(['r1']);
  it('known events for runs asked about; anything else is ignored, never trusted', () => {
    expect(parseEvent('{"e":"crash","run":"r1"}', ids)).toEqual({ kind: 'crash', runId: 'r1' });
    expect(parseEvent('{"e":"start"}', ids)).toEqual({ kind: 'start' });
    for (const bad of [
      '{"e":"crash","run":"r2"}',
      '{"e":"rm","run":"r1"}',
      '{"e":"crash"}',
      'crash r1',
      '[]',
      'null',
      `{"e":"crash","run":"r1","x":"${'a'.repeat(300)}"}`,
    ])
      expect(parseEvent(bad, ids)).toBeNull();
  });
});

describe('when a follow looks again (pure)', () => {
  const clocks = (m: Record<string, HostClock>) => new Map(Object.entries(m));
  it('at once the first time; an event within the debounce waits for its end; otherwise the refresh', () => {
    expect(plan(clocks({ a: idle() }), 1000, 2000, 60_000)).toEqual({ due: ['a'], waitMs: 0 });
    // Looked at 1000 ms ago: an event is served 1000 ms later, not at once and not dropped.
    expect(plan(clocks({ a: { lastAt: 9000, pending: true } }), 10_000, 2000, 60_000)).toEqual({ due: [], waitMs: 1000 });
    expect(plan(clocks({ a: { lastAt: 8000, pending: true } }), 10_000, 2000, 60_000).due).toEqual(['a']);
    expect(plan(clocks({ a: { lastAt: 8000, pending: false }, b: { lastAt: 0, pending: false } }), 10_000, 2000, 60_000)).toEqual({ due: [], waitMs: 50_000 });
  });
  it('writes when what the status shows changed, or when it has been quiet too long', () => {
    expect(worthWriting('x', 'x', 1000, 2000, 300_000)).toBe(false);
    expect(worthWriting('x', 'y', 1000, 2000, 300_000)).toBe(true);
    expect(worthWriting('x', 'x', 1000, 301_000, 300_000)).toBe(true);
  });
});

describe('a follow and a cron tick write the same comment', () => {
  const mem = (state: RunMemory['state'], at: string): RunMemory => ({
    attempt: 1,
    offset: 10,
    state,
    cls: state === 'failed' ? 'code-error' : null,
    since: at,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: 3,
    epoch: null,
    metrics: {},
    history: [],
    at,
  });
  const result = (m: RunMemory): TickResult => ({
    verdicts: [{ ...remembered('r1', m.state, m, { remediation: '', detail: 'ours', since: m.since }), host: 'h', hourlyPrice: null }],
    memory: { v: 1, tick: 5, runs: { r1: m } },
  });

  it('a newer observation in the comment wins over ours; an older one never does', () => {
    const ours = result(mem('running', '2026-11-23T10:00:05.000Z'));
    adoptNewer(ours, { v: 1, tick: 9, runs: { r1: mem('failed', '2026-11-23T10:00:07.000Z') } });
    expect(ours.memory.runs['r1']!.state).toBe('failed');
    expect(ours.verdicts[0]).toMatchObject({ state: 'failed', cls: 'code-error', host: 'h', detail: 'as another patrol saw it at 2026-11-23T10:00:07.000Z' });
    expect(ours.memory.tick).toBe(9);
    const newer = result(mem('running', '2026-11-23T10:00:09.000Z'));
    adoptNewer(newer, { v: 1, tick: 2, runs: { r1: mem('failed', '2026-11-23T10:00:07.000Z') } });
    expect(newer.memory.runs['r1']!.state).toBe('running');
    expect(newer.memory.tick).toBe(5);
    // A block without times (an older tether) or with garbage is never taken for newer.
    const kept = result(mem('running', '2026-11-23T10:00:05.000Z'));
    adoptNewer(kept, { ...emptyMemory(), runs: { r1: { ...mem('dead', 'x'), at: 'zzzz' } } });
    expect(kept.memory.runs['r1']!.state).toBe('running');
  });
});

describe("the follower's crash hint", () => {
  it('catches every failure signature the runner classifies (bash =~ with nocasematch, as follow.sh matches it)', () => {
    const lines = [
      'Traceback (most recent call last):',
      'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      'RuntimeError: CUDA error: out of memory',
      'OSError: [Errno 28] No space left on device',
      'RuntimeError: [enforce fail at inline_container.cc:595] . unexpected pos 123 vs 456',
      'step 40 loss nan',
      'Loss is NaN, stopping training',
      'Memory cgroup out of memory: Killed process 1234 (python)',
      'oom-kill:constraint=CONSTRAINT_MEMCG',
      'Disk quota exceeded',
    ];
    const match = 'shopt -s nocasematch; while IFS= read -r l; do [[ $l =~ $1 ]] && echo 1 || echo 0; done';
    const r = spawnSync('bash', ['-c', match, 'bash', CRASH_HINT], {
      input: lines.join('\n') + '\n',
      encoding: 'utf8',
    });
    expect(r.stdout.trim().split('\n')).toEqual(lines.map(() => '1'));
    const quiet = spawnSync('bash', ['-c', 'printf "%s\\n" "step 10 loss 0.41 lr 3e-4" | grep -Eiq -- "$1" && echo hit || echo quiet', 'bash', CRASH_HINT], {
      encoding: 'utf8',
    });
    expect(quiet.stdout.trim()).toBe('quiet');
  });
});

describe('reconnecting a follower (pure)', () => {
  const backoff: [number, number] = [2000, 30_000];
  it('a follower that lived a while starts the backoff afresh; one that ends at once, or no connection, backs off further', () => {
    expect(reconnect(5, STEADY_MS, backoff)).toEqual({ failures: 1, waitMs: 2000 });
    expect(reconnect(0, 10, backoff)).toEqual({ failures: 1, waitMs: 2000 });
    expect(reconnect(1, 10, backoff)).toEqual({ failures: 2, waitMs: 4000 });
    expect(reconnect(2, null, backoff)).toEqual({ failures: 3, waitMs: 8000 });
    // A follower that keeps ending at once is soon tried only at the cap, never faster.
    let f = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = reconnect(f, 50, backoff);
      f = r.failures;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
    expect(reconnect(10_000, null, backoff).waitMs).toBe(30_000);
  });
});
