/**
 * Instances tether rented that bill with nothing behind them (issue 26 §3): the instances named `tether-` at
 * each provider the patrol has credentials for, less those a signed registration or provision record names.
 * One provider's trouble (no answer, a refused key) is that provider's line, never the tick's failure.
 */
import type { Inputs } from '../config/connection.ts';
import type { PatrolPhaseConfig } from '../config/patrol.ts';
import { awsFromEnv } from '../providers/aws-provision.ts';
import { PROVIDER_LIST } from '../providers/index.ts';
import type { BoxState, Provisioner, ProvisionSettings, RentedInstance } from '../providers/types.ts';

export interface Orphan extends RentedInstance {
  provider: string;
}

/** A registered run's instance as its provider describes it, with a preemption only when two readings agree. */
export interface DescribedInstance {
  runId: string;
  provider: string;
  instanceId: string;
  phase: string;
  detail: string;
  /** The provider's words, confirmed by a second reading `confirmMs` later (issue 27 §1). */
  preempted?: string;
  /** A first reading said preempted and the second did not (or could not be had): shown, never acted on. */
  unconfirmed?: string;
}

export interface OrphanCheck {
  orphans: Orphan[];
  /** Each registered run's instance as its provider describes it now (the provider's word, never the network's). */
  instances: DescribedInstance[];
  /** Per provider that could not be listed: why (shown, and a warning). */
  problems: string[];
  /** The providers that were listed. */
  listed: string[];
}

/** The providers to list and how: the one the inputs name, or each rentable one whose usual credentials are in the environment. */
function settingsFor(rent: PatrolPhaseConfig['rent'], env: Inputs): Array<{ provider: string; s: ProvisionSettings }> {
  const out: Array<{ provider: string; s: ProvisionSettings }> = [];
  for (const m of PROVIDER_LIST) {
    const r = m.provision;
    if (!r || (rent.provider && rent.provider !== m.name)) continue;
    const base = { apiUrl: rent.provider ? rent.apiUrl : undefined, callTimeoutMs: 20_000, log: () => undefined };
    if (r.credentials === 'aws') {
      const region = rent.awsRegion;
      if (!region || !env['AWS_ACCESS_KEY_ID'] || !env['AWS_SECRET_ACCESS_KEY']) continue;
      out.push({ provider: m.name, s: { ...base, apiKey: '', aws: awsFromEnv(region, env) } });
    } else {
      const apiKey = (rent.provider ? rent.apiKey : '') || (env[r.apiKeyEnv] ?? '').trim();
      if (apiKey) out.push({ provider: m.name, s: { ...base, apiKey, aws: null } });
    }
  }
  return out;
}

/**
 * The instances that bill with nothing behind them, and each registered run's instance as its provider
 * describes it (a preemption confirmed by a second reading `rent.confirmMs` later).
 */
export async function findOrphans(
  rent: PatrolPhaseConfig['rent'],
  env: Inputs,
  known: ReadonlySet<string>,
  registered: ReadonlyArray<{ runId: string; provider: string; instanceId: string }> = [],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<OrphanCheck> {
  const check: OrphanCheck = { orphans: [], instances: [], problems: [], listed: [] };
  for (const { provider, s } of settingsFor(rent, env)) {
    const m = PROVIDER_LIST.find((p) => p.name === provider)!;
    const p = m.provision!.make(s);
    try {
      const found = await p.list('tether-');
      check.listed.push(provider);
      for (const i of found) if (i.billing && !known.has(`${provider}:${i.id}`)) check.orphans.push({ ...i, provider });
    } catch (err) {
      check.problems.push(`${provider}: the instances could not be listed (${(err as Error).message.slice(0, 200)})`);
    }
    // Bounded: at most 64 registered instances described per provider and tick, and one wait for all second readings.
    const mine = registered.filter((x) => x.provider === provider).slice(0, 64);
    const words = await describeConfirmed(
      p,
      mine.map((r) => r.instanceId),
      rent.confirmMs,
      sleep,
    );
    mine.forEach((r, i) => check.instances.push({ ...r, ...words[i]! }));
  }
  return check;
}

type Described = Omit<DescribedInstance, 'runId' | 'provider' | 'instanceId'>;

/** One instance as its provider describes it, read twice where a preemption is claimed (describeConfirmed). */
export async function describeTwice(p: Provisioner, id: string, confirmMs: number, sleep: (ms: number) => Promise<void>): Promise<Described> {
  return (await describeConfirmed(p, [id], confirmMs, sleep))[0]!;
}

/**
 * Instances as their provider describes them; a preemption is asserted only when a second reading `confirmMs`
 * later says it too (one wait for all of them). A provider that cannot be asked (an error, a timeout) asserts
 * nothing, and is not asked again.
 */
export async function describeConfirmed(p: Provisioner, ids: readonly string[], confirmMs: number, sleep: (ms: number) => Promise<void>): Promise<Described[]> {
  const read = (id: string): Promise<BoxState | { error: string }> => p.describe(id).catch((err: Error) => ({ error: err.message.slice(0, 200) }));
  const first: Array<BoxState | { error: string }> = [];
  for (const id of ids) first.push(await read(id));
  if (first.some((f) => !('error' in f) && f.preempted)) await sleep(confirmMs);
  const out: Described[] = [];
  for (const [i, f] of first.entries()) {
    if ('error' in f) out.push({ phase: 'unknown', detail: f.error });
    else if (!f.preempted) out.push({ phase: f.phase, detail: f.detail });
    else {
      const second = await read(ids[i]!);
      if (!('error' in second) && second.preempted) out.push({ phase: second.phase, detail: second.detail, preempted: second.preempted });
      else
        out.push({
          phase: f.phase,
          detail: f.detail,
          unconfirmed: `${f.preempted}, then ${'error' in second ? 'no second reading' : `not on a second reading (${second.detail})`}`,
        });
    }
  }
  return out;
}
