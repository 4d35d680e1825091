import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  readRegistration,
  signedBytes,
  whereRegistered
} from "./chunk-IRUQJGMC.js";
import {
  verify
} from "./chunk-BHSIGIX6.js";
import "./chunk-EIRDXYTK.js";
import "./chunk-QQLEJVPE.js";
import "./chunk-XSXAROAL.js";
import "./chunk-EPCPIVQ4.js";
import {
  parseConnection
} from "./chunk-5X6WLO4A.js";
import "./chunk-75KHDEEE.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-UWHVA42A.js";
import "./chunk-R3K6G2KB.js";

// src/registry/hosts.ts
var OWN = ["ssh-key", "ssh-key-path", "connect-timeout", "connect-attempts"];
function registeredHosts(found, cred, inputs, env) {
  const own = Object.fromEntries(OWN.map((k) => [k, inputs[k]]));
  const byWhere = /* @__PURE__ */ new Map();
  const entries = {};
  const refused = [];
  for (const f of found) {
    let e;
    try {
      const sealed = readRegistration(f.body);
      e = sealed.entry;
      if (e.runId !== f.runId) throw new Error(`the entry is for run ${e.runId}, not the one its comment names`);
      if (!verify(cred, signedBytes(e), sealed.signer, sealed.sig))
        throw new Error(
          `its signature does not verify with this patrol's SSH key (signer ${sealed.signer}): it was edited after launch wrote it, or launched with another key`
        );
      const conn = parseConnection({ ...own, host: e.host, port: String(e.port), user: e.user, "host-key-fingerprint": e.hostKeyFingerprint }, env);
      const where = whereRegistered(e);
      let name = `${e.user}@${e.host}:${e.port}`;
      const same = [...byWhere.values()].filter((h) => h.name === name || h.name.startsWith(`${name} #`)).length;
      if (!byWhere.has(where) && same) name += ` #${same + 1}`;
      const host = byWhere.get(where) ?? { name, conn, runRoot: e.runRoot, runIds: [], hourlyPrice: null };
      host.runIds.push(e.runId);
      byWhere.set(where, host);
      entries[e.runId] = e;
    } catch (err) {
      refused.push(`${f.runId}: ${err.message}`);
    }
  }
  return { hosts: [...byWhere.values()], entries, refused };
}
export {
  registeredHosts
};
