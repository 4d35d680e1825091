import { describe, expect, it } from 'vitest';
import { unverifiedMemory, type RunMemory, type TickMemory } from '../../src/patrol/memory.ts';
import { tick, type ProbeFn } from '../../src/patrol/tick.ts';
import { BODY_MAX, chart, costLine, renderPatrol, renderStatusForTerminal, type HostVerdict } from '../../src/patrol/render.ts';
import { TransportError } from '../../src/ssh/errors.ts';
import { markdownToTerminal } from '../../src/report/terminal-markdown.ts';

const now = new Date('2026-11-22T12:00:00Z');
function verdict(id: string, over: Partial<HostVerdict> = {}): HostVerdict {
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
    epoch: '3/10',
    metrics: { loss: 0.41 },
    heartbeatAgeS: 12,
    progressAgeS: 30,
    checkpoints: { count: 3, newest: 'c.pt', ageS: 300 },
    gpus: [],
    disk: { usedPct: 50, inodesUsedPct: 10 },
    memoryPct: 40,
    since: '2026-11-22T11:00:00Z',
    newSignature: null,
    ...over,
  };
}
const mem = (history: RunMemory['history']): RunMemory => ({
  attempt: 1,
  offset: 0,
  state: 'running',
  cls: null,
  since: '',
  lastKnown: null,
  unreachableSince: null,
  unreachableTicks: 0,
  oomKills: 0,
  step: null,
  epoch: null,
  metrics: {},
  history,
});

