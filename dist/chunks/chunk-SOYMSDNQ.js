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
  parseProgress
} from "./chunk-OWBPA4XH.js";
import {
  FOREIGN_SLACK_S,
  STATES,
  durationText,
  isEnded
} from "./chunk-6IC2V5YV.js";
import {
  SLURM_FAILURE
} from "./chunk-U6FX2S55.js";

// src/patrol/remediation.ts
var RESUME = "relaunch the identical command with launch `resume: true` (never a blind retry of something else)";
var STATE_REMEDIATION = {
  queued: "waiting to start: a sweep's cell for a free slot (GPUs or max-parallel), or a Slurm job in the queue (its reason: Priority, Resources, a QOS limit \u2026)",
  requeued: "Slurm put the job back in its queue (preemption, a failed node, or scontrol requeue): it resumes as the next attempt with the same job id, from its last checkpoint",
  launching: "the job is starting; if it stays here for several ticks, read the attempt log",
  running: "nothing to do",
  stalled: "alive but no log or checkpoint progress: see where it waits (`py-spy dump --pid <pid>`), a DataLoader worker join is common; do not wait forever, escalate",
  finished: "ready to pull: run collect, which verifies the checkpoints before anything is torn down",
  dead: `no process and no DONE/FAILED marker (SSH hang-up, a manual kill or a provider action): ${RESUME}`,
  rebooted: `the box booted after the attempt started, so the job died with it: ${RESUME}`,
  unreachable: "check the provider console for balance, power or preemption; nothing is known to have changed on the box",
  "host-key-changed": "THE BOX'S HOST KEY CHANGED: another machine answers at this address (a reinstalled or reassigned instance, or an interception). Nothing was sent to it; find out what happened in the provider console before pinning the new key",
  "auth-refused": "the box answers but refuses tether's key: the authorized key was removed or the user changed; fix authorized_keys (nothing is known about the run, and the box is not silent: it is not a billing or power problem)",
  "probe-error": "the box answered, but what it sent could not be read (a damaged or tampered run record, or output past its bounds); nothing is known to have changed: look at the run record on the box",
  unknown: "no run record for this run id under run-root: check run-id, run-root and the host",
  preempted: "the provider (or Slurm) took the box or the job away, in its own words (never guessed from silence): what the job wrote after its newest synced checkpoint is lost with the box unless its disk survives; rent a new box and relaunch the identical command with `resume: true` from that checkpoint",
  degraded: "a run on many boxes with a node the patrol cannot reach while the others run: nothing is known to have failed; the others wait in their collective if it stopped. Check that node in the provider console",
  "torn-down": "the instance was torn down after its checkpoints were verified; remove the run from the patrol (tether.yml) when you no longer want this line"
};
var FAILURE_REMEDIATION = {
  "disk-full": `the disk filled during a write: prune periodic snapshots and scratch (keep best) or expand the disk, never shrink the experiment; then ${RESUME}`,
  oom: "host-RAM (cgroup) OOM: size num_workers against memory.max and share big objects, do not shrink the batch; relaunch with the changed config as a new run id",
  "cuda-oom": "CUDA out of memory (usually deterministic): check free VRAM, concurrent jobs and zombie holders, then fix batch sizing or set expandable_segments; not a retry",
  killed: `killed by SIGKILL with no traceback: if memory was tight it was the OOM killer (check cgroup oom_kill and dmesg), otherwise something killed it; once known, ${RESUME}`,
  collective: "a collective operation (NCCL or gloo) timed out or lost a peer: on a run on many boxes it is usually another node's failure (its row names it); else check the network between the nodes",
  "code-error": "a Python error in the code or config: investigate and fix; do not retry",
  nan: "the loss went NaN/Inf: a numerics problem; do not retry blindly, check the learning rate and data",
  terminated: `stopped by SIGTERM, and neither the provider nor Slurm said it preempted the box (a provider stop, a kill -TERM, or a preemption nobody reported): ${RESUME}, on a fresh instance if the GPU was taken`,
  stopped: `stopped by tether on request (TERM, then KILL after the grace): the work since the last checkpoint is lost; when wanted, ${RESUME}`,
  timeout: `Slurm's time limit ended the job (TIMEOUT): it got TERM signal-lead seconds before, so the last checkpoint is recent; ${RESUME} (or raise --time)`,
  "node-fail": `a node of the job failed (NODE_FAIL): with requeue the job comes back on other nodes; otherwise ${RESUME}`,
  cancelled: "cancelled in Slurm (scancel, by the user or an admin, CANCELLED): nothing to fix in the code; relaunch with resume: true when wanted",
  other: "the command failed: read the attempt log; resume only once the cause is known"
};
var FLAG_REMEDIATION = {
  "disk-pressure": "disk \u2265 95% full: prune old checkpoints before the next save",
  "inode-pressure": "inodes \u2265 95% used: cap per-sample outputs",
  "mem-pressure": "cgroup memory > 90% of its limit: OOM risk",
  "gpu-idle": "GPUs idle while the job runs: data-bound, stuck on CPU, or not using the GPU",
  "fast-finish": "finished in under half the expected duration: check that it did real work",
  "bad-checkpoint": "its newest checkpoint failed verification on the runner (damaged, or NaN/Inf in a tensor): the last good one is kept; look at the training before it overwrites more",
  "checkpoint-stale": "no new checkpoint in 1.5\xD7 checkpoint-every: a box that dies now loses everything since the newest one",
  "foreign-checkpoints": "checkpoints newer than the run's end: another run (or process) writes into the same folder; collect names them, and results may mix: give each run its own checkpoint directory",
  "unlaunched-cells": "the run record lists cells tether never launched (no cell record): they are ignored, never shown or remembered; someone or something edited cells.list on the box",
  "blocked-disk": "the sweep's queue holds this cell: the disk where the cells write is below the audit's floor (min-free-gb, min-free-inodes); free space (prune old checkpoints) and it starts by itself",
  "spot-notice": "EC2 gave the two-minute spot notice (the attempt's preempt_notice): the job was sent its preempt-signal to checkpoint, then TERM before the notice's time; the patrol syncs what it saved",
  "restarted-from-zero": "a recovery restored a checkpoint, but this attempt's first reported step is below its step: the job started from scratch; make it load the newest checkpoint in its folder (the runbook's contract)",
  straggler: "a run on many boxes where one node's step lags the others' by more than a few steps: that node is slower (its GPU, its disk or its network); the others wait for it at every collective",
  "no-checkpoints": "the run ended and its checkpoint globs match no file: nothing to collect; check the launch input 'checkpoints' against where the job saves"
};

