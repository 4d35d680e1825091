import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  sortedJson
} from "./chunk-Y2GZDFST.js";
import {
  BoxDataError,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/record/handoff.ts
var HANDOFF_SCHEMA = "tether.provision/v1";
var HANDOFF_MAX_BYTES = 64 * 1024;
function handoffFields(h) {
  return {
    schema: HANDOFF_SCHEMA,
    run_id: h.runId,
    provider: h.provider,
    instance_id: h.instanceId,
    instance_type: h.instanceType,
    region: h.region,
    hourly_price: h.hourlyPrice,
    spot: h.spot,
    host_key_fingerprint: h.hostKeyFingerprint,
    created_at: h.createdAt,
    ...h.ready ? { host: h.ready.host, port: h.ready.port, user: h.ready.user, ready_at: h.ready.readyAt } : {}
  };
}
var handoffBytes = (h) => Buffer.from(sortedJson(handoffFields(h)));
function renderHandoff(h, signature) {
  return sortedJson({ ...handoffFields(h), ...signature ? { signer: signature.signer, sig: signature.sig } : {} }) + "\n";
}
var FP = /^SHA256:[A-Za-z0-9+/]{43}$/;
var HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;
function readHandoff(text) {
  if (Buffer.byteLength(text) > HANDOFF_MAX_BYTES) throw new BoxDataError(`the file is over ${HANDOFF_MAX_BYTES} bytes`);
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BoxDataError("the file is not JSON");
  }
  const o = obj(doc, "provision file");
  if (o["schema"] !== HANDOFF_SCHEMA) throw new BoxDataError(`schema is not ${HANDOFF_SCHEMA}`);
  const price = o["hourly_price"];
  if (price !== null && !(typeof price === "number" && price >= 0 && price < 1e5)) throw new BoxDataError("hourly_price is not a price");
  if (typeof o["spot"] !== "boolean") throw new BoxDataError("spot is not true or false");
  const handoff = {
    runId: str(o, "run_id", "provision file", { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ }),
    provider: str(o, "provider", "provision file", { max: 20, pattern: /^[a-z]{2,20}$/ }),
    instanceId: str(o, "instance_id", "provision file", { max: 128, pattern: /^[A-Za-z0-9._:@/-]{1,128}$/ }),
    instanceType: str(o, "instance_type", "provision file", { max: 100 }),
    region: str(o, "region", "provision file", { max: 100 }),
    hourlyPrice: price,
    spot: o["spot"],
    hostKeyFingerprint: str(o, "host_key_fingerprint", "provision file", { max: 60, pattern: FP }),
    createdAt: str(o, "created_at", "provision file", { max: 40 }),
    ready: o["host"] === void 0 ? null : {
      host: str(o, "host", "provision file", { max: 253, pattern: HOST }),
      port: int(o, "port", "provision file", { min: 1, max: 65535 }),
      user: str(o, "user", "provision file", { max: 32, pattern: /^[a-z_][a-z0-9_-]{0,31}$/ }),
      readyAt: str(o, "ready_at", "provision file", { max: 40 })
    }
  };
  const signature = o["signer"] === void 0 && o["sig"] === void 0 ? null : {
    signer: str(o, "signer", "provision file", { max: 60, pattern: FP }),
    sig: str(o, "sig", "provision file", { max: 2e3, pattern: /^[A-Za-z0-9+/=]+$/ })
  };
  return { handoff, signature };
}

export {
  HANDOFF_MAX_BYTES,
  handoffBytes,
  renderHandoff,
  readHandoff
};
