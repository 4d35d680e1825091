import { describe, expect, it } from 'vitest';
import { CELL_HISTORY_MAX, summarize, summaryText, sweepVerdict, type CellVerdict } from '../../src/patrol/cells.ts';
import { unverifiedMemory, type RunMemory, type TickMemory } from '../../src/patrol/memory.ts';
import type { State } from '../../src/patrol/remediation.ts';
import type { Verdict } from '../../src/patrol/verdict.ts';
import { parseProgress } from '../../src/record/progress.ts';
import { BODY_MAX, renderPatrol, renderStatusForTerminal, type HostVerdict } from '../../src/patrol/render.ts';
import { markdownToTerminal } from '../../src/report/terminal-markdown.ts';
import { renderGfm, visibleText } from '../harness/render.ts';

const now = new Date('2026-11-23T12:00:00Z');
function verdict(id: string, over: Partial<Verdict> = {}): Verdict {
  return {
    runId: id,
    state: 'running',
    cls: null,
    flags: [],
    remediation: 'nothing to do',
    detail: 'pid 1',
    attempt: 1,
    step: 100,
    epoch: null,
    metrics: { loss: 0.5 },
    heartbeatAgeS: 5,
    progressAgeS: 5,
    checkpoints: { count: 0, newest: null, ageS: null },
    gpus: [],
    disk: null,
    memoryPct: null,
    since: '2026-11-23T11:00:00Z',
    newSignature: null,
    ...over,
  };
}
const cell = (name: string, state: State, over: Partial<CellVerdict> = {}): CellVerdict => ({ ...verdict(name, { state, ...over }), cellGpus: '0', ...over });
const mem = (k: number): RunMemory => ({
  attempt: 1,
  offset: 1000 + k,
  state: 'running',
  cls: null,
  since: '2026-11-23T11:00:00Z',
  lastKnown: null,
  unreachableSince: null,
  unreachableTicks: 0,
  oomKills: null,
  step: 100 + k,
  epoch: null,
  metrics: { loss: 1 / (k + 1) },
  history: Array.from({ length: CELL_HISTORY_MAX }, (_, i) => [1_795_000_000 + i * 60, i * 10, 1 / (i + k + 1)] as [number, number, number]),
});

