import { join } from 'node:path';
import type { ArtifactUploader } from '../ports/types.ts';
import type { PatrolConfig } from '../config/patrol.ts';
import type { HostEntry } from '../config/tether-file.ts';
import { human } from '../report/bytes.ts';
import type { Reporter } from '../report/reporter.ts';
import type { Credential } from '../ssh/keys.ts';
import { runSyncDir } from './paths.ts';
import { syncBudget, syncHost } from './phase.ts';
import { versionDir } from './plan.ts';
import type { SyncEntry } from './record.ts';
import type { RunSync } from './sync.ts';
import { eachLimit } from '../util/pool.ts';
import type { SyncMemory } from '../patrol/memory.ts';
import type { State } from '../patrol/remediation.ts';
import type { TickResult } from '../patrol/tick.ts';
import { withFlag } from '../patrol/verdict.ts';

/**
 * A run's synced checkpoints live on one runner. Another runner (a cron patrol beside a follow on its own runner)
 * leaves the run to that one while its last sync is younger than this; after that, the owner is gone and it takes over.
 */
export const SYNC_OWNER_STALE_MS = 2 * 3600_000;

/** Which runs this runner syncs, and which it leaves to the runner that holds them. Pure. */
export function syncOwnership(
  runIds: readonly string[],
  memory: TickResult['memory'],
  runner: string,
  now: Date,
): { mine: string[]; left: Array<{ runId: string; owner: string }>; takenOver: Array<{ runId: string; owner: string; at: string }> } {
  const mine: string[] = [];
  const left: Array<{ runId: string; owner: string }> = [];
  const takenOver: Array<{ runId: string; owner: string; at: string }> = [];
  for (const runId of runIds) {
    const s = memory.runs[runId]?.sync;
    const owner = s?.runner;
    if (!s || !owner || owner === runner) mine.push(runId);
    else if (now.getTime() - Date.parse(s.at) < SYNC_OWNER_STALE_MS) left.push({ runId, owner });
    else {
      mine.push(runId);
      takenOver.push({ runId, owner, at: s.at });
    }
  }
  return { mine, left, takenOver };
}

/** States whose checkpoints a sync pulls: the box answered and the run record is there. */
const SYNCED: readonly State[] = ['launching', 'running', 'stalled', 'finished', 'failed', 'dead', 'rebooted', 'requeued'];

/**
 * The checkpoint sync after the tick (`sync`): per host at once, the runs the tick observed; each run's
 * standing goes into its tick memory and its verdict (`bad-checkpoint`). One host's trouble is its runs' warning.
 */
export async function syncAll(
  cfg: PatrolConfig,
  hosts: HostEntry[],
  byName: Map<string, HostEntry & { cred: Credential }>,
  result: TickResult,
  workspace: string,
  reporter: Reporter,
  uploader: ArtifactUploader | undefined,
  runner: string,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const warn = (m: string) => reporter.warn(m);
  // One disk budget for the whole tick: every host's and run's pulls reserve from it.
  const budget = syncBudget(cfg.sync, workspace);
  await eachLimit(hosts, cfg.concurrency, async (h) => {
    const e = byName.get(h.name)!;
    // A preempted run whose box still answered this tick (EC2's two-minute window: it has a heartbeat reading)
    // gets one more sync: what its job saved on the notice is the newest the recovery can restore.
    const candidates = result.verdicts.filter((v) => v.host === h.name && (SYNCED.includes(v.state) || (v.state === 'preempted' && v.heartbeatAgeS !== null)));
    const own = syncOwnership(
      candidates.map((v) => v.runId),
      result.memory,
      runner,
      new Date(),
    );
    for (const l of own.left) {
      reporter.info(`sync: ${l.runId}: synced by runner ${l.owner}, which holds its checkpoints; not synced here`);
      out[l.runId] = { synced_by: l.owner };
    }
    for (const t of own.takenOver) reporter.info(`sync: ${t.runId}: runner ${t.owner} last synced it at ${t.at}; runner ${runner} takes it over`);
    const runs = candidates
      .filter((v) => own.mine.includes(v.runId))
      .map((v) => ({ runId: v.runId, stepHint: v.step, finishedCells: (v.cells ?? []).filter((c) => c.state === 'finished').map((c) => c.runId) }));
    if (!runs.length) return;
    let done: Awaited<ReturnType<typeof syncHost>>;
    try {
      done = await syncHost({ conn: e.conn, cred: e.cred, runRoot: e.runRoot, runs }, cfg.sync, workspace, warn, budget);
    } catch (err) {
      // Never the patrol's end: whatever broke is each of this host's runs' sync error, and the tick writes status.
      done = new Map(runs.map((r) => [r.runId, { error: `the sync stopped: ${(err as Error).message.slice(0, 300)}` }]));
    }
    const at = new Date().toISOString();
    for (const [runId, r] of done) {
      const m = result.memory.runs[runId];
      const v = result.verdicts.find((x) => x.runId === runId);
      if (!m || !v) continue;
      if ('record' in r) {
        m.sync = { ...syncMemory(r, runSyncDir(cfg.sync, workspace, runId), at), ...(m.sync?.artifacts ? { artifacts: m.sync.artifacts } : {}), runner };
        if (uploader && r.newest) await uploadNewest(uploader, cfg, runId, r.newest, runSyncDir(cfg.sync, workspace, runId), m.sync, reporter);
        for (const j of r.judged)
          reporter.info(
            `sync: ${runId}: ${j.path}${j.cell ? ` (cell ${j.cell})` : ''} ${j.status === 'verified' ? 'verified' : `failed verification: ${j.why}`}`,
          );
      } else m.sync = { ...(m.sync ?? { newest: null, bad: null }), at, error: r.error, runner };
      if (m.sync.error) reporter.warn(`sync: ${runId}: ${m.sync.error}`);
      out[runId] = {
        newest: m.sync.newest?.where ?? null,
        step: m.sync.newest?.step ?? null,
        written_at: m.sync.newest?.writtenAt ?? null,
        bad: m.sync.bad?.path ?? null,
        artifact: m.sync.newest?.artifact ?? null,
        judged: 'record' in r ? r.judged.length : 0,
        moved: 'record' in r ? r.moved : 0,
        error: m.sync.error,
      };
      Object.assign(v, withFlag(v, 'bad-checkpoint', m.sync.bad !== null));
    }
  });
  return out;
}