describe('patrol status rendering', () => {
  it('has the tick line, a row per run, the remediation of unhealthy runs and the hidden memory', () => {
    const memory: TickMemory = { v: 1, tick: 5, runs: { a: mem([]) } };
    const body = renderPatrol(
      [verdict('a'), verdict('b', { state: 'failed', cls: 'cuda-oom', remediation: 'fix batch', detail: 'exit 1' })],
      memory,
      now,
      '<!-- m -->',
    );
    expect(body).toContain('### tether patrol — last checked 2026-11-22T12:00:00Z, tick 5');
    // One host: named above the table, not in a column of it.
    expect(body).toContain('On `root@10.0.0.2:22`:\n\n| run | state | progress |');
    expect(body).toMatch(/\| `a` \| 🟢 running for 60 min \| step 1200 · epoch 3\/10 \| loss 0.41 \|/);
    // Two hosts: a host column, each row its own.
    const two = renderPatrol([verdict('a'), verdict('c', { host: 'ubuntu@10.0.0.3:22' })], memory, now);
    expect(two).not.toContain('On `');
    expect(two).toContain('| run | host | state |');
    expect(two).toMatch(/\| `c` \| `ubuntu@10.0.0.3:22` \| 🟢 running for 60 min \|/);
    expect(body).toMatch(/❌ \*\*`b`\*\* failed \(cuda-oom\): exit 1\. \*\*Do:\*\* fix batch/);
    expect(body).not.toMatch(/\*\*`a`\*\*/);
    expect(unverifiedMemory(body)).toEqual(memory);
  });

  it('draws a mermaid xychart of loss by step from the tick history', () => {
    const c = chart(
      'r1',
      mem([
        [1, 100, 2.5],
        [2, 200, 1.25],
        [3, 300, 0.75],
      ]),
    );
    expect(c).toBe(
      '```mermaid\n%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #bf3989, #1a7f37, #bc4c00"}}}}%%\nxychart-beta\n  title "r1: loss by tick"\n  x-axis "step" ["100", "200", "300"]\n  y-axis "loss"\n  line [2.5, 1.25, 0.75]\n```',
    );
    expect(chart('r1', mem([[1, 100, 2.5]]))).toBe('');
  });

  it('stays under 65,536 characters with many runs and long histories, memory block intact', () => {
    const runs: Record<string, RunMemory> = {};
    const verdicts: HostVerdict[] = [];
    for (let i = 0; i < 64; i++) {
      const id = `run-${'x'.repeat(40)}-${i}`;
      // Irregular values, as real losses are, so compression alone cannot make it fit.
      runs[id] = mem(
        Array.from(
          { length: 96 },
          (_, k) => [1_795_000_000 + k * 1799 + i, k * 1000 + i, Math.abs(Math.sin(k * 12.9898 + i * 78.233)) * 3] as [number, number, number],
        ),
      );
      verdicts.push(verdict(id, { state: 'stalled', detail: 'd'.repeat(300), remediation: 'r'.repeat(300) }));
    }
    const memory: TickMemory = { v: 1, tick: 1, runs };
    const body = renderPatrol(verdicts, memory, now);
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
    const kept = unverifiedMemory(body).runs[verdicts[63]!.runId];
    expect(Object.keys(unverifiedMemory(body).runs)).toHaveLength(64);
    // History thinned to fit, newest point kept; everything else intact.
    expect(kept?.history.length).toBeLessThan(96);
    expect(kept?.history.length).toBeGreaterThanOrEqual(2);
    expect(kept?.history.at(-1)).toEqual([1_795_000_000 + 95 * 1799 + 63, 95_063, Math.abs(Math.sin(95 * 12.9898 + 63 * 78.233)) * 3]);
  });

  it('prints the same facts as aligned columns for a terminal, with a sparkline of loss', () => {
    const memory = {
      v: 1 as const,
      tick: 5,
      runs: { a: { history: [0.9, 0.7, 0.5, 0.3, 0.2].map((l, k) => [1_795_000_000 + k, k * 10, l] as [number, number, number]) } },
    } as unknown as TickMemory;
    const md = renderStatusForTerminal([verdict('a'), verdict('bb', { state: 'dead', detail: 'no process', remediation: 'resume' })], memory, now);
    const text = markdownToTerminal(md);
    const [title, , header, a, b] = text.split('\n');
    expect(title).toMatch(/^tether status — /);
    expect(header).toMatch(/^run\s+host\s+state\s+step/);
    expect(a?.indexOf('root@')).toBe(header?.indexOf('host'));
    expect(b?.indexOf('root@')).toBe(header?.indexOf('host'));
    expect(a).toContain('█▆▄▂▁ 0.2');
    expect(text).toContain('bb: no process. Do: resume');
    expect(text).not.toMatch(/\||\*\*|###|`/);
  });
});

describe('cost visibility and torn-down runs', () => {
  it('a finished run with an hourly price says how long it has billed since and how much, on every tick', () => {
    const v = { ...verdict('done', { state: 'finished', since: '2026-11-22T09:30:00Z', detail: 'DONE' }), hourlyPrice: 2.4 };
    expect(costLine(v, now)).toBe(' 💸 Finished 2h 30m ago and the box still bills: 6.00 spent since at 2.4/h — collect, then tear it down.');
    expect(renderPatrol([v], { v: 1, tick: 1, runs: {} }, now)).toContain('💸 Finished 2h 30m ago');
    expect(markdownToTerminal(renderStatusForTerminal([v], { v: 1, tick: 1, runs: {} }, now))).toContain('6.00 spent since');
    // No price, or not finished: no line.
    expect(costLine({ ...v, hourlyPrice: null }, now)).toBe('');
    expect(costLine({ ...v, state: 'running' }, now)).toBe('');
    expect(costLine({ ...v, state: 'torn-down' }, now)).toBe('');
  });

  it('a run marked torn down is not probed again and reports torn-down; the others on the host still are', async () => {
    const probed: string[][] = [];
    const prev: TickMemory = {
      v: 1,
      tick: 3,
      runs: { gone: { ...mem([]), state: 'finished', teardown: { state: 'torn-down', reason: 'pod-1 torn-down (404)', at: '2026-11-22T11:00:00Z' } } },
    };
    const probe: ProbeFn = async (_t, runs) => {
      probed.push(runs.map((r) => r.id));
      const e = new TransportError('connection_refused', 'connection refused');
      return { transport: e.kind, message: e.message };
    };
    const alone = await tick([{ label: 'h1', runIds: ['gone'] }], prev, probe, { stallAfterS: 3600 }, now);
    expect(probed).toEqual([]);
    expect(alone.verdicts[0]).toMatchObject({ runId: 'gone', state: 'torn-down', detail: 'torn-down at 2026-11-22T11:00:00Z: pod-1 torn-down (404)' });
    expect(alone.memory.runs['gone']?.teardown?.state).toBe('torn-down');
    const mixed = await tick([{ label: 'h1', runIds: ['gone', 'live'] }], prev, probe, { stallAfterS: 3600 }, now);
    expect(probed).toEqual([['live']]);
    expect(mixed.verdicts.map((v) => v.state)).toEqual(['torn-down', 'unreachable']);
  });
});

describe('status comments with a header', () => {
  it('teardown marks the comment under its own marker, and the default marker is not in it', async () => {
    const { renderTeardownMark, statusMarker, STATUS_MARKER } = await import('../../src/patrol/render.ts');
    const old = renderPatrol([verdict('a')], { v: 1, tick: 3, runs: {} }, now, statusMarker('gpu-a'), 'gpu-a');
    expect(old.startsWith('<!-- tether:status:gpu-a -->\n### tether patrol `gpu-a` — last checked')).toBe(true);
    const marked = renderTeardownMark(old, 'a', { state: 'torn-down', reason: 'verified', at: '2026-11-23T00:00:00Z' }, statusMarker('gpu-a'));
    expect(marked.startsWith('<!-- tether:status:gpu-a -->\n### 🏁')).toBe(true);
    expect(marked).not.toContain(STATUS_MARKER);
    expect(marked.split('<!-- tether:status:gpu-a -->')).toHaveLength(2);
    expect(statusMarker('')).toBe(STATUS_MARKER);
  });
});