// src/patrol/memory.ts
import { deflateRawSync, inflateRawSync } from "node:zlib";
var HISTORY_MAX = 96;
var OPEN = "<!-- tether:memory ";
var CLOSE = " -->";
function emptyMemory() {
  return { v: 1, tick: 0, runs: {} };
}
var MAC_LABEL = "tether tick memory v1";
function memoryBlock(m, key) {
  const payload = `z${deflateRawSync(Buffer.from(JSON.stringify(m))).toString("base64")}`;
  return `${OPEN}${payload}${key ? `.m${mac(key, MAC_LABEL, payload)}` : ""}${CLOSE}`;
}
var MAC_CHARS = 66;
function fitMemory(m, budget) {
  const fits = (x) => memoryBlock(x, null).length + MAC_CHARS <= budget;
  let cur = m;
  for (let i = 0; i < 8 && !fits(cur); i++) cur = mapRuns(cur, thin);
  const steps = [
    (r) => r.cells ? { ...r, cells: mapCells(r.cells, (c) => ({ ...c, history: [] })) } : r,
    (r) => r.cells ? { ...r, cells: mapCells(r.cells, (c) => ({ ...c, metrics: {} })) } : r,
    (r) => ({ ...r, history: [] }),
    (r) => r.cells ? { ...r, cells: Object.fromEntries(Object.entries(r.cells).filter(([, c]) => c.state !== "finished" && c.state !== "failed")) } : r,
    (r) => {
      const { cells: _cells, ...rest } = r;
      return rest;
    }
  ];
  for (const step of steps) {
    if (fits(cur)) return cur;
    cur = mapRuns(cur, step);
  }
  const ids = Object.keys(cur.runs);
  while (!fits(cur) && ids.length) {
    const drop = ids.pop();
    const { [drop]: _gone, ...rest } = cur.runs;
    cur = { ...cur, runs: rest };
  }
  return cur;
}
var mapRuns = (m, f) => ({
  ...m,
  runs: Object.fromEntries(Object.entries(m.runs).map(([id, r]) => [id, f(r)]))
});
var mapCells = (c, f) => Object.fromEntries(Object.entries(c).map(([n, x]) => [n, f(x)]));
function thin(r) {
  const half = (h) => h.filter((_, k, all) => (all.length - 1 - k) % 2 === 0);
  const out = { ...r, history: half(r.history) };
  if (r.cells) out.cells = Object.fromEntries(Object.entries(r.cells).map(([n, c]) => [n, { ...c, history: half(c.history) }]));
  return out;
}
function mergeMemories(list) {
  return list.reduce((acc, m) => ({ v: 1, tick: Math.max(acc.tick, m.tick), runs: { ...acc.runs, ...m.runs } }), emptyMemory());
}
function lastBlock(body) {
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return null;
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return null;
  const text = body.slice(start + OPEN.length, end);
  const dot = text.indexOf(".m");
  return dot < 0 ? { payload: text, tag: "" } : { payload: text.slice(0, dot), tag: text.slice(dot + 2) };
}
function decode(payload) {
  if (payload.length > MEMORY_TEXT_MAX) throw new BadMemory(`the block is ${payload.length} characters (at most ${MEMORY_TEXT_MAX})`);
  if (!/^z?[A-Za-z0-9+/]*={0,2}$/.test(payload)) throw new BadMemory("the block is not base64");
  let bytes;
  try {
    bytes = payload.startsWith("z") ? inflateRawSync(Buffer.from(payload.slice(1), "base64"), { maxOutputLength: MEMORY_JSON_MAX }) : Buffer.from(payload, "base64");
  } catch {
    throw new BadMemory("the block does not inflate (or inflates past its bound)");
  }
  let raw;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new BadMemory("the block is not JSON");
  }
  return parseTickMemory(raw);
}
function readMemory(body, key) {
  const none = { memory: emptyMemory(), trust: "none", note: null };
  if (!body) return none;
  const b = lastBlock(body);
  if (!b) return none;
  let memory;
  try {
    memory = decode(b.payload);
  } catch (err) {
    return {
      memory: emptyMemory(),
      trust: "malformed",
      note: `the tick memory block is unreadable (${err.message}): ignored, this tick starts afresh`
    };
  }
  if (b.tag) {
    if (key && macOk(key, MAC_LABEL, b.payload, b.tag)) return { memory, trust: "signed", note: null };
    return {
      memory: emptyMemory(),
      trust: "forged",
      note: key ? "the tick memory block's signature does not hold under this runner's key (edited, or written with another key): ignored, never trusted; this tick starts afresh" : "the tick memory block is signed, but this runner has no key to check it with (an ssh agent): ignored; give ssh-key or ssh-key-path"
    };
  }
  const dropped = Object.values(memory.runs).filter((r) => r.teardown).length;
  const runs = Object.fromEntries(Object.entries(memory.runs).map(([id, r]) => [id, withoutTeardown(r)]));
  return {
    memory: { ...memory, runs },
    trust: "unsigned",
    note: `adopted an unsigned tick memory block (written by an older tether${key ? "" : ", or without a key"})${dropped ? `, without its ${dropped} teardown mark(s): those runs are probed again` : ""}; it is ${key ? "signed from this tick on" : "still unsigned: give ssh-key or ssh-key-path so it can be signed"}`
  };
}
function withoutTeardown(r) {
  const { teardown: _teardown, ...rest } = r;
  return rest;
}
var BadMemory = class extends Error {
};
var MEMORY_TEXT_MAX = 65536;
var MEMORY_JSON_MAX = 4 << 20;
var RUNS_MAX = 4096;
var CELL_MEMORIES_MAX = 4096;
var METRICS_MAX = 64;
var NOTIFIED_MAX = 16;
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var isInt = (v, min = 0) => typeof v === "number" && Number.isSafeInteger(v) && v >= min;
var isNum = (v) => typeof v === "number" && Number.isFinite(v);
var isStr = (v, max) => typeof v === "string" && v.length <= max;
var orNull = (v, f) => v === null || f(v);
var CLASSES = new Set(Object.keys(FAILURE_REMEDIATION));
var isState = (v) => typeof v === "string" && STATES.includes(v);
function parseRun(v, where, depth) {
  if (!isObj(v)) throw new BadMemory(`${where} is not an object`);
  const bad = (f) => new BadMemory(`${where}.${f} is not as tether writes it`);
  if (!isInt(v["attempt"])) throw bad("attempt");
  if (!isInt(v["offset"])) throw bad("offset");
  if (!isState(v["state"])) throw bad("state");
  if (!orNull(v["cls"], (x) => typeof x === "string" && (CLASSES.has(x) || x === "preempted"))) throw bad("cls");
  if (!isStr(v["since"], 40)) throw bad("since");
  if (!orNull(v["lastKnown"], isState)) throw bad("lastKnown");
  if (!orNull(v["unreachableSince"], (x) => isStr(x, 40))) throw bad("unreachableSince");
  if (!isInt(v["unreachableTicks"])) throw bad("unreachableTicks");
  if (!orNull(v["oomKills"], (x) => isInt(x))) throw bad("oomKills");
  if (!orNull(v["step"], isNum)) throw bad("step");
  if (!orNull(v["epoch"], (x) => isStr(x, 64))) throw bad("epoch");
  const metrics = v["metrics"];
  if (!isObj(metrics) || Object.keys(metrics).length > METRICS_MAX || !Object.values(metrics).every((x) => orNull(x, isNum))) throw bad("metrics");
  const history = v["history"];
  if (!Array.isArray(history) || history.length > HISTORY_MAX || !history.every((p) => Array.isArray(p) && p.length === 3 && isNum(p[0]) && orNull(p[1], isNum) && orNull(p[2], isNum)))
    throw bad("history");
  if (v["issue"] !== void 0 && !isInt(v["issue"], 1)) throw bad("issue");
  if (v["comment"] !== void 0 && !isInt(v["comment"], 1)) throw bad("comment");
  const t = v["teardown"];
  if (t !== void 0 && !(isObj(t) && (t["state"] === "torn-down" || t["state"] === "parked") && isStr(t["reason"], 4e3) && isStr(t["at"], 40)))
    throw bad("teardown");
  if (v["at"] !== void 0 && !isStr(v["at"], 40)) throw bad("at");
  if (v["sync"] !== void 0 && !isObj(v["sync"])) throw bad("sync");
  const reg = v["registration"];
  if (reg !== void 0 && !(isObj(reg) && isStr(reg["launchedAt"], 40) && isInt(reg["attempt"], 1))) throw bad("registration");
  const notified = v["notified"];
  if (notified !== void 0 && !(Array.isArray(notified) && notified.length <= NOTIFIED_MAX && notified.every((k) => isStr(k, 80)))) throw bad("notified");
  const pm = v["preempted"];
  if (pm !== void 0 && !(isObj(pm) && isStr(pm["at"], 40) && isStr(pm["provider"], 32) && isStr(pm["words"], 300) && isInt(pm["attempt"])))
    throw bad("preempted");
  if (v["firstStep"] !== void 0 && !orNull(v["firstStep"], isNum)) throw bad("firstStep");
  const dispatchMark = (x) => x === void 0 || isObj(x) && isInt(x["attempt"]) && isStr(x["at"], 40) && isStr(x["url"], 400);
  if (!dispatchMark(v["recovery"])) throw bad("recovery");
  if (!dispatchMark(v["collect"]) || isObj(v["collect"]) && v["collect"]["run"] !== void 0 && !isInt(v["collect"]["run"], 1)) throw bad("collect");
  const ns = v["nodeStop"];
  if (ns !== void 0 && !(isObj(ns) && isInt(ns["attempt"], 1) && isStr(ns["at"], 40) && isStr(ns["detail"], 600) && Array.isArray(ns["ranks"]) && ns["ranks"].length <= 16 && ns["ranks"].every((r) => isInt(r))))
    throw bad("nodeStop");
  const pol = v["policy"];
  if (pol !== void 0 && !(isObj(pol) && isInt(pol["attempt"], 1) && (pol["verb"] === "park" || pol["verb"] === "destroy") && isStr(pol["at"], 40) && isStr(pol["detail"], 400) && isStr(pol["approvedBy"], 45) && orNull(pol["endedAt"], (x) => isStr(x, 40))))
    throw bad("policy");
  const out = { ...v };
  if (v["cls"] === "preempted") out.cls = "terminated";
  if (v["cells"] !== void 0) {
    const cells = v["cells"];
    if (depth > 0 || !isObj(cells) || Object.keys(cells).length > CELL_MEMORIES_MAX) throw bad("cells");
    out.cells = Object.fromEntries(Object.entries(cells).map(([n, c]) => [n, parseRun(c, `${where}.cells.${n.slice(0, 64)}`, depth + 1)]));
  }
  return out;
}
function parseTickMemory(raw) {
  if (!isObj(raw) || raw["v"] !== 1 || !isInt(raw["tick"]) || !isObj(raw["runs"])) throw new BadMemory("not a tick memory (v, tick, runs)");
  const entries = Object.entries(raw["runs"]);
  if (entries.length > RUNS_MAX) throw new BadMemory(`${entries.length} runs (at most ${RUNS_MAX})`);
  return { v: 1, tick: raw["tick"], runs: Object.fromEntries(entries.map(([id, r]) => [id, parseRun(r, `runs.${id.slice(0, 64)}`, 0)])) };
}
function withoutMemory(body) {
  let out = body;
  for (let start = out.indexOf(OPEN); start >= 0; start = out.indexOf(OPEN)) {
    const end = out.indexOf(CLOSE, start + OPEN.length);
    out = out.slice(0, start) + (end < 0 ? "" : out.slice(end + CLOSE.length));
  }
  return out;
}
function markTeardown(m, runId, mark) {
  const prev = m.runs[runId] ?? {
    attempt: 0,
    offset: 0,
    state: "finished",
    cls: null,
    since: mark.at,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: null,
    epoch: null,
    metrics: {},
    history: []
  };
  return { ...m, runs: { ...m.runs, [runId]: { ...prev, teardown: mark } } };
}