/** A run's sync standing for the tick memory: where its newest verified checkpoint is on the runner. */
function syncMemory(r: RunSync, dir: string, at: string): SyncMemory {
  const n = r.newest;
  return {
    newest: n ? { path: n.path, cell: n.cell, step: n.step, writtenAt: n.writtenAt, where: join(dir, versionDir(n), n.path), sha256: n.sha256 } : null,
    // standing() gives a bad file only when it is the newest judged of its own cell: news even beside another
    // cell's newer good one.
    bad: r.bad ? { path: r.bad.path, cell: r.bad.cell, writtenAt: r.bad.writtenAt, why: r.bad.why ?? 'failed verification' } : null,
    at,
    error: r.error,
  };
}

/** Sync artifacts remembered per run (the newest first). */
const SYNC_ARTIFACTS_MAX = 8;

/**
 * Uploads the run's newest verified checkpoint as `tether-sync-<run>-<sha256[:12]>` unless that one was
 * uploaded already (named by content: one artifact per checkpoint, not one per tick). Older sync artifacts
 * of the run are reported with their sizes; deleting them is the user's call. A failed upload is a warning:
 * the checkpoint stays on the runner.
 */
async function uploadNewest(
  uploader: ArtifactUploader,
  cfg: PatrolConfig,
  runId: string,
  n: SyncEntry,
  dir: string,
  s: SyncMemory,
  reporter: Reporter,
): Promise<void> {
  const name = `tether-sync-${runId}-${n.sha256.slice(0, 12)}`;
  const had = s.artifacts ?? [];
  if (had.some((a) => a.name === name)) {
    if (s.newest) s.newest.artifact = name;
    return;
  }
  const older = had.reduce((sum, a) => sum + a.bytes, 0);
  if (older + n.bytes > cfg.sync.artifactBudgetBytes)
    reporter.warn(
      `sync: ${runId}: its sync artifacts come to ${human(older + n.bytes)} with this one, over the artifact-budget of ${human(cfg.sync.artifactBudgetBytes)}; older ones: ${had.map((a) => `${a.name} (${human(a.bytes)})`).join(', ')}`,
    );
  try {
    const u = await uploader.upload({ kind: 'checkpoints', name, root: join(dir, versionDir(n)), files: [n.path], bytes: n.bytes }, cfg.sync.retentionDays);
    reporter.info(`sync: ${runId}: uploaded artifact ${u.name} (id ${u.id}, ${human(u.size)})${u.reused ? ', kept from earlier in this workflow run' : ''}`);
    s.artifacts = [{ name, bytes: n.bytes, at: s.at }, ...had].slice(0, SYNC_ARTIFACTS_MAX);
    if (s.newest) s.newest.artifact = name;
  } catch (err) {
    reporter.warn(`sync: ${runId}: the newest checkpoint was not uploaded (${(err as Error).message}); it stays on the runner`);
  }
}
