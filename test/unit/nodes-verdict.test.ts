import { describe, expect, it } from 'vitest';
import { combineNodes, nodeKey, planNodeStops, runOfNodes, STRAGGLER_STEPS, type NodeRow } from '../../src/patrol/nodes.ts';
import { srunNodeRows } from '../../src/patrol/node-verdict.ts';
import { classifyFailure } from '../../src/patrol/signatures.ts';
import { tick, type TickVerdict } from '../../src/patrol/tick.ts';
import { emptyMemory, type RunMemory } from '../../src/patrol/memory.ts';

/** One verdict for a run on many boxes (issue 28 §2): the nodes' verdicts combined. Pure. */
const row = (rank: number, state: NodeRow['state'], o: Partial<NodeRow> = {}): NodeRow => ({
  rank,
  host: `root@10.0.0.${rank + 1}:22`,
  state,
  cls: null,
  consequence: false,
  step: 100,
  heartbeatAgeS: 5,
  gpuUtilPct: null,
  detail: state,
  ...o,
});

describe('the run from its nodes', () => {
  it('one node killed: the run failed naming it; the others’ collective timeouts are consequences', () => {
    const rows = [
      row(0, 'failed', { cls: 'collective' }),
      row(1, 'failed', { cls: 'killed', detail: 'exit 137 (SIGKILL)' }),
      row(2, 'failed', { cls: 'collective' }),
    ];
    const r = runOfNodes(rows);
    expect(r).toMatchObject({ state: 'failed', cls: 'killed' });
    expect(r.detail).toMatch(/^rank 1 failed \(killed\): exit 137 \(SIGKILL\); rank 0, rank 2 failed in a collective as a consequence/);
    expect(rows.map((x) => x.consequence)).toEqual([true, false, true]);
  });
  it('one node failed while another still waits in its collective: said, with what it costs', () => {
    const r = runOfNodes([row(0, 'running'), row(1, 'failed', { cls: 'cuda-oom' })]);
    expect(r).toMatchObject({ state: 'failed', cls: 'cuda-oom' });
    expect(r.detail).toMatch(/rank 0 still runs: waiting in a collective until its timeout \(30 minutes by default\) and billing/);
  });
  it('a node unreachable while the others run: degraded, never dead; every node unreachable: unreachable', () => {
    expect(runOfNodes([row(0, 'running'), row(1, 'unreachable')])).toMatchObject({ state: 'degraded', detail: 'rank 1 unreachable; rank 0 running' });
    expect(runOfNodes([row(0, 'unreachable'), row(1, 'unreachable')]).state).toBe('unreachable');
  });
  it('a node black-holed, then the others time out: the run failed, the silent node named as the likely cause', () => {
    const rows = [row(0, 'failed', { cls: 'collective' }), row(1, 'unreachable')];
    expect(runOfNodes(rows)).toMatchObject({
      state: 'failed',
      cls: 'collective',
      detail: 'rank 1 unreachable, probably the cause: rank 0 failed in a collective that lost it (a consequence)',
    });
    expect(rows[0]!.consequence).toBe(true);
  });
  it('a node that died or was taken is the cause over the others’ collective errors', () => {
    expect(runOfNodes([row(0, 'failed', { cls: 'collective' }), row(1, 'rebooted')])).toMatchObject({ state: 'rebooted', cls: null });
  });
  it('finished only when every node finished; a straggler is flagged past the bound', () => {
    expect(runOfNodes([row(0, 'finished'), row(1, 'finished')]).state).toBe('finished');
    expect(runOfNodes([row(0, 'finished'), row(1, 'running')]).state).toBe('running');
    expect(runOfNodes([row(0, 'running'), row(1, 'stalled')]).state).toBe('stalled');
    expect(runOfNodes([row(0, 'running', { step: 100 }), row(1, 'running', { step: 100 - STRAGGLER_STEPS })]).flags).toEqual([]);
    expect(runOfNodes([row(0, 'running', { step: 100 }), row(1, 'running', { step: 99 - STRAGGLER_STEPS })]).flags).toEqual(['straggler']);
  });
  it('a gloo or NCCL timeout in a log is the collective class, before the traceback it comes with', () => {
    const gloo =
      'Traceback (most recent call last):\nRuntimeError: [../third_party/gloo/gloo/transport/tcp/unbound_buffer.cc:81] Timed out waiting 20000ms for recv operation to complete';
    expect(classifyFailure(1, null, gloo, false)).toBe('collective');
    expect(classifyFailure(-1, null, '[Rank 1] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=9, OpType=ALLREDUCE)', false)).toBe('collective');
    expect(classifyFailure(1, null, 'Traceback (most recent call last):\nKeyError: x', false)).toBe('code-error');
  });
});

