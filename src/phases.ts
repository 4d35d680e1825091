/**
 * The phase registry: every phase once, with its metadata, its one parser and how it runs. Read by the action
 * entries (src/actions), the root action's `command:` switch, the CLI, scripts/build.mjs and
 * scripts/gen-actions.ts. A phase's module is loaded only when that phase runs (`import()`), so an action
 * starts without evaluating the others' dependencies. Adding a phase: its input rows and parser (src/config),
 * one row here, its folder, its two-line entry (src/actions/<phase>).
 */
import type { AuditPhaseConfig } from './config/audit.ts';
import type { ChatOpsPhaseConfig } from './config/chatops.ts';
import { allInputErrors as inputErrors, parseAll } from './config/check.ts';
import { parseAuditPhase } from './config/audit.ts';
import { parseChatOpsPhase } from './config/chatops.ts';
import { parseLaunchPhase } from './config/launch.ts';
import { parseRecover, type RecoverConfig } from './config/recover.ts';
import { withProvision } from './launch/from-provision.ts';
import { parseLogsPhase, type LogsPhaseConfig } from './config/logs.ts';
import { parseStopPhase, type StopPhaseConfig } from './config/stop.ts';
import { parseProvision, type ProvisionPhaseConfig } from './provision/parse.ts';
import { parsePatrolPhase } from './config/patrol.ts';
import { parseCollectPhase } from './collect/parse.ts';
import { parseTeardownPhase } from './teardown/parse.ts';
import type { CollectPhaseConfig } from './collect/parse.ts';
import type { Inputs } from './config/connection.ts';
import { withDefaults } from './config/defaults.ts';
import type { InputError } from './config/errors.ts';
import { inputDef, PHASE_INPUTS, type Phase } from './config/inputs.ts';
import type { LaunchPhaseConfig } from './config/launch.ts';
import { OUTPUT_DOCS } from './config/outputs.ts';
import type { PatrolPhaseConfig } from './config/patrol.ts';
import type { TeardownPhaseConfig } from './teardown/parse.ts';
import type { Reporter } from './report/reporter.ts';
import type { ChatOpsDeps } from './chatops/phase.ts';
import type { PatrolSteps } from './patrol/phase.ts';
import type { PhaseContext, Ports } from './ports/types.ts';

export type { PhaseContext, Ports };

export type PhaseName = Phase;

export interface PhaseDef<C = unknown> {
  name: PhaseName;
  /** The CLI command (the patrol is `tether status` on a terminal). */
  cli: string;
  title: string;
  description: string;
  /** One line for `tether --help`; absent for a phase only the action offers (chatops needs the event). */
  summary?: string;
  /** What `tether <cli> --help` shows after `usage:`. */
  usage: string;
  inputs: readonly string[];
  outputs: Readonly<Record<string, string>>;
  /** Holds the SSH key: the context is checked before it runs. */
  holdsKey: boolean;
  /** Every input checked and typed, before anything touches a box or an API (src/config). */
  parse(inputs: Inputs, env: Inputs): C;
  run(cfg: C, ctx: PhaseContext): Promise<number>;
}

/** A phase's run, loaded only when it runs. */
const lazy =
  <C, M>(load: () => Promise<M>, pick: (m: M) => (cfg: C, ctx: PhaseContext) => Promise<number>) =>
  async (cfg: C, ctx: PhaseContext) =>
    pick(await load())(cfg, ctx);

