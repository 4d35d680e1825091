import { jumpAddress, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import type { LaunchConfig } from '../config/launch.ts';
import { cellLines } from '../config/cells.ts';
import { fingerprint } from '../record/hostkey.ts';
import { code } from '../report/markdown.ts';
import type { Reporter } from '../report/reporter.ts';
import {
  GITHUB_LOGIN,
  moneyText,
  renderRegistration,
  signedBytes,
  type PolicyTerms,
  type RecoveryTerms,
  type RegisteredNode,
  type Registration,
} from '../registry/entry.ts';
import type { Session } from '../ssh/client.ts';
import type { Credential } from '../ssh/keys.ts';
import { sign } from '../ssh/sign.ts';
import type { launch } from './launch.ts';

/** The run's registration for the patrol (report-to), signed with the key that launched it. */

/** The recovery terms signed into the registration (on-preempt replace): the policy and the identical work for a new box. */
function recoveryTerms(
  cfg: LaunchConfig,
  releaseId: string | null,
  recovered?: Pick<RecoveryTerms, 'recoveries' | 'previous' | 'restored'>,
): RecoveryTerms | null {
  const restart = cfg.onPreempt.policy === 'restart-instance';
  if (!restart && (cfg.onPreempt.policy !== 'replace' || !cfg.sync || !releaseId)) return null;
  return {
    onPreempt: restart ? 'restart-instance' : 'replace',
    maxRecoveries: cfg.onPreempt.maxRecoveries,
    recoveries: recovered?.recoveries ?? 0,
    // A restart resumes the work recorded on the instance's own disk: nothing of it is carried here.
    command: restart ? '' : cfg.command,
    then: restart ? null : (cfg.then ?? null),
    checkpoints: cfg.checkpoints,
    syncDir: cfg.sync?.dir ?? '',
    syncMode: cfg.sync?.mode ?? 'dir',
    release: releaseId,
    envNames: cfg.env.map(([n]) => n),
    secretNames: cfg.secretNames,
    previous: recovered?.previous ?? [],
    restored: recovered?.restored ?? null,
    ...(cfg.sweep && !restart
      ? {
          sweep: {
            cells: cellLines(cfg.sweep.cells),
            gpusPerCell: cfg.sweep.gpusPerCell,
            maxParallel: cfg.sweep.maxParallel,
            onCellFailure: cfg.sweep.onCellFailure,
          },
        }
      : {}),
  };
}

/** Who launched: the workflow's actor, when it is a person's GitHub login (a bot is nobody to notify). */
export function launcherOf(env: Inputs): string | null {
  const login = (env['GITHUB_ACTOR'] ?? '').trim();
  return GITHUB_LOGIN.test(login) && !login.endsWith('[bot]') ? login : null;
}

/** Registers the started run where the patrol finds it without a file edit: signed with the key that launched it. 0, or 1 when it failed. */
export async function register(
  put: (runId: string, body: string) => Promise<string>,
  o: Awaited<ReturnType<typeof launch>>,
  cfg: LaunchConfig,
  conn: ConnectionConfig,
  session: Pick<Session, 'hostFingerprint' | 'jumpHostKey'>,
  cred: Credential,
  reporter: Reporter,
  launchedBy: string | null,
  releaseId: string | null,
  policy: PolicyTerms | null,
  recovered?: Pick<RecoveryTerms, 'recoveries' | 'previous' | 'restored'>,
  multi?: { nodes: RegisteredNode[]; onNodeFailure: 'wait' | 'stop' },
): Promise<number> {
  // Where the patrol finds the run without a file edit: signed with the key that launched it.
  const entry: Registration = {
    runId: o.runId,
    host: conn.host,
    port: conn.port,
    user: conn.user,
    hostKeyFingerprint: session.hostFingerprint,
    // The bastion and the key launch verified there: the cron patrol goes the same way, pinned the same.
    jump: conn.jump && session.jumpHostKey ? { address: jumpAddress(conn.jump), hostKeyFingerprint: fingerprint(session.jumpHostKey) } : null,
    runRoot: cfg.runRoot,
    backend: cfg.backend,
    attempt: o.attempt,
    expectedDurationS: cfg.expectedDurationS ?? null,
    launchedAt: new Date().toISOString(),
    commit: cfg.commit ?? null,
    // sbatch's own answer (slurm:<job id>), signed: teardown cancels this job, never one a handle file names.
    handle: o.handle || null,
    provider: cfg.provider ?? null,
    instanceId: cfg.instanceId ?? null,
    launchedBy,
    hourlyPrice: cfg.hourlyPrice !== undefined ? moneyText(cfg.hourlyPrice) : null,
    maxHoursS: cfg.maxHoursS ?? null,
    maxCost: cfg.maxCost !== undefined ? moneyText(cfg.maxCost) : null,
    recovery: recoveryTerms(cfg, releaseId, recovered),
    policy,
    parkAfterS: cfg.parkAfter?.seconds ?? null,
    ...(multi?.nodes.length ? { nodes: multi.nodes, ...(multi.onNodeFailure === 'stop' ? { onNodeFailure: 'stop' as const } : {}) } : {}),
  };
  try {
    const url = await put(o.runId, renderRegistration({ entry, ...sign(cred, signedBytes(entry)) }, code));
    reporter.output('registration-url', url);
    reporter.info(`launch: registered ${o.runId} for the patrol at ${url}`);
    return 0;
  } catch (err) {
    reporter.error(
      `launch: the job started, but registering it for the patrol failed (${(err as Error).message}); it runs, but a patrol without config will not find it until a relaunch registers it (launching the same run again while it runs starts nothing and registers it)`,
    );
    return 1;
  }
}
