import type { TransportKind } from '../record/observation.ts';
import { HISTORY_MAX, type RunMemory } from './memory.ts';
import type { GpuInfo, HostObservation, Marker, RunObservation, SchedulerView } from '../record/observation.ts';
import { parseProgress } from '../record/progress.ts';
import { SLURM_FAILURE } from '../backends/slurm.ts';
import { durationText, FOREIGN_SLACK_S } from '../record/run-state.ts';
import { FAILURE_REMEDIATION, FLAG_REMEDIATION, STATE_REMEDIATION, type Flag, type State } from './remediation.ts';
import { classifyFailure, signatureIn, type FailureClass } from './signatures.ts';
import { runOfNodes, srunNodeRows, type NodeRow } from './node-verdict.ts';

export type { NodeRow };

export interface Verdict {
  runId: string;
  state: State;
  cls: FailureClass | null;
  flags: Flag[];
  /** The fixed remediation of the state/class, then of each flag. */
  remediation: string;
  detail: string;
  attempt: number;
  step: number | null;
  epoch: string | null;
  metrics: Record<string, number>;
  heartbeatAgeS: number | null;
  progressAgeS: number | null;
  checkpoints: { count: number; newest: string | null; ageS: number | null; symlinks?: number };
  gpus: GpuInfo[];
  disk: { usedPct: number; inodesUsedPct: number | null } | null;
  memoryPct: number | null;
  since: string;
  /** A crash signature seen in the new log bytes of a run that is still alive. */
  newSignature: FailureClass | null;
  /** A sweep's cells, each with its own verdict (the run's line then summarizes them). */
  cells?: CellVerdict[];
  /** A run on many boxes: each node's row, rank 0 first (src/patrol/nodes.ts). */
  nodes?: NodeRow[];
}

/** A sweep's cell: a verdict of its own, with the GPUs it was given. */
export type CellVerdict = Verdict & { cellGpus: string };

export interface AssessOptions {
  stallAfterS: number;
  progressRegexes?: RegExp[];
  /** How often the run checkpoints (patrol `checkpoint-every`): a running run with none newer than 1.5× this is flagged. */
  checkpointEveryS?: number | null;
}

export type Seen =
  | { kind: 'observed'; host: HostObservation; run: RunObservation }
  | { kind: 'transport'; reason: TransportKind; detail: string }
  /** The host answered but its answer for this run could not be read (or reading it threw). */
  | { kind: 'probe-error'; detail: string };

const pct = (used: number, total: number) => (total > 0 ? (100 * used) / total : 0);

/**
 * The verdict function: (observation, previous tick, options, now) → verdict + memory for the next tick.
 * Pure. A transport failure never changes what is known about the run; signatures are scanned only in
 * the new bytes of the per-attempt log; liveness comes from the wrapper's pid, progress from log and
 * checkpoint mtimes (so a quiet block-buffered log with advancing checkpoints is running).
 */