export const PHASES = {
  audit: {
    name: 'audit',
    cli: 'audit',
    title: 'tether audit',
    description:
      'One read-only probe of a GPU box (disk bytes and inodes, cgroup memory, GPU health, Xid, interpreter) and a gate that fails on what would ruin a run.',
    summary: 'one read-only probe of the box and the launch gate',
    usage: 'tether audit [options]',
    inputs: PHASE_INPUTS.audit,
    outputs: OUTPUT_DOCS.audit,
    holdsKey: false,
    parse: parseAuditPhase,
    run: lazy(
      () => import('./launch/phase.ts'),
      (m) => m.auditPhase,
    ),
  } satisfies PhaseDef<AuditPhaseConfig>,
  launch: {
    name: 'launch',
    cli: 'launch',
    title: 'tether launch',
    description: 'Audit a rented GPU box, send secrets on stdin, and start a training command detached (tmux or setsid) with a run record, idempotently.',
    summary: 'audit, write the run record, start the job detached, confirm it runs',
    usage: 'tether launch --run-id ID --command CMD [options]',
    inputs: PHASE_INPUTS.launch,
    outputs: OUTPUT_DOCS.launch,
    holdsKey: false,
    // --from-provision fills the connection from provision's signed file first (src/launch/from-provision.ts).
    parse: (inputs, env) => parseLaunchPhase(withProvision(inputs, env), env),
    run: lazy(
      () => import('./launch/phase.ts'),
      (m) => m.launchPhase,
    ),
  } satisfies PhaseDef<LaunchPhaseConfig>,
  patrol: {
    name: 'patrol',
    cli: 'status',
    title: 'tether patrol',
    description:
      'One read-only SSH round trip per host per tick: a typed verdict per run (running, stalled, finished, failed with class, dead, rebooted, unreachable) with its fixed remediation, as a status table on every tick.',
    summary: 'one read-only patrol probe: the state of each run, as a table',
    usage: 'tether status --run-ids ID[,ID…] [options]',
    inputs: PHASE_INPUTS.patrol,
    outputs: OUTPUT_DOCS.patrol,
    holdsKey: true,
    parse: parsePatrolPhase,
    run: async (cfg: PatrolPhaseConfig, ctx: PhaseContext) => (await import('./patrol/phase.ts')).patrolPhase(cfg, ctx, await patrolSteps()),
  } satisfies PhaseDef<PatrolPhaseConfig>,
  collect: {
    name: 'collect',
    cli: 'collect',
    title: 'tether collect',
    description:
      'List the checkpoints on the box, pull them in one pass (the box hashes each file as it sends it, the runner as it lands; resumable, pinned OpenSSH), load-verify each as it arrives without running checkpoint code, and write manifest.json and VERIFIED.json.',
    summary: 'list on the box, one-pass hashed pull, load-verify, VERIFIED.json',
    usage: 'tether collect --run-id ID --dest-dir DIR [options]',
    inputs: PHASE_INPUTS.collect,
    outputs: OUTPUT_DOCS.collect,
    holdsKey: true,
    parse: parseCollectPhase,
    run: lazy(
      () => import('./collect/phase.ts'),
      (m) => m.collectPhase,
    ),
  } satisfies PhaseDef<CollectPhaseConfig>,
  teardown: {
    name: 'teardown',
    cli: 'teardown',
    title: 'tether teardown',
    description:
      'Park or destroy the instance only after a matching VERIFIED.json (and, when the box answers, the same files on it now); shows the verb, reversibility, what survives and what keeps billing; polls the provider to a terminal state. Run it in a job behind an environment with required reviewers.',
    summary: 'teardown gated on VERIFIED.json: park or destroy the instance, polled to a terminal state (dry run by default)',
    usage: 'tether teardown --run-id ID --provider P --verb park|destroy --verified-path DIR [options]',
    inputs: PHASE_INPUTS.teardown,
    outputs: OUTPUT_DOCS.teardown,
    holdsKey: false,
    parse: parseTeardownPhase,
    run: lazy(
      () => import('./teardown/phase.ts'),
      (m) => m.teardownPhase,
    ),
  } satisfies PhaseDef<TeardownPhaseConfig>,
  chatops: {
    name: 'chatops',
    cli: 'chatops',
    title: 'tether chatops',
    description:
      "/tether commands in pull request and issue comments: status (a patrol tick), collect, resume and teardown (dispatching your workflows), checked against the commenter's repository role.",
    usage: 'tether chatops (the action, on issue_comment events: it needs the event and the GitHub API)',
    inputs: PHASE_INPUTS.chatops,
    outputs: OUTPUT_DOCS.chatops,
    holdsKey: true,
    parse: parseChatOpsPhase,
    run: async (cfg: ChatOpsPhaseConfig, ctx: PhaseContext) => (await import('./chatops/phase.ts')).chatopsPhase(cfg, ctx.reporter, chatopsDeps(cfg, ctx)),
  } satisfies PhaseDef<ChatOpsPhaseConfig>,
  logs: {
    name: 'logs',
    cli: 'logs',
    title: 'tether logs',
    description:
      "A run's log through the same pinned connection (read-only, bounded to the last log-bytes; escaped, so the job's text cannot act on a terminal or the runner); on a terminal --tail keeps reading until the run ends.",
    summary: "a run's log, bounded and escaped (--tail keeps reading until the run ends)",
    usage: 'tether logs RUN-ID [--tail] [--attempt N] [options]',
    inputs: PHASE_INPUTS.logs,
    outputs: OUTPUT_DOCS.logs,
    holdsKey: true,
    parse: parseLogsPhase,
    run: lazy(
      () => import('./logs/phase.ts'),
      (m) => m.logsPhase,
    ),
  } satisfies PhaseDef<LogsPhaseConfig>,
  stop: {
    name: 'stop',
    cli: 'stop',
    title: 'tether stop',
    description:
      "Stop a live run's job by its recorded handle (TERM, stop-grace to checkpoint, then KILL; recorded as stopped), only with collect's VERIFIED.json for this run and box; the box keeps running. In a workflow, confirm must say stop <run-id>.",
    summary: 'TERM the job by its recorded handle, only with its results verified home (VERIFIED.json)',
    usage: 'tether stop RUN-ID --verified-path DIR [options]',
    inputs: PHASE_INPUTS.stop,
    outputs: OUTPUT_DOCS.stop,
    holdsKey: true,
    parse: parseStopPhase,
    run: lazy(
      () => import('./stop/phase.ts'),
      (m) => m.stopPhase,
    ),
  } satisfies PhaseDef<StopPhaseConfig>,
  provision: {
    name: 'provision',
    cli: 'provision',
    title: 'tether provision',
    description:
      "Rent one box for a run: the instance types tried in order (capacity moves on, a refused key or balance stops at once), its host key generated here and sent in the create call, pinned before the first connection; a box not answering SSH with that key within provision-timeout is destroyed. Its outputs are launch's connection inputs.",
    summary: 'rent a box, its host key pinned before the first connection; outputs are launch’s inputs',
    usage: 'tether provision RUN-ID --provider lambda --instance-types gpu_1x_a100 --ssh-key-path KEY [options]',
    inputs: PHASE_INPUTS.provision,
    outputs: OUTPUT_DOCS.provision,
    holdsKey: true,
    parse: parseProvision,
    run: lazy(
      () => import('./provision/phase.ts'),
      (m) => m.provisionPhase,
    ),
  } satisfies PhaseDef<ProvisionPhaseConfig>,
  recover: {
    name: 'recover',
    cli: 'recover',
    title: 'tether recover',
    description:
      "Continue a run whose provider preempted its box (issue 27): only on its signed registration's on-preempt: replace, the provider's own word read twice, and the same code; rents a box of the same spec, pushes the newest checkpoint the patrol's sync verified on this runner into the run's folder, and resumes the identical command as the next attempt. The preempted instance is listed, never destroyed.",
    summary: 'continue a preempted run on a new box from its newest synced checkpoint',
    usage: 'tether recover RUN-ID --provider aws --instance-types g6.xlarge --sync-dest DIR --report-to pr:N --ssh-key-path KEY [options]',
    inputs: PHASE_INPUTS.recover,
    outputs: OUTPUT_DOCS.recover,
    holdsKey: true,
    parse: parseRecover,
    run: lazy(
      () => import('./recover/phase.ts'),
      (m) => m.recoverPhase,
    ),
  } satisfies PhaseDef<RecoverConfig>,
} as const;