describe('combineNodes', () => {
  const v = (runId: string, state: TickVerdict['state'], o: Partial<TickVerdict> = {}): TickVerdict => ({
    runId,
    state,
    cls: null,
    flags: [],
    remediation: '',
    detail: state,
    attempt: 1,
    step: 10,
    epoch: null,
    metrics: {},
    heartbeatAgeS: 3,
    progressAgeS: 3,
    checkpoints: { count: 0, newest: null, ageS: null },
    gpus: [],
    disk: null,
    memoryPct: null,
    since: '2026-12-03T00:00:00.000Z',
    newSignature: null,
    host: runId.endsWith('#1') ? 'root@b:22' : 'root@a:22',
    hourlyPrice: null,
    ...o,
  });
  const mem = (state: RunMemory['state']): RunMemory => ({
    attempt: 1,
    offset: 0,
    state,
    cls: null,
    since: '2026-12-03T00:00:00.000Z',
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: 10,
    epoch: null,
    metrics: {},
    history: [],
  });
  it('replaces the node verdicts with one for the run, keeps other runs, and writes the run’s memory with its marks', () => {
    const result = {
      verdicts: [v('solo', 'running'), v(nodeKey('mn', 0), 'running', { heartbeatAgeS: 2 }), v(nodeKey('mn', 1), 'unreachable', { heartbeatAgeS: 40 })],
      memory: { ...emptyMemory(), runs: { [nodeKey('mn', 0)]: mem('running'), [nodeKey('mn', 1)]: mem('unreachable') } },
    };
    const prev = { ...emptyMemory(), runs: { mn: { ...mem('running'), issue: 7, recovery: { attempt: 1, at: 'x', url: 'u' } } } };
    combineNodes(result, { mn: 2 }, prev, new Date('2026-12-03T01:00:00.000Z'));
    expect(result.verdicts.map((x) => [x.runId, x.state])).toEqual([
      ['solo', 'running'],
      ['mn', 'degraded'],
    ]);
    const run = result.verdicts[1]!;
    expect(run.nodes?.map((n) => [n.rank, n.host, n.state])).toEqual([
      [0, 'root@a:22', 'running'],
      [1, 'root@b:22', 'unreachable'],
    ]);
    expect(run.heartbeatAgeS).toBe(40);
    expect(run.since).toBe('2026-12-03T01:00:00.000Z');
    expect(result.memory.runs['mn']).toMatchObject({ state: 'degraded', issue: 7, recovery: { attempt: 1 } });
    // The nodes keep their own memory under their keys.
    expect(result.memory.runs[nodeKey('mn', 1)]?.state).toBe('unreachable');
  });

  it('on-node-failure: stop is planned only for a failed run whose cause failed for good, with nodes still running, once per attempt', () => {
    const run = (nodes: NodeRow[], state: TickVerdict['state'] = 'failed') => ({ ...v('mn', state), nodes });
    const killed = row(1, 'failed', { cls: 'killed' });
    const stopping = new Set(['mn']);
    const none = emptyMemory();
    expect(planNodeStops([run([row(0, 'running'), killed])], none, stopping)).toEqual([{ runId: 'mn', attempt: 1, ranks: [0] }]);
    // Not opted in, not failed, a silent cause (never final), nothing left running, or already stopped this attempt: nothing.
    expect(planNodeStops([run([row(0, 'running'), killed])], none, new Set())).toEqual([]);
    expect(planNodeStops([run([row(0, 'running'), row(1, 'unreachable')], 'degraded')], none, stopping)).toEqual([]);
    expect(planNodeStops([run([row(0, 'failed', { cls: 'collective', consequence: true }), row(1, 'unreachable')])], none, stopping)).toEqual([]);
    expect(planNodeStops([run([row(0, 'failed', { cls: 'collective', consequence: true }), killed])], none, stopping)).toEqual([]);
    const stopped = { ...none, runs: { mn: { ...mem('failed'), nodeStop: { attempt: 1, at: 'x', ranks: [0], detail: 'd' } } } };
    expect(planNodeStops([run([row(0, 'running'), killed])], stopped, stopping)).toEqual([]);
  });

  it('a run torn down is not probed on any node again (the mark is on the run), and the nodes say torn-down', async () => {
    const prev = {
      ...emptyMemory(),
      runs: { mn: { ...mem('finished'), teardown: { state: 'torn-down' as const, reason: 'verified', at: '2026-12-03T02:00:00.000Z' } } },
    };
    let probes = 0;
    const r = await tick(
      [0, 1].map((k) => ({ label: `h${k}`, runIds: [nodeKey('mn', k)], aliases: { [nodeKey('mn', k)]: 'mn' } })),
      prev,
      async () => {
        probes++;
        throw new Error('probed');
      },
      { stallAfterS: 600 },
      new Date('2026-12-03T03:00:00.000Z'),
    );
    expect(probes).toBe(0);
    expect(r.verdicts.map((x) => [x.runId, x.state])).toEqual([
      ['mn#0', 'torn-down'],
      ['mn#1', 'torn-down'],
    ]);
    combineNodes(r, { mn: 2 }, prev, new Date('2026-12-03T03:00:00.000Z'));
    expect(r.verdicts.map((x) => [x.runId, x.state])).toEqual([['mn', 'torn-down']]);
  });
});