export function assess(runId: string, seen: Seen, prev: RunMemory | undefined, opts: AssessOptions, now: Date): { verdict: Verdict; memory: RunMemory } {
  const iso = now.toISOString();
  if (seen.kind !== 'observed') return notObserved(runId, seen, prev, iso);
  const { host, run } = seen;
  const newAttempt = !prev || prev.attempt !== run.attempt;
  const progress = parseProgress(run.tail, opts.progressRegexes);
  const progressT = Math.max(run.logMtime ?? 0, run.checkpoints.newestMtime ?? 0, run.logSize > 0 ? 0 : (run.startedEpoch ?? 0));
  const progressAgeS = progressT ? Math.max(0, host.now - progressT) : null;
  const oomKillRose = host.memory.oomKills !== null && (prev?.oomKills ?? 0) < host.memory.oomKills;
  // The probe sends only bytes past the last tick's offset (from 0 on a new attempt).
  const delta = run.delta;
  const newSignature = run.alive ? signatureIn(delta) : null;

  const marker = run.marker && (run.marker.attempt === run.attempt || run.marker.attempt === 0) ? run.marker : null;
  const sched = run.scheduler ? fromScheduler(run.scheduler, marker, run.startedEpoch !== null, host.now) : null;
  const seenState = stateOf(run, host, marker, sched, progressAgeS, oomKillRose, delta, opts);
  const { state } = seenState;
  // A Slurm job on many nodes that failed by its own marker: srun names the nodes whose tasks failed, and the
  // rule the SSH multi-node patrol uses (node-verdict.ts) names the cause and marks the collectives' consequences.
  const onNodes = state === 'failed' && run.scheduler && !sched ? srunNodeRows(run.tail) : null;
  const combined = onNodes ? runOfNodes(onNodes) : null;
  const cls = combined?.cls ?? seenState.cls;
  const n = run.preemptNotice;
  // EC2's notice as the wrapper recorded it, in the run's own line.
  const detail =
    (n ? `${seenState.detail}; EC2 spot notice seen ${n.seenAt} (${n.action} at ${n.time}): sent SIG${n.signal}, TERM at ${n.termAt}` : seenState.detail) +
    (combined ? `; ${combined.detail}` : '');
  const { flags, usedPct, inodesUsedPct } = flagsOf(state, run, host, marker, prev, opts);
  const disk = host.disk;

  const since = prev && prev.state === state && !newAttempt ? prev.since : iso;
  const loss = progress.metrics['loss'] ?? progress.metrics['train_loss'] ?? null;
  // A lower attempt number than remembered is another run under the same id: start its history afresh.
  const history = prev && prev.attempt > run.attempt ? [] : [...(prev?.history ?? [])];
  const lastPoint = history[history.length - 1];
  if (progress.step !== null || loss !== null) {
    if (!lastPoint || lastPoint[1] !== progress.step || lastPoint[2] !== loss) history.push([host.now, progress.step, loss]);
  }
  const memory: RunMemory = {
    attempt: run.attempt,
    offset: run.logSize,
    state,
    cls,
    since,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: host.memory.oomKills,
    step: progress.step,
    epoch: progress.epoch,
    metrics: progress.metrics,
    history: history.slice(-HISTORY_MAX),
    ...carried(prev),
    ...firstStepOf(run, newAttempt ? undefined : prev, opts),
  };
  const parts = [remediationText(state, cls, flags)];
  if (newSignature) parts.push(`the log shows a new ${newSignature} signature while the job still runs`);
  const verdict: Verdict = {
    runId,
    state,
    cls,
    flags,
    remediation: parts.join('; '),
    detail,
    attempt: run.attempt,
    step: progress.step,
    epoch: progress.epoch,
    metrics: progress.metrics,
    heartbeatAgeS: run.heartbeatMtime !== null ? Math.max(0, host.now - run.heartbeatMtime) : null,
    progressAgeS,
    checkpoints: {
      count: run.checkpoints.count,
      newest: run.checkpoints.newest,
      ageS: run.checkpoints.newestMtime !== null ? Math.max(0, host.now - run.checkpoints.newestMtime) : null,
      ...(run.checkpoints.symlinks ? { symlinks: run.checkpoints.symlinks } : {}),
    },
    gpus: host.gpu.gpus,
    disk: disk.sizeBytes > 0 ? { usedPct, inodesUsedPct } : null,
    memoryPct: host.memory.fraction !== null ? 100 * host.memory.fraction : null,
    since,
    newSignature,
    ...(onNodes ? { nodes: onNodes } : {}),
  };
  return { verdict, memory };
}

type Observed = Extract<Seen, { kind: 'observed' }>;

/** What a run's memory keeps from tick to tick whatever was seen: the sync's standing, notices told, dispatches made. */
function carried(prev: RunMemory | undefined): Pick<RunMemory, 'sync' | 'notified' | 'recovery' | 'collect' | 'policy'> {
  const out: Pick<RunMemory, 'sync' | 'notified' | 'recovery' | 'collect' | 'policy'> = {};
  if (prev?.sync) out.sync = prev.sync;
  if (prev?.notified) out.notified = prev.notified;
  if (prev?.recovery) out.recovery = prev.recovery;
  if (prev?.collect) out.collect = prev.collect;
  if (prev?.policy) out.policy = prev.policy;
  return out;
}

/**
 * The first step an attempt reported, from its log's first bytes (the probe sends a new attempt's log from 0):
 * kept once known; a recovery checks the job resumed past its restored checkpoint by it. Pure.
 */
function firstStepOf(run: Observed['run'], prev: RunMemory | undefined, opts: AssessOptions): { firstStep?: number | null } {
  if (prev?.firstStep !== undefined && prev.firstStep !== null) return { firstStep: prev.firstStep };
  if (run.deltaFrom !== 0 || !run.delta) return prev?.firstStep !== undefined ? { firstStep: prev.firstStep } : {};
  for (const line of run.delta.split('\n', 400)) {
    const s = parseProgress(line, opts.progressRegexes).step;
    if (s !== null) return { firstStep: s };
  }
  return {};
}

