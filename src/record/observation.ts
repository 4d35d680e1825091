import type { Marker } from './grammar.ts';
/** Why a host could not be reached (ssh/errors.ts TransportError carries one, with its advice). */
export type TransportKind = 'auth_failed' | 'host_key_mismatch' | 'connection_refused' | 'unreachable' | 'network';

export type { Marker };

export interface DiskInfo {
  path: string;
  mount: string;
  sizeBytes: number;
  availBytes: number;
  /** 0 when the filesystem has no fixed inode table (btrfs, some overlays). */
  inodesTotal: number;
  inodesFree: number;
}

export interface GpuInfo {
  index: number;
  name: string;
  memTotalMiB: number | null;
  memUsedMiB: number | null;
  utilPct: number | null;
  tempC: number | null;
  smClockMHz: number | null;
  smClockMaxMHz: number | null;
  throttleActive: string[];
}

/**
 * The contract between the probe (scripts/remote/probe.sh, read by src/remote/probe-parse.ts) and the
 * pure patrol (src/patrol): what one probe saw of one run and of its host. Types only, and one
 * constructor.
 */
export interface RunObservation {
  id: string;
  exists: boolean;
  attempt: number;
  alive: boolean;
  pid: number | null;
  /** How the attempt is held, as its backend recorded it (`tmux:<socket>`, `setsid`, …), or null. */
  handle: string | null;
  /** The job runs on the machine the probe ran on (so that machine's boot time bears on it). */
  jobOnBox: boolean;
  startedEpoch: number | null;
  exitCode: number | null;
  marker: Marker | null;
  heartbeatMtime: number | null;
  expectedDurationS: number | null;
  logSize: number;
  logMtime: number | null;
  /** Log bytes past the offset the caller passed (the newest DELTA_MAX of them). */
  delta: string;
  deltaFrom: number;
  /** The last bytes of the attempt log. */
  tail: string;
  /** `symlinks`: files the globs matched that are symlinks (never followed, never counted as checkpoints). */
  checkpoints: { count: number; newest: string | null; newestMtime: number | null; newestBytes: number | null; symlinks?: number };
  /** A sweep's cells, in the queue's order (absent for a single-command run). */
  cells?: CellObservation[];
  /** EC2's spot notice as the attempt's watcher recorded it (scripts/remote/wrapper.sh), when one came. */
  preemptNotice?: PreemptNotice | null;
  /** What a scheduler (Slurm) says of the attempt's job; absent for tmux and setsid. */
  scheduler?: SchedulerView | null;
  /** Names the run's cells.list holds that tether never launched (no cell record): refused and counted. */
  unlaunchedCells?: number;
  /** Cells whose part of the probe could not be read: the reason, by cell name. */
  cellErrors?: Record<string, string>;
}

/** EC2's two-minute notice, as the wrapper saw it: what EC2 will do and when, and what the job was sent. */
export interface PreemptNotice {
  action: 'terminate' | 'stop' | 'hibernate';
  time: string;
  seenAt: string;
  signal: string;
  termAt: string;
}

/** A scheduler's view of one job (squeue while it is known there, else sacct). */
export interface SchedulerView {
  job: string;
  /** Slurm's state word: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, CANCELLED, REQUEUED … */
  state: string;
  /** Why it waits (PENDING: Priority, Resources, QOSMaxJobsPerUserLimit …), or who cancelled it. */
  reason: string;
  nodes: string;
  elapsed: string;
  limit: string;
  /** sacct's ExitCode (`0:9`), for finished jobs. */
  exit: string;
  /** When a pending job was submitted (epoch seconds, the box's clock), or null. */
  submitted: number | null;
}

/**
 * One cell of a sweep: its record observed like a run's (id is the cell name; `gpus` what the queue gave
 * it), or `settled`: the last tick already saw it finished, so only its marker came (no log, no scan).
 */
/** `blocked`: why the queue holds a cell that has not started (its disk floor), in the queue's words. */
export type CellObservation =
  (RunObservation & { settled: false; gpus: string; blocked?: string }) | { id: string; settled: true; attempt: number; marker: Marker | null };

export interface HostObservation {
  hostname: string;
  /** The box's clock, epoch seconds: ages are computed against it, never against the runner's. */
  now: number;
  btime: number | null;
  disk: DiskInfo;
  memory: { fraction: number | null; oomKills: number | null };
  gpu: { present: boolean; error: string | null; gpus: GpuInfo[] };
  runs: RunObservation[];
  /** Runs whose part of the probe could not be read: the reason, by run id (that run's `probe-error`). */
  runErrors: Record<string, string>;
}

/** What the last tick saw of a run: the probe sends only log bytes past `offset` of `attempt`. */
export interface SeenRun {
  id: string;
  attempt: number;
  offset: number;
  /** The same for each cell of a sweep the last tick saw; `final`: it saw that attempt's DONE/FAILED. */
  cells?: Array<{ name: string; attempt: number; offset: number; final: boolean }>;
}

/** A host that could not be reached (a typed transport failure): nothing about its runs was learnt. */
export interface ProbeFailure {
  transport: TransportKind;
  message: string;
}

/** An observation of a run with no record: what a host that does not know the run id says. */
export function emptyRun(id: string): RunObservation {
  return {
    id,
    exists: false,
    attempt: 0,
    alive: false,
    pid: null,
    handle: null,
    jobOnBox: true,
    startedEpoch: null,
    exitCode: null,
    marker: null,
    heartbeatMtime: null,
    expectedDurationS: null,
    logSize: 0,
    logMtime: null,
    delta: '',
    deltaFrom: 0,
    tail: '',
    checkpoints: { count: 0, newest: null, newestMtime: null, newestBytes: null },
  };
}
