import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { human } from '../report/bytes.ts';
import { dirname, join } from 'node:path';
import { runSyncDir } from './paths.ts';
import type { ConnectionConfig } from '../config/connection.ts';
import type { SyncConfig } from '../config/sync.ts';
import { problemsText, verifyOne } from '../verify/verify-files.ts';
import { fileSource } from '../verify/file-source.ts';
import { streamScanFor, type StreamScan, type StreamScans } from '../verify/stream-scan.ts';
import { trustedLoad } from '../verify/trusted-load.ts';
import { listSettled, type BoxCheckpoint, type SyncRequest } from '../remote/checkpoints.ts';
import { BoxDataError } from '../record/strict.ts';
import { connect } from '../ssh/client.ts';
import { TransportError } from '../ssh/errors.ts';
import type { Credential } from '../ssh/keys.ts';
import { pullTargetFor, type PullTarget } from '../transfer/ssh-args.ts';
import { streamFiles } from '../transfer/stream.ts';
import { PullError } from '../transfer/types.ts';
import { doneCells, stagingDir } from './plan.ts';
import { emptyRecord, parseRecord, recordText, SYNC_RECORD, type SyncRecord } from './record.ts';
import { syncRun, type RunSync } from './sync.ts';
import { diskBudget, type DiskBudget } from './budget.ts';

const STAGING = '.incoming';
/** Kept free on the runner's disk whatever a box claims. */
export const RUNNER_RESERVE = 1e9;

function freeBytes(dir: string): number | null {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}

/** The disk budget of one tick, measured once where the runs' sync folders live. */
export function syncBudget(cfg: SyncConfig, workspace: string): DiskBudget {
  const root = dirname(runSyncDir(cfg, workspace, 'x'));
  try {
    mkdirSync(root, { recursive: true });
  } catch {
    // measured below as unknown; each pull still checks the disk itself
  }
  return diskBudget(freeBytes(root), RUNNER_RESERVE);
}

export interface HostToSync {
  conn: ConnectionConfig;
  cred: Credential;
  runRoot: string;
  /**
   * The runs to sync on this host, each with the step its log showed this tick (for a file name without one)
   * and, for a sweep, the cells the tick saw finished (recorded done once their newest checkpoint is home).
   */
  runs: Array<{ runId: string; stepHint: number | null; finishedCells?: string[] }>;
}

/** Per run: what its sync did, or why it could not run this time (nothing recorded then). */
export type HostSync = Map<string, RunSync | { error: string }>;

/** The run's record, or a fresh one (with a warning) when it is missing or unreadable. */
function readRecord(dir: string, runId: string, warn: (m: string) => void): SyncRecord {
  const p = join(dir, SYNC_RECORD);
  if (!existsSync(p)) return emptyRecord(runId);
  try {
    return parseRecord(readFileSync(p, 'utf8'), runId);
  } catch (err) {
    warn(`sync: ${p} is unreadable (${(err as Error).message}); starting a fresh record (files already here are kept, not listed)`);
    return emptyRecord(runId);
  }
}

function writeRecord(dir: string, r: SyncRecord): void {
  const tmp = join(dir, `${SYNC_RECORD}.tmp`);
  writeFileSync(tmp, recordText(r));
  renameSync(tmp, join(dir, SYNC_RECORD));
}

/** Removes `dir` and its empty parents up to (not including) `stop`. */
function pruneEmpty(dir: string, stop: string): void {
  for (let d = dir; d.startsWith(`${stop}/`); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (or gone): stop here
    }
  }
}

/** Staged files no longer listed by the box as they were (it rewrote or deleted the file before its pull finished). */
function dropStale(dir: string, listed: BoxCheckpoint[]): void {
  const staging = join(dir, STAGING);
  if (!existsSync(staging)) return;
  const wanted = new Set(listed.map(stagingDir));
  for (const v of readdirSync(staging)) if (!wanted.has(v)) rmSync(join(staging, v), { recursive: true, force: true });
}

/**
 * Syncs one host: one SSH round trip lists the settled checkpoints of all its runs (read-only, nothing read),
 * then each new file comes through collect's stream (send.sh over pinned OpenSSH: the box reads it once,
 * hashing as it sends) into staging, is verified as collect verifies, and kept or discarded. Another
 * host's trouble never reaches here; this host's (unreachable, unreadable answer) is each run's error.
 */
