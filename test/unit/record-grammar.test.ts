import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProbe } from '../../src/remote/probe-parse.ts';
import { tick } from '../../src/patrol/tick.ts';
import { emptyMemory } from '../../src/patrol/memory.ts';
import { ATTEMPT, parseMarker, RUN_ID } from '../../src/record/grammar.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { parseJsonLine } from '../../src/remote/invoke.ts';
import { TransportError } from '../../src/ssh/errors.ts';
import { LIB as SCRIPT_LIB } from '../../src/remote/scripts.ts';

// lib.sh as every script gets it: the contract's variables first (src/record/contract.ts).
const LIB = SCRIPT_LIB;
/** What lib.sh's predicate says of each candidate (one bash run). */
function bashSays(fn: string, candidates: string[]): boolean[] {
  const script = `${LIB}\nwhile IFS= read -r x; do if ${fn} "$x"; then echo 1; else echo 0; fi; done`;
  const r = spawnSync('bash', ['-c', script], { input: candidates.join('\n') + '\n', encoding: 'utf8' });
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l === '1');
}

describe('one grammar for the on-box helpers and the TS parsers', () => {
  const attempts = ['1', '7', '10', '999999', '0', '007', '08', '-1', '+1', '1000000', ' 1', '1 ', 'a', '', '1e3', '٣'];
  it.each([
    ['is_attempt', ATTEMPT, attempts],
    ['is_run_id', RUN_ID, ['run-1', 'a.b_c', 'x'.repeat(64), 'x'.repeat(65), 'a b', 'a/b', '', '..', 'é', 'a\nb']],
  ] as const)('%s in lib.sh agrees with the TS pattern', (fn, re, cands) => {
    expect(
      bashSays(
        fn,
        [...cands].filter((c) => !c.includes('\n')),
      ),
    ).toEqual([...cands].filter((c) => !c.includes('\n')).map((c) => re.test(c)));
  });

  it('run_alive asks the backend named by the recorded handle; without one, the pid and start time', () => {
    const script = `${LIB}
backend_alive_fake() { [ "$(cat "$1/handle")" = "fake:job-42" ]; }
d=$(mktemp -d)
printf 'fake:job-42\\n' > "$d/handle"; run_alive "$d" && echo fake-alive
printf 'nobackend:x\\n' > "$d/handle"; run_alive "$d" || echo unknown-backend-uses-pid
rm -f "$d/handle"; printf '%s\\n' $$ > "$d/pid"; pid_start $$ > "$d/pid_start"; run_alive "$d" && echo pid-alive
rm -rf "$d"`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n')).toEqual(['fake-alive', 'unknown-backend-uses-pid', 'pid-alive']);
  });

  it('last_attempt ignores directories outside the grammar (007 is not attempt 7)', () => {
    const r = spawnSync('bash', ['-c', `${LIB}\nd=$(mktemp -d); mkdir -p "$d/attempts/"{2,007,08,x,0}; last_attempt "$d"; rm -rf "$d"`], { encoding: 'utf8' });
    expect(r.stdout).toBe('2');
  });

  it('markers: what the wrapper writes parses; anything else is a BoxDataError', () => {
    expect(parseMarker('FAILED', '{"attempt":2,"exit_code":137,"signal":"KILL","stage":"command","finished_at":"2026-11-23T10:00:00Z"}')).toEqual({
      kind: 'FAILED',
      attempt: 2,
      exitCode: 137,
      signal: 'KILL',
      stage: 'command',
      finishedAt: '2026-11-23T10:00:00Z',
    });
    for (const bad of [
      '',
      'null',
      '[]',
      '{"attempt":"2"}',
      '{"attempt":1,"exit_code":1,"signal":null,"stage":"## x","finished_at":"2026-11-23T10:00:00Z"}',
      '{"attempt":1,"exit_code":1e9,"signal":null,"stage":"command","finished_at":"x"}',
      'x'.repeat(5000),
    ]) {
      expect(() => parseMarker('FAILED', bad), bad.slice(0, 40)).toThrow(BoxDataError);
    }
  });
});

const goodRun = {
  id: 'r1',
  exists: true,
  attempt: 1,
  alive: true,
  pid: 42,
  started_at: '',
  started_epoch: 1,
  finished_at: '',
  exit_code: null,
  marker: '',
  marker_kind: null,
  heartbeat_mtime: 1,
  spec: '{}',
  log_size: 0,
  log_mtime: null,
  delta_from: 0,
  delta_b64: '',
  tail_b64: '',
  checkpoints: { count: 0, newest: null, newest_mtime: null, newest_bytes: null },
};
const probe = (runs: unknown[]) => ({
  schema: 'tether.probe/v1',
  hostname: 'h',
  now: 100,
  btime: 1,
  disk_bytes: '',
  disk_inodes: '',
  memory: { max: '', current: '', events: '' },
  gpu: { present: false },
  runs,
});

