import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../src/patrol/signatures.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { parseStop } from '../../src/remote/stop.ts';

describe('stop.sh answers, read strictly', () => {
  it('reads a well-formed answer', () => {
    expect(parseStop({ attempt: 2, was_alive: true, escalated: false, alive: false, marker_kind: 'FAILED' })).toEqual({
      attempt: 2,
      wasAlive: true,
      escalated: false,
      alive: false,
      markerKind: 'FAILED',
    });
    expect(parseStop({ attempt: 0, was_alive: false, escalated: false, alive: false, marker_kind: '' }).markerKind).toBeNull();
  });

  it('refuses anything else with a BoxDataError', () => {
    const good = { attempt: 1, was_alive: true, escalated: false, alive: false, marker_kind: 'DONE' };
    for (const bad of [
      null,
      [],
      { ...good, attempt: -1 },
      { ...good, attempt: '1' },
      { ...good, was_alive: 'yes' },
      { ...good, marker_kind: 'GONE' },
      { ...good, marker_kind: 'DONE\n::error::x' },
      { error: 'no-run', message: 'no run record at /x' },
    ]) {
      expect(() => parseStop(bad), JSON.stringify(bad)).toThrow(BoxDataError);
    }
  });
});

describe('a stop is its own failure class', () => {
  it('stage `stopped` wins over any log signature; the same TERM without it is `terminated`, never a guessed preemption', () => {
    expect(classifyFailure(0, 'TERM', 'Traceback (most recent call last):', false, 'stopped')).toBe('stopped');
    expect(classifyFailure(137, 'KILL', 'CUDA out of memory', true, 'stopped')).toBe('stopped');
    expect(classifyFailure(143, 'TERM', '', false, 'command')).toBe('terminated');
    expect(classifyFailure(0, 'TERM', '', false, 'command')).toBe('terminated');
    expect(classifyFailure(143, null, '', false, 'command')).toBe('terminated');
  });
});