export async function syncHost(
  host: HostToSync,
  cfg: SyncConfig,
  workspace: string,
  warn: (m: string) => void,
  budget: DiskBudget = diskBudget(freeBytes(dirname(runSyncDir(cfg, workspace, host.runs[0]?.runId ?? 'x'))), RUNNER_RESERVE),
): Promise<HostSync> {
  const out: HostSync = new Map();
  if (cfg.mode === 'none' || host.runs.length === 0) return out;
  const dirs = new Map(host.runs.map((r) => [r.runId, runSyncDir(cfg, workspace, r.runId)]));
  const records = new Map(host.runs.map((r) => [r.runId, readRecord(dirs.get(r.runId)!, r.runId, warn)]));
  const requests: SyncRequest[] = host.runs.map((r) => ({
    runId: r.runId,
    mode: cfg.mode as 'latest' | 'all',
    keep: cfg.keep,
  }));
  let listing;
  let target: PullTarget;
  try {
    const session = await connect({ ...host.conn, attempts: 1 }, host.cred);
    try {
      const root = dirname(dirs.values().next().value as string);
      mkdirSync(root, { recursive: true });
      listing = await listSettled(
        session,
        host.runRoot,
        cfg.settleS,
        Math.min(budget.left(), Math.max(0, (freeBytes(root) ?? Number.MAX_SAFE_INTEGER) - RUNNER_RESERVE)),
        requests,
      );
      target = pullTargetFor(host.conn, host.cred, session, 60);
    } finally {
      session.close();
    }
  } catch (err) {
    if (!(err instanceof TransportError || err instanceof BoxDataError)) throw err;
    for (const r of host.runs) out.set(r.runId, { error: `the checkpoints could not be listed: ${err.message}` });
    return out;
  }
  for (const r of host.runs) {
    try {
      out.set(r.runId, await syncOne(r, listing, dirs.get(r.runId)!, records.get(r.runId)!, cfg, target, budget, warn));
    } catch (err) {
      // Whatever the runner's disk or a racing box did to this run's sync is this run's error; the tick goes on.
      out.set(r.runId, { error: `the sync stopped: ${(err as Error).message.slice(0, 300)}` });
    }
  }
  return out;
}

/** One run's part of a host's sync (its files pulled into staging, verified, kept or discarded). */
async function syncOne(
  r: HostToSync['runs'][number],
  listing: Awaited<ReturnType<typeof listSettled>>,
  dir: string,
  record: SyncRecord,
  cfg: SyncConfig,
  target: PullTarget,
  budget: DiskBudget,
  warn: (m: string) => void,
): Promise<RunSync | { error: string }> {
  {
    const listed = listing.runs.find((x) => x.id === r.runId);
    if (!listed) return { error: 'the box did not list this run' };
    if (listed.error !== null) return { error: `the box could not list its checkpoints: ${listed.error}` };
    mkdirSync(dir, { recursive: true });
    dropStale(dir, listed.files);
    const staged = (f: BoxCheckpoint, v: string) => join(dir, STAGING, v, f.path);
    // What the scan saw as each file's bytes landed (a torch zip's CRCs and NaN/Inf), by staging folder.
    const scanned = new Map<string, StreamScans | undefined>();
    const result = await syncRun(listed.files, listing.now, record, cfg.keep, r.stepHint, {
      pull: async (f, v) => {
        // The box says how big a file is: a claim that would fill the runner's disk is refused before a byte
        // moves, against one budget for the whole tick (every host and run), reserved before the pull.
        const room = freeBytes(dir);
        if ((room !== null && f.bytes > room - RUNNER_RESERVE) || !budget.take(f.bytes))
          return {
            error: `${f.path} is ${human(f.bytes)}, more than the runner can hold this tick (${human(Math.min(budget.left(), Math.max(0, (room ?? 0) - RUNNER_RESERVE)))} to spare under ${dir}, ${human(RUNNER_RESERVE)} kept free); not pulled`,
            network: false,
          };
        try {
          let sha256 = '';
          const got = await streamFiles(target, listed.workdir, [{ path: f.path, bytes: f.bytes, mtime: f.mtimeExact }], join(dir, STAGING, v), {
            parallel: 1,
            sink: (path) => streamScanFor(path),
            // The sink is the scan made above for this file.
            onArrived: (a, sink) => {
              sha256 = a.sha256;
              scanned.set(v, (sink as StreamScan | undefined)?.scans());
            },
          });
          return { moved: got.bytesThisRun, sha256 };
        } catch (err) {
          budget.give(f.bytes);
          if (err instanceof PullError) return { error: err.message, network: err.network };
          throw err;
        }
      },
      verify: async (f, v) => {
        const src = await fileSource(staged(f, v));
        try {
          const res = await verifyOne(f.path, src, scanned.get(v));
          if (!res.ok) return problemsText(res) || `not a valid ${res.format} file`;
        } finally {
          await src.close();
        }
        return cfg.trustedLoadCommand ? trustedLoad(cfg.trustedLoadCommand, staged(f, v), dir) : null;
      },
      promote: (f, v, version) => {
        const final = join(dir, version, f.path);
        mkdirSync(dirname(final), { recursive: true });
        renameSync(staged(f, v), final);
        pruneEmpty(dirname(staged(f, v)), dir);
      },
      discard: (f, v, isStaged) => {
        const p = join(dir, isStaged ? STAGING : '', v, f.path);
        rmSync(p, { force: true });
        pruneEmpty(dirname(p), dir);
      },
      now: () => new Date(),
    });
    result.record = { ...result.record, done: doneCells(result.record, r.finishedCells ?? [], result.error ? null : listed.held) };
    writeRecord(dir, result.record);
    if (listed.tooLarge > 0 && !result.error)
      result.error = `${listed.tooLarge} checkpoint file(s) are larger than the runner can hold (${human(Math.max(0, (freeBytes(dir) ?? 0) - RUNNER_RESERVE))} to spare under ${dir}); not pulled`;
    // Never silently: a checkpoint whose name tether does not take (a symlink, spaces, a leading dash) is not synced.
    if (listed.skipped > 0)
      warn(
        `sync: ${r.runId}: ${listed.skipped} newer checkpoint file(s) are symlinks or have names tether does not take (letters, digits, . _ - and /); not synced`,
      );
    return result;
  }
}
