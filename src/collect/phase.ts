import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CollectConfig } from '../config/collect.ts';
import type { CollectPhaseConfig } from './parse.ts';
import { progressLine } from './progress.ts';
import type { PhaseContext } from '../ports/types.ts';
import { loadCredential } from '../ssh/keys.ts';
import { macKeyOf } from '../ssh/sign.ts';
import { InputError } from '../config/errors.ts';
import { listFiles } from '../remote/manifest.ts';
import type { Reporter } from '../report/reporter.ts';
import { openPinned } from '../ssh/open.ts';
import { PullError } from '../transfer/types.ts';
import { pullTargetFor } from '../transfer/ssh-args.ts';
import { streamPull, type Arrived } from '../transfer/stream.ts';
import { renderCard } from '../teardown/card.ts';
import { lookAtRun, stateOfLook } from '../patrol/look.ts';
import { probeOn } from '../remote/probe.ts';
import { inert } from '../report/markdown.ts';
import { allEnded, whereText, type RunState } from '../record/run-state.ts';
import { budgetWarning, planArtifacts, renderArtifacts, type ArtifactUploader, type UploadedArtifact } from './artifacts.ts';
import { fileSource } from '../verify/file-source.ts';
import type { Listing, Manifest } from '../record/manifest.ts';
import { renderCollect, renderPullFailure } from './report.ts';
import { collect, type CollectOutcome } from './collect.ts';
import { trustedLoad } from '../verify/trusted-load.ts';
import { filesSha256, manifestSha256, VERIFIED_MAC, verifiedMac } from '../record/verified.ts';
import { streamScanFor, type StreamScan, type StreamScans } from '../verify/stream-scan.ts';
import { collectNodes, type BoxCollect, type BoxResult } from './nodes.ts';
import { listLocal, removeProofs } from './local.ts';

/** The pinned OpenSSH pull of the listed files (one pass over each byte on the box); the reason it stopped, or null. */
async function pull(
  cfg: CollectConfig,
  puller: ReturnType<typeof streamPull>,
  listing: Listing,
  dest: string,
  reporter: Reporter,
  arrived: (f: Arrived, scans?: StreamScans) => void,
): Promise<string | null> {
  try {
    await puller.run(listing.workdir, listing.files, dest, {
      parallel: cfg.parallel,
      // Every byte also goes through a zip walk as it lands: a torch checkpoint's CRCs and NaN/Inf scan are done on arrival.
      sink: (path) => streamScanFor(path),
      // The sink is the scan made above for this file.
      onArrived: (f, sink) => arrived(f, (sink as StreamScan | undefined)?.scans()),
      onProgress: (p) => reporter.info(progressLine(p)),
    });
    return null;
  } catch (err) {
    if (err instanceof PullError) return err.message;
    throw err;
  }
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** Said loudly: results of a run that is still live are mid-run results, and teardown will refuse while it runs. */
function liveWarning(runId: string, s: RunState): string | null {
  if (allEnded(s)) return null;
  return `run ${runId} is live (${whereText(s)}): these are mid-run results; the proof records it as not ended, so teardown refuses while it runs unless stop-running: true`;
}

/** Checkpoints newer than the run's end were written by something else (another run into the same folder). */
function foreignWarning(runId: string, s: RunState, foreign: string[]): string | null {
  if (!foreign.length) return null;
  const names = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ` and ${foreign.length - 10} more` : '');
  return `foreign-checkpoints: ${foreign.length} file(s) are newer than run ${runId}'s end (${s.finished_at}), so another run or process wrote them: ${names}`;
}

/** The outputs every collect sets, verified or not (`verifiedPath` null when not verified; no hashes when the pull stopped). */
function recordOutputs(reporter: Reporter, listing: Listing, m: { manifest: Manifest; text: string } | null, dest: string, verifiedPath: string | null): void {
  reporter.output('verified', String(verifiedPath !== null));
  reporter.output('verified-path', verifiedPath ?? '');
  reporter.output('manifest-sha256', m ? manifestSha256(m.text) : '');
  reporter.output('files-sha256', m ? filesSha256(m.manifest) : '');
  reporter.output('files', String(listing.files.length));
  reporter.output('bytes', String(listing.total_bytes));
  reporter.output('dest', dest);
}

