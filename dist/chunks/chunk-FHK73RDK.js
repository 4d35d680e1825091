import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

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
function strs(o, k, where, max, pattern, what) {
  return arr(o, k, where, max).map((x, i) => {
    if (typeof x !== "string" || x.length > 256 || !pattern.test(x)) throw new BoxDataError(`${where}.${k}[${i}] is not ${what}`);
    return x;
  });
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
var nodeKey = (runId, rank) => `${runId}#${rank}`;
var baseRunId = (key) => key.replace(/#\d{1,2}$/, "");
var rankDir = (rank) => `rank-${rank}`;
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
  SAFE_PATH,
  PATH_MAX,
  CELLS_MAX,
  MANIFEST_FILES_MAX,
  LOG_WINDOWS,
  contractSh,
  BoxDataError,
  obj,
  arr,
  strs,
  str,
  optStr,
  int,
  optInt,
  bool,
  parseJson,
  RUN_ID,
  nodeKey,
  baseRunId,
  rankDir,
  CELL_NAME,
  ATTEMPT_MAX,
  parseMarker
};
