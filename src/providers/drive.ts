import type { Verb } from '../record/names.ts';
import { ProviderError, type InstanceState, type Provider, type ProviderContext } from './types.ts';

export interface DriveOptions {
  /** The whole teardown must end within this. */
  deadlineMs: number;
  pollMs: number;
  /** Requests tried at most this many times (each after re-querying the state). */
  attempts: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface DriveResult {
  ok: boolean;
  state: InstanceState;
  detail: string;
  /** The instance was already in the target state before anything was asked. */
  already: boolean;
  requests: number;
}

const reached = (verb: Verb, s: InstanceState) => s === 'gone' || (verb === 'park' && s === 'stopped');
// (cancel reaches `gone`: every job of the run has ended in Slurm)

/**
 * Ask, then prove: a 200 from a delete is not success (RP14, VAST15, LAM14). The state is read first
 * (already gone counts as done), re-read before every retry, and polled until the target state or the
 * deadline. Every loop is bounded by `deadlineMs`.
 */
export async function drive(p: Provider, verb: Verb, ctx: ProviderContext, o: DriveOptions): Promise<DriveResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const end = now() + o.deadlineMs;
  let last: { state: InstanceState; detail: string } = { state: 'unknown', detail: 'not read yet' };
  const read = async () => {
    try {
      last = await p.state();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable) throw err;
      ctx.log(`teardown: state query failed (${err.message}); will ask again`);
      last = { state: 'unknown', detail: err.message };
    }
    return last;
  };
  const first = await read();
  if (reached(verb, first.state)) return { ok: true, ...last, already: true, requests: 0 };
  // Not found on the first look proves nothing: a wrong id or region answers the same. Nothing is asked.
  if (first.state === 'missing')
    return {
      ok: false,
      ...last,
      detail: `${ctx.instanceId} was not found and this teardown never saw it (${last.detail}): check instance-id and region/account; nothing was asked, and a wrong id is never counted as torn down`,
      already: false,
      requests: 0,
    };
  let requests = 0;
  let asked = false;
  while (!asked && requests < o.attempts && now() < end) {
    requests++;
    try {
      await p.request(verb);
      asked = true;
      ctx.log(`teardown: ${verb} requested for ${ctx.instanceId}; waiting for the provider to confirm`);
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable) throw err;
      ctx.log(`teardown: ${verb} request ${requests} failed: ${err.message}; re-querying the state before any retry`);
      if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
      await sleep(Math.min(o.pollMs * requests, Math.max(0, end - now())));
    }
  }
  if (!asked)
    return {
      ok: false,
      ...last,
      detail: `the ${verb} request failed ${requests} time(s); last state ${last.state} (${last.detail})`,
      already: false,
      requests,
    };
  while (now() < end) {
    if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
    await sleep(Math.min(o.pollMs, Math.max(0, end - now())));
  }
  if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
  return {
    ok: false,
    ...last,
    detail: `still ${last.state} (${last.detail}) ${Math.round(o.deadlineMs / 1000)} s after the ${verb} request`,
    already: false,
    requests,
  };
}