/** The state a probed run is in, from its record, its marker, the scheduler's word and its progress. Pure. */
function stateOf(
  run: Observed['run'],
  host: Observed['host'],
  marker: Marker | null,
  sched: ReturnType<typeof fromScheduler>,
  progressAgeS: number | null,
  oomKillRose: boolean,
  delta: string,
  opts: AssessOptions,
): { state: State; cls: FailureClass | null; detail: string } {
  let state: State;
  let cls: FailureClass | null = null;
  let detail: string;
  if (!run.exists) {
    state = 'unknown';
    detail = 'no run record';
  } else if (sched) {
    ({ state, cls, detail } = sched);
  } else if (marker?.kind === 'DONE') {
    // A queue that printed failed cells but exited 0 is still a failure (runbook R72).
    if (/QUEUE DONE[^\n]*FAIL/i.test(run.tail)) {
      state = 'failed';
      cls = 'other';
      detail = 'exited 0 but the log reports failed cells (QUEUE DONE … FAILED)';
    } else {
      state = 'finished';
      detail = `DONE at ${marker.finishedAt}`;
    }
  } else if (marker?.kind === 'FAILED') {
    state = 'failed';
    cls = classifyFailure(marker.exitCode, marker.signal, run.tail + '\n' + delta, oomKillRose, marker.stage);
    detail = `exit ${marker.exitCode}${marker.signal ? ` (SIG${marker.signal})` : ''} in stage ${marker.stage}`;
  } else if (run.alive) {
    const age = progressAgeS ?? 0;
    if (run.logSize === 0 && run.checkpoints.count === 0 && run.startedEpoch !== null && host.now - run.startedEpoch < opts.stallAfterS) {
      state = 'launching';
      detail = 'no output yet';
    } else if (age > opts.stallAfterS) {
      state = 'stalled';
      detail = `no log or checkpoint progress for ${durationText(age)}`;
    } else {
      state = 'running';
      detail = `pid ${run.pid}`;
    }
  } else if (run.attempt === 0) {
    state = 'launching';
    detail = 'run record written, no attempt started yet';
  } else if (run.jobOnBox && host.btime !== null && run.startedEpoch !== null && host.btime > run.startedEpoch) {
    // Only a job on this machine dies with its reboot (a scheduler's job runs on other nodes).
    state = 'rebooted';
    detail = `booted ${new Date(host.btime * 1000).toISOString()}, after attempt ${run.attempt} started`;
  } else {
    state = 'dead';
    detail = `attempt ${run.attempt}: no process (pid ${run.pid ?? 'none'}) and no DONE/FAILED marker`;
  }
  return { state, cls, detail };
}

/** The flags of a probed run in a state: the host's pressure, idle GPUs, stale, foreign or missing checkpoints, a fast finish. Pure. */
function flagsOf(
  state: State,
  run: Observed['run'],
  host: Observed['host'],
  marker: Marker | null,
  prev: RunMemory | undefined,
  opts: AssessOptions,
): { flags: Flag[]; usedPct: number; inodesUsedPct: number | null } {
  const flags: Flag[] = [];
  const disk = host.disk;
  const usedPct = pct(disk.sizeBytes - disk.availBytes, disk.sizeBytes);
  const inodesUsedPct = disk.inodesTotal > 0 ? pct(disk.inodesTotal - disk.inodesFree, disk.inodesTotal) : null;
  if (usedPct >= 95) flags.push('disk-pressure');
  if (inodesUsedPct !== null && inodesUsedPct >= 95) flags.push('inode-pressure');
  if (host.memory.fraction !== null && host.memory.fraction > 0.9) flags.push('mem-pressure');
  if ((state === 'running' || state === 'stalled') && host.gpu.gpus.length > 0 && host.gpu.gpus.every((g) => (g.utilPct ?? 0) < 5)) flags.push('gpu-idle');
  if (opts.checkpointEveryS && state === 'running' && run.startedEpoch !== null) {
    // Since the newest checkpoint of this attempt (an older one belongs to an attempt before it).
    const ref = Math.max(run.checkpoints.newestMtime ?? 0, run.startedEpoch);
    if (host.now - ref > 1.5 * opts.checkpointEveryS) flags.push('checkpoint-stale');
  }
  if (marker && (state === 'finished' || state === 'failed') && run.checkpoints.newestMtime !== null) {
    // Written after this attempt's end (beyond the slack of the marker's own write): not this run's.
    const end = Date.parse(marker.finishedAt) / 1000;
    if (Number.isFinite(end) && run.checkpoints.newestMtime > end + FOREIGN_SLACK_S) flags.push('foreign-checkpoints');
  }
  if (run.unlaunchedCells) flags.push('unlaunched-cells');
  if (run.preemptNotice) flags.push('spot-notice');
  // A sweep's checkpoints are its cells' (each cell is flagged on its own).
  if (state === 'finished' && run.checkpoints.count === 0 && !run.cells) flags.push('no-checkpoints');
  // The sync's word stands until a sync says otherwise (a tick without one keeps it).
  if (prev?.sync?.bad) flags.push('bad-checkpoint');
  if (state === 'finished' && run.expectedDurationS && marker && run.startedEpoch) {
    const took = Date.parse(marker.finishedAt) / 1000 - run.startedEpoch;
    if (took >= 0 && took < 0.5 * run.expectedDurationS) flags.push('fast-finish');
  }
  return { flags, usedPct, inodesUsedPct };
}