describe('probe output is read strictly', () => {
  it('a broken run spoils only its own line; a broken document is a BoxDataError', () => {
    const obs = parseProbe(
      probe([goodRun, { ...goodRun, id: 'r2', attempt: '007' }, { ...goodRun, id: 'r3', delta_b64: '!!!' }, { ...goodRun, id: 'r4', pid: 0 }]),
      '~',
    );
    expect(obs.runs.map((r) => r.id)).toEqual(['r1']);
    expect(Object.keys(obs.runErrors)).toEqual(['r2', 'r3', 'r4']);
    for (const bad of [
      null,
      [],
      { ...probe([]), schema: 'x' },
      { ...probe([]), now: 'soon' },
      { ...probe([]), gpu: null },
      { ...probe([]), runs: {} },
      probe([{ ...goodRun, id: 'bad id!' }]),
    ]) {
      expect(() => parseProbe(bad, '~')).toThrow(BoxDataError);
    }
  });

  it("an attempt's spot notice (the wrapper's preempt_notice) is read strictly: a damaged one spoils only its run's line", () => {
    const n = { action: 'terminate', time: '2026-12-02T12:00:00Z', seen_at: '2026-12-02T11:58:00Z', signal: 'USR1', term_at: '2026-12-02T11:59:55Z' };
    const ok = parseProbe(probe([{ ...goodRun, preempt_notice: JSON.stringify(n) }]), '~');
    expect(ok.runs[0]?.preemptNotice).toEqual({ action: 'terminate', time: n.time, seenAt: n.seen_at, signal: 'USR1', termAt: n.term_at });
    expect(parseProbe(probe([{ ...goodRun, preempt_notice: '' }]), '~').runs[0]?.preemptNotice).toBeNull();
    for (const bad of [
      '{"action":',
      JSON.stringify({ ...n, action: 'reboot' }),
      JSON.stringify({ ...n, time: '2026-12-02 12:00' }),
      JSON.stringify({ ...n, signal: 'KILL' }),
      JSON.stringify({ ...n, term_at: undefined }),
      '[]',
    ]) {
      const obs = parseProbe(probe([{ ...goodRun, preempt_notice: bad }]), '~');
      expect(obs.runs, bad).toEqual([]);
      expect(obs.runErrors['r1'], bad).toMatch(/preempt_notice/);
    }
  });

  it('script output past its bound, or without JSON, is a BoxDataError (never a SyntaxError)', () => {
    expect(() => parseJsonLine('probe', { code: 0, signal: null, stdout: '{"a":', stderr: '', truncated: false })).toThrow(BoxDataError);
    expect(() => parseJsonLine('probe', { code: 0, signal: null, stdout: '{}', stderr: '', truncated: true })).toThrow(/more than its output bound/);
    expect(() => parseJsonLine('probe', { code: 1, signal: null, stdout: 'nothing', stderr: 'boom', truncated: false })).toThrow(/printed no JSON result/);
  });

  it("a tick turns any probe exception into that host's probe-error, keeps what was known, and reports every other host", async () => {
    const hosts = [
      { label: 'a', runIds: ['ra'] },
      { label: 'b', runIds: ['rb'] },
      { label: 'c', runIds: ['rc'] },
    ];
    const prev = {
      ...emptyMemory(),
      tick: 3,
      runs: {
        rb: {
          attempt: 2,
          offset: 10,
          state: 'running' as const,
          cls: null,
          since: 'x',
          lastKnown: null,
          unreachableSince: null,
          unreachableTicks: 0,
          oomKills: null,
          step: 50,
          epoch: null,
          metrics: {},
          history: [],
        },
      },
    };
    const result = await tick(
      hosts,
      prev,
      async (t) => {
        if (t.label === 'a') return parseProbe(probe([{ ...goodRun, id: 'ra' }]), '~');
        if (t.label === 'b') throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return { transport: 'unreachable' as const, message: new TransportError('unreachable', 'timed out').message };
      },
      { stallAfterS: 3600 },
      new Date(200_000),
    );
    expect(result.verdicts.map((v) => [v.runId, v.state])).toEqual([
      ['ra', 'launching'],
      ['rb', 'probe-error'],
      ['rc', 'unreachable'],
    ]);
    expect(result.verdicts[1]?.detail).toMatch(/probe failed: Cannot read properties.*; last known state running/);
    expect(result.memory.runs['rb']).toMatchObject({ state: 'probe-error', lastKnown: 'running', step: 50, offset: 10, attempt: 2 });
  });
});