/** Any one row of the registry. */
export type AnyPhase = (typeof PHASES)[keyof typeof PHASES];

/** Phases in lifecycle order. */
export const PHASE_LIST: readonly AnyPhase[] = [
  PHASES.audit,
  PHASES.launch,
  PHASES.patrol,
  PHASES.collect,
  PHASES.teardown,
  PHASES.chatops,
  PHASES.logs,
  PHASES.stop,
  PHASES.provision,
  PHASES.recover,
];

/**
 * Runs a phase with the given ports: secrets masked at once, empty inputs take their defaults, every input is
 * parsed once (all problems reported together), then the context check for phases that hold the key, then
 * the phase with its typed config.
 */
export async function runPhase(phase: AnyPhase, inputs: Inputs, env: Inputs, reporter: Reporter, ports: Ports): Promise<number> {
  maskSecrets(phase, inputs, reporter);
  const full = withDefaults(phase.name, inputs);
  const def = phase as unknown as PhaseDef<unknown>;
  const cfg = parseAll(phase.name, full, env, def.parse);
  if (phase.holdsKey) ports.checkContext({ keyFile: Boolean((full['ssh-key-path'] ?? '').trim()) });
  return def.run(cfg, { env, reporter, ports });
}

/**
 * All input errors of a call, not only the first (src/config/check.ts's stand-in loop over the phase's own
 * parser, or the `check` given).
 */
