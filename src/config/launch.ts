import {
  AFTER_VERIFIED,
  AFTER_VERIFIED_VERBS,
  ENVIRONMENT_NAME,
  INSTANCE_ID,
  PREEMPTION_SIGNATURE,
  PROVIDER_NAMES as PROVIDERS,
  RECOVERY_CELLS_MAX,
  RECOVERY_COMMAND_MAX,
  type ProviderName,
} from '../record/names.ts';
import { BACKEND_NAMES } from '../record/names.ts';
import { InputError } from './errors.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { DEFAULT_RUN_ROOT, parseAudit, type AuditConfig } from './audit.ts';
import { parseReportTo, type StoreSpec } from './patrol.ts';
import * as v from './values.ts';
import { cellLines, parseSweep, type SweepConfig } from './cells.ts';
import { nodeCommand, nodeConnections, parseNodes, type MultiNode } from './nodes.ts';
import type { NodePlace } from '../record/spec.ts';
import { parseSlurm, type SlurmConfig } from './slurm.ts';

export const BACKENDS = BACKEND_NAMES;
export type Backend = (typeof BACKENDS)[number];

/** How a code release is made from `sync-dir` (not the checkpoint sync, config/sync.ts). */
export const RELEASE_MODES = ['dir', 'git-head'] as const;
export type SyncMode = (typeof RELEASE_MODES)[number];

export interface LaunchConfig {
  runId: string;
  command: string;
  then: string | undefined;
  workdir: string;
  env: Array<[string, string]>;
  secretNames: string[];
  backend: Backend;
  runRoot: string;
  checkpoints: string[];
  expectedDurationS: number | undefined;
  /** US dollars per hour (provision's output), and the run's budgets: signed into the registration, shown as gauges. */
  hourlyPrice: number | undefined;
  maxHoursS: number | undefined;
  maxCost: number | undefined;
  resume: boolean;
  audit: boolean;
  confirmTimeoutS: number;
  commit: string | undefined;
  /** Where the box was rented (4/6 fills them from provision): signed into the registration, passed on by ChatOps. */
  provider: ProviderName | undefined;
  instanceId: string | undefined;
  /** What a confirmed preemption leads to (issue 27 §2), signed into the registration: wait, or replace the box. */
  onPreempt: { policy: OnPreempt; maxRecoveries: number };
  /**
   * `after-verified` (issue 27 §3): the verb the patrol carries out itself once a collect verified the ended run, and
   * the environment (with required reviewers) the launch's job ran in, whose approval of this workflow run is
   * checked through GitHub's API before the patrol acts; null: none (a person tears down through teardown).
   */
  afterVerified: { verb: 'park' | 'destroy'; environment: string } | null;
  /**
   * `park-after` (issue 27 §3): the box parks itself this long after its job ended, without an account key (EC2:
   * the OS shutdown of an on-demand instance whose shutdown behaviour is stop, the box asking its metadata first;
   * RunPod: runpodctl with the pod's own key, the run root on the volume disk). A recorded opt-in, signed into the
   * registration: it acts without a fresh approval, so only a reversible park, only where the disk survives it.
   */
  parkAfter: { seconds: number; how: 'ec2-shutdown' | 'runpod-stop'; address: string } | null;
  /** A recovery's new box continues the run's attempt numbering past this (set by the recover phase only). */
  attemptFloor?: number;
  /** This node's place in a run on many boxes (set by the multi-node launch, src/launch/nodes.ts). */
  node?: NodePlace;
  /** A recovery's sweep: the cells finished on the old box, recorded done on the new one (set by the recover phase only). */
  doneCells?: string[];
  /** EC2's spot-notice watch (provider aws, not Slurm): the metadata address and the signal the job gets; null: none. */
  preemptWatch: { address: string; signal: PreemptSignal } | null;
  /** Code to upload as a content-addressed release that becomes the workdir. */
  sync: { dir: string; mode: SyncMode } | undefined;
  /**
   * A resume given no command: the box's recorded command, then and workdir run again (`command` is then ''; a
   * `then` or `workdir` given must equal the recorded one, and `workdir` is '' when not given).
   */
  recorded: boolean;
  /** A sweep of cells instead of one command (`command` is then ''). */
  sweep: SweepConfig | undefined;
  /** backend: slurm: what sbatch gets. */
  slurm: SlurmConfig | undefined;
  /** The smoke gate: off, a waiver's reason, or required (from `smoke-record`, else this workflow run's artifact). */
  smoke: { kind: 'off' } | { kind: 'waived'; reason: string } | { kind: 'required'; recordPath: string | undefined };
}

