/**
 * The providers' names, the one list config, the CLI help and the registry (src/providers/index.ts) share.
 * A leaf: config may import it without importing any provider's code.
 */
export const PROVIDER_NAMES = ['ssh', 'command', 'lambda', 'runpod', 'vastai', 'aws', 'slurm'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** park and destroy act on a rented instance; cancel on a scheduler's jobs (provider slurm). */
export const VERBS = ['park', 'destroy', 'cancel'] as const;
export type Verb = (typeof VERBS)[number];

/** What an instance id may look like, for every provider (letters, digits and . _ : @ / -). */
export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
