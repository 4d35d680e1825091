/**
 * Renting one box (issue 26 §1): every effect handed in, an outcome out. Candidates are tried in order; a
 * capacity refusal moves to the next, a transient one or a rate limit is asked again (bounded, with backoff),
 * anything else (a refused key, an empty balance or quota, a bad request) stops at once with the provider's
 * words. The instance is recorded the moment the provider names it. Then the box must answer SSH with exactly
 * the host key tether generated for it; one that never does within the deadline, or reaches a state that never
 * leads to running, or answers with another key, is destroyed here and polled to gone. That is the one destroy
 * without proof or approval, allowed only because no job ever ran on that box (DESIGN's trust rules).
 */
import { ProvisionError, type Candidate, type CreateSpec, type ProvisionErrorKind, type Provisioner } from '../providers/types.ts';
import { durationText } from '../record/run-state.ts';

export interface ProvisionPlan {
  types: readonly string[];
  regions: readonly string[];
  maxHourlyPrice: number | null;
  spec: Omit<CreateSpec, 'keyRef'>;
  publicKey: string;
  hostKeyFingerprint: string;
  /**
   * Whether a box may answer with another host key before its start step installed ours (a start step after the
   * provider's own sshd, as on vast): then that is waited out to the deadline, never authenticated to.
   */
  hostKeySettles?: boolean;
  /** The whole provision, create to a pinned SSH login, ends within this. */
  timeoutMs: number;
  pollMs: number;
  /** Tries per call for transient answers and rate limits. */
  tries: number;
}

export interface ProvisionDeps {
  provisioner: Provisioner;
  /** The instance was created: record it before anything else (a provision killed from here on leaves it found). */
  created(instanceId: string, c: Candidate): Promise<void>;
  /** Whether the box answers SSH with exactly this host key and lets the connection's key in. */
  reach(host: string, port: number, hostKeyFingerprint: string): Promise<{ ok: true } | { ok: false; why: string; otherHostKey: boolean; presented?: string }>;
  /** Destroys the instance and polls it to gone. */
  destroy(instanceId: string): Promise<{ ok: boolean; detail: string }>;
  log(line: string): void;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export type ProvisionOutcome =
  | {
      result: 'ready';
      instanceId: string;
      candidate: Candidate;
      host: string;
      port: number;
      /** The pinned key: the one tether generated, or (rank 2) the one the provider's console output lists. */
      hostKeyFingerprint: string;
      hostKeySource: 'generated' | 'console';
      tried: string[];
    }
  | {
      result: 'failed';
      why: string;
      kind: ProvisionErrorKind | 'timeout' | 'host-key' | 'never-running' | 'gone';
      instanceId: string | null;
      candidate: Candidate | null;
      /** Set when an instance was created: whether the provision destroyed it (polled to gone). */
      destroyed: boolean | null;
      tried: string[];
    };

type FailureKind = Extract<ProvisionOutcome, { result: 'failed' }>['kind'];

const RETRY: readonly ProvisionErrorKind[] = ['transient', 'rate-limit'];

/** Where a candidate is: its region, or wherever the provider places it (RunPod without data centers named). */
export const where = (c: Candidate) => `${c.instanceType}${c.offer ? ` (offer ${c.offer})` : ''} ${c.region ? `in ${c.region}` : '(any region)'}`;
const label = (c: Candidate) => `${where(c)}${c.hourlyPrice !== null ? ` ($${c.hourlyPrice.toFixed(2)}/h)` : ''}`;

export async function provision(plan: ProvisionPlan, deps: ProvisionDeps): Promise<ProvisionOutcome> {
  const end = deps.now() + plan.timeoutMs;
  const left = () => Math.max(0, end - deps.now());
  const tried: string[] = [];
  const failed = (kind: FailureKind, why: string): ProvisionOutcome => ({
    result: 'failed',
    why,
    kind,
    instanceId: null,
    candidate: null,
    destroyed: null,
    tried,
  });

  // One provider call, asked again only for a transient answer or a rate limit, with backoff, within the deadline.
  const patiently = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof ProvisionError) || !RETRY.includes(err.kind) || i >= plan.tries || left() === 0) throw err;
        const wait = Math.min(plan.pollMs * 2 ** (i - 1), left());
        deps.log(`provision: ${what}: ${err.message}; asking again in ${durationText(wait / 1000)} (${i}/${plan.tries})`);
        await deps.sleep(wait);
      }
    }
  };

  let keyRef: string;
  let offered: { candidates: Candidate[]; skipped: string[] };
  try {
    keyRef = await patiently('registering the key', () => deps.provisioner.prepareKey(plan.publicKey));
    offered = await patiently('reading capacity', () => deps.provisioner.candidates(plan.types, plan.regions));
  } catch (err) {
    if (err instanceof ProvisionError) return failed(err.kind, err.message);
    throw err;
  }
  tried.push(...offered.skipped);
  const affordable = offered.candidates.filter((c) => {
    if (plan.maxHourlyPrice === null || c.hourlyPrice === null || c.hourlyPrice <= plan.maxHourlyPrice) return true;
    tried.push(`${label(c)}: over max-hourly-price $${plan.maxHourlyPrice}`);
    return false;
  });

  let instanceId: string | null = null;
  let chosen: Candidate | null = null;
  let lastKind: FailureKind = 'capacity';
  for (const c of affordable) {
    if (left() === 0) break;
    try {
      instanceId = await patiently(`creating ${label(c)}`, () => deps.provisioner.create(c, { ...plan.spec, keyRef }));
      chosen = c;
      break;
    } catch (err) {
      if (!(err instanceof ProvisionError)) throw err;
      tried.push(`${label(c)}: ${err.message}`);
      // No capacity, or still no answer after the retries: the next candidate may do.
      if (err.kind === 'capacity' || RETRY.includes(err.kind)) {
        lastKind = err.kind;
        deps.log(`provision: ${label(c)}: ${err.message}; trying the next candidate`);
        continue;
      }
      return failed(err.kind, err.message);
    }
  }
  if (!instanceId || !chosen)
    return failed(
      affordable.length && left() === 0 ? 'timeout' : lastKind,
      affordable.length ? `no candidate could be created: ${tried.join('; ')}` : `no candidate to ask for: ${tried.join('; ') || 'nothing matched'}`,
    );
  await deps.created(instanceId, chosen);
  deps.log(`provision: created ${instanceId} (${label(chosen)}); it bills from now. Waiting for SSH with the pinned host key ${plan.hostKeyFingerprint}`);

  return upOrDestroyed(plan, deps, instanceId, chosen, tried, left);
}