const IMDS = '169.254.169.254:80';
export const ON_PREEMPT = ['wait', 'replace', 'restart-instance'] as const;
/**
 * restart-instance: the providers whose preempted instance tether can start again itself, its disk kept (vast: a
 * new bid, then start). EC2 restarts a stopped spot instance only by itself (persistent requests), and RunPod's
 * signature is not verified: neither is offered.
 */
const RESTARTABLE: readonly ProviderName[] = ['vastai'];
export type OnPreempt = (typeof ON_PREEMPT)[number];

/**
 * The recovery policy. `replace` rents a new box and resumes there from the newest synced checkpoint, so it needs
 * the provider's own word for a preemption (a verified signature), code tether ships itself (sync-dir: the same
 * release is packed again from the recorded commit) and a rented box (not Slurm, which requeues by itself). A
 * sweep's cells go into the signed terms too, one line each, so they must fit there.
 */
function onPreempt(
  inputs: Inputs,
  provider: ProviderName | undefined,
  o: { backend: Backend; sweep: SweepConfig | undefined; syncDir: string; command: string; then: string | undefined },
): LaunchConfig['onPreempt'] {
  const policy = v.oneOf('on-preempt', inputs['on-preempt'], ON_PREEMPT, 'wait');
  const maxRecoveries = v.number('max-recoveries', inputs['max-recoveries'], 3, 1, 20);
  if (policy === 'restart-instance') {
    const why = !provider
      ? 'needs provider (and instance-id): the instance to start again'
      : !RESTARTABLE.includes(provider)
        ? `is not offered for provider ${provider}: ${provider === 'aws' ? 'EC2 restarts a stopped spot instance only by itself' : 'tether cannot start its preempted instance again'} (replace rents a new box)`
        : o.backend === 'slurm'
          ? "is for a rented box: on Slurm, preemption is Slurm's (requeue: true recovers it)"
          : o.sweep
            ? 'is not offered for a sweep yet (its queue would resume from the disk with cells the restart does not carry); replace is'
            : null;
    if (why) throw new InputError('on-preempt', `restart-instance ${why}`);
  }
  if (policy === 'replace') {
    const why = !provider
      ? 'needs provider (and instance-id): the provider whose word says the box was preempted'
      : PREEMPTION_SIGNATURE[provider] !== 'verified'
        ? `is not offered for provider ${provider}: ${PREEMPTION_SIGNATURE[provider] === 'unverified' ? 'its preemption signature is not verified, so only wait is' : 'it rents no spot boxes tether can tell preempted'}`
        : o.backend === 'slurm'
          ? "is for a rented box: on Slurm, preemption is Slurm's (requeue: true recovers it)"
          : o.sweep && o.sweep.cells.some((c) => /[\r\n]/.test(c.command))
            ? 'needs each cell command on one line: the cells are signed into the registration one line each'
            : o.sweep && JSON.stringify(cellLines(o.sweep.cells)).length - 2 > RECOVERY_CELLS_MAX
              ? `needs the cells to come to at most ${RECOVERY_CELLS_MAX} characters (name: command lines, as JSON writes them), signed into the registration for the new box (put long commands in a script)`
              : !o.syncDir
                ? 'needs sync-dir: a recovery ships the same code to the new box itself (a workdir filled by hand would not be there)'
                : o.command.length > RECOVERY_COMMAND_MAX || (o.then ?? '').length > RECOVERY_COMMAND_MAX
                  ? `needs a command (and then) of at most ${RECOVERY_COMMAND_MAX} characters, signed into the registration for the new box (put long scripts in a file)`
                  : null;
    if (why) throw new InputError('on-preempt', `replace ${why}`);
  }
  return { policy, maxRecoveries };
}
/**
 * `after-verified` as the registration signs it: the verb, and the launch's own workflow run whose approval in
 * `environment` the patrol checks through GitHub's API before it acts (the approval given at launch is the
 * person's, given once).
 */
export interface PolicyTerms {
  afterVerified: 'park' | 'destroy';
  environment: string;
  /** The launch's workflow run (GITHUB_RUN_ID), its attempt, and its workflow file (from GITHUB_WORKFLOW_REF). */
  approvingRun: { id: number; attempt: number; workflow: string };
}