export function allInputErrors(
  phase: PhaseName,
  inputs: Inputs,
  env: Inputs,
  check: (inputs: Inputs, env: Inputs) => unknown = PHASES[phase].parse,
): InputError[] {
  return inputErrors(phase, inputs, env, check);
}

/** Every input of kind secret masked at once, before anything is parsed or printed. */
export function maskSecrets(phase: AnyPhase, inputs: Inputs, reporter: Reporter): void {
  for (const n of phase.inputs) if (inputDef(n)?.kind === 'secret' && inputs[n]) reporter.mask(inputs[n]!);
}

/**
 * What the patrol is handed: the probes (src/remote), the sync step (src/sync) and the follow (src/follow),
 * each loaded when first used, so the patrol imports none of them.
 */
export async function patrolSteps(): Promise<PatrolSteps> {
  const { probeHost, probeOn } = await import('./remote/probe.ts');
  return {
    probeHost,
    probeOn,
    sync: async (...a) => (await import('./sync/step.ts')).syncAll(...a),
    follow: async (f) => (await import('./follow/patrol.ts')).followRuns(f),
    orphans: async (...a) => (await import('./provision/orphans.ts')).findOrphans(...a),
    afterVerified: async (...a) => (await import('./teardown/auto.ts')).afterVerifiedStep(...a),
    stopNodes: async (...a) => (await import('./stop/nodes.ts')).stopNodes(...a),
  };
}

/** ChatOps' ports: the GitHub API and event, registrations read with this job's key, and a patrol tick for `status`. */
function chatopsDeps(cfg: ChatOpsPhaseConfig, ctx: PhaseContext): ChatOpsDeps {
  const { ports, reporter } = ctx;
  const found = ports.chatops?.(cfg.token) ?? null;
  return {
    api: found?.api,
    event: found?.event ?? null,
    defaultRef: found?.defaultRef ?? 'main',
    registration: async (runId) => {
      const store = ports.statusStore?.(cfg.store);
      if (!store?.registered || !cfg.own) return null;
      const { registeredHosts } = await import('./registry/hosts.ts');
      const { loadCredential } = await import('./ssh/keys.ts');
      const mine = (await store.registered()).filter((f) => f.runId === runId);
      const e = registeredHosts(mine, loadCredential(cfg.own.key), cfg.own).entries[runId];
      return e
        ? {
            host: e.host,
            port: e.port,
            hostKeyFingerprint: e.hostKeyFingerprint,
            provider: e.provider ?? null,
            instanceId: e.instanceId ?? null,
            jump: e.jump ?? null,
            nodes: e.nodes ?? null,
          }
        : null;
    },
    status: async (runIds) => {
      // The tick of `patrol`, with this step's connection and report-to; its outputs are read back here.
      const outputs: Record<string, string> = {};
      const sub: Reporter = { ...reporter, output: (k, v) => void (outputs[k] = v), summary: (md) => reporter.summary(md) };
      const code = await PHASES.patrol.run(cfg.patrolFor(runIds), { ...ctx, reporter: sub });
      return { code, url: outputs['status-url'] ?? '', states: JSON.parse(outputs['states'] ?? '{}') };
    },
  };
}
