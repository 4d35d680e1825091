/**
 * The phase registry: every phase once, with its inputs, outputs, metadata and how it runs. Read by the
 * action entries (src/actions), the root action's `command:` switch, the CLI, scripts/build.mjs and
 * scripts/gen-actions.ts. A phase's module is loaded only when that phase runs (`import()`), so an
 * action starts without evaluating the others' dependencies. Adding a phase: one row here, its folder.
 */
import type { ArtifactUploader } from './collect/artifacts.ts';
import type { Inputs } from './config/connection.ts';
import { PHASE_INPUTS } from './config/inputs.ts';
import { allInputErrors } from './config/check.ts';
import { withDefaults } from './config/defaults.ts';
import { InputErrors } from './config/errors.ts';
import { OUTPUT_DOCS } from './config/outputs.ts';
import type { Reporter, StatusStore } from './report/reporter.ts';
import type { ChatOpsApi } from './chatops/phase.ts';
import type { CommentEvent } from './chatops/gate.ts';

/**
 * What a phase may use besides its inputs, built in one place for GitHub (src/github/ports.ts) and one
 * for the terminal (src/cli/ports.ts).
 */
export interface Ports {
  /** Relative paths (dest-dir, verified-path, run-file, sync-dir) resolve against this. */
  workspace: string;
  /** The status table's form: markdown (job summary, comment) or aligned text. */
  statusMode: 'markdown' | 'text';
  /** Refusals before a phase that holds the SSH key runs (a fork's pull request, a key file on a hosted runner). */
  checkContext(inputs: Inputs): void;
  /** The artifact service, when there is one. */
  artifacts?(): ArtifactUploader;
  /** Where the patrol's status and tick memory live (`report-to`), when asked for. */
  statusStore?(inputs: Inputs, reporter: Reporter): StatusStore | undefined;
  /** Downloads a workflow artifact into a directory (teardown's `verified-artifact`). */
  fetchArtifact?(name: string, dir: string): Promise<unknown>;
  /** ChatOps: the issue_comment event this job runs for, and the GitHub API to answer it (the action only). */
  chatops?(inputs: Inputs, reporter: Reporter): { api: ChatOpsApi; event: CommentEvent; defaultRef: string } | null;
  /** After a real teardown: mark the run's status and close its tracking issue. */
  afterTeardown?(inputs: Inputs, reporter: Reporter, state: 'torn-down' | 'parked', reason: string): Promise<void>;
}

export type PhaseName = keyof typeof PHASE_INPUTS;

export interface PhaseDef {
  name: PhaseName;
  /** The CLI command (the patrol is `tether status` on a terminal). */
  cli: string;
  title: string;
  description: string;
  inputs: readonly string[];
  outputs: Readonly<Record<string, string>>;
  /** Holds the SSH key: the context is checked before it runs. */
  holdsKey: boolean;
  run(inputs: Inputs, env: Inputs, reporter: Reporter, ports: Ports): Promise<number>;
}

