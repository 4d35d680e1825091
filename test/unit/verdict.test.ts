import { describe, expect, it } from 'vitest';
import { emptyMemory, memoryBlock, readMemory, type RunMemory } from '../../src/patrol/memory.ts';
import type { HostObservation, Marker, RunObservation, SchedulerView } from '../../src/record/observation.ts';
import { parseProgress } from '../../src/record/progress.ts';
import { FAILURE_REMEDIATION, FLAG_REMEDIATION, STATE_REMEDIATION } from '../../src/patrol/remediation.ts';
import { assess, withFlag, type Seen } from '../../src/patrol/verdict.ts';
import { ESCALATE } from '../../src/patrol/render.ts';
import { parseGpuQuery } from '../../src/remote/audit.ts';
import { GPU } from '../fixtures/nvidia-smi.ts';

const NOW = 1_800_000_000; // the box's clock
const now = new Date(NOW * 1000);

function host(over: Partial<HostObservation> = {}): HostObservation {
  return {
    hostname: 'gpu-1',
    now: NOW,
    btime: NOW - 86_400,
    disk: { path: '~/.tether/runs', mount: '/', sizeBytes: 1000e9, availBytes: 500e9, inodesTotal: 1e6, inodesFree: 9e5 },
    memory: { fraction: 0.4, oomKills: 0 },
    gpu: { present: true, error: null, gpus: parseGpuQuery(GPU.h100x2) },
    runs: [],
    runErrors: {},
    ...over,
  };
}

function run(over: Partial<RunObservation> = {}): RunObservation {
  return {
    id: 'r1',
    exists: true,
    attempt: 1,
    alive: true,
    pid: 4242,
    handle: 'setsid',
    jobOnBox: true,
    startedEpoch: NOW - 3600,
    exitCode: null,
    marker: null,
    heartbeatMtime: NOW - 10,
    expectedDurationS: 7200,
    logSize: 5000,
    logMtime: NOW - 20,
    delta: '',
    deltaFrom: 4000,
    tail: 'epoch 3/10 step 1200 loss 0.41\n',
    checkpoints: { count: 3, newest: 'ckpt/step1200.pt', newestMtime: NOW - 300, newestBytes: 1000 },
    ...over,
  };
}

const marker = (kind: 'DONE' | 'FAILED', exitCode: number, signal: string | null = null, finishedAt = new Date((NOW - 60) * 1000).toISOString()): Marker => ({
  kind,
  attempt: 1,
  exitCode,
  signal,
  stage: 'command',
  finishedAt,
});
const dead = { alive: false };
const seen = (r: Partial<RunObservation> = {}, h: Partial<HostObservation> = {}): Seen => ({ kind: 'observed', host: host(h), run: run(r) });
const opts = { stallAfterS: 1800 };
const prevMemory = (over: Partial<RunMemory> = {}): RunMemory => ({
  attempt: 1,
  offset: 4000,
  state: 'running',
  cls: null,
  since: '2026-01-01T00:00:00.000Z',
  lastKnown: null,
  unreachableSince: null,
  unreachableTicks: 0,
  oomKills: 0,
  step: 1100,
  epoch: '3/10',
  metrics: { loss: 0.5 },
  history: [[NOW - 1800, 1100, 0.5]],
  ...over,
});

