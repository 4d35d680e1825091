/**
 * The provider registry: every provider once, each one module beside this file ({ name, facts, defaultInstance?,
 * check?, make }), as backends/ lists its backends. Teardown picks one by name; the card and the approval read
 * their facts from here. Adding a provider: its module, its name in src/record/names.ts, its double in the test harness
 * (test/harness/provider-double.ts) and its tests.
 */
import { autodl } from './autodl.ts';
import { aws } from './aws.ts';
import { command } from './command.ts';
import { lambda } from './lambda.ts';
import { paperspace } from './paperspace.ts';
import { PROVIDER_NAMES, type ProviderName, type Verb } from '../record/names.ts';
import { runpod } from './runpod.ts';
import { slurm } from './slurm.ts';
import { ssh } from './ssh.ts';
import type { ProviderFacts, ProviderModule, VerbFacts } from './types.ts';
import { vastai } from './vastai.ts';

export type { ProviderFacts, ProviderModule, ProviderName, Verb, VerbFacts };

/** In src/record/names.ts order (test/unit/inputs-table.test.ts checks the two agree). */
export const PROVIDER_LIST: readonly ProviderModule[] = [ssh, command, lambda, runpod, vastai, aws, paperspace, autodl, slurm];

/** The module of a provider by name. */
export function providerModule(name: ProviderName): ProviderModule {
  const m = PROVIDER_LIST.find((p) => p.name === name);
  if (!m) throw new Error(`no provider module for ${name}`);
  return m;
}

/** Every provider's facts, by name. */
export const FACTS = Object.fromEntries(PROVIDER_NAMES.map((n) => [n, providerModule(n).facts])) as Record<ProviderName, ProviderFacts>;

/** Months since a `YYYY-MM` stamp. Pure. */
export function monthsSince(stamp: string, now: Date): number {
  const [y, m] = stamp.split('-').map(Number);
  return (now.getUTCFullYear() - (y ?? 0)) * 12 + (now.getUTCMonth() + 1 - (m ?? 0));
}

/** The one instance-id rule: the id given, or the provider's own default (ssh: the box as host:port; slurm: the run). */
export function instanceIdFor(provider: ProviderName, given: string, box: { host: string; port: number | string } | null, runId = ''): string {
  const m = providerModule(provider);
  if (m.facts.scheduler) return m.defaultInstance?.(box, runId) ?? runId;
  return given.trim() || m.defaultInstance?.(box, runId) || '';
}

/** Whether a verb is offered by a provider (cancel is for schedulers only). */
export function verbFacts(provider: ProviderName, verb: Verb): VerbFacts | null {
  return FACTS[provider][verb] ?? null;
}

/** Why a verb is not offered, when it is not. */
export function verbMissing(provider: ProviderName, verb: Verb): string {
  return FACTS[provider].missing?.[verb] ?? (verb === 'cancel' ? 'cancel is for a scheduler (provider slurm)' : 'not offered by this provider');
}
