/**
 * The registries' name lists (backends, providers, teardown verbs) and the instance-id grammar: leaves that
 * config, the help and the registries share (src/backends/index.ts and src/providers/index.ts hold the
 * modules; test/unit/inputs-table.test.ts checks each list names exactly its modules, in order).
 */
export const BACKEND_NAMES = ['tmux', 'setsid', 'slurm'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export const PROVIDER_NAMES = ['ssh', 'command', 'lambda', 'runpod', 'vastai', 'aws', 'paperspace', 'autodl', 'slurm'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/**
 * Whether a provider's `describe` tells a preemption by its documented signature (issue 27 §1): `verified` (EC2's
 * spot status and StateReason, vast's stopped triple on a bid), `unverified` (RunPod sells interruptible pods
 * with none documented after an interruption: only `on-preempt: wait`), `none` (no spot product, or not rented
 * by API). Read by launch's on-preempt check and the patrol.
 */
export const PREEMPTION_SIGNATURE: Record<ProviderName, 'verified' | 'unverified' | 'none'> = {
  ssh: 'none',
  command: 'none',
  lambda: 'none',
  runpod: 'unverified',
  vastai: 'verified',
  aws: 'verified',
  paperspace: 'none',
  autodl: 'none',
  slurm: 'none',
};

/** What a preemption leaves of a box at each provider that has spot boxes (providers-rent-facts §3), for the status. */
export const PREEMPTION_LEAVES: Partial<Record<ProviderName, string>> = {
  aws: 'EC2 terminated it: its EBS volumes are gone unless DeleteOnTermination was false (then they stay and bill)',
  vastai: 'vast stopped it: its disk, with the run record and checkpoints, stays and bills until the instance is destroyed',
  runpod: 'RunPod stopped it: its volume disk stays and bills (the container disk is wiped)',
};

/** How long a command (and its `then`) a registration may carry for a recovery (the block is at most 32 KiB). */
export const RECOVERY_COMMAND_MAX = 8192;
/** How long a sweep's cells (`name: command` lines) a registration may carry for a recovery. */
export const RECOVERY_CELLS_MAX = 16_384;

/** park and destroy act on a rented instance; cancel on a scheduler's jobs (provider slurm). */
export const VERBS = ['park', 'destroy', 'cancel'] as const;
export type Verb = (typeof VERBS)[number];

/**
 * `after-verified` (issue 27 §3): the verbs the patrol may carry out on its own, after a verified collect and an
 * approval given at launch, through the provider's API with credentials it holds. Only providers rented by API;
 * ssh (poweroff), command (the user's script), autodl (console only) and slurm (the scheduler's) are left to
 * teardown. test/unit/after-verified.test.ts checks each verb here is one the provider module offers.
 */
export const AFTER_VERIFIED = ['none', 'park', 'destroy'] as const;
export type AfterVerified = (typeof AFTER_VERIFIED)[number];
export const AFTER_VERIFIED_VERBS: Record<ProviderName, ReadonlyArray<Exclude<AfterVerified, 'none'>>> = {
  ssh: [],
  command: [],
  lambda: ['destroy'],
  runpod: ['park', 'destroy'],
  vastai: ['park', 'destroy'],
  aws: ['park', 'destroy'],
  paperspace: ['park', 'destroy'],
  autodl: [],
  slurm: [],
};

/** A GitHub environment's name, as the launch's job names it (`environment:`), for the approval the patrol checks. */
export const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/;

/** What an instance id may look like, for every provider (letters, digits and . _ : @ / -). */
export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
