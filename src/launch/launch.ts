import type { AuditConfig } from '../config/audit.ts';
import type { LaunchConfig } from '../config/launch.ts';
import { parseAudit, type AuditReport } from '../remote/audit.ts';
import { dataLines, parseJsonLine, runScript } from '../remote/invoke.ts';
import { ARRAY, QUEUE, WRAPPER } from '../remote/scripts.ts';
import { parseMarker, type Marker } from '../record/grammar.ts';
import { confirmResult, launchResult } from '../remote/launch.ts';
import type { Session } from '../ssh/client.ts';
import { gate, slurmGate, type GateResult } from './audit-gate.ts';
import { runSlurmAudit } from '../remote/slurm-audit.ts';
import { releasesDir, uploadRelease, type Release } from './release.ts';
import { buildSpec, cellData, identity } from '../record/spec.ts';
import { parseProgress } from '../record/progress.ts';

const TRACEBACK = /Traceback \(most recent call last\)/;

export interface LaunchDeps {
  session: Session;
  now: () => Date;
  log: (line: string) => void;
  heartbeatS?: number;
  /** The audit's disk floor (min-free-gb, min-free-inodes): a sweep's queue checks it again before each cell. */
  diskFloor?: { bytes: number; inodes: number };
}

export type LaunchResult = 'started' | 'refused' | 'blocked' | 'failed';

export interface LaunchOutcome {
  result: LaunchResult;
  /** Why (refused/blocked/failed), or what was seen (started). */
  message: string;
  refusal?: string;
  runId: string;
  attempt: number;
  pid: number | null;
  handle: string;
  runDir: string;
  startedAt: string;
  logHead: string;
  /** Things the user should know even when the launch worked (e.g. a backend fallback). */
  warnings: string[];
  audit?: { report: AuditReport; gate: GateResult };
}

export async function runAudit(session: Session, cfg: AuditConfig): Promise<{ report: AuditReport; gate: GateResult }> {
  const r = await runScript(session, 'audit', [cfg.runRoot, cfg.interpreter, ...cfg.mounts], { timeoutMs: 150_000 });
  const report = parseAudit(parseJsonLine('audit', r));
  return { report, gate: gate(report, cfg) };
}

/** Audit gate → run record + detached wrapper → bounded confirmation. Never waits for the job. */
export async function launch(
  given: LaunchConfig,
  env: Array<[string, string]>,
  auditCfg: AuditConfig | undefined,
  deps: LaunchDeps,
  release?: Release,
): Promise<LaunchOutcome> {
  let cfg = given;
  const warnings: string[] = [];
  const base = { runId: cfg.runId, attempt: 0, pid: null, handle: '', runDir: '', startedAt: '', logHead: '', warnings };
  const audit = auditCfg ? await auditGate(deps, cfg, auditCfg) : undefined;
  if (audit) {
    warnings.push(...audit.gate.warnings.map((w) => `audit: ${w}`));
    if (!audit.gate.pass) {
      return { ...base, result: 'blocked', message: `the audit gate blocked the launch:\n${audit.gate.failures.map((f) => `- ${f}`).join('\n')}`, audit };
    }
  }

  if (release) {
    // The release path is the workdir, so it is part of the run's identity: a resume runs the same code.
    cfg = { ...cfg, workdir: `${releasesDir(cfg.runRoot)}/${release.id}` };
    const up = await uploadRelease(deps.session, cfg.runRoot, release);
    deps.log(`code: release ${release.id} (${release.bytes.length} bytes tar) ${up.stored ? 'uploaded to' : 'already on the box at'} ${up.path}`);
  }

  const data = dataLines(
    {
      spec: buildSpec(cfg, deps.now()),
      // Empty: use the run's recorded work (launch.sh refuses when there is none).
      identity: cfg.recorded ? '' : identity(cfg),
      command: cfg.command,
      then: cfg.then ?? '',
      workdir: cfg.workdir,
      checkpoints: cfg.checkpoints.join('\n'),
      wrapper: WRAPPER,
      ...(cfg.attemptFloor ? { attempt_floor: String(cfg.attemptFloor) } : {}),
      ...(cfg.preemptWatch ? { preempt_watch: `${cfg.preemptWatch.address} ${cfg.preemptWatch.signal}` } : {}),
      ...(cfg.parkAfter ? { park_after: `${cfg.parkAfter.seconds} ${cfg.parkAfter.how} ${cfg.parkAfter.address}` } : {}),
      ...(cfg.slurm ? { sbatch_options: cfg.slurm.sbatchOptions.join('\n'), slurm_conf: cfg.slurm.slurmConf } : {}),
      ...(cfg.sweep
        ? {
            cells: cellData(cfg),
            sweep: `${cfg.sweep.gpusPerCell} ${cfg.sweep.maxParallel} ${cfg.sweep.onCellFailure}`,
            // The GPUs the audit just saw; without an audit the box asks nvidia-smi.
            gpus: (audit?.report.gpu.gpus ?? []).map((g) => g.index).join(','),
            queue: QUEUE,
            ...(deps.diskFloor ? { disk_floor: `${Math.round(deps.diskFloor.bytes)} ${Math.round(deps.diskFloor.inodes)}` } : {}),
            ...(cfg.slurm ? { array: ARRAY } : {}),
            ...(cfg.doneCells?.length ? { done_cells: cfg.doneCells.join(' ') } : {}),
          }
        : {}),
    },
    env,
  );
  deps.log(`launch: run ${cfg.runId} with backend ${cfg.backend}${cfg.recorded ? ' (resume of the recorded command)' : cfg.resume ? ' (resume allowed)' : ''}`);
  const r = await runScript(deps.session, 'launch', [cfg.runRoot, cfg.runId, cfg.backend, cfg.resume ? '1' : '0', String(deps.heartbeatS ?? 30)], {
    data,
    timeoutMs: 60_000,
  });
  const out = launchResult(parseJsonLine('launch', r));
  const started = { ...base, attempt: out.attempt, pid: out.pid, runDir: out.run_dir, startedAt: out.started_at ?? '', handle: out.handle ?? '', audit };
  if (out.note) {
    warnings.push(out.note);
  }
  if (out.result === 'released') {
    // A parked Slurm job released by resume: the attempt is queued again and nothing new was submitted.
    deps.log(`launch: ${out.message ?? 'released'}`);
    return { ...started, result: 'started', message: out.message ?? `attempt ${out.attempt} released` };
  }
  if (out.result !== 'started') {
    return { ...started, result: 'refused', refusal: out.result, message: out.message ?? out.result };
  }

  deps.log(`launch: attempt ${out.attempt} started (pid ${out.pid}, ${out.handle}); confirming for up to ${cfg.confirmTimeoutS} s`);
  const c = await confirmWindow(deps.session, out.run_dir, out.attempt, cfg.confirmTimeoutS);
  deps.log(`launch: confirmation ended after ${c.waited} of ${cfg.confirmTimeoutS} s: ${c.why}`);
  return confirmed({ ...started, logHead: c.head }, c, out);
}