/**
 * after-verified and approval-environment: only where the patrol can act through the provider's API on its own
 * (AFTER_VERIFIED_VERBS), on an instance the launch names, never for Slurm's jobs.
 */
function afterVerified(inputs: Inputs, provider: ProviderName | undefined, instanceId: string | undefined, backend: Backend): LaunchConfig['afterVerified'] {
  const verb = v.oneOf('after-verified', inputs['after-verified'], AFTER_VERIFIED, 'none');
  const environment = (inputs['approval-environment'] ?? '').trim();
  if (verb === 'none') {
    if (environment) throw new InputError('approval-environment', 'is read only with after-verified: park or destroy');
    return null;
  }
  const why =
    !provider || !instanceId
      ? 'needs provider and instance-id: the instance the patrol acts on (provision fills them)'
      : backend === 'slurm'
        ? "is for a rented box: a Slurm job's cancel is teardown's"
        : !AFTER_VERIFIED_VERBS[provider].includes(verb)
          ? AFTER_VERIFIED_VERBS[provider].length
            ? `is not offered for provider ${provider} (it offers ${AFTER_VERIFIED_VERBS[provider].join(', ')})`
            : `is not offered for provider ${provider}: the patrol acts only through a provider's API (teardown does the rest)`
          : null;
  if (why) throw new InputError('after-verified', `${verb} ${why}`);
  if (!environment)
    throw new InputError(
      'approval-environment',
      `is required with after-verified: ${verb}: the environment with required reviewers this launch's job runs in (environment: in the workflow), whose approval the patrol checks before it acts`,
    );
  if (!ENVIRONMENT_NAME.test(environment)) throw new InputError('approval-environment', `${v.show(environment)} is not an environment name`);
  return { verb, environment };
}

/** park-after: the providers whose box can park itself reversibly with no account key on it, and how. */
const SELF_PARK: Partial<Record<ProviderName, 'ec2-shutdown' | 'runpod-stop'>> = { aws: 'ec2-shutdown', runpod: 'runpod-stop' };
/** RunPod keeps only the volume disk through a stop (the container disk is wiped): the run must live there. */
const RUNPOD_VOLUME = '/workspace';

function parkAfter(
  inputs: Inputs,
  o: { provider: ProviderName | undefined; backend: Backend; sweep: boolean; runRoot: string; workdir: string | undefined },
): LaunchConfig['parkAfter'] {
  const seconds = v.duration('park-after', inputs['park-after'], undefined);
  if (seconds === undefined) return null;
  if (seconds < 10 || seconds > 7 * 86_400) throw new InputError('park-after', 'is between 10s and 7d');
  const how = o.provider ? SELF_PARK[o.provider] : undefined;
  if (!o.provider || !how)
    throw new InputError(
      'park-after',
      `needs provider aws or runpod${o.provider ? `, not ${o.provider}` : ''}: only there can a box park itself reversibly without an account key on it (EC2's OS shutdown, RunPod's pod-scoped runpodctl)`,
    );
  if (o.backend === 'slurm') throw new InputError('park-after', "is for a rented box; a Slurm job's node is the scheduler's");
  if (o.sweep) throw new InputError('park-after', "is not offered for a sweep: the run's queue, not each cell, would have to park the box");
  const under = (p: string) => p === RUNPOD_VOLUME || p.startsWith(`${RUNPOD_VOLUME}/`);
  if (how === 'runpod-stop' && (!under(o.runRoot) || (o.workdir !== undefined && o.workdir !== '' && !under(o.workdir))))
    throw new InputError(
      'park-after',
      `on RunPod needs run-root${o.workdir ? ' and workdir' : ''} under ${RUNPOD_VOLUME}: a stop wipes the container disk and keeps only the volume disk, where the checkpoints must be`,
    );
  return { seconds, how, address: (inputs['metadata-address'] ?? '').trim() || IMDS };
}

export const PREEMPT_SIGNALS = ['USR1', 'USR2', 'INT', 'TERM', 'none'] as const;
export type PreemptSignal = Exclude<(typeof PREEMPT_SIGNALS)[number], 'none'>;

