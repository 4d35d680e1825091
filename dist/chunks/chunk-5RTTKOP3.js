import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  isProvisionRecord,
  provisionedBytes,
  provisionedInstances,
  readProvisioned
} from "./chunk-EATFAHHB.js";
import {
  connectionTo
} from "./chunk-D4LSXUI5.js";
import {
  readRegistration,
  signedBytes,
  whereRegistered
} from "./chunk-4U6B6A5Q.js";
import {
  verify
} from "./chunk-DHT7G7Q2.js";
import {
  nodeKey
} from "./chunk-FHK73RDK.js";

// src/registry/hosts.ts
function verifiedRegistration(body, cred) {
  let sealed;
  try {
    sealed = readRegistration(body);
  } catch (err) {
    return { why: err.message };
  }
  if (!verify(cred, signedBytes(sealed.entry), sealed.signer, sealed.sig))
    return {
      why: `its signature does not verify with this patrol's SSH key (signer ${sealed.signer}): it was edited after launch wrote it, or launched with another key`
    };
  return { entry: sealed.entry };
}
function verifiedProvisioned(body, cred) {
  let r;
  try {
    r = readProvisioned(body);
  } catch (err) {
    return { why: err.message };
  }
  if (!verify(cred, provisionedBytes(r.entry), r.signer, r.sig))
    return { why: `its signature does not verify with this patrol's SSH key (signer ${r.signer}): edited, or provisioned with another key` };
  return { entry: r.entry };
}
function registeredHosts(found, cred, own) {
  const byWhere = /* @__PURE__ */ new Map();
  const entries = {};
  const refused = [];
  const provisioned = [];
  for (const f of found) {
    if (isProvisionRecord(f.body)) {
      const p = verifiedProvisioned(f.body, cred);
      if ("why" in p) refused.push(`${f.runId}: provision record: ${p.why}`);
      else if (p.entry.runId !== f.runId) refused.push(`${f.runId}: provision record: it is for run ${p.entry.runId}, not the one its comment names`);
      else provisioned.push(...provisionedInstances(p.entry));
      continue;
    }
    let e;
    try {
      const checked = verifiedRegistration(f.body, cred);
      if ("why" in checked) throw new Error(checked.why);
      e = checked.entry;
      if (e.runId !== f.runId) throw new Error(`the entry is for run ${e.runId}, not the one its comment names`);
      const price = e.hourlyPrice ? Number(e.hourlyPrice) : null;
      const places = e.nodes?.length ? e.nodes.map((n) => ({
        at: { ...e, host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint, runRoot: n.runRoot },
        key: nodeKey(e.runId, n.rank)
      })) : [{ at: e, key: e.runId }];
      for (const { at, key } of places) {
        const where = whereRegistered(at);
        let name = `${at.user}@${at.host}:${at.port}`;
        const same = [...byWhere.values()].filter((h) => h.name === name || h.name.startsWith(`${name} #`)).length;
        if (!byWhere.has(where) && same) name += ` #${same + 1}`;
        const host = byWhere.get(where) ?? { name, conn: connectionTo(at, own), runRoot: at.runRoot, runIds: [], hourlyPrice: price };
        host.runIds.push(key);
        if (key !== e.runId) host.aliases = { ...host.aliases, [key]: e.runId };
        byWhere.set(where, host);
      }
      entries[e.runId] = e;
    } catch (err) {
      refused.push(`${f.runId}: ${err.message}`);
    }
  }
  return { hosts: [...byWhere.values()], entries, refused, provisioned };
}

export {
  verifiedRegistration,
  verifiedProvisioned,
  registeredHosts
};
