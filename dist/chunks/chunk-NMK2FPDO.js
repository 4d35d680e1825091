import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  ProviderError
} from "./chunk-PFQFTWQV.js";

// src/providers/drive.ts
var reached = (verb, s) => s === "gone" || verb === "park" && s === "stopped";
async function drive(p, verb, ctx, o) {
  const sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const end = now() + o.deadlineMs;
  let last = { state: "unknown", detail: "not read yet" };
  const read = async () => {
    try {
      last = await p.state();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable) throw err;
      ctx.log(`teardown: state query failed (${err.message}); will ask again`);
      last = { state: "unknown", detail: err.message };
    }
    return last;
  };
  const first = await read();
  if (reached(verb, first.state)) return { ok: true, ...last, already: true, requests: 0 };
  if (first.state === "missing")
    return {
      ok: false,
      ...last,
      detail: `${ctx.instanceId} was not found and this teardown never saw it (${last.detail}): check instance-id and region/account; nothing was asked, and a wrong id is never counted as torn down`,
      already: false,
      requests: 0
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
      requests
    };
  while (now() < end) {
    if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
    await sleep(Math.min(o.pollMs, Math.max(0, end - now())));
  }
  if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
  return {
    ok: false,
    ...last,
    detail: `still ${last.state} (${last.detail}) ${Math.round(o.deadlineMs / 1e3)} s after the ${verb} request`,
    already: false,
    requests
  };
}

export {
  drive
};
