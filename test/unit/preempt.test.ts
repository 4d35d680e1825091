import { describe, expect, it } from 'vitest';
import { ec2Preemption } from '../../src/providers/aws-provision.ts';
import { vastBoxState } from '../../src/providers/vastai-provision.ts';
import { describeConfirmed, describeTwice } from '../../src/provision/orphans.ts';
import { applyProviderWords, checkResumes, planRecoveries, type ProviderWord } from '../../src/patrol/preempt.ts';
import { planCollects } from '../../src/patrol/collects.ts';
import { dispatchInputs } from '../../src/record/dispatch.ts';
import { emptyMemory, memoryBlock, readMemory, type TickMemory } from '../../src/patrol/memory.ts';
import { tick, type ProbeFn } from '../../src/patrol/tick.ts';
import { STATE_REMEDIATION } from '../../src/patrol/remediation.ts';
import type { BoxState, Provisioner } from '../../src/providers/types.ts';
import type { HostObservation, RunObservation } from '../../src/record/observation.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { withDefaults } from '../../src/config/defaults.ts';

const NOW = 1_800_000_000;

function observed(attempt = 1, over: Partial<RunObservation> = {}): HostObservation {
  return {
    hostname: 'spot-1',
    now: NOW,
    btime: NOW - 86_400,
    disk: { path: '~/.tether/runs', mount: '/', sizeBytes: 1000e9, availBytes: 500e9, inodesTotal: 1e6, inodesFree: 9e5 },
    memory: { fraction: 0.4, oomKills: 0 },
    gpu: { present: false, error: null, gpus: [] },
    runs: [
      {
        id: 'r1',
        exists: true,
        attempt,
        alive: true,
        pid: 4242,
        handle: 'setsid',
        jobOnBox: true,
        startedEpoch: NOW - 3600,
        exitCode: null,
        marker: null,
        heartbeatMtime: NOW - 10,
        expectedDurationS: null,
        logSize: 5000,
        logMtime: NOW - 20,
        delta: '',
        deltaFrom: 0,
        tail: 'step 1200 loss 0.41\n',
        checkpoints: { count: 3, newest: 'ckpt/step1200.pt', newestMtime: NOW - 300, newestBytes: 1000 },
        ...over,
      },
    ],
    runErrors: {},
  };
}
const target = { label: 'root@10.0.0.2:22', runIds: ['r1'] };
const opts = { stallAfterS: 1800 };
const unreachable: ProbeFn = async () => ({ transport: 'unreachable', message: 'unreachable: timed out after 10 s' });
const healthy: ProbeFn = async () => observed();