/** Slurm's terminal states that name the failure themselves (src/backends/slurm.ts). */
const failureOf = (state: string): FailureClass | undefined => (SLURM_FAILURE as Record<string, FailureClass>)[state];

/**
 * What Slurm's own state says, where it says more than the run record: waiting in the queue (with its
 * reason), requeued, or ended in a way only Slurm knows (time limit, OOM, node failure, preemption, a
 * cancel: the wrapper may have been killed before its marker). Null: read the record as for any backend.
 * tether's own stop (marker stage `stopped`) stays `stopped`. Pure.
 */
function fromScheduler(v: SchedulerView, marker: Marker | null, ran: boolean, now: number): { state: State; cls: FailureClass | null; detail: string } | null {
  const job = `Slurm job ${v.job}`;
  const why = v.reason && v.reason !== 'None' ? ` (${v.reason})` : '';
  // Pending again after this attempt ran (whatever marker the killed attempt left): Slurm requeued it, and it
  // comes back as the next attempt with the same job id.
  if (v.state.startsWith('REQUEUE') || (v.state === 'PENDING' && ran)) return { state: 'requeued', cls: null, detail: `${job} back in the queue${why}` };
  const waited = v.submitted !== null && now >= v.submitted ? ` for ${durationText(now - v.submitted)}` : '';
  if (v.state === 'PENDING') return { state: 'queued', cls: null, detail: `${job} pending${waited}${why}` };
  if (marker?.stage === 'stopped') return null;
  // Slurm's own word that it preempted the job (with requeue on, it comes back as `requeued` above instead).
  if (v.state === 'PREEMPTED')
    return { state: 'preempted', cls: null, detail: `${job} PREEMPTED${v.reason ? ` ${v.reason}` : ''}${v.nodes ? ` on ${v.nodes}` : ''}` };
  // On Slurm a TERM comes from the lead signal before the time limit, a preemption (PREEMPTED) or a cancel
  // (CANCELLED): a job that ended on TERM in any other state ended at its time limit.
  const onTerm = marker?.kind === 'FAILED' && marker.signal === 'TERM' && v.state !== 'PREEMPTED' && v.state !== 'CANCELLED';
  const cls = failureOf(v.state) ?? (onTerm ? 'timeout' : undefined);
  if (!cls) return null;
  const by = v.reason ? ` ${v.reason}` : '';
  // 0:0 is no news for a job that Slurm ended; on Slurm an OOM's fix is the job's --mem, sized from what it used.
  const exit = v.exit && v.exit !== '0:0' ? `, exit ${v.exit}` : '';
  const mem = cls === 'oom' ? `; raise --mem to MaxRSS × 1.2 (sacct -j ${v.job} -o MaxRSS)` : '';
  return { state: 'failed', cls, detail: `${job} ${v.state}${by}${exit}${v.nodes ? ` on ${v.nodes}` : ''}${mem}` };
}

/**
 * Unreachable or probe-error: nothing was learnt about the run, so everything known stays as it was and
 * only the bookkeeping of this condition moves (never `dead`). Pure.
 */