// src/patrol/signatures.ts
var SIGNATURES = [
  ["disk-full", /No space left on device|basic_ios::clear|unexpected pos \d+ vs \d+|Disk quota exceeded/],
  ["cuda-oom", /CUDA out of memory|torch\.(?:cuda\.)?OutOfMemoryError|CUDA error: out of memory/],
  ["nan", /\bloss\b[^\n]{0,24}\b(?:nan|inf)\b|Loss is (?:NaN|Inf)|non-finite loss|\bNaN (?:or Inf )?(?:found|detected) in (?:loss|gradients?)/i],
  ["oom", /Out of memory: Killed process|oom-kill:|Memory cgroup out of memory/],
  // A distributed job's collective that timed out or lost its peer: on a run on many boxes, a consequence of another node.
  [
    "collective",
    /Watchdog caught collective operation timeout|ProcessGroupNCCL|NCCL (?:error|communicator was aborted)|gloo\/transport\/tcp|Connection closed by peer|Timed out waiting \d+ms for (?:recv|send) operation|DistBackendError/
  ],
  ["code-error", /Traceback \(most recent call last\)/]
];
var CRASH_HINT = "Traceback \\(most recent call last\\)|out of memory|OutOfMemoryError|No space left on device|basic_ios::clear|unexpected pos|Disk quota exceeded|oom-kill|Killed process|loss.{0,24}(nan|inf)|non-finite|NaN (or Inf )?(found|detected)";
function signatureIn(text) {
  for (const [cls, re] of SIGNATURES) if (re.test(text)) return cls;
  return null;
}
function classifyFailure(exitCode, signal, log, oomKillRose, stage = "") {
  if (stage === "stopped") return "stopped";
  const seen = signatureIn(log);
  if (seen && seen !== "code-error") return seen;
  const sig = signal ?? (exitCode > 128 ? String(exitCode - 128) : null);
  const killed = sig === "KILL" || sig === "9" || exitCode === 137;
  if (killed && oomKillRose) return "oom";
  if (seen === "code-error") return "code-error";
  if (killed) return "killed";
  if (sig === "TERM" || sig === "15" || exitCode === 143) return "terminated";
  return "other";
}