describe("a sweep's cells in the probe output", () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  // A live cell's log comes as one window: its new bytes from delta_from and its tail, split by the parser.
  const live = (id: string, log: string, from: number, over: Record<string, unknown> = {}) => ({
    ...goodRun,
    id,
    settled: false,
    gpus: '0,1',
    log_size: log.length,
    delta_from: from,
    window_from: 0,
    window_b64: b64(log),
    ...over,
  });
  const sweep = (cells: unknown[]) => probe([{ ...goodRun, id: 'sw', cells }]);

  it('splits each window into new bytes and tail, keeps settled and queued cells, and reads cell names by their own grammar', () => {
    const obs = parseProbe(
      sweep([
        live('a', 'step 1 loss 2\nstep 2 loss 1\n', 14),
        {
          id: 'b',
          exists: true,
          settled: true,
          attempt: 2,
          marker_kind: 'DONE',
          marker: '{"attempt":2,"exit_code":0,"signal":null,"stage":"command","finished_at":"2026-11-23T10:00:00Z"}',
        },
        { id: 'c', exists: true, settled: false, queued: true },
      ]),
      '~',
    );
    const [a, b, c] = obs.runs[0]!.cells!;
    expect(a).toMatchObject({ id: 'a', settled: false, gpus: '0,1', delta: 'step 2 loss 1\n', tail: 'step 1 loss 2\nstep 2 loss 1\n' });
    expect(b).toMatchObject({ id: 'b', settled: true, attempt: 2, marker: { kind: 'DONE', exitCode: 0 } });
    expect(c).toMatchObject({ id: 'c', settled: false, attempt: 0, alive: false });
  });

  it('a broken cell spoils only its own row; a cell name that is not a name, or too many cells, spoil the run', () => {
    const obs = parseProbe(
      sweep([
        live('ok', 'x\n', 0),
        live('badgpus', 'x\n', 0, { gpus: '0;rm' }),
        live('outside', 'abc', 5),
        live('bigwin', 'x', 0, { window_b64: 'A'.repeat(40_000) }),
        { id: 'nomarker', exists: true, settled: true, attempt: 'x' },
      ]),
      '~',
    );
    expect(obs.runs[0]!.cells!.map((c) => c.id)).toEqual(['ok']);
    expect(Object.keys(obs.runs[0]!.cellErrors!).sort()).toEqual(['badgpus', 'bigwin', 'nomarker', 'outside']);
    expect(obs.runs[0]!.cellErrors!['outside']).toMatch(/delta_from is outside the log window/);
    expect(obs.runErrors).toEqual({});
    for (const bad of [sweep([live('..', 'x', 0)]), sweep([live('-x', 'x', 0)]), sweep(Array.from({ length: 513 }, (_, i) => live(`c${i}`, 'x', 0)))]) {
      expect(Object.keys(parseProbe(bad, '~').runErrors)).toEqual(['sw']);
    }
  });

  it('is_cell_name in lib.sh agrees with the TS pattern', async () => {
    const { CELL_NAME } = await import('../../src/record/grammar.ts');
    const cands = ['a', 'lr-1e-3', '_x', 'x'.repeat(64), 'x'.repeat(65), '.', '..', '.hidden', '-rf', 'a/b', 'a b', '', 'λ'];
    expect(bashSays('is_cell_name', cands)).toEqual(cands.map((c) => CELL_NAME.test(c)));
  });
});

describe("Slurm's words, read on the login node and in the probe parser", () => {
  const SLURM = readFileSync('scripts/remote/backend_slurm.sh', 'utf8');
  const split = (state: string) => {
    const script = `${LIB}\n${SLURM}\nSLURM_STATE=$1; slurm_split_state; printf '%s|%s' "$SLURM_STATE" "$SLURM_REASON"`;
    return spawnSync('bash', ['-c', script, 'bash', state], { encoding: 'utf8' }).stdout;
  };

  it('"CANCELLED by <uid>" keeps who, named as the login node names the uid; anything else after the state word stays text', () => {
    expect(split('CANCELLED by 0')).toBe('CANCELLED|by root (uid 0)');
    expect(split('CANCELLED by 4000000001')).toBe('CANCELLED|by uid 4000000001');
    expect(split('COMPLETED')).toBe('COMPLETED|');
    // Not a uid: not looked up, and nothing in it runs.
    expect(split('CANCELLED by $(touch /tmp/tether-pwned)')).toBe('CANCELLED|by $(touch /tmp/tether-pwned)');
    expect(spawnSync('test', ['-e', '/tmp/tether-pwned']).status).toBe(1);
  });

  it("a job that never ran anywhere (sacct's 'None assigned', '(null)') has no node list; other odd node lists spoil only that run", () => {
    const sched = (nodes: string) => ({ ...goodRun, handle: 'slurm:7', scheduler: { job: '7', state: 'CANCELLED', nodes } });
    for (const none of ['None assigned', '(null)']) expect(parseProbe(probe([sched(none)]), '~').runs[0]!.scheduler!.nodes).toBe('');
    expect(parseProbe(probe([sched('n[1-2]')]), '~').runs[0]!.scheduler!.nodes).toBe('n[1-2]');
    const bad = parseProbe(probe([sched('n1; rm -rf /')]), '~');
    expect(Object.keys(bad.runErrors)).toEqual(['r1']);
  });
});