function notObserved(
  runId: string,
  seen: Exclude<Seen, { kind: 'observed' }>,
  prev: RunMemory | undefined,
  iso: string,
): { verdict: Verdict; memory: RunMemory } {
  // A transport failure keeps its meaning: a changed host key and a refused key are not silence.
  const state: State =
    seen.kind !== 'transport'
      ? 'probe-error'
      : seen.reason === 'host_key_mismatch'
        ? 'host-key-changed'
        : seen.reason === 'auth_failed'
          ? 'auth-refused'
          : 'unreachable';
  const blind = (s: State | undefined) => s === 'unreachable' || s === 'probe-error' || s === 'host-key-changed' || s === 'auth-refused';
  const since = blind(prev?.state) ? (prev?.unreachableSince ?? iso) : iso;
  const ticks = (blind(prev?.state) ? (prev?.unreachableTicks ?? 0) : 0) + 1;
  const lastKnown = prev ? (blind(prev.state) ? prev.lastKnown : prev.state) : null;
  const memory: RunMemory = {
    attempt: prev?.attempt ?? 0,
    offset: prev?.offset ?? 0,
    state,
    cls: prev?.cls ?? null,
    since: prev?.state === state ? prev.since : iso,
    lastKnown,
    unreachableSince: since,
    unreachableTicks: ticks,
    oomKills: prev?.oomKills ?? null,
    step: prev?.step ?? null,
    epoch: prev?.epoch ?? null,
    metrics: prev?.metrics ?? {},
    history: prev?.history ?? [],
    ...carried(prev),
  };
  const what = state === 'probe-error' ? 'unreadable' : state;
  const verdict = remembered(runId, state, memory, {
    remediation: `${what} since ${since} (${ticks} tick${ticks === 1 ? '' : 's'}): ${state === 'unreachable' ? 'check the provider console for balance, power or preemption' : STATE_REMEDIATION[state as Exclude<State, 'failed'>]}`,
    detail: `${transportDetail(seen)}${lastKnown ? `; last known state ${lastKnown}` : ''}`,
    since: memory.since,
  });
  return { verdict, memory };
}

/**
 * The verdict with `flag` set or cleared, its remediation rebuilt to match (a flag learnt after the verdict,
 * e.g. the sync's `bad-checkpoint`). Pure.
 */
/** The fixed remediation of a state (a failure's of its class), then of each flag, as every verdict writes it. */
export function remediationText(state: State, cls: FailureClass | null, flags: readonly Flag[]): string {
  const base = state === 'failed' && cls ? FAILURE_REMEDIATION[cls] : STATE_REMEDIATION[state as Exclude<State, 'failed'>];
  return [base, ...flags.map((f) => FLAG_REMEDIATION[f])].join('; ');
}

export function withFlag<V extends Verdict>(v: V, flag: Flag, on: boolean): V {
  if (on === v.flags.includes(flag)) return v;
  const part = `; ${FLAG_REMEDIATION[flag]}`;
  return on
    ? { ...v, flags: [...v.flags, flag], remediation: v.remediation + part }
    : { ...v, flags: v.flags.filter((f) => f !== flag), remediation: v.remediation.replace(part, '') };
}

/** A verdict from what was remembered, when nothing was observed this tick (unreachable, torn down). Pure. */
export function remembered(runId: string, state: State, m: RunMemory, text: { remediation: string; detail: string; since: string }): Verdict {
  return {
    runId,
    state,
    cls: null,
    flags: [],
    ...text,
    attempt: m.attempt,
    step: m.step,
    epoch: m.epoch,
    metrics: m.metrics,
    heartbeatAgeS: null,
    progressAgeS: null,
    checkpoints: { count: 0, newest: null, ageS: null },
    gpus: [],
    disk: null,
    memoryPct: null,
    newSignature: null,
  };
}

/**
 * What went wrong, said once: a transport message already starts with its kind (`unreachable: timed out`),
 * and the kind `unreachable` is the state's own name, so neither is repeated in `state: detail` lines.
 */
function transportDetail(seen: Exclude<Seen, { kind: 'observed' }>): string {
  if (seen.kind !== 'transport') return seen.detail;
  const bare = seen.detail.startsWith(`${seen.reason}: `) ? seen.detail.slice(seen.reason.length + 2) : seen.detail;
  return seen.reason === 'unreachable' ? bare : `${seen.reason}: ${bare}`;
}