export const PHASES: Record<PhaseName, PhaseDef> = {
  audit: {
    name: 'audit',
    cli: 'audit',
    title: 'tether audit',
    description:
      'One read-only probe of a GPU box (disk bytes and inodes, cgroup memory, GPU health, Xid, interpreter) and a gate that fails on what would ruin a run.',
    inputs: PHASE_INPUTS.audit,
    outputs: OUTPUT_DOCS.audit,
    holdsKey: false,
    run: async (inputs, env, reporter) => (await import('./launch/phase.ts')).auditPhase(inputs, env, reporter),
  },
  launch: {
    name: 'launch',
    cli: 'launch',
    title: 'tether launch',
    description: 'Audit a rented GPU box, send secrets on stdin, and start a training command detached (tmux or setsid) with a run record, idempotently.',
    inputs: PHASE_INPUTS.launch,
    outputs: OUTPUT_DOCS.launch,
    holdsKey: false,
    run: async (inputs, env, reporter, ports) =>
      (await import('./launch/phase.ts')).launchPhase(inputs, env, reporter, ports.workspace, ports.statusStore?.(inputs, reporter), ports.fetchArtifact),
  },
  patrol: {
    name: 'patrol',
    cli: 'status',
    title: 'tether patrol',
    description:
      'One read-only SSH round trip per host per tick: a typed verdict per run (running, stalled, finished, failed with class, dead, rebooted, unreachable) with its fixed remediation, as a status table on every tick.',
    inputs: PHASE_INPUTS.patrol,
    outputs: OUTPUT_DOCS.patrol,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) =>
      (await import('./patrol/phase.ts')).patrolPhase(inputs, env, reporter, {
        probe: (await import('./remote/probe.ts')).probeHost,
        probeOn: (await import('./remote/probe.ts')).probeOn,
        registered: (await import('./registry/hosts.ts')).registeredHosts,
        mode: ports.statusMode,
        remote: ports.statusStore?.(inputs, reporter),
        workspace: ports.workspace,
        artifacts: ports.artifacts?.(),
      }),
  },
  collect: {
    name: 'collect',
    cli: 'collect',
    title: 'tether collect',
    description:
      'List the checkpoints on the box, pull them in one pass (the box hashes each file as it sends it, the runner as it lands; resumable, pinned OpenSSH), load-verify each as it arrives without running checkpoint code, and write manifest.json and VERIFIED.json.',
    inputs: PHASE_INPUTS.collect,
    outputs: OUTPUT_DOCS.collect,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) => (await import('./collect/phase.ts')).collectPhase(inputs, env, reporter, ports.workspace, ports.artifacts?.()),
  },
  teardown: {
    name: 'teardown',
    cli: 'teardown',
    title: 'tether teardown',
    description:
      'Park or destroy the instance only after a matching VERIFIED.json (and, when the box answers, the same files on it now); shows the verb, reversibility, what survives and what keeps billing; polls the provider to a terminal state. Run it in a job behind an environment with required reviewers.',
    inputs: PHASE_INPUTS.teardown,
    outputs: OUTPUT_DOCS.teardown,
    holdsKey: false,
    run: async (inputs, env, reporter, ports) =>
      (await import('./teardown/phase.ts')).teardownPhase(inputs, env, reporter, ports.workspace, {
        ...(ports.fetchArtifact ? { fetchArtifact: (name: string, dir: string) => ports.fetchArtifact!(name, dir) } : {}),
        ...(ports.afterTeardown
          ? { afterTeardown: (state: 'torn-down' | 'parked', reason: string) => ports.afterTeardown!(inputs, reporter, state, reason) }
          : {}),
        ...(ports.statusStore
          ? {
              registration: async (runId: string) => {
                const store = ports.statusStore!(inputs, reporter);
                if (!store?.registered) return null;
                return (await store.registered()).find((f) => f.runId === runId)?.body ?? null;
              },
            }
          : {}),
      }),
  },
  chatops: {
    name: 'chatops',
    cli: 'chatops',
    title: 'tether chatops',
    description:
      "/tether commands in pull request and issue comments: status (a patrol tick), collect, resume and teardown (dispatching your workflows), checked against the commenter's repository role.",
    inputs: PHASE_INPUTS.chatops,
    outputs: OUTPUT_DOCS.chatops,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) => {
      const found = ports.chatops?.(inputs, reporter) ?? null;
      // Status and registrations live where report-to points: the runs' tracking issues unless it says otherwise.
      const reported = { ...inputs, 'report-to': inputs['report-to'] || 'tracking-issue' };
      return (await import('./chatops/phase.ts')).chatopsPhase(inputs, reporter, {
        api: found?.api,
        event: found?.event ?? null,
        defaultRef: found?.defaultRef ?? 'main',
        registration: async (runId) => {
          const store = ports.statusStore?.(reported, reporter);
          if (!store?.registered || !(inputs['ssh-key'] || inputs['ssh-key-path'] || env['SSH_AUTH_SOCK'])) return null;
          const { registeredHosts } = await import('./registry/hosts.ts');
          const { loadCredential } = await import('./ssh/keys.ts');
          const { parseKeySource } = await import('./config/connection.ts');
          const found = (await store.registered()).filter((f) => f.runId === runId);
          const e = registeredHosts(found, loadCredential(parseKeySource(inputs, env)), inputs, env).entries[runId];
          return e
            ? { host: e.host, port: e.port, hostKeyFingerprint: e.hostKeyFingerprint, provider: e.provider ?? null, instanceId: e.instanceId ?? null }
            : null;
        },
        status: async (runIds) => {
          // The tick of `patrol`, with this step's connection and report-to; its outputs are read back here.
          const patrolInputs = withDefaults('patrol', { ...reported, 'run-ids': runIds.join(',') });
          const outputs: Record<string, string> = {};
          const sub: Reporter = { ...reporter, output: (k, v) => void (outputs[k] = v), summary: (md) => reporter.summary(md) };
          const code = await PHASES.patrol.run(patrolInputs, env, sub, ports);
          return { code, url: outputs['status-url'] ?? '', states: JSON.parse(outputs['states'] ?? '{}') };
        },
      });
    },
  },
};

/** Phases in lifecycle order. */
export const PHASE_LIST: readonly PhaseDef[] = [PHASES.audit, PHASES.launch, PHASES.patrol, PHASES.collect, PHASES.teardown, PHASES.chatops];

/**
 * Runs a phase with the given ports: empty inputs take their defaults, every input is checked (all problems
 * reported together), then the context check for phases that hold the key.
 */
export async function runPhase(phase: PhaseDef, inputs: Inputs, env: Inputs, reporter: Reporter, ports: Ports): Promise<number> {
  const full = withDefaults(phase.name, inputs);
  // Every bad input is reported at once, before anything else happens.
  const errors = allInputErrors(phase.name, full, env);
  if (errors.length > 1) throw new InputErrors(errors);
  if (errors[0]) throw errors[0];
  if (phase.holdsKey) ports.checkContext(full);
  return phase.run(full, env, reporter, ports);
}
