import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PROVIDER_LIST,
  awsFromEnv
} from "./chunk-PFQFTWQV.js";

// src/provision/orphans.ts
function settingsFor(rent, env) {
  const out = [];
  for (const m of PROVIDER_LIST) {
    const r = m.provision;
    if (!r || rent.provider && rent.provider !== m.name) continue;
    const base = { apiUrl: rent.provider ? rent.apiUrl : void 0, callTimeoutMs: 2e4, log: () => void 0 };
    if (r.credentials === "aws") {
      const region = rent.awsRegion;
      if (!region || !env["AWS_ACCESS_KEY_ID"] || !env["AWS_SECRET_ACCESS_KEY"]) continue;
      out.push({ provider: m.name, s: { ...base, apiKey: "", aws: awsFromEnv(region, env) } });
    } else {
      const apiKey = (rent.provider ? rent.apiKey : "") || (env[r.apiKeyEnv] ?? "").trim();
      if (apiKey) out.push({ provider: m.name, s: { ...base, apiKey, aws: null } });
    }
  }
  return out;
}
async function findOrphans(rent, env, known, registered = [], sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
  const check = { orphans: [], instances: [], problems: [], listed: [] };
  for (const { provider, s } of settingsFor(rent, env)) {
    const m = PROVIDER_LIST.find((p2) => p2.name === provider);
    const p = m.provision.make(s);
    try {
      const found = await p.list("tether-");
      check.listed.push(provider);
      for (const i of found) if (i.billing && !known.has(`${provider}:${i.id}`)) check.orphans.push({ ...i, provider });
    } catch (err) {
      check.problems.push(`${provider}: the instances could not be listed (${err.message.slice(0, 200)})`);
    }
    const mine = registered.filter((x) => x.provider === provider).slice(0, 64);
    const words = await describeConfirmed(
      p,
      mine.map((r) => r.instanceId),
      rent.confirmMs,
      sleep
    );
    mine.forEach((r, i) => check.instances.push({ ...r, ...words[i] }));
  }
  return check;
}
async function describeTwice(p, id, confirmMs, sleep) {
  return (await describeConfirmed(p, [id], confirmMs, sleep))[0];
}
async function describeConfirmed(p, ids, confirmMs, sleep) {
  const read = (id) => p.describe(id).catch((err) => ({ error: err.message.slice(0, 200) }));
  const first = [];
  for (const id of ids) first.push(await read(id));
  if (first.some((f) => !("error" in f) && f.preempted)) await sleep(confirmMs);
  const out = [];
  for (const [i, f] of first.entries()) {
    if ("error" in f) out.push({ phase: "unknown", detail: f.error });
    else if (!f.preempted) out.push({ phase: f.phase, detail: f.detail });
    else {
      const second = await read(ids[i]);
      if (!("error" in second) && second.preempted) out.push({ phase: second.phase, detail: second.detail, preempted: second.preempted });
      else
        out.push({
          phase: f.phase,
          detail: f.detail,
          unconfirmed: `${f.preempted}, then ${"error" in second ? "no second reading" : `not on a second reading (${second.detail})`}`
        });
    }
  }
  return out;
}

export {
  findOrphans,
  describeTwice,
  describeConfirmed
};