/** Uploads the checkpoints and the records (manifest, and VERIFIED.json when verified); the summary block and the first failure. */
async function uploadArtifacts(
  uploader: ArtifactUploader,
  cfg: CollectConfig & { artifactLabel: string },
  manifest: Manifest,
  text: string,
  dest: string,
  verifiedPath: string | null,
  reporter: Reporter,
): Promise<{ summary: string; error: string | null }> {
  const records = [
    { path: 'manifest.json', bytes: Buffer.byteLength(text) },
    ...(verifiedPath ? [{ path: 'VERIFIED.json', bytes: statSync(verifiedPath).size }] : []),
    ...(verifiedPath && existsSync(join(dest, VERIFIED_MAC)) ? [{ path: VERIFIED_MAC, bytes: statSync(join(dest, VERIFIED_MAC)).size }] : []),
  ];
  const plans = planArtifacts(
    cfg.artifactLabel,
    filesSha256(manifest),
    dest,
    manifest.files.filter((f) => existsSync(join(dest, f.path))),
    records,
    verifiedPath !== null,
  );
  const warning = budgetWarning(plans, cfg.artifactBudgetBytes, cfg.retentionDays);
  if (warning) reporter.warn(`collect: ${warning}`);
  const uploaded: UploadedArtifact[] = [];
  let error: string | null = null;
  try {
    for (const plan of plans) {
      reporter.info(`collect: uploading artifact ${plan.name} (${plan.files.length} files, ${mb(plan.bytes)})`);
      const u = await uploader.upload(plan, cfg.retentionDays);
      uploaded.push(u);
      reporter.info(
        `collect: artifact ${u.name} ${u.reused ? 'with the same files was already uploaded in this workflow run, kept' : 'uploaded'}: id ${u.id}, ${mb(u.size)}, sha256 ${u.digest}`,
      );
    }
  } catch (err) {
    error = (err as Error).message;
  }
  const [cp, rec] = uploaded;
  if (cp) {
    reporter.output('artifact-name', cp.name);
    reporter.output('artifact-id', String(cp.id));
    reporter.output('artifact-digest', cp.digest);
  }
  if (rec && verifiedPath) reporter.output('verified-artifact', rec.name);
  return { summary: renderArtifacts(uploaded, warning) + (error ? `\n\n❌ ${error}` : ''), error };
}

/**
 * Collect: the listing on the box → one pass over the bytes through pinned, resumable OpenSSH (hashed by the
 * box as it sends and by the runner as it lands), each file load-verified as it arrives (no checkpoint code
 * runs) → manifest.json → bidirectional completeness → VERIFIED.json only when every file passed. Returns 0
 * when verified, 1 otherwise.
 */
export async function collectPhase(cfg: CollectPhaseConfig, ctx: PhaseContext): Promise<number> {
  const uploader = uploaderFor(cfg, ctx);
  if (cfg.nodes) return collectNodes(cfg, cfg.nodes, ctx, (one, r) => collectBox(one, r, uploader));
  const dest = join(resolve(ctx.ports.workspace, cfg.destDir), cfg.runId);
  return (await collectBox({ ...cfg, dest, artifactLabel: cfg.runId, cardShown: true }, ctx.reporter, uploader)).exit;
}

/** The artifact service, or undefined; an explicit artifact request that cannot work is an input error, decided before anything touches the box. */
function uploaderFor(cfg: CollectPhaseConfig, ctx: PhaseContext): ArtifactUploader | undefined {
  const artifacts = ctx.ports.artifacts?.();
  const noUpload = artifacts ? artifacts.unavailable() : 'this is the CLI: artifacts are uploaded by the collect action';
  if (cfg.artifact !== 'none' && noUpload && cfg.artifactExplicit)
    throw new InputError('artifact', `${cfg.artifact} needs the GitHub Actions artifact service, but ${noUpload}; use artifact: none`);
  return cfg.artifact !== 'none' && !noUpload ? artifacts : undefined;
}