/** The spot-notice watch: only EC2 gives one, and only a job on the box (not Slurm's) can be signalled by the wrapper. */
function preemptWatch(inputs: Inputs, provider: ProviderName | undefined, backend: Backend): LaunchConfig['preemptWatch'] {
  const signal = v.oneOf('preempt-signal', (inputs['preempt-signal'] ?? '').trim().replace(/^SIG/, '') || undefined, PREEMPT_SIGNALS, 'USR1');
  const address = (inputs['metadata-address'] ?? '').trim() || IMDS;
  // The default is filled in by the action: only another address says the user meant a watch.
  if (address !== IMDS && provider !== 'aws') throw new InputError('metadata-address', "is EC2's instance metadata (the spot notice): it needs provider aws");
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(address);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 1 || Number(m[5]) > 65535)
    throw new InputError('metadata-address', `${v.show(address)} is not IPv4:port (e.g. 169.254.169.254:80)`);
  if (provider !== 'aws' || backend === 'slurm' || signal === 'none') return null;
  return { address, signal };
}

export function parseLaunch(inputs: Inputs): LaunchConfig {
  const env = v.envLines('env', inputs['env']);
  const secretNames = v.names('secrets', inputs['secrets']);
  for (const name of secretNames) {
    if (env.some(([n]) => n === name)) throw new InputError('secrets', `${name} is also set in 'env'; a variable is either plain or secret`);
  }
  const commit = (inputs['commit'] ?? '').trim() || undefined;
  if (commit && !/^[0-9a-f]{7,64}$/.test(commit)) throw new InputError('commit', `${v.show(commit)} is not a git commit id`);
  const provider = (inputs['provider'] ?? '').trim() ? v.oneOf('provider', inputs['provider'], PROVIDERS, 'ssh') : undefined;
  const instanceId = (inputs['instance-id'] ?? '').trim() || undefined;
  if (instanceId && !INSTANCE_ID.test(instanceId))
    throw new InputError('instance-id', `${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  if (instanceId && !provider) throw new InputError('instance-id', "names an instance of a provider: give 'provider' too");
  const syncDir = (inputs['sync-dir'] ?? '').trim();
  v.plainPath('sync-dir', syncDir);
  if (syncDir && (inputs['workdir'] ?? '').trim())
    throw new InputError('sync-dir', "the synced release becomes the workdir; give 'sync-dir' or 'workdir', not both");
  const confirm = v.number('confirm-timeout', inputs['confirm-timeout'], 20, 1, 60);
  const sweep = parseSweep(inputs);
  const backend = v.oneOf('backend', inputs['backend'], BACKENDS, 'tmux');
  const parsedSlurm = parseSlurm(inputs, backend);
  // A sweep on Slurm asks the scheduler for each task's GPUs (unless slurm-options already say how).
  const slurm =
    parsedSlurm && sweep && sweep.gpusPerCell > 0 && !parsedSlurm.sbatchOptions.some((o) => /^--(gres|gpus|gpus-per-node|gpus-per-task)=/.test(o))
      ? { ...parsedSlurm, sbatchOptions: [`--gres=gpu:${sweep.gpusPerCell}`, ...parsedSlurm.sbatchOptions] }
      : parsedSlurm;
  const checkpoints = v.globs('checkpoints', inputs['checkpoints']);
  if (!sweep && checkpoints.some((g) => g.includes('{cell}'))) throw new InputError('checkpoints', "uses {cell}, which only a sweep ('cells') has");
  const resume = v.bool('resume', inputs['resume'], false);
  const command = sweep ? '' : (v.command('command', inputs['command'], false) ?? '');
  const recorded = !sweep && !command;
  if (recorded && !resume)
    throw new InputError('command', 'is required for a first launch (only a resume may leave it empty: it then runs the recorded command)');
  return {
    runId: v.runId('run-id', inputs['run-id']),
    command,
    recorded,
    then: v.command('then', inputs['then'], false),
    // A resume of the recorded work checks only what was given against the record ('' is "as recorded").
    workdir: recorded && !(inputs['workdir'] ?? '').trim() ? '' : v.remotePath('workdir', inputs['workdir'], '~'),
    env,
    secretNames,
    backend,
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    checkpoints,
    expectedDurationS: v.duration('expected-duration', inputs['expected-duration'], undefined),
    ...budgets(inputs),
    resume,
    audit: v.bool('audit', inputs['audit'], true),
    confirmTimeoutS: confirm,
    commit,
    provider,
    instanceId,
    preemptWatch: preemptWatch(inputs, provider, backend),
    onPreempt: onPreempt(inputs, provider, { backend, sweep, syncDir, command, then: inputs['then'] }),
    afterVerified: afterVerified(inputs, provider, instanceId, backend),
    parkAfter: parkAfter(inputs, {
      provider,
      backend,
      sweep: !!sweep,
      runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
      workdir: syncDir ? undefined : (inputs['workdir'] ?? '').trim(),
    }),
    sync: syncDir ? { dir: syncDir, mode: v.oneOf('sync-mode', inputs['sync-mode'], RELEASE_MODES, 'dir') } : undefined,
    sweep,
    slurm,
    smoke: smoke(inputs),
  };
}

function smoke(inputs: Inputs): LaunchConfig['smoke'] {
  const required = v.bool('require-smoke', inputs['require-smoke'], false);
  const waiver = (inputs['smoke-waiver'] ?? '').trim();
  if (waiver && (waiver.length > 300 || /[\u0000-\u001f]/.test(waiver)))
    throw new InputError('smoke-waiver', 'is one line of at most 300 characters: why this launch goes without a smoke run');
  const path = (inputs['smoke-record'] ?? '').trim();
  v.plainPath('smoke-record', path);
  if (!required) {
    if (path) throw new InputError('smoke-record', 'is read only with require-smoke: true');
    return waiver ? { kind: 'waived', reason: waiver } : { kind: 'off' };
  }
  if (waiver) return { kind: 'waived', reason: waiver };
  return { kind: 'required', recordPath: path || undefined };
}

/**
 * Reads the values of the named secrets from the step's environment. The caller masks them at once.
 * A missing or empty secret is an error: launching without it would fail later, on the box, at night.
 */
export function readSecrets(names: string[], env: Inputs): Array<[string, string]> {
  return names.map((name) => {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new InputError(
        'secrets',
        `${name} is not set in the step's environment (add 'env: ${name}: \${{ secrets.${name} }}' to the step)`,
        `${name} is not set in this shell's environment (export ${name}=… first; its value goes to the job on stdin)`,
      );
    }
    if (value.includes('\u0000')) throw new InputError('secrets', `${name} contains a NUL byte`);
    if (value.length > 65536) throw new InputError('secrets', `${name} is longer than 65536 characters`);
    return [name, value];
  });
}

