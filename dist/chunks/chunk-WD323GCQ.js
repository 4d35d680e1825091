import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/names.ts
var BACKEND_NAMES = ["tmux", "setsid", "slurm"];
var PROVIDER_NAMES = ["ssh", "command", "lambda", "runpod", "vastai", "aws", "paperspace", "autodl", "slurm"];
var PREEMPTION_SIGNATURE = {
  ssh: "none",
  command: "none",
  lambda: "none",
  runpod: "unverified",
  vastai: "verified",
  aws: "verified",
  paperspace: "none",
  autodl: "none",
  slurm: "none"
};
var PREEMPTION_LEAVES = {
  aws: "EC2 terminated it: its EBS volumes are gone unless DeleteOnTermination was false (then they stay and bill)",
  vastai: "vast stopped it: its disk, with the run record and checkpoints, stays and bills until the instance is destroyed",
  runpod: "RunPod stopped it: its volume disk stays and bills (the container disk is wiped)"
};
var RECOVERY_COMMAND_MAX = 8192;
var VERBS = ["park", "destroy", "cancel"];
var INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

// src/record/hostkey.ts
import { createHash, createHmac } from "node:crypto";
function fingerprint(keyBlob) {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}
var FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
function isFingerprint(s) {
  return FINGERPRINT.test(s);
}
function knownHostsName(host, port) {
  return port === 22 ? host : `[${host}]:${port}`;
}
function globMatch(pattern, name) {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < n.length) {
    if (i < p.length && (p[i] === "?" || p[i] === n[j]) && p[i] !== "*") {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}
function patternMatches(pattern, name) {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  return globMatch(pattern, name);
}
var KnownHostsError = class extends Error {
};
function keysForHost(text, host, port) {
  const name = knownHostsName(host, port);
  const keys = [];
  const revoked = [];
  let lines = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker = "";
    if (fields[0]?.startsWith("@")) marker = fields.shift() ?? "";
    if (marker && marker !== "@cert-authority" && marker !== "@revoked")
      throw new KnownHostsError(`unknown marker ${JSON.stringify(marker.slice(0, 40))} (OpenSSH knows @cert-authority and @revoked)`);
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue;
    lines++;
    if (marker === "@cert-authority") continue;
    const patterns = hosts.split(",");
    if (patterns.some((p) => p.startsWith("!") && patternMatches(p.slice(1), name))) continue;
    if (!patterns.some((p) => !p.startsWith("!") && patternMatches(p, name))) continue;
    const fp = fingerprint(Buffer.from(b64, "base64"));
    if (marker === "@revoked") revoked.push(fp);
    else keys.push({ keyType, fingerprint: fp });
  }
  return { keys, revoked, lines };
}
function knownHostsLine(host, port, blob) {
  const len = blob.readUInt32BE(0);
  const type = blob.subarray(4, 4 + len).toString("ascii");
  return `${knownHostsName(host, port)} ${type} ${blob.toString("base64")}`;
}

// src/record/contract.ts
var RUN_ID_PATTERN = "^[A-Za-z0-9._-]{1,64}$";
var CELL_NAME_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$";
var ATTEMPT_PATTERN = "^[1-9][0-9]{0,5}$";
var SAFE_PATH_PATTERN = "^([A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*$";
var SAFE_PATH = new RegExp(SAFE_PATH_PATTERN);
var PATH_MAX = 1024;
var CELLS_MAX = 512;
var MANIFEST_FILES_MAX = 1e5;
var LOG_WINDOWS = { delta: 65536, tail: 8192, cellDelta: 16384, cellTail: 4096 };
var word = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function contractSh(extra = {}) {
  const vars = {
    TETHER_RUN_ID_RE: RUN_ID_PATTERN,
    TETHER_CELL_NAME_RE: CELL_NAME_PATTERN,
    TETHER_ATTEMPT_RE: ATTEMPT_PATTERN,
    TETHER_SAFE_PATH_RE: SAFE_PATH_PATTERN,
    TETHER_PATH_MAX: PATH_MAX,
    CELLS_MAX,
    TETHER_MANIFEST_FILES_MAX: MANIFEST_FILES_MAX,
    DELTA_MAX: LOG_WINDOWS.delta,
    TAIL_MAX: LOG_WINDOWS.tail,
    CELL_DELTA_MAX: LOG_WINDOWS.cellDelta,
    CELL_TAIL_MAX: LOG_WINDOWS.cellTail,
    ...extra
  };
  return [
    "# The on-box contract, generated from src/record/contract.ts (never spelled in a script).",
    ...Object.entries(vars).map(([k, v]) => `${k}=${typeof v === "number" ? String(v) : word(v)}`)
  ].join("\n");
}