/** Up, with an address, answering SSH with the host key tether made for it: or destroyed (no job ever ran on it). */
async function upOrDestroyed(
  plan: ProvisionPlan,
  deps: ProvisionDeps,
  instanceId: string,
  chosen: Candidate,
  tried: string[],
  left: () => number,
): Promise<ProvisionOutcome> {
  let last = 'not described yet';
  let kind: 'timeout' | 'host-key' | 'never-running' | 'gone' = 'timeout';
  while (left() > 0) {
    let s;
    try {
      s = await deps.provisioner.describe(instanceId);
    } catch (err) {
      if (!(err instanceof ProvisionError)) throw err;
      last = err.message;
      await deps.sleep(Math.min(plan.pollMs, left()));
      continue;
    }
    last = s.detail;
    if (s.phase === 'gone') {
      kind = 'gone';
      break;
    }
    // A box that stopped while it was being created does not come up by itself either.
    if (s.phase === 'failed' || s.phase === 'stopped') {
      kind = 'never-running';
      break;
    }
    if (s.phase === 'running' && s.host) {
      const r = await deps.reach(s.host, s.port, plan.hostKeyFingerprint);
      if (r.ok) {
        await deps.provisioner.release?.(instanceId);
        return {
          result: 'ready',
          instanceId,
          candidate: chosen,
          host: s.host,
          port: s.port,
          hostKeyFingerprint: plan.hostKeyFingerprint,
          hostKeySource: 'generated',
          tried,
        };
      }
      last = r.why;
      if (r.otherHostKey && r.presented && deps.provisioner.consoleHostKeys) {
        // The image may have ignored the key tether sent (rank 1): the box's own word over the API is rank 2.
        const rescued = await byConsole(deps, instanceId, s.host, s.port, r.presented, r.why);
        if (rescued.ok) {
          await deps.provisioner.release?.(instanceId);
          return {
            result: 'ready',
            instanceId,
            candidate: chosen,
            host: s.host,
            port: s.port,
            hostKeyFingerprint: r.presented,
            hostKeySource: 'console',
            tried,
          };
        }
        kind = 'host-key';
        last = rescued.why;
        if (rescued.final) break;
      } else if (r.otherHostKey) {
        kind = 'host-key';
        if (!plan.hostKeySettles) break;
      } else kind = 'timeout';
    }
    await deps.sleep(Math.min(plan.pollMs, left()));
  }
  const why =
    kind === 'gone'
      ? `${instanceId} disappeared while it came up (${last})`
      : kind === 'never-running'
        ? `${instanceId} reached a state that never leads to running (${last})`
        : kind === 'host-key'
          ? `${instanceId} answered SSH with a host key other than the one tether generated for it (${last}): it is not the box asked for, and nothing was sent to it`
          : `${instanceId} did not answer SSH with its pinned host key within ${durationText(plan.timeoutMs / 1000)} (last: ${last})`;
  if (kind === 'gone') {
    await deps.provisioner.release?.(instanceId);
    return { result: 'failed', why, kind, instanceId, candidate: chosen, destroyed: true, tried };
  }
  deps.log(`provision: ${why}; destroying it (no job ever ran on it)`);
  const d = await deps.destroy(instanceId);
  await deps.provisioner.release?.(instanceId);
  return {
    result: 'failed',
    why: d.ok
      ? `${why}; destroyed it (${d.detail})`
      : `${why}; destroying it FAILED (${d.detail}): ${instanceId} may still bill${chosen.hourlyPrice !== null ? ` $${chosen.hourlyPrice.toFixed(2)}/h` : ''}; destroy it in the provider's console`,
    kind,
    instanceId,
    candidate: chosen,
    destroyed: d.ok,
    tried,
  };
}

/**
 * Rank 2 for a box that answered with another key than the one tether sent: pinned only when the provider's
 * console output lists exactly the key it presented. `final`: the console names other keys (not this box's
 * word); otherwise it may not have posted yet, and the caller asks again until the deadline.
 */
async function byConsole(
  deps: ProvisionDeps,
  instanceId: string,
  host: string,
  port: number,
  presented: string,
  why: string,
): Promise<{ ok: true } | { ok: false; final: boolean; why: string }> {
  const listed = await deps.provisioner.consoleHostKeys!(instanceId).catch(() => null);
  if (!listed) return { ok: false, final: false, why: `${why}; its console output lists no host key yet` };
  if (!listed.includes(presented)) return { ok: false, final: true, why: `${why}; its console output lists ${listed.join(', ') || 'no key'}` };
  const again = await deps.reach(host, port, presented);
  if (!again.ok) return { ok: false, final: false, why: again.why };
  deps.log(
    `provision: ${instanceId} ignored the host key tether sent; its console output lists ${presented}, which it answered with: pinned that (the provider's word, rank 2)`,
  );
  return { ok: true };
}