/** Everything the launch phase runs with, parsed once. */
export interface LaunchPhaseConfig {
  launch: LaunchConfig;
  /** The secrets' values from the step's environment, by name (masked by the phase at once). */
  secrets: Array<[string, string]>;
  /** The audit gate's settings; its disk floor also holds for a sweep's cells when the gate is off. */
  audit: AuditConfig;
  conn: ConnectionConfig;
  /** Where the run is registered for the patrol (`report-to`), signed with the connection's key. */
  store: StoreSpec | null;
  /** tether-run.json, relative to the workspace. */
  runFile: string;
  /** after-verified, with the approving workflow run, as the registration signs it (a recovery carries the run's own). */
  policy: PolicyTerms | null;
  /** A run on many boxes (`nodes`, issue 28): each node's connection, rank 0 first (it is also `conn`). */
  nodes?: MultiNode & { conns: ConnectionConfig[] };
  /**
   * Set by the recover phase only (issue 27 §2), never from an input: the attempt numbering to continue, the
   * newest verified checkpoint to push into the new box before the job starts, and what the registration says of
   * the recoveries so far.
   */
  recovery?: {
    attemptFloor: number;
    /** The verified checkpoints pushed into the run's folder first: the newest of the run, or of each cell of a sweep. */
    restore: RestoreFile[];
    /** A sweep's cells the old box finished whose newest checkpoint is restored: recorded done, never run again. */
    doneCells: string[];
    recoveries: number;
    previous: Array<{ provider: string; instanceId: string; attempt: number }>;
  };
}

/**
 * `nodes`: each node's connection from its line and the step's inputs, and what a run on many boxes does not
 * offer yet, refused before anything touches a box. The command becomes the node command (torchrun's line).
 */
function multiNode(inputs: Inputs, env: Inputs, launch: LaunchConfig): LaunchPhaseConfig['nodes'] {
  const m = parseNodes(inputs);
  if (!m) return undefined;
  const not = (input: string, why: string) => {
    throw new InputError(input, `is not offered for a run on many boxes (nodes) ${why}`);
  };
  if (launch.sweep) not('cells', 'yet: a sweep queues its cells on one box');
  if (launch.backend === 'slurm') not('backend', ": on Slurm, a multi-node job is the scheduler's (slurm-options: --nodes=N)");
  if (launch.onPreempt.policy !== 'wait') not('on-preempt', 'yet: a recovery rents one box');
  if (launch.afterVerified)
    not('after-verified', "yet: the patrol's own park or destroy acts on one instance; tear a run on many boxes down with teardown's nodes");
  if (launch.parkAfter) not('park-after', 'yet');
  if ((inputs['from-provision'] ?? '').trim()) not('from-provision', "yet: give each node's line");
  if ((inputs['instance-id'] ?? '').trim()) throw new InputError('instance-id', "names one box; with nodes put each node's instance-id= on its line");
  const conns = nodeConnections(inputs, env, m);
  if (!launch.recorded) launch.command = nodeCommand(launch.command, m);
  return { ...m, conns };
}

