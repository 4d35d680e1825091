import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  backendOf,
  parseDf,
  parseGpuQuery,
  parseMemory
} from "./chunk-BNPK6FFL.js";
import {
  emptyRun
} from "./chunk-H57H7UT2.js";
import {
  connect,
  parseJsonLine,
  runScript
} from "./chunk-GAYRDAJD.js";
import {
  specExpectedDuration
} from "./chunk-Y2GZDFST.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  CELLS_MAX,
  CELL_NAME,
  LOG_WINDOWS,
  RUN_ID,
  arr,
  bool,
  int,
  obj,
  optInt,
  optStr,
  parseJson,
  parseMarker,
  str
} from "./chunk-FHK73RDK.js";

// src/remote/probe-parse.ts
var b64 = (s) => Buffer.from(s, "base64").toString("utf8");
var B64 = /^[A-Za-z0-9+/]*={0,2}$/;
var DELTA_B64_MAX = 4 * Math.ceil(LOG_WINDOWS.delta / 3);
var TAIL_B64_MAX = 4 * Math.ceil(LOG_WINDOWS.tail / 3);
var CELL_WINDOW = { bytes: LOG_WINDOWS.cellDelta + LOG_WINDOWS.cellTail, tail: LOG_WINDOWS.cellTail };
function marker(kind, text, where) {
  if (kind === null || kind === void 0) return null;
  if (kind !== "DONE" && kind !== "FAILED") throw new BoxDataError(`${where}.marker_kind is not DONE or FAILED`);
  try {
    return parseMarker(kind, text);
  } catch {
    return { kind, attempt: 0, exitCode: kind === "DONE" ? 0 : -1, signal: null, stage: "unknown", finishedAt: "" };
  }
}
var TIME = { min: 0, max: 1e11 };
function parseCell(raw, where) {
  const x = obj(raw, where);
  const id = str(x, "id", where, { max: 64, pattern: CELL_NAME });
  if (x["queued"] === true) {
    const blocked = optStr(x, "blocked", where, { max: 512, pattern: /^[^\u0000-\u001f\u007f]*$/ });
    return { ...emptyRun(id), exists: true, settled: false, gpus: "", ...blocked ? { blocked } : {} };
  }
  if (bool(x, "settled", where)) {
    return {
      id,
      settled: true,
      attempt: int(x, "attempt", where, { min: 1, max: ATTEMPT_MAX }),
      marker: marker(x["marker_kind"], str(x, "marker", where, { max: 4096 }), where)
    };
  }
  const rec = parseRecord(x, where, id, { delta: 0, tail: 0 });
  const from = int(x, "window_from", where, { min: 0, max: rec.logSize });
  const win = Buffer.from(str(x, "window_b64", where, { max: 4 * Math.ceil(CELL_WINDOW.bytes / 3), pattern: B64 }), "base64");
  if (rec.deltaFrom < from || rec.deltaFrom > from + win.length) throw new BoxDataError(`${where}: delta_from is outside the log window`);
  return {
    ...rec,
    delta: win.subarray(rec.deltaFrom - from).toString("utf8"),
    tail: win.subarray(Math.max(0, win.length - CELL_WINDOW.tail)).toString("utf8"),
    settled: false,
    gpus: str(x, "gpus", where, { max: 256, pattern: /^[0-9,]*$/ })
  };
}
var NO_NODES = /* @__PURE__ */ new Set(["None assigned", "(null)", "None"]);
function parseScheduler(raw, where) {
  if (raw === null) return null;
  const x = obj(raw, where);
  const text = (k, max, pattern) => x[k] === void 0 ? "" : str(x, k, where, { max, pattern });
  return {
    job: str(x, "job", where, { max: 20, pattern: /^\d{1,12}(_\d{1,6})?$/ }),
    state: str(x, "state", where, { max: 32, pattern: /^[A-Z_]{1,32}$/ }),
    reason: text("reason", 256, /^[^\u0000-\u001f]*$/),
    // sacct's words for "never ran anywhere" are no node list.
    nodes: NO_NODES.has(String(x["nodes"])) ? "" : text("nodes", 1024, /^[A-Za-z0-9_.,[\]()-]*$/),
    elapsed: text("elapsed", 32, /^[0-9:-]*$|^(UNLIMITED|INVALID|NOT_SET|Partition_Limit)$/),
    limit: text("limit", 32, /^[0-9:-]*$|^(UNLIMITED|INVALID|NOT_SET|Partition_Limit)$/),
    exit: text("exit", 16, /^(\d{1,3}:\d{1,3})?$/),
    submitted: optInt(x, "submitted", where, TIME)
  };
}
function parseRun(raw, i) {
  const where = `probe runs[${i}]`;
  const x = obj(raw, where);
  const id = str(x, "id", where, { max: 64, pattern: RUN_ID });
  const exists = bool(x, "exists", where);
  if (!exists) return { ...emptyRun(id) };
  const run = parseRecord(x, where, id, { delta: DELTA_B64_MAX, tail: TAIL_B64_MAX });
  if (x["cells"] === void 0) return run;
  const cells = [];
  const cellErrors = {};
  arr(x, "cells", where, CELLS_MAX).forEach((c, k) => {
    try {
      cells.push(parseCell(c, `${where}.cells[${k}]`));
    } catch (err) {
      const name = c?.id;
      if (!(err instanceof BoxDataError) || typeof name !== "string" || !CELL_NAME.test(name)) throw err;
      cellErrors[name] = err.message;
    }
  });
  const unlaunched = optInt(x, "unlaunched_cells", where, { max: 1e6 }) ?? 0;
  return { ...run, cells, cellErrors, ...unlaunched ? { unlaunchedCells: unlaunched } : {} };
}
function parseRecord(x, where, id, limits) {
  const exists = true;
  const deltaB64 = str(x, "delta_b64", where, { max: limits.delta, pattern: B64 });
  const tailB64 = str(x, "tail_b64", where, { max: limits.tail, pattern: B64 });
  const ck = obj(x["checkpoints"], `${where}.checkpoints`);
  const handle = optStr(x, "handle", where, { max: 512 }) || null;
  const ckWhere = `${where}.checkpoints`;
  return {
    id,
    exists,
    attempt: int(x, "attempt", where, { min: 0, max: ATTEMPT_MAX }),
    alive: bool(x, "alive", where),
    pid: optInt(x, "pid", where, { min: 1, max: 2 ** 32 }),
    handle,
    // A handle no backend claims (an older record) is judged as a job on this machine, as before.
    jobOnBox: backendOf(handle)?.jobOnLoginHost ?? true,
    startedEpoch: optInt(x, "started_epoch", where, TIME),
    exitCode: optInt(x, "exit_code", where, { min: -1, max: 255 }),
    marker: marker(x["marker_kind"], str(x, "marker", where, { max: 4096 }), where),
    heartbeatMtime: optInt(x, "heartbeat_mtime", where, TIME),
    expectedDurationS: specExpectedDuration(str(x, "spec", where, { max: 8192 })),
    logSize: int(x, "log_size", where),
    logMtime: optInt(x, "log_mtime", where, TIME),
    delta: b64(deltaB64),
    deltaFrom: int(x, "delta_from", where),
    tail: b64(tailB64),
    checkpoints: {
      count: int(ck, "count", ckWhere),
      newest: optStr(ck, "newest", ckWhere, { max: 4096 }),
      newestMtime: optInt(ck, "newest_mtime", ckWhere, TIME),
      newestBytes: optInt(ck, "newest_bytes", ckWhere),
      // Symlinks the globs matched: never followed, counted for a warning (an older probe sends none).
      symlinks: optInt(ck, "symlinks", ckWhere, { max: 1e6 }) ?? 0
    },
    preemptNotice: preemptNotice(optStr(x, "preempt_notice", where, { max: 512 }), where),
    // A scheduler's view of the attempt's job (backend slurm), when the probe sent one.
    ...x["scheduler"] === void 0 ? {} : { scheduler: parseScheduler(x["scheduler"], `${where}.scheduler`) }
  };
}
function parseProbe(raw, runRoot) {
  const r = obj(raw, "probe");
  if (r["schema"] !== "tether.probe/v1") throw new BoxDataError("probe.sh returned an unexpected document (schema is not tether.probe/v1)");
  const gpu = obj(r["gpu"], "probe.gpu");
  const present = bool(gpu, "present", "probe.gpu");
  const code = present ? int(gpu, "exit_code", "probe.gpu", { min: 0, max: 255 }) : 0;
  const mem = obj(r["memory"], "probe.memory");
  const runs = [];
  const runErrors = {};
  arr(r, "runs", "probe", 1e4).forEach((x, i) => {
    try {
      runs.push(parseRun(x, i));
    } catch (err) {
      const id = x?.id;
      if (!(err instanceof BoxDataError) || typeof id !== "string" || !RUN_ID.test(id)) throw err;
      runErrors[id] = err.message;
    }
  });
  return {
    hostname: str(r, "hostname", "probe", { max: 255 }),
    now: int(r, "now", "probe", TIME),
    btime: optInt(r, "btime", "probe", TIME),
    disk: parseDf(runRoot, str(r, "disk_bytes", "probe", { max: 4096 }), str(r, "disk_inodes", "probe", { max: 4096 })),
    memory: parseMemory(
      str(mem, "max", "probe.memory", { max: 64 }),
      str(mem, "current", "probe.memory", { max: 64 }),
      str(mem, "events", "probe.memory", { max: 1024 })
    ),
    gpu: {
      present,
      error: present && code !== 0 ? code === 124 ? "nvidia-smi did not answer within 10 s" : `nvidia-smi failed (exit ${code})` : null,
      gpus: present && code === 0 ? parseGpuQuery(str(gpu, "query", "probe.gpu", { max: 8192 })) : []
    },
    runs,
    runErrors
  };
}
var UTC_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
function preemptNotice(text, where) {
  if (!text) return null;
  const w = `${where}.preempt_notice`;
  const o = obj(parseJson(text, w, 512), w);
  const action = str(o, "action", w, { max: 16, pattern: /^(?:terminate|stop|hibernate)$/ });
  return {
    action,
    time: str(o, "time", w, { max: 20, pattern: UTC_SECOND }),
    seenAt: str(o, "seen_at", w, { max: 20, pattern: UTC_SECOND }),
    signal: str(o, "signal", w, { max: 8, pattern: /^(?:USR1|USR2|INT|TERM)$/ }),
    termAt: str(o, "term_at", w, { max: 20, pattern: UTC_SECOND })
  };
}

// src/remote/probe.ts
async function probeHost(conn, cred, runRoot, runs, timeoutMs = 6e4) {
  const session = await connect({ ...conn, attempts: 1 }, cred);
  try {
    return await probeOn(session, runRoot, runs, timeoutMs);
  } finally {
    session.close();
  }
}
async function probeOn(session, runRoot, runs, timeoutMs = 6e4) {
  const lines = runs.flatMap((r2) => [
    `run ${r2.id} ${r2.attempt} ${r2.offset}`,
    ...(r2.cells ?? []).map((c) => `cell ${r2.id} ${c.name} ${c.attempt} ${c.offset} ${c.final ? 1 : 0}`)
  ]);
  const data = lines.join("\n") + "\nend\n";
  const r = await runScript(session, "probe", [runRoot], { data, timeoutMs, maxOutput: 64 * 1024 + runs.length * 128 * 1024 + 16 * 1024 * 1024 });
  return parseProbe(parseJsonLine("probe", r), runRoot);
}

export {
  probeHost,
  probeOn
};