// src/patrol/node-verdict.ts
var STRAGGLER_STEPS = 10;
var COLLECTIVE_TIMEOUT_TEXT = "30 minutes by default";
var UNSEEN = ["unreachable", "probe-error", "host-key-changed", "auth-refused"];
function runOfNodes(rows) {
  const failed = rows.filter((r) => r.state === "failed");
  const gone = rows.filter((r) => r.state === "dead" || r.state === "rebooted" || r.state === "preempted");
  const live = rows.filter((r) => ["running", "launching", "stalled", "queued"].includes(r.state));
  const unseen = rows.filter((r) => UNSEEN.includes(r.state));
  const flags = [];
  const steps = rows.filter((r) => !isEnded(r.state) && r.step !== null).map((r) => r.step);
  if (steps.length > 1 && Math.max(...steps) - Math.min(...steps) > STRAGGLER_STEPS) flags.push("straggler");
  if (failed.length || gone.length) {
    const own = failed.find((r) => r.cls !== "collective") ?? gone[0];
    const silent = !own && failed.every((r) => r.cls === "collective") ? unseen[0] : void 0;
    const cause = own ?? silent ?? failed[0];
    for (const r of failed) if (r !== cause && r.cls === "collective") r.consequence = true;
    if (silent) {
      const others2 = failed.map((r) => `rank ${r.rank}`).join(", ");
      return {
        state: "failed",
        cls: "collective",
        detail: `rank ${silent.rank} ${silent.state}, probably the cause: ${others2} failed in a collective that lost it (a consequence)`,
        flags
      };
    }
    const state = cause.state === "failed" ? "failed" : cause.state;
    const others = rows.filter((r) => r.consequence).map((r) => `rank ${r.rank}`);
    const waiting = live.map((r) => `rank ${r.rank}`);
    const detail = `rank ${cause.rank} ${cause.state}${cause.cls ? ` (${cause.cls})` : ""}: ${cause.detail}` + (others.length ? `; ${others.join(", ")} failed in a collective as a consequence` : "") + (waiting.length ? `; ${waiting.join(", ")} still run${waiting.length === 1 ? "s" : ""}: waiting in a collective until its timeout (${COLLECTIVE_TIMEOUT_TEXT}) and billing; stop the job there (tether stop, or on-node-failure: stop)` : "");
    return { state, cls: cause.state === "failed" ? cause.cls : null, detail, flags };
  }
  if (unseen.length && unseen.length < rows.length && live.length)
    return {
      state: "degraded",
      cls: null,
      detail: `${unseen.map((r) => `rank ${r.rank} ${r.state}`).join(", ")}; ${live.map((r) => `rank ${r.rank} ${r.state}`).join(", ")}`,
      flags
    };
  if (unseen.length === rows.length) return { state: rows[0].state, cls: null, detail: `no node could be read: ${rows[0].detail}`, flags };
  if (rows.every((r) => r.state === "finished")) return { state: "finished", cls: null, detail: `every node finished (${rows.length})`, flags };
  const order = ["stalled", "launching", "queued", "running", "finished"];
  const worst = [...rows].sort((a, b) => rank(order, a.state) - rank(order, b.state))[0];
  return { state: worst.state, cls: null, detail: rows.map((r) => `rank ${r.rank} ${r.state}`).join(", "), flags };
}
var rank = (order, s) => order.includes(s) ? order.indexOf(s) : -1;
var SRUN_TASK = /^srun: error: ([A-Za-z0-9][A-Za-z0-9._-]{0,63}): tasks? ([0-9]{1,5})(?:-([0-9]{1,5}))?: ([A-Za-z][A-Za-z0-9 ]{0,60}?)(?: ([0-9]{1,3}))?$/;
var LABELLED = /^ *([0-9]{1,5}): (.*)$/;
var SRUN_LINES_MAX = 2e4;
var SRUN_NODES_MAX = 256;
function srunNodeRows(log) {
  const lines = log.split("\n").slice(-SRUN_LINES_MAX);
  const nodes = /* @__PURE__ */ new Map();
  const byTask = /* @__PURE__ */ new Map();
  for (const line of lines) {
    const m = SRUN_TASK.exec(line);
    if (m) {
      if (!nodes.has(m[1]) && nodes.size >= SRUN_NODES_MAX) continue;
      const n = nodes.get(m[1]) ?? { tasks: /* @__PURE__ */ new Set(), words: "" };
      const lo = Number(m[2]);
      const hi = m[3] === void 0 ? lo : Math.min(Number(m[3]), lo + 1024);
      for (let t = lo; t <= hi; t++) n.tasks.add(t);
      n.words ||= `${m[4]}${m[5] ? ` ${m[5]}` : ""}`;
      nodes.set(m[1], n);
      continue;
    }
    const l = LABELLED.exec(line);
    if (l) {
      const t = Number(l[1]);
      const own = byTask.get(t) ?? [];
      if (own.length < 200) own.push(l[2]);
      byTask.set(t, own);
    }
  }
  if (!nodes.size) return null;
  return [...nodes.entries()].map(([host, n]) => {
    const tasks = [...n.tasks].sort((a, b) => a - b);
    const own = tasks.flatMap((t) => byTask.get(t) ?? []).join("\n");
    const cls = signatureIn(own) ?? (/^Killed/.test(n.words) ? "killed" : /^Terminated/.test(n.words) ? "terminated" : "other");
    return {
      rank: tasks[0],
      host,
      state: "failed",
      cls,
      consequence: false,
      step: null,
      heartbeatAgeS: null,
      gpuUtilPct: null,
      detail: `srun: ${host} task${tasks.length > 1 ? "s" : ""} ${tasks.length > 1 ? `${tasks[0]}-${tasks[tasks.length - 1]}` : tasks[0]}: ${n.words}`
    };
  });
}

