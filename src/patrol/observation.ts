import { parseDf, parseGpuQuery, parseMemory, type DiskInfo, type GpuInfo } from '../remote/audit.ts';

/** What one probe saw of one run (scripts/remote/probe.sh), decoded. Pure. */
export interface RunObservation {
  id: string;
  exists: boolean;
  attempt: number;
  alive: boolean;
  pid: number | null;
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
  checkpoints: { count: number; newest: string | null; newestMtime: number | null; newestBytes: number | null };
}

export interface Marker {
  kind: 'DONE' | 'FAILED';
  attempt: number;
  exitCode: number;
  signal: string | null;
  stage: string;
  finishedAt: string;
}

export interface HostObservation {
  hostname: string;
  /** The box's clock, epoch seconds: ages are computed against it, never against the runner's. */
  now: number;
  btime: number | null;
  disk: DiskInfo;
  memory: { fraction: number | null; oomKills: number | null };
  gpu: { present: boolean; error: string | null; gpus: GpuInfo[] };
  runs: RunObservation[];
}

interface RawRun {
  id: string;
  exists: boolean;
  attempt?: number;
  alive?: boolean;
  pid?: number | null;
  started_epoch?: number | null;
  exit_code?: number | null;
  marker?: string;
  marker_kind?: 'DONE' | 'FAILED' | null;
  heartbeat_mtime?: number | null;
  spec?: string;
  log_size?: number;
  log_mtime?: number | null;
  delta_from?: number;
  delta_b64?: string;
  tail_b64?: string;
  checkpoints?: { count: number; newest: string | null; newest_mtime: number | null; newest_bytes: number | null };
}

interface RawProbe {
  schema: string;
  hostname: string;
  now: number;
  btime: number | null;
  disk_bytes: string;
  disk_inodes: string;
  memory: { max: string; current: string; events: string };
  gpu: { present: boolean; exit_code?: number; query?: string };
  runs: RawRun[];
}

const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

function parseMarker(kind: RawRun['marker_kind'], text: string | undefined): Marker | null {
  if (!kind || !text) return null;
  try {
    const m = JSON.parse(text) as { attempt: number; exit_code: number; signal: string | null; stage: string; finished_at: string };
    return { kind, attempt: m.attempt, exitCode: m.exit_code, signal: m.signal, stage: m.stage, finishedAt: m.finished_at };
  } catch {
    // A marker we cannot read still says which way the run ended.
    return { kind, attempt: 0, exitCode: kind === 'DONE' ? 0 : -1, signal: null, stage: 'unknown', finishedAt: '' };
  }
}

function expected(spec: string | undefined): number | null {
  try {
    const v = (JSON.parse(spec ?? '') as { expected_duration_s?: number | null }).expected_duration_s;
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

export function parseProbe(raw: unknown, runRoot: string): HostObservation {
  const r = raw as RawProbe;
  if (!r || r.schema !== 'tether.probe/v1') throw new Error('probe.sh returned an unexpected document (schema is not tether.probe/v1)');
  const code = r.gpu.exit_code ?? 0;
  return {
    hostname: r.hostname,
    now: r.now,
    btime: r.btime,
    disk: parseDf(runRoot, r.disk_bytes, r.disk_inodes),
    memory: parseMemory(r.memory.max, r.memory.current, r.memory.events),
    gpu: {
      present: r.gpu.present,
      error: r.gpu.present && code !== 0 ? (code === 124 ? 'nvidia-smi did not answer within 10 s' : `nvidia-smi failed (exit ${code})`) : null,
      gpus: r.gpu.present && code === 0 ? parseGpuQuery(r.gpu.query ?? '') : [],
    },
    runs: r.runs.map((x) => ({
      id: x.id,
      exists: x.exists,
      attempt: x.attempt ?? 0,
      alive: x.alive ?? false,
      pid: x.pid ?? null,
      startedEpoch: x.started_epoch ?? null,
      exitCode: x.exit_code ?? null,
      marker: parseMarker(x.marker_kind, x.marker),
      heartbeatMtime: x.heartbeat_mtime ?? null,
      expectedDurationS: expected(x.spec),
      logSize: x.log_size ?? 0,
      logMtime: x.log_mtime ?? null,
      delta: b64(x.delta_b64),
      deltaFrom: x.delta_from ?? 0,
      tail: b64(x.tail_b64),
      checkpoints: {
        count: x.checkpoints?.count ?? 0,
        newest: x.checkpoints?.newest ?? null,
        newestMtime: x.checkpoints?.newest_mtime ?? null,
        newestBytes: x.checkpoints?.newest_bytes ?? null,
      },
    })),
  };
}