/** Collect from one box (the run's, or one node of a run on many boxes) into `cfg.dest`: 0 when verified. */
async function collectBox(cfg: BoxCollect, reporter: Reporter, uploader: ArtifactUploader | undefined): Promise<BoxResult> {
  const conn = cfg.conn;
  const pinned = { conn, cred: loadCredential(conn.key) };
  const dest = cfg.dest;
  try {
    mkdirSync(dest, { recursive: true });
  } catch (err) {
    throw new InputError('dest-dir', `cannot create ${dest}: ${(err as Error).message}`);
  }
  const verifiedPath = join(dest, 'VERIFIED.json');
  removeProofs(dest); // an old proof never stands for a new collect, at any depth under the destination
  const { session } = await openPinned(pinned, reporter);
  const box = {
    host: conn.host,
    port: conn.port,
    host_key_fingerprint: session.hostFingerprint,
    provider: cfg.card?.provider ?? null,
    instance_id: cfg.card?.instanceId ?? null,
  };
  // The bulk connection opens now, while the control connection lists the files.
  const puller = streamPull(pullTargetFor(pinned.conn, pinned.cred, session, cfg.stallTimeoutS));
  let outcome;
  try {
    outcome = await collect(box, {
      look: async () => {
        const at = new Date();
        const state = stateOfLook(await lookAtRun(cfg.runId, (runs) => probeOn(session, cfg.runRoot, runs), at), at);
        reporter.info(`collect: run ${cfg.runId} is ${whereText(state)}`);
        return state;
      },
      list: async () => {
        const listing = await listFiles(session, cfg.runRoot, cfg.runId, { latestOnly: cfg.latestOnly, roster: cfg.roster, cells: cfg.cells });
        reporter.info(
          `collect: the box lists ${listing.files.length} files, ${mb(listing.total_bytes)}${listing.latest_only ? ' (latest checkpoint only)' : ''}`,
        );
        const links = listing.skipped_symlinks;
        if (links)
          reporter.warn(
            `collect: ${links.count} symlink(s) matched the checkpoint globs and were skipped (never followed or pulled): ${links.names.join(', ')}${links.count > links.names.length ? ', …' : ''}`,
          );
        return listing;
      },
      pull: (listing, arrived) => pull(cfg, puller, listing, dest, reporter, arrived),
      writeRecord: (name, text) => {
        const tmp = `${join(dest, name)}.tmp`;
        writeFileSync(tmp, text);
        renameSync(tmp, join(dest, name));
      },
      listLocal: () => listLocal(dest),
      open: (path) => fileSource(join(dest, path)),
      ...(cfg.trustedLoadCommand ? { trustedLoad: (path: string) => trustedLoad(cfg.trustedLoadCommand as string, join(dest, path), dest) } : {}),
      now: () => new Date(),
    });
  } finally {
    puller.close();
    session.close();
  }
  return { exit: await reportOutcome(cfg, outcome, dest, verifiedPath, uploader, reporter), outcome };
}

/** What a collect says when it ends: warnings, the summary (records, artifacts, teardown card) and the exit code. */
async function reportOutcome(
  cfg: BoxCollect,
  outcome: CollectOutcome,
  dest: string,
  verifiedPath: string,
  uploader: ArtifactUploader | undefined,
  reporter: Reporter,
): Promise<number> {
  const ok = outcome.verified;
  const live = liveWarning(cfg.runId, outcome.runState);
  if (live) reporter.warn(`collect: ${live}`);
  const foreign = foreignWarning(cfg.runId, outcome.runState, outcome.foreign);
  if (foreign) reporter.warn(`collect: ${foreign}`);
  const notes = [live, foreign].filter((n): n is string => n !== null).map((n) => `> ⚠️ **${inert(n)}**`);
  if (outcome.pullFailure !== null) {
    recordOutputs(reporter, outcome.listing, null, dest, null);
    reporter.summary([renderPullFailure(cfg.runId, outcome.pullFailure), ...notes].join('\n\n'));
    reporter.error(`collect: pull failed, nothing marked verified: ${outcome.pullFailure}`);
    return 1;
  }
  const { manifest, text, reports } = outcome;
  const c = outcome.completeness;
  const summary = [renderCollect(cfg.runId, manifest, reports, c, ok ? verifiedPath : null), ...notes];
  recordOutputs(reporter, outcome.listing, { manifest, text }, dest, ok ? verifiedPath : null);

  // The proof's MAC under the runner key: what lets the patrol know this VERIFIED.json as tether's own (after-verified).
  const key = ok ? macKeyOf(cfg.conn.key) : null;
  if (key) writeFileSync(join(dest, VERIFIED_MAC), verifiedMac(key, readFileSync(verifiedPath, 'utf8')));
  let uploadError: string | null = null;
  if (uploader && (ok || cfg.artifact === 'all')) {
    const up = await uploadArtifacts(uploader, cfg, manifest, text, dest, ok ? verifiedPath : null, reporter);
    uploadError = up.error;
    summary.push(up.summary);
  } else if (cfg.artifact !== 'none' && !ok) {
    summary.push('#### Artifacts\n\nNothing uploaded: the collect is not verified (`artifact: all` uploads unverified files too, named `…-unverified`).');
  }
  if (cfg.card && cfg.cardShown)
    summary.push(
      renderCard({
        ...cfg.card,
        runId: cfg.runId,
        verified: ok ? { files: manifest.file_count, bytes: manifest.total_bytes } : null,
        run: { state: outcome.runState, source: `seen on the box at ${outcome.runState.observed_at}` },
        now: new Date(),
      }),
    );
  reporter.summary(summary.join('\n\n'));
  if (!ok) {
    const reasons = outcome.reasons;
    reporter.error(`collect: not verified, nothing marked verified: ${reasons.join(' | ')}`);
    if (uploadError) reporter.error(`collect: ${uploadError}`);
    return 1;
  }
  reporter.info(`collect: verified ${manifest.file_count} files, ${mb(manifest.total_bytes)}; wrote ${verifiedPath}`);
  if (uploadError) {
    reporter.error(`collect: verified, but ${uploadError}`);
    return 1;
  }
  return 0;
}