// src/record/strict.ts
var BoxDataError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "BoxDataError";
  }
};
function obj(v, where) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BoxDataError(`${where} is not a JSON object`);
  return v;
}
function arr(o, k, where, max) {
  const v = o[k];
  if (!Array.isArray(v)) throw new BoxDataError(`${where}.${k} is not a list`);
  if (v.length > max) throw new BoxDataError(`${where}.${k} has ${v.length} entries (at most ${max})`);
  return v;
}
function str(o, k, where, opts) {
  const v = o[k];
  if (typeof v !== "string") throw new BoxDataError(`${where}.${k} is not a string`);
  if (v.length > opts.max) throw new BoxDataError(`${where}.${k} is ${v.length} characters (at most ${opts.max})`);
  if (opts.pattern && !opts.pattern.test(v)) throw new BoxDataError(`${where}.${k} has an unexpected form`);
  return v;
}
function optStr(o, k, where, opts) {
  return o[k] === null || o[k] === void 0 ? null : str(o, k, where, opts);
}
function int(o, k, where, opts = {}) {
  const v = o[k];
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new BoxDataError(`${where}.${k} is not an integer`);
  if (v < (opts.min ?? 0) || v > (opts.max ?? Number.MAX_SAFE_INTEGER)) throw new BoxDataError(`${where}.${k} is out of range (${v})`);
  return v;
}
function optInt(o, k, where, opts = {}) {
  return o[k] === null || o[k] === void 0 ? null : int(o, k, where, opts);
}
function bool(o, k, where) {
  const v = o[k];
  if (typeof v !== "boolean") throw new BoxDataError(`${where}.${k} is not true/false`);
  return v;
}
function parseJson(text, where, maxBytes) {
  if (text.length > maxBytes) throw new BoxDataError(`${where} is ${text.length} bytes (at most ${maxBytes})`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BoxDataError(`${where} is not valid JSON (${err.message.slice(0, 120)})`);
  }
}

// src/record/grammar.ts
var RUN_ID = new RegExp(RUN_ID_PATTERN);
var CELL_NAME = new RegExp(CELL_NAME_PATTERN);
var ATTEMPT = new RegExp(ATTEMPT_PATTERN);
var ATTEMPT_MAX = 999999;
function parseMarker(kind, text) {
  if (text.length > 4096) throw new BoxDataError(`${kind} marker is ${text.length} bytes (at most 4096)`);
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new BoxDataError(`${kind} marker is not JSON`);
  }
  const m = obj(raw, `${kind} marker`);
  const exitCode = int(m, "exit_code", `${kind} marker`, { min: -1, max: 255 });
  const signal = optStr(m, "signal", `${kind} marker`, { max: 16, pattern: /^[A-Z0-9]{1,16}$/ });
  return {
    kind,
    attempt: int(m, "attempt", `${kind} marker`, { min: 0, max: ATTEMPT_MAX }),
    exitCode,
    signal,
    stage: str(m, "stage", `${kind} marker`, { max: 32, pattern: /^[a-z_-]{1,32}$/ }),
    finishedAt: str(m, "finished_at", `${kind} marker`, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ })
  };
}

export {
  BACKEND_NAMES,
  PROVIDER_NAMES,
  PREEMPTION_SIGNATURE,
  PREEMPTION_LEAVES,
  RECOVERY_COMMAND_MAX,
  VERBS,
  INSTANCE_ID,
  SAFE_PATH,
  PATH_MAX,
  CELLS_MAX,
  MANIFEST_FILES_MAX,
  LOG_WINDOWS,
  contractSh,
  BoxDataError,
  obj,
  arr,
  str,
  optStr,
  int,
  optInt,
  bool,
  parseJson,
  RUN_ID,
  CELL_NAME,
  ATTEMPT_MAX,
  parseMarker,
  fingerprint,
  FINGERPRINT,
  isFingerprint,
  knownHostsName,
  KnownHostsError,
  keysForHost,
  knownHostsLine
};