/** One checkpoint a recovery restores: where it is on this runner, and what the sync record says it is. */
export interface RestoreFile {
  source: string;
  path: string;
  cell: string | null;
  bytes: number;
  sha256: string;
  step: number | null;
}

export function parseLaunchPhase(inputs: Inputs, env: Inputs): LaunchPhaseConfig {
  const launch = parseLaunch(inputs);
  const reportTo = parseReportTo(inputs['report-to']);
  const secrets = readSecrets(launch.secretNames, env);
  const audit = parseAudit(inputs);
  const nodes = multiNode(inputs, env, launch);
  const conn = nodes ? nodes.conns[0]! : parseConnection(inputs, env);
  if (reportTo && conn.key.kind === 'agent')
    throw new InputError(
      'ssh-key',
      'report-to signs the run registration with the SSH key, so give ssh-key or ssh-key-path (an ssh agent cannot sign it here)',
    );
  const store = reportTo ? { reportTo, header: '', token: inputs['github-token'] ?? '', signingKey: conn.key } : null;
  if (launch.onPreempt.policy !== 'wait' && !reportTo)
    throw new InputError(
      'on-preempt',
      `${launch.onPreempt.policy} needs report-to: the policy is signed into the run's registration, where the patrol reads it`,
    );
  if (launch.afterVerified && !reportTo)
    throw new InputError(
      'after-verified',
      "needs report-to: the policy and the approving run are signed into the run's registration, where the patrol reads them",
    );
  return {
    launch,
    secrets,
    audit,
    conn,
    ...(nodes ? { nodes } : {}),
    store,
    policy: policyOf(launch.afterVerified, env),
    runFile: (inputs['run-file'] ?? '').trim() || `tether-run-${launch.runId}.json`,
  };
}

/**
 * The after-verified policy as the registration signs it: the verb, the environment, and this workflow run (the
 * one whose approval the patrol checks), from the runner's own variables. Outside a workflow run there is no
 * approval to check: an input error.
 */
function policyOf(av: LaunchConfig['afterVerified'], env: Inputs): LaunchPhaseConfig['policy'] {
  if (!av) return null;
  const id = (env['GITHUB_RUN_ID'] ?? '').trim();
  const attempt = (env['GITHUB_RUN_ATTEMPT'] ?? '1').trim() || '1';
  const workflow = /^[^/\s]+\/[^/\s]+\/(\.github\/workflows\/[A-Za-z0-9._-]{1,100}\.ya?ml)@/.exec((env['GITHUB_WORKFLOW_REF'] ?? '').trim())?.[1];
  if (!/^[1-9]\d{0,15}$/.test(id) || !/^[1-9]\d{0,3}$/.test(attempt) || !workflow)
    throw new InputError(
      'after-verified',
      "needs a GitHub Actions workflow run (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_WORKFLOW_REF): the approval the patrol checks is that run's environment approval; from a terminal, tear down with tether teardown",
    );
  return { afterVerified: av.verb, environment: av.environment, approvingRun: { id: Number(id), attempt: Number(attempt), workflow } };
}

/** hourly-price, max-hours and max-cost: a cost budget needs a price to count against. */
function budgets(inputs: Inputs): { hourlyPrice: number | undefined; maxHoursS: number | undefined; maxCost: number | undefined } {
  const money = (name: string) => {
    const t = (inputs[name] ?? '').trim().replace(/^\$/, '');
    return t ? v.number(name, t, 0, 0, 1_000_000) : undefined;
  };
  const hourlyPrice = money('hourly-price');
  const maxCost = money('max-cost');
  if (maxCost !== undefined && hourlyPrice === undefined)
    throw new InputError('max-cost', 'needs hourly-price: the cost is counted from what the box costs per hour');
  if (maxCost === 0) throw new InputError('max-cost', 'is more than 0');
  const maxHoursS = v.duration('max-hours', inputs['max-hours'], undefined);
  return { hourlyPrice, maxHoursS, maxCost };
}
