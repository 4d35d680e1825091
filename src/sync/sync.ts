import type { BoxCheckpoint } from '../remote/checkpoints.ts';
import { judge, stagingDir, standing, stepFromName, toPull, versionDir } from './plan.ts';
import type { SyncEntry, SyncRecord } from './record.ts';

/** Everything one run's sync does to the world, handed in: the pull, the verifier, the runner's disk. */
export interface SyncDeps {
  /**
   * Pulls one file into its staging folder (`.incoming/<staging>/<path>`, resumable) through collect's stream:
   * the bytes it moved and the sha256 both ends agreed on when it arrived whole and unchanged; else why not,
   * and whether the box stopped answering (then no other file is tried).
   */
  pull(file: BoxCheckpoint, staging: string): Promise<{ moved: number; sha256: string } | { error: string; network: boolean }>;
  /** Verifies the staged file as collect does (structure, NaN/Inf, the trusted loader): null when it passed, else why not. */
  verify(file: BoxCheckpoint, staging: string): Promise<string | null>;
  /** Moves a verified file from staging to its place (`<version>/<path>`). */
  promote(file: BoxCheckpoint, staging: string, version: string): void;
  /** Deletes one copy of a file on the runner: a staged one that failed (`dir` its staging), or a kept version past `keep` (and its folders once empty). */
  discard(file: Pick<BoxCheckpoint, 'path'>, dir: string, staged: boolean): void;
  now(): Date;
}

export interface RunSync {
  record: SyncRecord;
  /** Files pulled and judged this time, and the bytes that crossed the wire for them (a resumed file: only the rest). */
  judged: SyncEntry[];
  moved: number;
  newest: SyncEntry | null;
  bad: SyncEntry | null;
  /** Why this sync stopped early (the files judged before it still count), or null. */
  error: string | null;
}

/**
 * One run's sync: pull each new settled file (newest first), verify it, keep it or discard it, then keep the
 * newest `keep` verified versions per cell. A file is recorded `verified` only after it arrived whole, with the
 * hash the box computed while it sent it, and passed verification; a file that could not be pulled is not recorded at all (its partial
 * bytes resume on the next sync). `boxNow` is the box's clock when it listed (for when a file was written).
 */
export async function syncRun(
  files: BoxCheckpoint[],
  boxNow: number,
  record: SyncRecord,
  keep: number,
  stepHint: number | null,
  deps: SyncDeps,
): Promise<RunSync> {
  const judged: SyncEntry[] = [];
  let moved = 0;
  let error: string | null = null;
  for (const f of toPull(files, record).sort((a, b) => b.mtime - a.mtime)) {
    const staging = stagingDir(f);
    const got = await deps.pull(f, staging);
    if ('error' in got) {
      error = got.error;
      if (got.network) break;
      continue;
    }
    moved += got.moved;
    const sha256 = got.sha256;
    let why: string | null;
    try {
      why = await deps.verify(f, staging);
      if (why === null) deps.promote(f, staging, versionDir({ ...f, sha256 }));
    } catch (err) {
      // The runner's disk said no (EEXIST, ENOSPC, a folder where a file goes, a rename race): this file's
      // trouble, the run's sync error; it is not recorded, so the next sync tries it again.
      error = `${f.path}: could not be put in place on the runner (${(err as Error).message.slice(0, 300)})`;
      try {
        deps.discard(f, staging, true);
      } catch {
        // already gone, or the disk refuses even that: the next sync's staging cleanup tries again
      }
      continue;
    }
    const now = deps.now();
    // The box's clock may be off: when it wrote the file is its age on the box, taken back from now.
    const writtenAt = new Date(now.getTime() - Math.max(0, boxNow - f.mtime) * 1000).toISOString();
    judged.push({
      path: f.path,
      cell: f.cell,
      bytes: f.bytes,
      mtime: f.mtime,
      sha256,
      status: why === null ? 'verified' : 'bad',
      why,
      syncedAt: now.toISOString(),
      writtenAt,
      step: stepFromName(f.path) ?? stepHint,
    });
    if (why !== null) {
      try {
        deps.discard(f, staging, true);
      } catch (err) {
        error = `${f.path}: the failed file could not be removed from staging (${(err as Error).message.slice(0, 300)})`;
      }
    }
  }
  const next = judge(record, judged, keep);
  for (const p of next.prune) {
    try {
      deps.discard(p, versionDir(p), false);
    } catch (err) {
      error ??= `${p.path}: an older version could not be pruned (${(err as Error).message.slice(0, 300)})`;
    }
  }
  return { record: next.record, judged, moved, ...standing(next.record), error };
}
