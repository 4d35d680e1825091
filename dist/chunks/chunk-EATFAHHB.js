import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  registrationMarker
} from "./chunk-4U6B6A5Q.js";
import {
  sortedJson
} from "./chunk-Y2GZDFST.js";
import {
  FINGERPRINT,
  INSTANCE_ID
} from "./chunk-3ZXXC4EP.js";
import {
  BoxDataError,
  RUN_ID,
  arr,
  int,
  obj,
  parseJson,
  str
} from "./chunk-FHK73RDK.js";

// src/registry/provisioned.ts
var PROVISIONED_SCHEMA = "tether.provisioned/v1";
function provisionedInstances(p) {
  if (!p.nodes) return [p];
  return p.nodes.map(({ rank: _rank, ...n }) => ({ runId: p.runId, provider: p.provider, ...n }));
}
var OPEN = "<!-- tether:provisioned-data ";
var CLOSE = " -->";
function fields(p) {
  return {
    schema: PROVISIONED_SCHEMA,
    run_id: p.runId,
    provider: p.provider,
    instance_id: p.instanceId,
    instance_type: p.instanceType,
    region: p.region,
    hourly_price: p.hourlyPrice,
    host_key_fingerprint: p.hostKeyFingerprint,
    created_at: p.createdAt,
    ...p.nodes ? {
      nodes: p.nodes.map((n) => ({
        rank: n.rank,
        instance_id: n.instanceId,
        instance_type: n.instanceType,
        region: n.region,
        hourly_price: n.hourlyPrice,
        host_key_fingerprint: n.hostKeyFingerprint,
        created_at: n.createdAt
      }))
    } : {}
  };
}
function provisionedBytes(p) {
  return Buffer.from(sortedJson(fields(p)));
}
var isProvisionRecord = (body) => body.includes(OPEN);
function renderProvisioned(p, signed, code) {
  const json = sortedJson({ ...fields(p), ...signed });
  return [
    registrationMarker(p.runId),
    (p.nodes ? `\u{1F6F0}\uFE0F tether provisioned ${p.nodes.length} instances for a run on many boxes at ${code(p.provider)} (${p.nodes.map((n) => `rank ${n.rank} ${code(n.instanceId)}`).join(", ")}) ` : `\u{1F6F0}\uFE0F tether provisioned ${code(p.instanceId)} at ${code(p.provider)} (${code(p.instanceType)} in ${code(p.region)}${p.hourlyPrice ? `, $${p.hourlyPrice}/h` : ""}) `) + `for run ${code(p.runId)} at ${code(p.createdAt)}. It bills from then on; until launch registers the run here, the patrol shows it as billing with no run behind it.`,
    `${OPEN}${Buffer.from(json).toString("base64")}${CLOSE}`
  ].join("\n");
}
function readProvisioned(body) {
  if (body.length > 16384) throw new BoxDataError("the provision record comment is larger than 16 KiB");
  const start = body.indexOf(OPEN);
  const end = start < 0 ? -1 : body.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) throw new BoxDataError("the comment holds no provision record");
  const b64 = body.slice(start + OPEN.length, end);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new BoxDataError("the provision record is not base64");
  const o = obj(parseJson(Buffer.from(b64, "base64").toString("utf8"), "the provision record", 8192), "provision record");
  const w = "provision record";
  if (str(o, "schema", w, { max: 64 }) !== PROVISIONED_SCHEMA) throw new BoxDataError(`${w}: schema is not ${PROVISIONED_SCHEMA}`);
  const one = (x, at) => ({
    instanceId: str(x, "instance_id", at, { max: 128, pattern: INSTANCE_ID }),
    instanceType: str(x, "instance_type", at, { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,63}$/ }),
    region: str(x, "region", at, { max: 64, pattern: /^[a-z0-9][a-z0-9-]{0,63}$/ }),
    hourlyPrice: str(x, "hourly_price", at, { max: 12, pattern: /^(\d{1,5}(\.\d{1,4})?)?$/ }),
    hostKeyFingerprint: str(x, "host_key_fingerprint", at, { max: 50, pattern: FINGERPRINT }),
    createdAt: str(x, "created_at", at, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/ })
  });
  const entry = {
    runId: str(o, "run_id", w, { max: 64, pattern: RUN_ID }),
    provider: str(o, "provider", w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    ...one(o, w)
  };
  if (o["nodes"] !== void 0) {
    const seen = /* @__PURE__ */ new Set();
    entry.nodes = arr(o, "nodes", w, 16).map((x, i) => {
      const at = `${w}.nodes[${i}]`;
      const n = obj(x, at);
      const rank = int(n, "rank", at, { min: 0, max: 15 });
      if (seen.has(rank)) throw new BoxDataError(`${at}.rank ${rank} is named twice`);
      seen.add(rank);
      return { rank, ...one(n, at) };
    });
    if (!entry.nodes.length || entry.nodes[0].instanceId !== entry.instanceId)
      throw new BoxDataError(`${w}.nodes does not start with the record's own instance`);
  }
  return {
    entry,
    signer: str(o, "signer", w, { max: 50, pattern: FINGERPRINT }),
    sig: str(o, "sig", w, { max: 2048, pattern: /^[A-Za-z0-9+/]+={0,2}$/ })
  };
}
function unlaunchedLine(p, now, code) {
  const ageS = Math.max(0, (now.getTime() - Date.parse(p.createdAt)) / 1e3);
  const price = Number(p.hourlyPrice);
  const cost = p.hourlyPrice && Number.isFinite(price) ? `, about $${(price * ageS / 3600).toFixed(2)} so far at $${p.hourlyPrice}/h` : "";
  const mins = Math.floor(ageS / 60);
  return `\u{1F9FE} ${code(p.instanceId)} (${code(p.provider)} ${code(p.instanceType)} in ${code(p.region)}) was provisioned for run ${code(p.runId)} ${mins < 1 ? "under a minute" : `${mins} min`} ago and no run is registered on it: it bills${cost}. **Do:** launch the run on it (its registration replaces this record), or destroy it at the provider: nothing ran on it, so nothing is lost`;
}

export {
  provisionedInstances,
  provisionedBytes,
  isProvisionRecord,
  renderProvisioned,
  readProvisioned,
  unlaunchedLine
};