/** A confirmation slice that came back this much sooner than asked ended early on the box (the attempt ended, or it waits in a queue). */
const EARLY_MS = 500;

/**
 * The confirmation window, in slices of at most 2 s: it ends as soon as the job has shown its first step or
 * epoch (or ended, or printed a traceback), not always after the whole window. The log's progress is read by
 * the patrol's own parser.
 */
async function confirmWindow(
  session: Session,
  runDir: string,
  attempt: number,
  windowS: number,
): Promise<ReturnType<typeof confirmResult> & { waited: number; why: string }> {
  let waited = 0;
  for (;;) {
    const slice = Math.max(1, Math.min(2, windowS - waited));
    const t0 = Date.now();
    const c = confirmResult(
      parseJsonLine('confirm', await runScript(session, 'confirm', [runDir, String(attempt), String(slice)], { timeoutMs: (slice + 30) * 1000 })),
    );
    waited += slice;
    const p = parseProgress(c.head);
    const why = !c.alive
      ? 'the attempt ended'
      : c.markerKind
        ? `${c.markerKind} was written`
        : TRACEBACK.test(c.head)
          ? 'the log shows a traceback'
          : p.step !== null
            ? `the log shows step ${p.step}`
            : p.epoch !== null
              ? `the log shows epoch ${p.epoch}`
              : Date.now() - t0 < slice * 1000 - EARLY_MS
                ? 'the job waits in its scheduler queue'
                : waited >= windowS
                  ? 'the whole window passed'
                  : '';
    if (why) return { ...c, waited, why };
  }
}

/** The audit gate: one read-only probe of the box, and on Slurm the cluster's own answers (sinfo, the partition). */
async function auditGate(deps: LaunchDeps, cfg: LaunchConfig, auditCfg: AuditConfig): Promise<NonNullable<LaunchOutcome['audit']>> {
  deps.log('audit: one read-only probe of disk, memory, GPU and interpreter');
  const audit = await runAudit(deps.session, auditCfg);
  if (!cfg.slurm) return audit;
  // On Slurm the gate also asks the cluster: sinfo answers, the partition exists and is up.
  const s = slurmGate(await runSlurmAudit(deps.session, cfg.slurm.slurmConf), cfg.slurm.sbatchOptions);
  return {
    ...audit,
    gate: { pass: audit.gate.pass && s.pass, failures: [...audit.gate.failures, ...s.failures], warnings: [...audit.gate.warnings, ...s.warnings] },
  };
}

/** What the confirmation window saw, as the launch's outcome: a traceback, an early end (by its marker), no log, or running. Pure. */
function confirmed(
  withHead: Omit<LaunchOutcome, 'result' | 'message'>,
  c: ReturnType<typeof confirmResult>,
  out: ReturnType<typeof launchResult>,
): LaunchOutcome {
  if (TRACEBACK.test(c.head)) {
    return { ...withHead, result: 'failed', message: 'the job printed a Python traceback in its first lines' };
  }
  if (!c.alive) {
    if (c.markerKind) {
      let m: Marker;
      try {
        m = parseMarker(c.markerKind, c.marker);
      } catch (err) {
        return {
          ...withHead,
          result: 'failed',
          message: `the job ended during the confirmation window, but its marker is unreadable (${(err as Error).message})`,
        };
      }
      if (m.exitCode !== 0) return { ...withHead, result: 'failed', message: `the job exited ${m.exitCode} during the confirmation window (stage ${m.stage})` };
      return { ...withHead, result: 'started', message: `the job finished within the confirmation window (exit 0): check that it did real work` };
    }
    return { ...withHead, result: 'failed', message: 'the wrapper is not running and left no DONE/FAILED marker' };
  }
  if (!c.log_exists) {
    // A scheduler's job may still wait in its queue: no log yet is expected there.
    if (out.handle?.startsWith('slurm:')) return { ...withHead, result: 'started', message: `Slurm job ${out.handle.slice(6)} is queued or starting` };
    return { ...withHead, result: 'failed', message: 'the job is running but its log does not exist' };
  }
  return { ...withHead, result: 'started', message: `attempt ${out.attempt} is running` };
}