// src/patrol/verdict.ts
var pct = (used, total) => total > 0 ? 100 * used / total : 0;
function assess(runId, seen, prev, opts, now) {
  const iso = now.toISOString();
  if (seen.kind !== "observed") return notObserved(runId, seen, prev, iso);
  const { host, run } = seen;
  const newAttempt = !prev || prev.attempt !== run.attempt;
  const progress = parseProgress(run.tail, opts.progressRegexes);
  const progressT = Math.max(run.logMtime ?? 0, run.checkpoints.newestMtime ?? 0, run.logSize > 0 ? 0 : run.startedEpoch ?? 0);
  const progressAgeS = progressT ? Math.max(0, host.now - progressT) : null;
  const oomKillRose = host.memory.oomKills !== null && (prev?.oomKills ?? 0) < host.memory.oomKills;
  const delta = run.delta;
  const newSignature = run.alive ? signatureIn(delta) : null;
  const marker = run.marker && (run.marker.attempt === run.attempt || run.marker.attempt === 0) ? run.marker : null;
  const sched = run.scheduler ? fromScheduler(run.scheduler, marker, run.startedEpoch !== null, host.now) : null;
  const seenState = stateOf(run, host, marker, sched, progressAgeS, oomKillRose, delta, opts);
  const { state } = seenState;
  const onNodes = state === "failed" && run.scheduler && !sched ? srunNodeRows(run.tail) : null;
  const combined = onNodes ? runOfNodes(onNodes) : null;
  const cls = combined?.cls ?? seenState.cls;
  const n = run.preemptNotice;
  const detail = (n ? `${seenState.detail}; EC2 spot notice seen ${n.seenAt} (${n.action} at ${n.time}): sent SIG${n.signal}, TERM at ${n.termAt}` : seenState.detail) + (combined ? `; ${combined.detail}` : "");
  const { flags, usedPct, inodesUsedPct } = flagsOf(state, run, host, marker, prev, opts);
  const disk = host.disk;
  const since = prev && prev.state === state && !newAttempt ? prev.since : iso;
  const loss = progress.metrics["loss"] ?? progress.metrics["train_loss"] ?? null;
  const history = prev && prev.attempt > run.attempt ? [] : [...prev?.history ?? []];
  const lastPoint = history[history.length - 1];
  if (progress.step !== null || loss !== null) {
    if (!lastPoint || lastPoint[1] !== progress.step || lastPoint[2] !== loss) history.push([host.now, progress.step, loss]);
  }
  const memory = {
    attempt: run.attempt,
    offset: run.logSize,
    state,
    cls,
    since,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: host.memory.oomKills,
    step: progress.step,
    epoch: progress.epoch,
    metrics: progress.metrics,
    history: history.slice(-HISTORY_MAX),
    ...carried(prev),
    ...firstStepOf(run, newAttempt ? void 0 : prev, opts)
  };
  const parts = [remediationText(state, cls, flags)];
  if (newSignature) parts.push(`the log shows a new ${newSignature} signature while the job still runs`);
  const verdict = {
    runId,
    state,
    cls,
    flags,
    remediation: parts.join("; "),
    detail,
    attempt: run.attempt,
    step: progress.step,
    epoch: progress.epoch,
    metrics: progress.metrics,
    heartbeatAgeS: run.heartbeatMtime !== null ? Math.max(0, host.now - run.heartbeatMtime) : null,
    progressAgeS,
    checkpoints: {
      count: run.checkpoints.count,
      newest: run.checkpoints.newest,
      ageS: run.checkpoints.newestMtime !== null ? Math.max(0, host.now - run.checkpoints.newestMtime) : null,
      ...run.checkpoints.symlinks ? { symlinks: run.checkpoints.symlinks } : {}
    },
    gpus: host.gpu.gpus,
    disk: disk.sizeBytes > 0 ? { usedPct, inodesUsedPct } : null,
    memoryPct: host.memory.fraction !== null ? 100 * host.memory.fraction : null,
    since,
    newSignature,
    ...onNodes ? { nodes: onNodes } : {}
  };
  return { verdict, memory };
}
function carried(prev) {
  const out = {};
  if (prev?.sync) out.sync = prev.sync;
  if (prev?.notified) out.notified = prev.notified;
  if (prev?.recovery) out.recovery = prev.recovery;
  if (prev?.collect) out.collect = prev.collect;
  if (prev?.policy) out.policy = prev.policy;
  return out;
}
function firstStepOf(run, prev, opts) {
  if (prev?.firstStep !== void 0 && prev.firstStep !== null) return { firstStep: prev.firstStep };
  if (run.deltaFrom !== 0 || !run.delta) return prev?.firstStep !== void 0 ? { firstStep: prev.firstStep } : {};
  for (const line of run.delta.split("\n", 400)) {
    const s = parseProgress(line, opts.progressRegexes).step;
    if (s !== null) return { firstStep: s };
  }
  return {};
}
function stateOf(run, host, marker, sched, progressAgeS, oomKillRose, delta, opts) {
  let state;
  let cls = null;
  let detail;
  if (!run.exists) {
    state = "unknown";
    detail = "no run record";
  } else if (sched) {
    ({ state, cls, detail } = sched);
  } else if (marker?.kind === "DONE") {
    if (/QUEUE DONE[^\n]*FAIL/i.test(run.tail)) {
      state = "failed";
      cls = "other";
      detail = "exited 0 but the log reports failed cells (QUEUE DONE \u2026 FAILED)";
    } else {
      state = "finished";
      detail = `DONE at ${marker.finishedAt}`;
    }
  } else if (marker?.kind === "FAILED") {
    state = "failed";
    cls = classifyFailure(marker.exitCode, marker.signal, run.tail + "\n" + delta, oomKillRose, marker.stage);
    detail = `exit ${marker.exitCode}${marker.signal ? ` (SIG${marker.signal})` : ""} in stage ${marker.stage}`;
  } else if (run.alive) {
    const age = progressAgeS ?? 0;
    if (run.logSize === 0 && run.checkpoints.count === 0 && run.startedEpoch !== null && host.now - run.startedEpoch < opts.stallAfterS) {
      state = "launching";
      detail = "no output yet";
    } else if (age > opts.stallAfterS) {
      state = "stalled";
      detail = `no log or checkpoint progress for ${durationText(age)}`;
    } else {
      state = "running";
      detail = `pid ${run.pid}`;
    }
  } else if (run.attempt === 0) {
    state = "launching";
    detail = "run record written, no attempt started yet";
  } else if (run.jobOnBox && host.btime !== null && run.startedEpoch !== null && host.btime > run.startedEpoch) {
    state = "rebooted";
    detail = `booted ${new Date(host.btime * 1e3).toISOString()}, after attempt ${run.attempt} started`;
  } else {
    state = "dead";
    detail = `attempt ${run.attempt}: no process (pid ${run.pid ?? "none"}) and no DONE/FAILED marker`;
  }
  return { state, cls, detail };
}
function flagsOf(state, run, host, marker, prev, opts) {
  const flags = [];
  const disk = host.disk;
  const usedPct = pct(disk.sizeBytes - disk.availBytes, disk.sizeBytes);
  const inodesUsedPct = disk.inodesTotal > 0 ? pct(disk.inodesTotal - disk.inodesFree, disk.inodesTotal) : null;
  if (usedPct >= 95) flags.push("disk-pressure");
  if (inodesUsedPct !== null && inodesUsedPct >= 95) flags.push("inode-pressure");
  if (host.memory.fraction !== null && host.memory.fraction > 0.9) flags.push("mem-pressure");
  if ((state === "running" || state === "stalled") && host.gpu.gpus.length > 0 && host.gpu.gpus.every((g) => (g.utilPct ?? 0) < 5)) flags.push("gpu-idle");
  if (opts.checkpointEveryS && state === "running" && run.startedEpoch !== null) {
    const ref = Math.max(run.checkpoints.newestMtime ?? 0, run.startedEpoch);
    if (host.now - ref > 1.5 * opts.checkpointEveryS) flags.push("checkpoint-stale");
  }
  if (marker && (state === "finished" || state === "failed") && run.checkpoints.newestMtime !== null) {
    const end = Date.parse(marker.finishedAt) / 1e3;
    if (Number.isFinite(end) && run.checkpoints.newestMtime > end + FOREIGN_SLACK_S) flags.push("foreign-checkpoints");
  }
  if (run.unlaunchedCells) flags.push("unlaunched-cells");
  if (run.preemptNotice) flags.push("spot-notice");
  if (state === "finished" && run.checkpoints.count === 0 && !run.cells) flags.push("no-checkpoints");
  if (prev?.sync?.bad) flags.push("bad-checkpoint");
  if (state === "finished" && run.expectedDurationS && marker && run.startedEpoch) {
    const took = Date.parse(marker.finishedAt) / 1e3 - run.startedEpoch;
    if (took >= 0 && took < 0.5 * run.expectedDurationS) flags.push("fast-finish");
  }
  return { flags, usedPct, inodesUsedPct };
}
var failureOf = (state) => SLURM_FAILURE[state];
function fromScheduler(v, marker, ran, now) {
  const job = `Slurm job ${v.job}`;
  const why = v.reason && v.reason !== "None" ? ` (${v.reason})` : "";
  if (v.state.startsWith("REQUEUE") || v.state === "PENDING" && ran) return { state: "requeued", cls: null, detail: `${job} back in the queue${why}` };
  const waited = v.submitted !== null && now >= v.submitted ? ` for ${durationText(now - v.submitted)}` : "";
  if (v.state === "PENDING") return { state: "queued", cls: null, detail: `${job} pending${waited}${why}` };
  if (marker?.stage === "stopped") return null;
  if (v.state === "PREEMPTED")
    return { state: "preempted", cls: null, detail: `${job} PREEMPTED${v.reason ? ` ${v.reason}` : ""}${v.nodes ? ` on ${v.nodes}` : ""}` };
  const onTerm = marker?.kind === "FAILED" && marker.signal === "TERM" && v.state !== "PREEMPTED" && v.state !== "CANCELLED";
  const cls = failureOf(v.state) ?? (onTerm ? "timeout" : void 0);
  if (!cls) return null;
  const by = v.reason ? ` ${v.reason}` : "";
  const exit = v.exit && v.exit !== "0:0" ? `, exit ${v.exit}` : "";
  const mem = cls === "oom" ? `; raise --mem to MaxRSS \xD7 1.2 (sacct -j ${v.job} -o MaxRSS)` : "";
  return { state: "failed", cls, detail: `${job} ${v.state}${by}${exit}${v.nodes ? ` on ${v.nodes}` : ""}${mem}` };
}
function notObserved(runId, seen, prev, iso) {
  const state = seen.kind !== "transport" ? "probe-error" : seen.reason === "host_key_mismatch" ? "host-key-changed" : seen.reason === "auth_failed" ? "auth-refused" : "unreachable";
  const blind = (s) => s === "unreachable" || s === "probe-error" || s === "host-key-changed" || s === "auth-refused";
  const since = blind(prev?.state) ? prev?.unreachableSince ?? iso : iso;
  const ticks = (blind(prev?.state) ? prev?.unreachableTicks ?? 0 : 0) + 1;
  const lastKnown = prev ? blind(prev.state) ? prev.lastKnown : prev.state : null;
  const memory = {
    attempt: prev?.attempt ?? 0,
    offset: prev?.offset ?? 0,
    state,
    cls: prev?.cls ?? null,
    since: prev?.state === state ? prev.since : iso,
    lastKnown,
    unreachableSince: since,
    unreachableTicks: ticks,
    oomKills: prev?.oomKills ?? null,
    step: prev?.step ?? null,
    epoch: prev?.epoch ?? null,
    metrics: prev?.metrics ?? {},
    history: prev?.history ?? [],
    ...carried(prev)
  };
  const what = state === "probe-error" ? "unreadable" : state;
  const verdict = remembered(runId, state, memory, {
    remediation: `${what} since ${since} (${ticks} tick${ticks === 1 ? "" : "s"}): ${state === "unreachable" ? "check the provider console for balance, power or preemption" : STATE_REMEDIATION[state]}`,
    detail: `${transportDetail(seen)}${lastKnown ? `; last known state ${lastKnown}` : ""}`,
    since: memory.since
  });
  return { verdict, memory };
}
function remediationText(state, cls, flags) {
  const base = state === "failed" && cls ? FAILURE_REMEDIATION[cls] : STATE_REMEDIATION[state];
  return [base, ...flags.map((f) => FLAG_REMEDIATION[f])].join("; ");
}
function withFlag(v, flag, on) {
  if (on === v.flags.includes(flag)) return v;
  const part = `; ${FLAG_REMEDIATION[flag]}`;
  return on ? { ...v, flags: [...v.flags, flag], remediation: v.remediation + part } : { ...v, flags: v.flags.filter((f) => f !== flag), remediation: v.remediation.replace(part, "") };
}
function remembered(runId, state, m, text) {
  return {
    runId,
    state,
    cls: null,
    flags: [],
    ...text,
    attempt: m.attempt,
    step: m.step,
    epoch: m.epoch,
    metrics: m.metrics,
    heartbeatAgeS: null,
    progressAgeS: null,
    checkpoints: { count: 0, newest: null, ageS: null },
    gpus: [],
    disk: null,
    memoryPct: null,
    newSignature: null
  };
}
function transportDetail(seen) {
  if (seen.kind !== "transport") return seen.detail;
  const bare = seen.detail.startsWith(`${seen.reason}: `) ? seen.detail.slice(seen.reason.length + 2) : seen.detail;
  return seen.reason === "unreachable" ? bare : `${seen.reason}: ${bare}`;
}

export {
  STATE_REMEDIATION,
  FAILURE_REMEDIATION,
  FLAG_REMEDIATION,
  memoryBlock,
  fitMemory,
  mergeMemories,
  readMemory,
  NOTIFIED_MAX,
  withoutMemory,
  markTeardown,
  CRASH_HINT,
  runOfNodes,
  assess,
  remediationText,
  withFlag,
  remembered
};
