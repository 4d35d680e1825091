import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FULL_OID, parseSmoke, smokeGate, type SmokeRecord } from './smoke.ts';
import type { AuditPhaseConfig } from '../config/audit.ts';
import { jumpAddress, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import type { LaunchConfig, LaunchPhaseConfig, RestoreFile } from '../config/launch.ts';
import type { PhaseContext } from '../ports/types.ts';
import { renderAudit, renderLaunch } from './render.ts';
import type { Reporter } from '../report/reporter.ts';
import { InputError } from '../config/errors.ts';
import { code, inert } from '../report/markdown.ts';
import { loadCredential, type Credential } from '../ssh/keys.ts';
import type { Session } from '../ssh/client.ts';
import { openPinned } from '../ssh/open.ts';
import { sortedJson } from '../record/spec.ts';
import { launch, runAudit } from './launch.ts';
import { launcherOf, register } from './register.ts';
import { launchNodes } from './nodes.ts';
import { packRelease, releasesDir, uploadRelease, type Release } from './release.ts';
import { pushCheckpoint } from '../transfer/push.ts';
import { pullTargetFor } from '../transfer/ssh-args.ts';
import { BACKEND_LIST } from '../backends/index.ts';

/** Opens the pinned session (the config was parsed before: nothing here is an input error but the key file). */
async function open(conn: ConnectionConfig, reporter: Reporter): Promise<{ cred: Credential; session: Session; hostKeyNote?: string }> {
  const cred = loadCredential(conn.key);
  const { session, hostKeyNote } = await openPinned({ conn, cred }, reporter);
  reporter.output('host-key-fingerprint', session.hostFingerprint);
  return { cred, session, ...(hostKeyNote ? { hostKeyNote } : {}) };
}

/** The audit phase: one read-only probe and the gate. Returns the process exit code. */
export async function auditPhase(cfg: AuditPhaseConfig, ctx: PhaseContext): Promise<number> {
  const { reporter } = ctx;
  const { session } = await open(cfg.conn, reporter);
  try {
    const a = await runAudit(session, cfg.audit);
    reporter.output('passed', String(a.gate.pass));
    reporter.output('report', JSON.stringify(a.report));
    reporter.summary(renderAudit(a));
    for (const w of a.gate.warnings) reporter.warn(w);
    for (const f of a.gate.failures) reporter.error(`audit: ${f}`);
    return a.gate.pass ? 0 : 3;
  } finally {
    session.close();
  }
}

/**
 * The smoke gate (`require-smoke`), before anything touches the box: the record from `smoke-record`, or the
 * artifact `tether-smoke-<commit>` of this workflow run. A refusal's reason, or the line for the summary.
 */
async function smokeCheck(
  cfg: LaunchConfig,
  env: Inputs,
  workspace: string,
  fetch: ((name: string, dir: string) => Promise<unknown>) | undefined,
): Promise<{ refused: string } | { note: string | null }> {
  const s = cfg.smoke;
  if (s.kind === 'off') return { note: null };
  if (s.kind === 'waived') return { note: `⚠️ Launched without a smoke run (smoke-waiver): ${inert(s.reason)}` };
  const commit = cfg.commit ?? (env['GITHUB_SHA'] ?? '').trim();
  if (!FULL_OID.test(commit))
    return {
      refused: `require-smoke needs the full id of the commit being launched (40 or 64 hex${commit ? `, not ${commit.slice(0, 64)}` : ''}): give commit (or run in a workflow, where GITHUB_SHA is set)`,
    };
  let text: string | null;
  let found: string;
  if (s.recordPath) {
    const path = resolve(workspace, s.recordPath);
    found = `smoke-record ${path}`;
    text = existsSync(path) ? readFileSync(path, 'utf8') : null;
  } else {
    const name = `tether-smoke-${commit}`;
    found = `artifact ${name} of this workflow run`;
    if (!fetch) return { refused: `require-smoke: give smoke-record (the path of tether-smoke.json); on a terminal there is no ${found}` };
    const dir = mkdtempSync(join(tmpdir(), 'tether-smoke-'));
    try {
      await fetch(name, dir);
      const file = join(dir, 'tether-smoke.json');
      text = existsSync(file) ? readFileSync(file, 'utf8') : null;
    } catch (err) {
      // Not found, or the artifact service failed: either way there is no record, and the refusal says why.
      text = null;
      found += `: ${(err as Error).message.split('\n')[0]}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let record: SmokeRecord | null = null;
  if (text !== null) {
    try {
      record = parseSmoke(text);
    } catch (err) {
      return { refused: `require-smoke: the smoke record (${found}) is unreadable: ${(err as Error).message}` };
    }
  }
  const g = smokeGate(record, commit, found);
  return g.ok ? { note: `✅ ${inert(g.note)}` } : { refused: g.why };
}

/** The launch phase. Returns the process exit code (0 started; 1 refused or failed; 3 blocked by a gate). */
export async function launchPhase(phaseCfg: LaunchPhaseConfig, ctx: PhaseContext): Promise<number> {
  const { env, reporter, ports } = ctx;
  const { workspace, fetchArtifact } = ports;
  const cfg = phaseCfg.launch;
  const store = phaseCfg.store ? ports.statusStore?.(phaseCfg.store) : undefined;
  if (phaseCfg.store && !store?.register)
    throw new InputError('report-to', 'needs the GitHub API, which only the action has (on a terminal, patrol with host and run-ids)');
  const secrets = phaseCfg.secrets;
  for (const [, value] of secrets) reporter.mask(value);
  // With a scheduler (Slurm) the audit runs on the login node: its disk (the shared run root) counts, its GPUs do not.
  const onLoginHost = BACKEND_LIST.find((b) => b.name === cfg.backend)?.jobOnLoginHost ?? true;
  const auditCfg = cfg.audit ? { ...phaseCfg.audit, ...(onLoginHost ? {} : { requireGpu: false }) } : undefined;
  const smoke = await smokeCheck(cfg, env, workspace, fetchArtifact ? (n, d) => fetchArtifact(n, d) : undefined);
  if ('refused' in smoke) {
    reporter.output('result', 'blocked');
    reporter.output('run-id', cfg.runId);
    reporter.summary(`### ⛔ tether launch of ${code(cfg.runId)} blocked before touching the box\n\n${inert(smoke.refused)}`);
    reporter.error(`launch blocked: ${smoke.refused}`);
    return 3;
  }
  if (smoke.note) reporter.summary(smoke.note);
  const release = cfg.sync ? packRelease(cfg.sync.dir, cfg.sync.mode, workspace) : undefined;
  if (phaseCfg.nodes) return await launchNodes(phaseCfg, ctx, { release, auditCfg, store });
  const conn = phaseCfg.conn;
  const { cred, session, hostKeyNote } = await open(conn, reporter);
  try {
    const floor = phaseCfg.audit;
    const rec = phaseCfg.recovery;
    // A recovery: the code first, then the newest verified checkpoints into their folders, then the job (issue 27 §2).
    if (rec?.restore.length && release) await restoreInto(session, conn, cred, cfg, release, rec.restore, reporter);
    const o = await launch(
      rec ? { ...cfg, attemptFloor: rec.attemptFloor, doneCells: rec.doneCells } : cfg,
      [...cfg.env, ...secrets],
      auditCfg,
      { session, now: () => new Date(), log: (l) => reporter.info(l), diskFloor: { bytes: floor.minFreeGb * 1e9, inodes: floor.minFreeInodes } },
      release,
    );
    // Already running: nothing starts; with a registry the live run is registered (a failed registration is fixed by relaunching).
    const registersLive = o.result === 'refused' && o.refusal === 'alive' && !!store?.register;
    reporter.output('result', registersLive ? 'registered' : o.result);
    reporter.output('run-id', o.runId);
    reporter.output('attempt', String(o.attempt));
    reporter.output('handle', o.handle);
    reporter.output('run-dir', o.runDir);
    reporter.summary(renderLaunch(o, `${conn.user}@${conn.host}:${conn.port}`, hostKeyNote));
    for (const w of o.warnings) reporter.warn(w);
    // The summary shows them too: in a terminal it is on screen already, on GitHub it is on another page.
    if (o.logHead.trim() && !reporter.summaryInLog) reporter.info(`first lines of the job log:\n${o.logHead.trimEnd()}`);
    if (registersLive && store?.register) {
      // A run whose registration failed (a read-only token, say) is registered now, with the live attempt the box reported.
      reporter.info(`launch: ${o.message.split('\n').join(' ')}; nothing was started, the running attempt is registered for the patrol`);
      return await register(store.register.bind(store), o, cfg, conn, session, cred, reporter, launcherOf(env), release?.id ?? null, phaseCfg.policy);
    }
    if (o.result !== 'started') {
      reporter.error(`launch ${o.result}: ${o.message.split('\n').join(' ')}`);
      return o.result === 'blocked' ? 3 : 1;
    }
    const runFile = resolve(workspace, phaseCfg.runFile);
    // What later phases (patrol, collect, teardown) read instead of re-deriving it (runbook R34).
    writeFileSync(
      runFile,
      sortedJson({
        schema: 'tether.run/v1',
        run_id: o.runId,
        attempt: o.attempt,
        backend: cfg.backend,
        handle: o.handle,
        pid: o.pid,
        run_root: cfg.runRoot,
        run_dir: o.runDir,
        started_at: o.startedAt,
        host: conn.host,
        port: conn.port,
        user: conn.user,
        host_key_fingerprint: session.hostFingerprint,
        jump_host: conn.jump ? jumpAddress(conn.jump) : null,
        provider: cfg.provider ?? null,
        instance_id: cfg.instanceId ?? null,
        checkpoints: cfg.checkpoints,
        expected_duration_s: cfg.expectedDurationS ?? null,
        commit: cfg.commit ?? null,
        release: release?.id ?? null,
      }) + '\n',
    );
    reporter.output('run-file', runFile);
    reporter.info(`launch: ${o.message}; run record ${o.runDir}; wrote ${runFile}`);
    if (!store?.register) return 0;
    const recovered = rec
      ? {
          recoveries: rec.recoveries,
          previous: rec.previous,
          // The step check is the run's: a sweep's cells each resume from their own (listed in the summary).
          restored: rec.restore.length === 1 && !cfg.sweep ? { path: rec.restore[0]!.path, step: rec.restore[0]!.step, sha256: rec.restore[0]!.sha256 } : null,
        }
      : undefined;
    return await register(store.register.bind(store), o, cfg, conn, session, cred, reporter, launcherOf(env), release?.id ?? null, phaseCfg.policy, recovered);
  } finally {
    session.close();
  }
}

/** The release on the new box, then each checkpoint pushed into its folder inside it (one pass each, hashed on both sides). */
async function restoreInto(
  session: Session,
  conn: ConnectionConfig,
  cred: Credential,
  cfg: LaunchConfig,
  release: Release,
  files: readonly RestoreFile[],
  reporter: Reporter,
): Promise<void> {
  const up = await uploadRelease(session, cfg.runRoot, release);
  reporter.info(`recover: release ${release.id} ${up.stored ? 'uploaded to' : 'already at'} ${up.path}`);
  const target = pullTargetFor(conn, cred, session);
  for (const f of files) {
    const t0 = Date.now();
    const r = await pushCheckpoint(target, `${releasesDir(cfg.runRoot)}/${release.id}`, f);
    reporter.info(
      `recover: restored ${f.path}${f.cell ? ` (cell ${f.cell})` : ''} (${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}…, step ${f.step ?? 'unknown'}) to ${r.path} in ${Date.now() - t0} ms`,
    );
  }
}