describe('a sweep in the status', () => {
  it('summary text: done out of total, then states in order, failed with its classes', () => {
    const cells = [cell('a', 'finished'), cell('b', 'finished'), cell('c', 'running'), cell('d', 'failed', { cls: 'cuda-oom' }), cell('e', 'queued')];
    expect(summaryText(summarize(cells))).toBe('2/5 done, 1 running, 1 queued, 1 failed: cuda-oom');
    const two = [cell('x', 'failed', { cls: 'cuda-oom' }), cell('y', 'failed', { cls: 'cuda-oom' }), cell('z', 'failed', { cls: 'killed' })];
    expect(summaryText(summarize(two))).toBe('0/3 done, 3 failed: cuda-oom ×2, killed');
  });

  it("the run's line: running while any cell runs or waits, stalled only when all live cells are; a failed run takes its first failed cell's class", () => {
    const queue = verdict('sw', { state: 'stalled', detail: 'pid 9' });
    expect(sweepVerdict(queue, [cell('a', 'running'), cell('b', 'stalled')]).state).toBe('running');
    expect(sweepVerdict(queue, [cell('a', 'stalled'), cell('b', 'finished')]).state).toBe('stalled');
    const failed = sweepVerdict(verdict('sw', { state: 'failed', cls: 'other', detail: 'exit 1 in stage cells' }), [
      cell('a', 'finished'),
      cell('b', 'failed', { cls: 'nan' }),
    ]);
    expect(failed).toMatchObject({ state: 'failed', cls: 'nan', detail: '1/2 done, 1 failed: nan (exit 1 in stage cells)' });
    expect(failed.remediation).toMatch(/NaN/);
  });

  it('512 cells: counts, the unhealthy and newest cells by name, the rest counted; the comment stays under 65,536 characters with every cell remembered', () => {
    const states: State[] = ['finished', 'running', 'queued', 'failed', 'stalled', 'dead'];
    const cells = Array.from({ length: 512 }, (_, i) =>
      cell(`lr-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`, states[i % states.length]!, {
        cls: states[i % states.length] === 'failed' ? 'cuda-oom' : null,
        detail: `detail <b>${i}</b> @someone https://evil.test`,
        since: new Date(Date.parse('2026-11-23T00:00:00Z') + i * 1000).toISOString(),
      }),
    );
    const v: HostVerdict = { ...sweepVerdict(verdict('sweep-512'), cells), cells, host: 'root@10.0.0.9:22' };
    const memory: TickMemory = {
      v: 1,
      tick: 40,
      runs: { 'sweep-512': { ...mem(0), cells: Object.fromEntries(cells.map((c, k) => [c.runId, mem(k)])) } },
    };
    const body = renderPatrol([v], memory, now, '<!-- tether:status -->');
    expect(body.length).toBeLessThan(BODY_MAX);
    // Every cell's memory survives (offsets and states), histories thinned at most.
    const back = unverifiedMemory(body).runs['sweep-512']?.cells ?? {};
    expect(Object.keys(back)).toHaveLength(512);
    expect(back[cells[511]!.runId]?.offset).toBe(1511);
    expect(body).toContain('#### Sweep `sweep-512`: 86/512 done, 86 running, 85 queued, 85 stalled, 85 failed: cuda-oom ×85, 85 dead');
    const rows = body.split('\n').filter((l) => l.startsWith('| `lr-'));
    expect(rows.length).toBeLessThanOrEqual(36);
    expect(rows.filter((r) => r.includes('running'))).toHaveLength(12);
    // The newest running cells are the ones shown.
    expect(rows.find((r) => r.includes('running'))).toContain('lr-511');
    expect(body).toMatch(/…and 476 more cells \(counted above\)\./);
    const html = renderGfm(body);
    expect(html).not.toMatch(/<b>|href="https:\/\/evil/);
    expect(visibleText(html)).not.toMatch(/@someone\b(?!\u200b)/);
    // Up to four running cells' loss in one chart.
    const chart = body.slice(body.indexOf('title "sweep-512: loss of'));
    expect(chart.slice(0, chart.indexOf('```')).match(/^ {2}line \[/gm)).toHaveLength(4);
  });

  it('on a terminal: every cell has a row, the ones needing a person first, with their loss sparkline', () => {
    const cells = [cell('a', 'running', { since: '2026-11-23T11:30:00Z' }), cell('b', 'failed', { cls: 'code-error' }), cell('c', 'finished')];
    const v: HostVerdict = { ...sweepVerdict(verdict('sw'), cells), cells, host: 'h' };
    const memory: TickMemory = { v: 1, tick: 3, runs: { sw: { ...mem(0), cells: { a: mem(0), b: mem(1), c: mem(2) } } } };
    const text = markdownToTerminal(renderStatusForTerminal([v], memory, now));
    expect(text).toMatch(/^sw: 1\/3 done, 1 running, 1 failed: code-error$/m);
    expect(text).toMatch(/^b\s+❌ failed \(code-error\)\s+0\s+100\s+/m);
    expect(text).toMatch(/^a\s+🟢 running\s+0\s+100\s+█/m);
    expect(text).toMatch(/^c\s+\S+ finished\s+0\s+100\s+/m);
    expect(text.indexOf('\nb ')).toBeLessThan(text.indexOf('\nc '));
    expect(text).not.toMatch(/more cell/);
    // A finished sweep of many cells lists them all (a terminal has no comment size limit).
    const many = Array.from({ length: 40 }, (_, k) => cell(`cell-${k}`, 'finished'));
    const all = markdownToTerminal(
      renderStatusForTerminal([{ ...sweepVerdict(verdict('big'), many), cells: many, host: 'h' }], { v: 1, tick: 1, runs: {} }, now),
    );
    for (let k = 0; k < 40; k++) expect(all).toMatch(new RegExp(`^cell-${k}\\s`, 'm'));
  });
});

describe('the status stays under GitHub’s limit whatever the box claims (issue 23 §4)', () => {
  it('64 sweeps of 512 cells, each with 16 long metric keys and full histories: body and memory under 65,536 by construction, runs kept', () => {
    const verdicts: HostVerdict[] = [];
    const runs: TickMemory['runs'] = {};
    const metrics = Object.fromEntries(Array.from({ length: 16 }, (_, k) => [`metric_${'m'.repeat(30)}_${k}`, k + 0.123456]));
    const history = Array.from({ length: 96 }, (_, k): [number, number, number] => [1_800_000_000 + k * 60, k * 10, 1 / (k + 1)]);
    for (let r = 0; r < 64; r++) {
      const cells = Array.from({ length: 512 }, (_, i) => cell(`c${r}-${i}-${'y'.repeat(50)}`, 'running', { metrics }));
      const id = `sweep-${r}`;
      verdicts.push({ ...sweepVerdict(verdict(id), cells), cells, host: 'root@10.0.0.9:22' });
      runs[id] = {
        ...mem(r),
        metrics,
        history,
        cells: Object.fromEntries(cells.map((c, k) => [c.runId, { ...mem(k), metrics, history: history.slice(0, 16) }])),
      };
    }
    const body = renderPatrol(verdicts, { v: 1, tick: 9, runs }, now, '<!-- tether:status -->');
    // The signed tag (about 90 characters) still fits.
    expect(body.length + 100).toBeLessThan(BODY_MAX);
    const back = unverifiedMemory(body);
    expect(back.tick).toBe(9);
    expect(Object.keys(back.runs).length).toBeGreaterThan(0);
    // What was kept is whole: the first run's offset and state survive.
    expect(back.runs['sweep-0']).toMatchObject({ offset: mem(0).offset, state: mem(0).state });
  });

  it('a log naming a thousand metrics keeps at most 16 keys, loss first', () => {
    const tail = Array.from({ length: 1000 }, (_, k) => `acc_${k}: 0.5`).join(' ') + ' loss: 0.25\n';
    const p = parseProgress(tail);
    expect(Object.keys(p.metrics).length).toBeLessThanOrEqual(16);
    expect(p.metrics['loss']).toBe(0.25);
    expect(Object.keys(p.metrics)[0]).toBe('loss');
  });
});
