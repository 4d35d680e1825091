import { describe, expect, it } from 'vitest';
import type { RunMemory, TickMemory } from '../../src/patrol/memory.ts';
import { patrolEnd } from '../../src/patrol/outputs.ts';
import type { HostVerdict } from '../../src/patrol/render.ts';
import type { Verdict } from '../../src/patrol/verdict.ts';

function verdict(id: string, over: Partial<Verdict> = {}): HostVerdict {
  return {
    runId: id,
    host: 'root@10.0.0.2:22',
    state: 'running',
    cls: null,
    flags: [],
    remediation: 'nothing to do',
    detail: 'pid 1',
    attempt: 1,
    step: 1200,
    epoch: null,
    metrics: {},
    heartbeatAgeS: 12,
    progressAgeS: 30,
    checkpoints: { count: 1, newest: 'c.pt', ageS: 30 },
    gpus: [],
    disk: null,
    memoryPct: null,
    since: '2026-12-01T10:00:00Z',
    newSignature: null,
    ...over,
  } as HostVerdict;
}
const run = (state: RunMemory['state'], cls: RunMemory['cls'] = null, attempt = 1): RunMemory =>
  ({
    attempt,
    offset: 0,
    state,
    cls,
    since: '',
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: 0,
    step: null,
    epoch: null,
    metrics: {},
    history: [],
  }) as RunMemory;
const memory = (runs: Record<string, RunMemory>, tick = 3): TickMemory => ({ v: 1, tick, runs });

describe("the patrol tick's outputs, computed from verdicts and memories alone", () => {
  it('a run that enters a fail-on state fails the step once; the next tick in the same state only says it is still there', () => {
    const failed = verdict('a', { state: 'failed', cls: 'cuda-oom', remediation: 'lower the batch', detail: 'exit 1' });
    const first = patrolEnd([failed], memory({ a: run('running') }), memory({ a: run('failed', 'cuda-oom') }, 4), ['failed'], {
      synced: null,
      statusUrls: ['https://github.test/c/1', '/tmp/state.json'],
    });
    expect(first.failed).toBe(true);
    expect(JSON.parse(first.outputs['entered']!)).toEqual(['a']);
    expect(first.errors).toEqual(['patrol: a is failed (cuda-oom) (fail-on: failed)']);
    expect(first.outputs['escalate']).toBe('true');
    expect(first.outputs['tick']).toBe('4');
    expect(first.outputs['status-url']).toBe('https://github.test/c/1');
    expect(first.warnings).toEqual(['a: failed (cuda-oom): exit 1. lower the batch']);
    expect(JSON.parse(first.outputs['states']!)['a']).toMatchObject({ state: 'failed', class: 'cuda-oom', step: 1200, host: 'root@10.0.0.2:22' });
    const again = patrolEnd([failed], memory({ a: run('failed', 'cuda-oom') }), memory({ a: run('failed', 'cuda-oom') }), ['failed'], {
      synced: null,
      statusUrls: [],
    });
    expect(again.failed).toBe(false);
    expect(again.outputs['entered']).toBe('[]');
    expect(again.infos).toEqual(['patrol: still a failed (cuda-oom) (already reported when it began)']);
    // A new attempt failing the same way is news again.
    const next = patrolEnd([failed], memory({ a: run('failed', 'cuda-oom', 1) }), memory({ a: run('failed', 'cuda-oom', 2) }), ['failed'], {
      synced: null,
      statusUrls: [],
    });
    expect(next.failed).toBe(true);
  });

  it('a healthy run says nothing; symlinks its globs match are warned about; synced is passed on', () => {
    const ok = patrolEnd([verdict('b')], memory({}), memory({ b: run('running') }), ['failed'], { synced: { b: { newest: null } }, statusUrls: [] });
    expect(ok).toMatchObject({ failed: false, warnings: [], errors: [], infos: [] });
    expect(ok.outputs['escalate']).toBe('false');
    expect(JSON.parse(ok.outputs['synced']!)).toEqual({ b: { newest: null } });
    const links = patrolEnd(
      [verdict('c', { checkpoints: { count: 1, newest: 'c.pt', ageS: 1, symlinks: 2 } as Verdict['checkpoints'] })],
      memory({}),
      memory({}),
      [],
      {
        synced: null,
        statusUrls: [],
      },
    );
    expect(links.warnings).toEqual([expect.stringMatching(/^c: 2 file\(s\) its checkpoint globs match are symlinks: skipped/)]);
    expect(links.outputs).not.toHaveProperty('synced');
  });
});