describe("a Slurm job on many nodes shares the rule (srun's own words, one row per node it named)", () => {
  const log = [
    '0: step 1 loss 0.50',
    '1: step 1 loss 0.50',
    '1: Traceback (most recent call last):',
    '1: RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB',
    'srun: error: n2: task 1: Exited with exit code 1',
    '0: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.0.0.2]:29500',
    'srun: error: n1: task 0: Exited with exit code 1',
  ].join('\n');
  it('names the node whose task failed for its own reason; the collective on the other is a consequence', () => {
    const rows = srunNodeRows(log)!;
    expect(rows.map((r) => [r.rank, r.host, r.state, r.cls])).toEqual([
      [1, 'n2', 'failed', 'cuda-oom'],
      [0, 'n1', 'failed', 'collective'],
    ]);
    const run = runOfNodes(rows);
    expect(run).toMatchObject({ state: 'failed', cls: 'cuda-oom' });
    expect(run.detail).toBe('rank 1 failed (cuda-oom): srun: n2 task 1: Exited with exit code 1; rank 0 failed in a collective as a consequence');
    expect(rows.find((r) => r.host === 'n1')!.consequence).toBe(true);
  });
  it('reads only srun’s own line shapes, bounded; a log without them gives no rows', () => {
    expect(srunNodeRows('1: RuntimeError: boom\nerror: n2: task 1: Exited with exit code 1\n  srun: error: n3: task 2: Killed')).toBeNull();
    expect(srunNodeRows('srun: error: n1: tasks 0-3: Killed')![0]).toMatchObject({ rank: 0, host: 'n1', cls: 'killed', detail: 'srun: n1 tasks 0-3: Killed' });
    expect(srunNodeRows('srun: error: $(reboot): task 1: Killed')).toBeNull();
    const many = Array.from({ length: 300 }, (_, i) => `srun: error: n${i}: task ${i}: Exited with exit code 1`).join('\n');
    expect(srunNodeRows(many)).toHaveLength(256);
  });
});