describe('assess: one state per run (runbook §4, R35-R48, R72)', () => {
  it.each<[string, Seen, string, string | null]>([
    ['alive with fresh output', seen(), 'running', null],
    [
      'a quiet block-buffered log with advancing checkpoints',
      seen({ logMtime: NOW - 7200, checkpoints: { count: 9, newest: 'c.pt', newestMtime: NOW - 60, newestBytes: 1 } }),
      'running',
      null,
    ],
    [
      'alive, no log or checkpoint progress past stall-after',
      seen({ logMtime: NOW - 4000, checkpoints: { count: 1, newest: 'c.pt', newestMtime: NOW - 4000, newestBytes: 1 } }),
      'stalled',
      null,
    ],
    [
      'alive, no output yet, just started',
      seen({ logSize: 0, logMtime: NOW - 5, tail: '', startedEpoch: NOW - 5, checkpoints: { count: 0, newest: null, newestMtime: null, newestBytes: null } }),
      'launching',
      null,
    ],
    ['DONE', seen({ ...dead, marker: marker('DONE', 0) }), 'finished', null],
    [
      'DONE but the queue reported failed cells',
      seen({ ...dead, marker: marker('DONE', 0), tail: 'cell a ok\nQUEUE DONE: 3 ok, 1 FAILED\n' }),
      'failed',
      'other',
    ],
    [
      'a Python traceback',
      seen({ ...dead, marker: marker('FAILED', 1), tail: 'Traceback (most recent call last):\n  File "t.py"\nKeyError: \'lr\'\n' }),
      'failed',
      'code-error',
    ],
    [
      'CUDA out of memory',
      seen({
        ...dead,
        marker: marker('FAILED', 1),
        tail: 'Traceback (most recent call last):\ntorch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n',
      }),
      'failed',
      'cuda-oom',
    ],
    ['kill -9, no traceback, no OOM evidence', seen({ ...dead, marker: marker('FAILED', 137, 'KILL'), tail: 'step 10 loss 1.0\n' }), 'failed', 'killed'],
    [
      'exit 137 while the cgroup oom_kill counter rose',
      seen({ ...dead, marker: marker('FAILED', 137, 'KILL'), tail: 'Killed\n' }, { memory: { fraction: 0.99, oomKills: 1 } }),
      'failed',
      'oom',
    ],
    [
      'disk full during a checkpoint save',
      seen({
        ...dead,
        marker: marker('FAILED', 1),
        tail: 'RuntimeError: [enforce fail at inline_container.cc:471] . unexpected pos 1152 vs 1040\nOSError: [Errno 28] No space left on device\n',
      }),
      'failed',
      'disk-full',
    ],
    ['NaN loss', seen({ ...dead, marker: marker('FAILED', 1), tail: 'step 50 loss nan\nValueError: loss is nan, stopping\n' }), 'failed', 'nan'],
    // A TERM names no cause: `preempted` is the provider's or Slurm's word only (issue 27 §1).
    ['SIGTERM (no provider word)', seen({ ...dead, marker: marker('FAILED', 143, 'TERM'), tail: 'step 10\n' }), 'failed', 'terminated'],
    ['a plain non-zero exit', seen({ ...dead, marker: marker('FAILED', 2), tail: 'usage: train.py\n' }), 'failed', 'other'],
    ['no process, no marker', seen({ ...dead }), 'dead', null],
    ['no process, no marker, booted after the attempt started', seen({ ...dead }, { btime: NOW - 600 }), 'rebooted', null],
    [
      'a job on other nodes (a scheduler backend) is not ended by a reboot of the login host',
      seen({ ...dead, jobOnBox: false }, { btime: NOW - 600 }),
      'dead',
      null,
    ],
    ['no run record (no job at all)', seen({ exists: false, alive: false, attempt: 0 }), 'unknown', null],
  ])('%s → %s', (_name, s, state, cls) => {
    const { verdict } = assess('r1', s, prevMemory(), opts, now);
    expect(verdict.state).toBe(state);
    expect(verdict.cls).toBe(cls);
    const fixed = cls ? FAILURE_REMEDIATION[cls as keyof typeof FAILURE_REMEDIATION] : STATE_REMEDIATION[state as keyof typeof STATE_REMEDIATION];
    expect(verdict.remediation.startsWith(fixed)).toBe(true);
  });

  it('says how long a run has made no progress in the unit that fits it (seconds under 90 s, not "0 min")', () => {
    const quiet = (ageS: number) => seen({ logMtime: NOW - ageS, checkpoints: { count: 1, newest: 'c.pt', newestMtime: NOW - ageS, newestBytes: 1 } });
    const detail = (ageS: number, stallAfterS: number) => assess('r1', quiet(ageS), prevMemory(), { stallAfterS }, now).verdict.detail;
    expect(detail(45, 30)).toBe('no log or checkpoint progress for 45 s');
    expect(detail(4000, 1800)).toBe('no log or checkpoint progress for 67 min');
    expect(detail(3 * 86_400, 1800)).toBe('no log or checkpoint progress for 3.0 d');
  });

  it('a transport failure changes nothing known about the run, and counts ticks since', () => {
    const prev = prevMemory({ state: 'running', step: 1200, offset: 4800 });
    const first = assess('r1', { kind: 'transport', reason: 'unreachable', detail: 'timed out' }, prev, opts, now);
    expect(first.verdict.state).toBe('unreachable');
    expect(first.memory).toMatchObject({
      lastKnown: 'running',
      step: 1200,
      offset: 4800,
      attempt: 1,
      unreachableTicks: 1,
      unreachableSince: now.toISOString(),
    });
    const later = new Date(now.getTime() + 1800_000);
    const second = assess('r1', { kind: 'transport', reason: 'unreachable', detail: 'timed out' }, first.memory, opts, later);
    expect(second.memory).toMatchObject({ lastKnown: 'running', step: 1200, offset: 4800, unreachableTicks: 2, unreachableSince: now.toISOString() });
    expect(second.verdict.remediation).toBe(`unreachable since ${now.toISOString()} (2 ticks): check the provider console for balance, power or preemption`);
    // Said once: the transport message's own kind and the state's name are not repeated.
    const msg = assess('r1', { kind: 'transport', reason: 'unreachable', detail: 'unreachable: timed out after 5 s' }, prev, opts, now).verdict;
    expect(`${msg.state}: ${msg.detail}`).toBe('unreachable: timed out after 5 s; last known state running');
    const refused = assess('r1', { kind: 'transport', reason: 'connection_refused', detail: 'connection_refused: ECONNREFUSED' }, prev, opts, now).verdict;
    expect(`${refused.state}: ${refused.detail}`).toBe('unreachable: connection_refused: ECONNREFUSED; last known state running');
    // When it answers again, the run is judged afresh from what is on the box.
    const back = assess('r1', seen(), second.memory, opts, later);
    expect(back.verdict.state).toBe('running');
    expect(back.memory.unreachableTicks).toBe(0);
  });

  it('a changed host key and a refused key keep their meaning: their own states and advice, never unreachable with billing advice', () => {
    const prev = prevMemory({ state: 'running', step: 1200 });
    const changed = assess(
      'r1',
      { kind: 'transport', reason: 'host_key_mismatch', detail: 'host_key_mismatch: the host key is not the pinned one' },
      prev,
      opts,
      now,
    );
    expect(changed.verdict.state).toBe('host-key-changed');
    expect(changed.verdict.remediation).toMatch(/^host-key-changed since .*THE BOX'S HOST KEY CHANGED: another machine answers at this address/);
    expect(changed.verdict.remediation).not.toMatch(/balance, power or preemption/);
    expect(changed.memory).toMatchObject({ lastKnown: 'running', step: 1200, attempt: 1 });
    const refused = assess('r1', { kind: 'transport', reason: 'auth_failed', detail: 'auth_failed: all authentication methods failed' }, prev, opts, now);
    expect(refused.verdict.state).toBe('auth-refused');
    expect(refused.verdict.remediation).toMatch(/refuses tether's key: the authorized key was removed/);
    expect(ESCALATE).toContain('host-key-changed');
    // Still nothing known changed: the next tick that answers judges afresh.
    expect(assess('r1', seen(), changed.memory, opts, now).verdict.state).toBe('running');
  });

  it('an old traceback does not re-alert: signatures are read only in the new bytes', () => {
    const tail = 'Traceback (most recent call last):\nRuntimeError: DataLoader worker (pid 77) is killed\nstep 1300 loss 0.4\n';
    const quiet = assess('r1', seen({ tail, delta: 'step 1300 loss 0.4\n' }), prevMemory(), opts, now);
    expect(quiet.verdict.newSignature).toBeNull();
    const fresh = assess('r1', seen({ tail, delta: tail }), prevMemory(), opts, now);
    expect(fresh.verdict.newSignature).toBe('code-error');
    expect(fresh.verdict.state).toBe('running');
  });

  it('flags disk, inode and memory pressure, idle GPUs and a fast finish', () => {
    const pressed = assess(
      'r1',
      seen(
        {},
        {
          disk: { path: 'r', mount: '/', sizeBytes: 100, availBytes: 3, inodesTotal: 100, inodesFree: 2 },
          memory: { fraction: 0.95, oomKills: 0 },
          gpu: { present: true, error: null, gpus: parseGpuQuery(GPU.h100Idle) },
        },
      ),
      prevMemory(),
      opts,
      now,
    );
    expect(pressed.verdict.flags).toEqual(['disk-pressure', 'inode-pressure', 'mem-pressure', 'gpu-idle']);
    const fast = assess('r1', seen({ ...dead, marker: marker('DONE', 0), startedEpoch: NOW - 600, expectedDurationS: 7200 }), prevMemory(), opts, now);
    expect(fast.verdict.flags).toContain('fast-finish');
    const normal = assess('r1', seen({ ...dead, marker: marker('DONE', 0), startedEpoch: NOW - 7000, expectedDurationS: 7200 }), prevMemory(), opts, now);
    expect(normal.verdict.flags).not.toContain('fast-finish');
  });

  it('checkpoint-stale: running with no checkpoint of this attempt newer than 1.5× checkpoint-every; bad-checkpoint stays while the sync says so', () => {
    const every = { ...opts, checkpointEveryS: 120 };
    // The newest checkpoint is 300 s old: stale against 120 s, fine against 600 s, and not a question without the input.
    expect(assess('r1', seen(), prevMemory(), every, now).verdict.flags).toContain('checkpoint-stale');
    expect(assess('r1', seen(), prevMemory(), { ...opts, checkpointEveryS: 600 }, now).verdict.flags).not.toContain('checkpoint-stale');
    expect(assess('r1', seen(), prevMemory(), opts, now).verdict.flags).not.toContain('checkpoint-stale');
    // A checkpoint older than this attempt does not count, but the attempt's own age does: 100 s in, not yet stale.
    expect(assess('r1', seen({ startedEpoch: NOW - 100 }), prevMemory(), every, now).verdict.flags).not.toContain('checkpoint-stale');
    expect(assess('r1', seen({ startedEpoch: NOW - 200 }), prevMemory(), every, now).verdict.flags).toContain('checkpoint-stale');
    const bad = {
      newest: null,
      bad: { path: 'ck/a.pt', cell: null, writtenAt: '2026-01-01T00:00:00.000Z', why: 'NaN' },
      at: '2026-01-01T00:00:00.000Z',
      error: null,
    };
    const out = assess('r1', seen(), prevMemory({ sync: bad }), opts, now);
    expect(out.verdict.flags).toContain('bad-checkpoint');
    expect(out.memory.sync).toEqual(bad);
    // A flag learnt after the verdict (the sync's) is set and cleared with its remediation, nothing else.
    const plain = assess('r1', seen(), prevMemory(), opts, now).verdict;
    const on = withFlag(plain, 'bad-checkpoint', true);
    expect(on.flags).toEqual([...plain.flags, 'bad-checkpoint']);
    expect(on.remediation).toBe(`${plain.remediation}; ${FLAG_REMEDIATION['bad-checkpoint']}`);
    expect(withFlag(on, 'bad-checkpoint', true)).toBe(on);
    expect(withFlag(on, 'bad-checkpoint', false)).toMatchObject({ flags: plain.flags, remediation: plain.remediation });
  });

  it("foreign-checkpoints: a checkpoint newer than the attempt's end; no-checkpoints: a finished run whose globs matched nothing", () => {
    // The marker says the run ended 60 s ago; a checkpoint 10 s old was written by something else.
    const done = { ...dead, marker: marker('DONE', 0) };
    const foreign = assess(
      'r1',
      seen({ ...done, checkpoints: { count: 2, newest: 'ck/b.pt', newestMtime: NOW - 10, newestBytes: 1 } }),
      prevMemory(),
      opts,
      now,
    );
    expect(foreign.verdict.flags).toContain('foreign-checkpoints');
    expect(foreign.verdict.remediation).toContain(FLAG_REMEDIATION['foreign-checkpoints']);
    // Saved as the job ended (within the marker's slack), or before: the run's own.
    for (const age of [58, 300])
      expect(
        assess('r1', seen({ ...done, checkpoints: { count: 2, newest: 'ck/b.pt', newestMtime: NOW - age, newestBytes: 1 } }), prevMemory(), opts, now).verdict
          .flags,
      ).not.toContain('foreign-checkpoints');
    const failed = { ...dead, marker: marker('FAILED', 1) };
    expect(
      assess('r1', seen({ ...failed, checkpoints: { count: 1, newest: 'x.pt', newestMtime: NOW, newestBytes: 1 } }), prevMemory(), opts, now).verdict.flags,
    ).toContain('foreign-checkpoints');
    const none = assess('r1', seen({ ...done, checkpoints: { count: 0, newest: null, newestMtime: null, newestBytes: null } }), prevMemory(), opts, now);
    expect(none.verdict.state).toBe('finished');
    expect(none.verdict.flags).toContain('no-checkpoints');
    // Still running with none yet is not the flag: only an ended run has nothing more to write.
    expect(
      assess('r1', seen({ checkpoints: { count: 0, newest: null, newestMtime: null, newestBytes: null } }), prevMemory(), opts, now).verdict.flags,
    ).not.toContain('no-checkpoints');
  });

  it('keeps the time a state began, and history points only when progress changes', () => {
    const prev = prevMemory({ state: 'running', since: '2026-01-01T00:00:00.000Z' });
    const a = assess('r1', seen(), prev, opts, now);
    expect(a.verdict.since).toBe('2026-01-01T00:00:00.000Z');
    expect(a.memory.history).toEqual([
      [NOW - 1800, 1100, 0.5],
      [NOW, 1200, 0.41],
    ]);
    const b = assess('r1', seen(), a.memory, opts, now);
    expect(b.memory.history).toHaveLength(2);
    expect(b.memory.offset).toBe(5000);
  });

  it('with no previous tick (first tick) nothing false is raised', () => {
    const { verdict } = assess('r1', seen(), undefined, opts, now);
    expect(verdict.state).toBe('running');
    expect(verdict.newSignature).toBeNull();
  });
});

describe('progress parsing', () => {
  it.each([
    ['epoch 3/10 step 1200 loss 0.41', { step: 1200, epoch: '3/10', loss: 0.41 }],
    ['Epoch [3/10], Step [100/600], Loss: 0.2345', { step: 100, epoch: '3/10', loss: 0.2345 }],
    ["{'loss': 0.4102, 'grad_norm': 1.25, 'learning_rate': 4.5e-05, 'epoch': 1.52}", { step: null, epoch: '1.52', loss: 0.4102 }],
    ['iter=500 loss=1.5e-3 lr=0.001', { step: 500, epoch: null, loss: 0.0015 }],
    ['global_step: 7 val_loss: 2.5', { step: 7, epoch: null, loss: undefined }],
  ])('%s', (line, want) => {
    const p = parseProgress(`noise\n${line}\n`);
    expect(p.step).toBe(want.step);
    expect(p.epoch).toBe(want.epoch);
    expect(p.metrics['loss']).toBe(want.loss);
  });

  it('takes the last value and user regexes with named groups', () => {
    const p = parseProgress('step 1 loss 2\nstep 2 loss 1\nit=99 bleu=31.5\n', [/it=(?<step>\d+) bleu=(?<bleu>[\d.]+)/]);
    expect(p).toEqual({ step: 99, epoch: null, metrics: { loss: 1, bleu: 31.5 } });
  });
});

describe("tick memory is tether's own: signed, strictly read, never trusted when it fails", () => {
  const KEY = Buffer.alloc(32, 7);
  const OTHER = Buffer.alloc(32, 9);
  const m = { ...emptyMemory(), tick: 7, runs: { r1: prevMemory() } };
  const torn = { ...m, runs: { r1: { ...prevMemory(), teardown: { state: 'torn-down' as const, reason: 'verified', at: '2026-01-01T00:00:00Z' } } } };
  it('round-trips signed through the hidden block and survives surrounding text', () => {
    const r = readMemory(`# status\n\ntext\n${memoryBlock(m, KEY)}\n`, KEY);
    expect(r).toEqual({ memory: m, trust: 'signed', note: null });
  });

  it('an edited block, or one signed with another key, is ignored with a warning: never trusted, never fatal', () => {
    // The attack: mark a live run torn down so the patrol stops probing it.
    const genuine = memoryBlock(m, KEY);
    const forgedPayload = memoryBlock(torn, null).replace(' -->', '');
    const tag = genuine.slice(genuine.indexOf('.m'));
    const edited = readMemory(`${forgedPayload}${tag}`, KEY);
    expect(edited.trust).toBe('forged');
    expect(edited.memory).toEqual(emptyMemory());
    expect(edited.note).toMatch(/signature does not hold under this runner's key .*ignored, never trusted/);
    expect(readMemory(memoryBlock(torn, OTHER), KEY).trust).toBe('forged');
    expect(readMemory(memoryBlock(m, KEY), null).note).toMatch(/no key to check it with/);
  });

  it('an unsigned block (an older tether) is adopted once without its teardown marks, and said so', () => {
    const r = readMemory(memoryBlock(torn, null), KEY);
    expect(r.trust).toBe('unsigned');
    expect(r.memory.runs['r1']?.teardown).toBeUndefined();
    expect(r.memory.runs['r1']?.offset).toBe(4000);
    expect(r.note).toMatch(
      /adopted an unsigned tick memory block .*without its 1 teardown mark\(s\): those runs are probed again; it is signed from this tick on/,
    );
  });

  it.each([
    ['!!!notbase64', /not base64/],
    ['zAAAA', /does not inflate|not JSON/],
    [Buffer.from('{"v":0}').toString('base64'), /not a tick memory/],
    [Buffer.from('{"v":1,"tick":1,"runs":{"r":{"attempt":-1}}}').toString('base64'), /runs.r.attempt is not as tether writes it/],
    [Buffer.from(JSON.stringify({ v: 1, tick: 1, runs: { r: { ...prevMemory(), state: 'pwned' } } })).toString('base64'), /runs.r.state/],
    [Buffer.from(JSON.stringify({ v: 1, tick: 1, runs: { r: { ...prevMemory(), history: new Array(500).fill([1, 1, 1]) } } })).toString('base64'), /history/],
  ])('a malformed block is a first tick with a warning: %s', (payload, why) => {
    const r = readMemory(`<!-- tether:memory ${payload} -->`, KEY);
    expect(r.trust).toBe('malformed');
    expect(r.memory).toEqual(emptyMemory());
    expect(r.note).toMatch(why);
  });

  it('no block is a first tick, silently', () => {
    for (const body of [undefined, '', 'no block']) expect(readMemory(body, KEY)).toEqual({ memory: emptyMemory(), trust: 'none', note: null });
  });
});

describe("Slurm's states in the verdict", () => {
  const sched = (state: string, over: Partial<SchedulerView> = {}): SchedulerView => ({
    job: '42',
    state,
    reason: '',
    nodes: 'n[1-2]',
    elapsed: '0:10',
    limit: '1:00:00',
    exit: '',
    submitted: null,
    ...over,
  });
  const slurmRun = (over: Partial<RunObservation> = {}) => ({ handle: 'slurm:42', jobOnBox: false, ...over });
  const v = (r: Partial<RunObservation>) => assess('r1', seen(slurmRun(r)), undefined, opts, now).verdict;

  it('a job on many nodes that failed: srun names the nodes, the cause is the node that failed for its own reason (the SSH multi-node rule)', () => {
    const tail = [
      '1: RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB',
      'srun: error: n2: task 1: Exited with exit code 1',
      '0: RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:598] Connection closed by peer',
      'srun: error: n1: task 0: Exited with exit code 1',
    ].join('\n');
    const verdict = v({ ...dead, scheduler: sched('FAILED', { exit: '1:0' }), marker: marker('FAILED', 1), tail });
    expect(verdict).toMatchObject({ state: 'failed', cls: 'cuda-oom' });
    expect(verdict.detail).toMatch(/; rank 1 failed \(cuda-oom\): srun: n2 task 1: Exited with exit code 1; rank 0 failed in a collective as a consequence$/);
    expect(verdict.nodes!.map((r) => [r.rank, r.host, r.consequence])).toEqual([
      [1, 'n2', false],
      [0, 'n1', true],
    ]);
    // Without srun's lines (one node, or a job that ran no srun), nothing changes.
    const one = v({ ...dead, scheduler: sched('FAILED'), marker: marker('FAILED', 1), tail: 'Traceback (most recent call last):\nKeyError: 1\n' });
    expect(one).toMatchObject({ state: 'failed', cls: 'code-error' });
    expect(one.nodes).toBeUndefined();
  });

  it('pending: queued with its reason; pending after the attempt ran: requeued', () => {
    expect(v({ scheduler: sched('PENDING', { reason: 'Priority' }), startedEpoch: null, logSize: 0 })).toMatchObject({
      state: 'queued',
      cls: null,
      detail: 'Slurm job 42 pending (Priority)',
    });
    // With the submit time the box's clock gave, how long it has waited.
    expect(v({ scheduler: sched('PENDING', { reason: 'Resources', submitted: NOW - 1500 }), startedEpoch: null }).detail).toBe(
      'Slurm job 42 pending for 25 min (Resources)',
    );
    expect(v({ scheduler: sched('PENDING', { reason: 'BeginTime' }), marker: marker('FAILED', 143, 'TERM') })).toMatchObject({
      state: 'requeued',
      detail: 'Slurm job 42 back in the queue (BeginTime)',
    });
    expect(v({ scheduler: sched('REQUEUED') }).state).toBe('requeued');
  });

  it.each([
    ['TIMEOUT', 'timeout'],
    ['OUT_OF_MEMORY', 'oom'],
    ['NODE_FAIL', 'node-fail'],
    ['CANCELLED', 'cancelled'],
  ])('%s without a marker (the wrapper was killed): failed, %s', (state, cls) => {
    const out = v({ ...dead, scheduler: sched(state, { exit: '0:15', reason: state === 'CANCELLED' ? 'by 0' : '' }) });
    expect(out).toMatchObject({ state: 'failed', cls });
    expect(out.remediation).toBe(FAILURE_REMEDIATION[cls as keyof typeof FAILURE_REMEDIATION]);
    expect(out.detail).toContain(`Slurm job 42 ${state}`);
  });

  it("PREEMPTED is Slurm's own word: the state `preempted` (not a failure class), whatever marker the killed attempt left", () => {
    for (const m of [null, marker('FAILED', 143, 'TERM')]) {
      const out = v({ ...dead, marker: m, scheduler: sched('PREEMPTED', { exit: '0:15' }) });
      expect(out).toMatchObject({ state: 'preempted', cls: null, detail: 'Slurm job 42 PREEMPTED on n[1-2]' });
      expect(out.remediation).toBe(STATE_REMEDIATION.preempted);
    }
  });

  it('the detail names who cancelled, drops an exit of 0:0 and an empty node list, and sizes --mem after an OOM', () => {
    expect(v({ ...dead, scheduler: sched('CANCELLED', { exit: '0:0', reason: 'by alice (uid 1000)', nodes: '' }) }).detail).toBe(
      'Slurm job 42 CANCELLED by alice (uid 1000)',
    );
    expect(v({ ...dead, scheduler: sched('OUT_OF_MEMORY', { exit: '0:125' }) }).detail).toBe(
      'Slurm job 42 OUT_OF_MEMORY, exit 0:125 on n[1-2]; raise --mem to MaxRSS × 1.2 (sacct -j 42 -o MaxRSS)',
    );
  });

  it('a job that ended on TERM outside a preemption or cancel ended at its time limit; tether’s own stop stays stopped', () => {
    expect(v({ ...dead, marker: marker('FAILED', 143, 'TERM'), scheduler: sched('FAILED', { exit: '143:0' }) })).toMatchObject({
      state: 'failed',
      cls: 'timeout',
    });
    expect(v({ ...dead, marker: { ...marker('FAILED', 143, 'TERM'), stage: 'stopped' }, scheduler: sched('CANCELLED') })).toMatchObject({ cls: 'stopped' });
    // Running, completed or failed the ordinary way: the run record decides, as for any backend.
    expect(v({ scheduler: sched('RUNNING') }).state).toBe('running');
    expect(v({ ...dead, marker: marker('DONE', 0), scheduler: sched('COMPLETED') }).state).toBe('finished');
    expect(v({ ...dead, marker: marker('FAILED', 1), scheduler: sched('FAILED'), tail: 'Traceback (most recent call last):\n' })).toMatchObject({
      cls: 'code-error',
    });
  });

  it('a login node that does not answer is unreachable, and nothing about the job is inferred', () => {
    const out = assess(
      'r1',
      { kind: 'transport', reason: 'unreachable', detail: 'unreachable: timed out' },
      prevMemory({ state: 'queued' }),
      opts,
      now,
    ).verdict;
    expect(out).toMatchObject({ state: 'unreachable', cls: null });
    expect(out.detail).toMatch(/last known state queued/);
  });
});