/** A provisioner whose describe answers from a script of readings (an Error is a failed call). */
function scripted(readings: Array<BoxState | Error>): Provisioner & { calls: number } {
  const p = {
    calls: 0,
    async describe() {
      const r = readings[Math.min(p.calls++, readings.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return p as unknown as Provisioner & { calls: number };
}
const running: BoxState = { phase: 'running', host: '10.0.0.2', port: 22, detail: 'instance state running' };
const taken: BoxState = { ...running, detail: 'instance state running', preempted: 'spot request instance-terminated-no-capacity' };
const noSleep = async () => undefined;

describe("preemption is the provider's word, read twice, never the network's", () => {
  it("EC2: StateReason Server.SpotInstance* or the spot request's interruption codes, nothing else", () => {
    expect(ec2Preemption('Server.SpotInstanceTermination', null)).toBe('StateReason Server.SpotInstanceTermination');
    expect(ec2Preemption('Server.SpotInstanceShutdown', 'fulfilled')).toBe('StateReason Server.SpotInstanceShutdown');
    expect(ec2Preemption('', 'instance-terminated-no-capacity')).toBe('spot request instance-terminated-no-capacity');
    expect(ec2Preemption('', 'marked-for-termination')).toBe('spot request marked-for-termination');
    for (const [reason, status] of [
      ['Client.UserInitiatedShutdown', null],
      ['Server.InternalError', 'fulfilled'],
      ['', 'request-canceled-and-instance-running'],
      ['', 'instance-terminated-by-user'],
      ['', null],
    ] as const)
      expect(ec2Preemption(reason, status), `${reason} ${status}`).toBeNull();
  });

  it('vast: all three states stopped on a bid (is_bid), and only then', () => {
    const inst = (o: Record<string, unknown>) => vastBoxState({ id: 7, actual_status: 'stopped', ...o }, '7');
    const triple = { cur_state: 'stopped', intended_status: 'stopped', next_state: 'stopped' };
    expect(inst({ ...triple, is_bid: true }).preempted).toMatch(/stopped on an interruptible/);
    // On-demand, or a stop on its way (next_state differs), or is_bid not a boolean: no claim.
    expect(inst({ ...triple, is_bid: false }).preempted).toBeUndefined();
    expect(inst({ ...triple, next_state: 'running', is_bid: true }).preempted).toBeUndefined();
    expect(inst({ ...triple, is_bid: 'true' }).preempted).toBeUndefined();
    expect(inst({ ...triple }).phase).toBe('failed');
  });

  it('a first reading is believed only when a second one, a few seconds later, says it too', async () => {
    const slept: number[] = [];
    const sleep = async (ms: number) => void slept.push(ms);
    expect(await describeTwice(scripted([taken, taken]), 'i-1', 5000, sleep)).toMatchObject({ preempted: taken.preempted });
    expect(slept).toEqual([5000]);
    const flip = await describeTwice(scripted([taken, running]), 'i-1', 5000, sleep);
    expect(flip.preempted).toBeUndefined();
    expect(flip.unconfirmed).toMatch(/instance-terminated-no-capacity, then not on a second reading/);
    const lost = await describeTwice(scripted([taken, new Error('HTTP 503 Unavailable')]), 'i-1', 5000, sleep);
    expect(lost.preempted).toBeUndefined();
    expect(lost.unconfirmed).toMatch(/no second reading/);
    // A provider that cannot be asked asserts nothing, and is not asked a second time.
    const down = scripted([new Error('aws: describe instance: timed out after 20000 ms')]);
    expect(await describeTwice(down, 'i-1', 5000, sleep)).toEqual({ phase: 'unknown', detail: 'aws: describe instance: timed out after 20000 ms' });
    expect(down.calls).toBe(1);
    expect(await describeTwice(scripted([running]), 'i-1', 5000, sleep)).toEqual({ phase: 'running', detail: 'instance state running' });
  });

  it('many instances: one wait for all the second readings, each judged on its own', async () => {
    const slept: number[] = [];
    const byId: Record<string, Array<BoxState | Error>> = { a: [taken, taken], b: [running], c: [taken, running], d: [new Error('HTTP 500')] };
    const calls: string[] = [];
    const p = {
      async describe(id: string) {
        calls.push(id);
        const r = byId[id]!.shift() ?? running;
        if (r instanceof Error) throw r;
        return r;
      },
    } as unknown as Provisioner;
    const out = await describeConfirmed(p, ['a', 'b', 'c', 'd'], 5000, async (ms) => void slept.push(ms));
    expect(slept).toEqual([5000]);
    expect(out.map((o) => o.preempted ?? o.unconfirmed?.slice(0, 12) ?? o.phase)).toEqual([taken.preempted, 'running', 'spot request', 'unknown']);
    // Only the claimed ones were asked a second time.
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'a', 'c']);
  });

  it('SkyPilot #10155 replayed: 25 failed status fetches of a healthy box cause no preemption and no recovery', async () => {
    let memory: TickMemory = emptyMemory();
    const first = await tick([target], memory, healthy, opts, new Date(NOW * 1000));
    memory = first.memory;
    const states: string[] = [];
    let claims = 0;
    for (let t = 1; t <= 25; t++) {
      // The box's SSH times out, and the provider's own status call fails or says it runs: never a preemption.
      const r = await tick([target], memory, unreachable, opts, new Date((NOW + 300 * t) * 1000));
      const provider = t % 2 ? scripted([new Error('HTTP 503')]) : scripted([running]);
      const word = await describeTwice(provider, 'i-1', 5000, noSleep);
      const notes = applyProviderWords(r.verdicts, r.memory, [{ runId: 'r1', provider: 'aws', instanceId: 'i-1', ...word }], new Date((NOW + 300 * t) * 1000));
      claims += notes.length;
      states.push(r.verdicts[0]!.state);
      memory = r.memory;
    }
    expect(new Set(states)).toEqual(new Set(['unreachable']));
    expect(memory.runs['r1']?.preempted).toBeUndefined();
    expect(memory.runs['r1']?.unreachableTicks).toBe(25);
    expect(memory.runs['r1']?.lastKnown).toBe('running');
    expect(claims).toBe(0);
    // The box answers again: the run is running, as it was all along.
    const back = await tick([target], memory, healthy, opts, new Date((NOW + 9000) * 1000));
    expect(back.verdicts[0]!.state).toBe('running');
  });

  it('a confirmed preemption makes the attempt `preempted` and keeps it so through silence; a new attempt starts afresh', async () => {
    const r = await tick([target], emptyMemory(), unreachable, opts, new Date(NOW * 1000));
    const word: ProviderWord = {
      runId: 'r1',
      provider: 'aws',
      instanceId: 'i-1',
      phase: 'gone',
      detail: 'instance state terminated',
      preempted: 'StateReason Server.SpotInstanceTermination',
    };
    applyProviderWords(r.verdicts, r.memory, [word], new Date(NOW * 1000));
    expect(r.verdicts[0]).toMatchObject({ state: 'preempted', cls: null, remediation: STATE_REMEDIATION.preempted });
    expect(r.verdicts[0]!.detail).toBe(`aws says it preempted the box (StateReason Server.SpotInstanceTermination) at ${new Date(NOW * 1000).toISOString()}`);
    // The memory is signed and read back with the mark; without a provider reading the next tick stays preempted.
    const key = Buffer.alloc(32, 7);
    const read = readMemory(memoryBlock(r.memory, key), key).memory;
    expect(read.runs['r1']?.preempted).toMatchObject({ provider: 'aws', attempt: 0 });
    const later = await tick([target], read, unreachable, opts, new Date((NOW + 600) * 1000));
    expect(later.verdicts[0]).toMatchObject({ state: 'preempted', since: new Date(NOW * 1000).toISOString() });
    // A recovery's new attempt on a new box: running, and the mark is gone.
    const recovered = await tick([target], later.memory, async () => observed(2), opts, new Date((NOW + 900) * 1000));
    expect(recovered.verdicts[0]!.state).toBe('running');
    expect(recovered.memory.runs['r1']?.preempted).toBeUndefined();
  });

  it('EC2 tells it while the box still answers (the two-minute window): preempted, saying the box goes within minutes', async () => {
    const r = await tick([target], emptyMemory(), healthy, opts, new Date(NOW * 1000));
    applyProviderWords(
      r.verdicts,
      r.memory,
      [{ runId: 'r1', provider: 'aws', instanceId: 'i-1', phase: 'running', detail: '', preempted: 'spot request instance-terminated-no-capacity' }],
      new Date(NOW * 1000),
    );
    expect(r.verdicts[0]!.state).toBe('preempted');
    expect(r.verdicts[0]!.detail).toMatch(/the box still answers, and goes within minutes$/);
    expect(r.memory.runs['r1']?.preempted?.attempt).toBe(1);
  });

  it('a finished run stays finished; an unconfirmed reading is a note, never a state', async () => {
    const done = observed(1, {
      alive: false,
      marker: { kind: 'DONE', attempt: 1, exitCode: 0, signal: null, stage: 'command', finishedAt: new Date((NOW - 60) * 1000).toISOString() },
    });
    const r = await tick([target], emptyMemory(), async () => done, opts, new Date(NOW * 1000));
    applyProviderWords(
      r.verdicts,
      r.memory,
      [{ runId: 'r1', provider: 'vastai', instanceId: '7', phase: 'failed', detail: '', preempted: 'stopped triple' }],
      new Date(NOW * 1000),
    );
    expect(r.verdicts[0]!.state).toBe('finished');
    const u = await tick([target], emptyMemory(), healthy, opts, new Date(NOW * 1000));
    const notes = applyProviderWords(
      u.verdicts,
      u.memory,
      [{ runId: 'r1', provider: 'aws', instanceId: 'i-1', phase: 'running', detail: '', unconfirmed: 'x, then not on a second reading' }],
      new Date(NOW * 1000),
    );
    expect(u.verdicts[0]!.state).toBe('running');
    expect(notes).toEqual(['r1: aws once said instance i-1 was preempted (x, then not on a second reading): not confirmed, nothing assumed']);
  });

  it('a memory from before issue 27, with the class `preempted`, still reads (as `terminated`)', () => {
    const key = Buffer.alloc(32, 3);
    const m: TickMemory = {
      v: 1,
      tick: 4,
      runs: {
        r1: {
          attempt: 1,
          offset: 0,
          state: 'failed',
          cls: 'preempted' as never,
          since: 'x',
          lastKnown: null,
          unreachableSince: null,
          unreachableTicks: 0,
          oomKills: null,
          step: null,
          epoch: null,
          metrics: {},
          history: [],
        },
      },
    };
    const read = readMemory(memoryBlock(m, key), key);
    expect(read.note).toBeFalsy();
    expect(read.memory.runs['r1']?.cls).toBe('terminated');
  });
});

describe("the spot-notice watch (launch's preempt-signal and metadata-address)", () => {
  const launch = (extra: Record<string, string>) => parseLaunch(withDefaults('launch', { 'run-id': 'r1', command: 'python train.py', ...extra }));
  it('is on for a run on EC2 (USR1 by default), off elsewhere, on Slurm and with none', () => {
    expect(launch({ provider: 'aws', 'instance-id': 'i-0123456789abcdef0' }).preemptWatch).toEqual({ address: '169.254.169.254:80', signal: 'USR1' });
    expect(launch({ provider: 'aws', 'preempt-signal': 'SIGUSR2', 'metadata-address': '127.0.0.1:18080' }).preemptWatch).toEqual({
      address: '127.0.0.1:18080',
      signal: 'USR2',
    });
    expect(launch({ provider: 'lambda' }).preemptWatch).toBeNull();
    expect(launch({}).preemptWatch).toBeNull();
    expect(launch({ provider: 'aws', 'preempt-signal': 'none' }).preemptWatch).toBeNull();
    expect(launch({ provider: 'aws', backend: 'slurm' }).preemptWatch).toBeNull();
  });
  it('refuses what it cannot send or reach, naming the input', () => {
    expect(() => launch({ provider: 'aws', 'preempt-signal': 'KILL' })).toThrow(/preempt-signal/);
    for (const a of ['169.254.169.254', 'localhost:80', '1.2.3.256:80', '127.0.0.1:0', '[::1]:80'])
      expect(() => launch({ provider: 'aws', 'metadata-address': a }), a).toThrow(/input 'metadata-address': .* is not IPv4:port/);
    expect(() => launch({ provider: 'runpod', 'metadata-address': '127.0.0.1:80' })).toThrow(/needs provider aws/);
  });
});

describe('what the patrol does about a preempted run', () => {
  const mem = (over: Partial<TickMemory['runs'][string]> = {}): TickMemory => ({
    v: 1,
    tick: 3,
    runs: {
      r1: {
        attempt: 2,
        offset: 0,
        state: 'preempted',
        cls: null,
        since: 'x',
        lastKnown: null,
        unreachableSince: null,
        unreachableTicks: 0,
        oomKills: null,
        step: 20,
        epoch: null,
        metrics: {},
        history: [],
        preempted: { at: 't', provider: 'aws', words: 'StateReason Server.SpotInstanceTermination', attempt: 2 },
        ...over,
      },
    },
  });
  const v = [{ runId: 'r1', state: 'preempted', attempt: 2 }];
  const gone: ProviderWord[] = [{ runId: 'r1', provider: 'aws', instanceId: 'i-1', phase: 'gone', detail: '' }];
  const terms = { r1: { recoveries: 1, maxRecoveries: 3 } };
  it('dispatches once per attempt, only on replace terms with recoveries left, a workflow, and the box no longer running', () => {
    expect(planRecoveries(v, mem(), terms, gone, 'tether-launch.yml')).toEqual([
      { runId: 'r1', attempt: 2, action: 'dispatch', line: '🪂 `r1` recovery 2 of 3: dispatching tether-launch.yml with recover: r1' },
    ]);
    const one = (m: TickMemory, t: Parameters<typeof planRecoveries>[2], w = gone, wf: string | null = 'tether-launch.yml') =>
      planRecoveries(v, m, t, w, wf)[0]?.action;
    expect(one(mem({ recovery: { attempt: 2, at: 't', url: 'u' } }), terms)).toBe('dispatched');
    // A dispatch for an earlier attempt does not count for this one.
    expect(one(mem({ recovery: { attempt: 1, at: 't', url: 'u' } }), terms)).toBe('dispatch');
    expect(one(mem(), { r1: null })).toBe('wait');
    expect(one(mem(), { r1: { recoveries: 3, maxRecoveries: 3 } })).toBe('exhausted');
    expect(one(mem(), terms, gone, null)).toBe('no-workflow');
    expect(one(mem(), terms, [{ ...gone[0]!, phase: 'running' }])).toBe('not-yet');
    // Slurm's PREEMPTED (no provider mark) and every other state: nothing.
    expect(planRecoveries(v, mem({ preempted: undefined }), terms, gone, 'w.yml')).toEqual([]);
    expect(planRecoveries([{ ...v[0]!, state: 'unreachable' }], mem(), terms, gone, 'w.yml')).toEqual([]);
  });

  it('restarted-from-zero: the attempt after a restore first reported a step below the restored one', async () => {
    const run = async (tail: string) => {
      const r = await tick([target], emptyMemory(), async () => observed(3, { delta: tail, deltaFrom: 0, tail }), opts, new Date(NOW * 1000));
      checkResumes(r.verdicts, r.memory, { r1: { attempt: 3, step: 24 } });
      return r.verdicts[0]!.flags;
    };
    expect(await run('step 1 loss 2.0\nstep 2 loss 1.9\n')).toContain('restarted-from-zero');
    expect(await run('resumed from step 24 (ckpt/step_24.pt)\nstep 25 loss 0.1\n')).not.toContain('restarted-from-zero');
    expect(await run('step 25 loss 0.1\n')).not.toContain('restarted-from-zero');
    expect(await run('loading data\n')).not.toContain('restarted-from-zero');
    // Another attempt than the recovered one is not judged.
    const other = await tick(
      [target],
      emptyMemory(),
      async () => observed(4, { delta: 'step 1\n', deltaFrom: 0, tail: 'step 1\n' }),
      opts,
      new Date(NOW * 1000),
    );
    checkResumes(other.verdicts, other.memory, { r1: { attempt: 3, step: 24 } });
    expect(other.verdicts[0]!.flags).not.toContain('restarted-from-zero');
    // The first step is kept for the attempt once read (later ticks see only newer bytes).
    expect(other.memory.runs['r1']?.firstStep).toBe(1);
    const later = await tick(
      [target],
      other.memory,
      async () => observed(4, { delta: 'step 90\n', deltaFrom: 500, tail: 'step 90\n' }),
      opts,
      new Date((NOW + 60) * 1000),
    );
    expect(later.memory.runs['r1']?.firstStep).toBe(1);
  });
});

describe("the patrol's collect dispatch when a registered run ends", () => {
  it('once per attempt, for ended states, registered runs only; the inputs name where the registration says it lives', () => {
    const m = (collect?: { attempt: number }) =>
      ({ v: 1, tick: 1, runs: { r1: { collect: collect ? { ...collect, at: 't', url: 'u' } : undefined } } }) as unknown as TickMemory;
    const reg = new Set(['r1']);
    for (const state of ['finished', 'failed', 'dead', 'rebooted']) expect(planCollects([{ runId: 'r1', state, attempt: 2 }], m(), reg), state).toHaveLength(1);
    for (const state of ['running', 'preempted', 'unreachable', 'stalled', 'torn-down'])
      expect(planCollects([{ runId: 'r1', state, attempt: 2 }], m(), reg), state).toEqual([]);
    expect(planCollects([{ runId: 'r1', state: 'finished', attempt: 2 }], m({ attempt: 2 }), reg)).toEqual([]);
    expect(planCollects([{ runId: 'r1', state: 'finished', attempt: 3 }], m({ attempt: 2 }), reg)).toHaveLength(1);
    expect(planCollects([{ runId: 'r2', state: 'finished', attempt: 1 }], m(), reg)).toEqual([]);
    expect(
      dispatchInputs('r1', 'tether-patrol', { host: '10.0.0.2', port: 22, hostKeyFingerprint: 'SHA256:x', provider: 'aws', instanceId: 'i-1', jump: null }),
    ).toEqual({
      'run-id': 'r1',
      'requested-by': 'tether-patrol',
      host: '10.0.0.2',
      port: '22',
      'host-key-fingerprint': 'SHA256:x',
      provider: 'aws',
      'instance-id': 'i-1',
    });
  });
});
