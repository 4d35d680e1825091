import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  mac,
  macOk
} from "./chunk-YYRHL6YM.js";
import {
  BoxDataError,
  bool,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/record/verified.ts
import { createHash } from "node:crypto";
var VERIFIED_SCHEMA = "tether.verified/v1";
var VERIFIED_MAC = "VERIFIED.mac";
var MAC_LABEL = "tether.verified/v1";
var verifiedMac = (key, text) => `${mac(key, MAC_LABEL, text)}
`;
var verifiedMacOk = (key, text, tag) => macOk(key, MAC_LABEL, text, tag.trim());
function manifestSha256(manifestText) {
  return createHash("sha256").update(manifestText).digest("hex");
}
function filesSha256(m) {
  const lines = [...m.files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0).map((f) => `${f.path}\0${f.bytes}\0${f.sha256}
`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
function verifiedJson(m, manifestText, at, box, verifiers, runState) {
  const doc = {
    box: Object.fromEntries(Object.entries(box).sort(([a], [b]) => a.localeCompare(b))),
    bytes: m.total_bytes,
    file_count: m.file_count,
    files_sha256: filesSha256(m),
    manifest_sha256: manifestSha256(manifestText),
    run_id: m.run_id,
    // The run as collect saw it: teardown refuses a live run, and trusts this only when the box cannot be looked at.
    run_state: runState,
    attempt: m.attempt,
    latest_only: m.latest_only,
    schema: VERIFIED_SCHEMA,
    verified_at: at.toISOString(),
    verifiers,
    ...m.cells ? { cells: m.cells } : {}
  };
  return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b))), null, 2) + "\n";
}
var VERIFIED_MAX = 1 << 20;
var HEX64 = /^[0-9a-f]{64}$/;
function readVerified(text, runId) {
  let raw;
  try {
    raw = text.length > VERIFIED_MAX ? void 0 : JSON.parse(text);
  } catch {
    raw = void 0;
  }
  if (raw === void 0) throw new BoxDataError("VERIFIED.json is not JSON");
  const o = obj(raw, "VERIFIED.json");
  if (o["schema"] !== VERIFIED_SCHEMA) throw new BoxDataError(`VERIFIED.json has schema ${JSON.stringify(o["schema"])}, expected ${VERIFIED_SCHEMA}`);
  if (o["run_id"] !== runId) throw new BoxDataError(`VERIFIED.json is for run ${JSON.stringify(o["run_id"])}, not ${runId}`);
  if (typeof o["manifest_sha256"] !== "string" || !HEX64.test(o["manifest_sha256"]) || typeof o["files_sha256"] !== "string" || !HEX64.test(o["files_sha256"]))
    throw new BoxDataError("VERIFIED.json lacks manifest_sha256 or files_sha256");
  const w = "VERIFIED.json";
  const cells = o["cells"] === void 0 ? void 0 : Array.isArray(o["cells"]) && o["cells"].every((c) => typeof c === "string") ? o["cells"] : null;
  if (cells === null) throw new BoxDataError(`${w}.cells is not a list of cell names`);
  return {
    schema: VERIFIED_SCHEMA,
    run_id: runId,
    attempt: int(o, "attempt", w, { min: 0, max: 1e6 }),
    manifest_sha256: o["manifest_sha256"],
    files_sha256: o["files_sha256"],
    file_count: int(o, "file_count", w),
    bytes: int(o, "bytes", w),
    latest_only: bool(o, "latest_only", w),
    verified_at: str(o, "verified_at", w, { max: 40, pattern: /^\d{4}-\d\d-\d\dT[\d:.]+Z$/ }),
    ...o["run_state"] !== void 0 ? { run_state: o["run_state"] } : {},
    ...cells ? { cells } : {},
    ...wellFormedBox(o["box"]) ? { box: o["box"] } : {}
  };
}
function wellFormedBox(b) {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return false;
  const x = b;
  const optional = (v) => v === null || v === void 0 || typeof v === "string" && v.length <= 200;
  return typeof x["host"] === "string" && x["host"].length <= 253 && typeof x["port"] === "number" && Number.isInteger(x["port"]) && typeof x["host_key_fingerprint"] === "string" && x["host_key_fingerprint"].length <= 100 && optional(x["provider"]) && optional(x["instance_id"]);
}

export {
  VERIFIED_MAC,
  verifiedMac,
  verifiedMacOk,
  manifestSha256,
  filesSha256,
  verifiedJson,
  readVerified
};
