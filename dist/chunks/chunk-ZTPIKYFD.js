import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  human
} from "./chunk-XUWSLT73.js";
import {
  classifyFailure,
  signatureIn
} from "./chunk-6CFQCFA3.js";
import {
  FAILURE_REMEDIATION,
  FLAG_REMEDIATION,
  STATE_REMEDIATION
} from "./chunk-I3Y4EOJH.js";
import {
  code,
  inert
} from "./chunk-ADSDY35L.js";

// src/patrol/memory.ts
import { deflateRawSync, inflateRawSync } from "node:zlib";
var HISTORY_MAX = 96;
var OPEN = "<!-- tether:memory ";
var CLOSE = " -->";
function emptyMemory() {
  return { v: 1, tick: 0, runs: {} };
}
function memoryBlock(m) {
  return `${OPEN}z${deflateRawSync(Buffer.from(JSON.stringify(m))).toString("base64")}${CLOSE}`;
}
function fitMemory(m, budget) {
  let cur = m;
  for (let i = 0; i < 8 && memoryBlock(cur).length > budget; i++) {
    cur = {
      ...cur,
      runs: Object.fromEntries(Object.entries(cur.runs).map(([id, r]) => [id, thin(r)]))
    };
  }
  return cur;
}
function thin(r) {
  const half = (h) => h.filter((_, k, all) => (all.length - 1 - k) % 2 === 0);
  const out = { ...r, history: half(r.history) };
  if (r.cells) out.cells = Object.fromEntries(Object.entries(r.cells).map(([n, c]) => [n, { ...c, history: half(c.history) }]));
  return out;
}
function mergeMemories(list) {
  return list.reduce((acc, m) => ({ v: 1, tick: Math.max(acc.tick, m.tick), runs: { ...acc.runs, ...m.runs } }), emptyMemory());
}
function readMemory(body) {
  if (!body) return emptyMemory();
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return emptyMemory();
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return emptyMemory();
  try {
    const text = body.slice(start + OPEN.length, end);
    const bytes = text.startsWith("z") ? inflateRawSync(Buffer.from(text.slice(1), "base64")) : Buffer.from(text, "base64");
    const m = JSON.parse(bytes.toString("utf8"));
    if (m?.v !== 1 || typeof m.tick !== "number" || typeof m.runs !== "object" || m.runs === null) return emptyMemory();
    return m;
  } catch {
    return emptyMemory();
  }
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

// src/patrol/progress.ts
var METRIC = /['"]?\b(loss|train_loss|val_loss|eval_loss|valid_loss|acc|accuracy|val_acc|eval_accuracy|lr|learning_rate|grad_norm|ppl|perplexity|reward)\b['"]?\s*(?:[=:]\s*|\s+)([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)\b/gi;
var EPOCH = /\bepoch\b\s*[[(:=]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/gi;
var EPOCH_FLOAT = /['"]epoch['"]\s*:\s*([\d.]+)/g;
var STEP = /\b(?:global_step|step|iter(?:ation)?)\b\s*[[(:=]?\s*(\d+)/gi;
function last(re, text, pick) {
  let out = null;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out = pick(m);
  return out;
}
function parseProgress(tail, extra = []) {
  const metrics = {};
  METRIC.lastIndex = 0;
  for (let m = METRIC.exec(tail); m; m = METRIC.exec(tail)) {
    const v = (m[2] ?? "").toLowerCase();
    metrics[(m[1] ?? "").toLowerCase()] = v === "nan" ? NaN : v === "inf" ? Infinity : Number(v);
  }
  let epoch = last(EPOCH, tail, (m) => `${m[1]}/${m[2]}`) ?? last(EPOCH_FLOAT, tail, (m) => m[1] ?? "");
  let step = last(STEP, tail, (m) => Number(m[1]));
  for (const re of extra) {
    const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
    const groups = last(g, tail, (m) => m.groups ?? {});
    if (!groups) continue;
    for (const [k, v] of Object.entries(groups)) {
      if (v === void 0) continue;
      if (k === "step") step = Number(v);
      else if (k === "epoch") epoch = v;
      else if (!Number.isNaN(Number(v))) metrics[k] = Number(v);
    }
  }
  return { step, epoch, metrics };
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
  let state;
  let cls = null;
  let detail;
  const marker = run.marker && (run.marker.attempt === run.attempt || run.marker.attempt === 0) ? run.marker : null;
  const sched = run.scheduler ? fromScheduler(run.scheduler, marker, run.startedEpoch !== null, host.now) : null;
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
    const age2 = progressAgeS ?? 0;
    if (run.logSize === 0 && run.checkpoints.count === 0 && run.startedEpoch !== null && host.now - run.startedEpoch < opts.stallAfterS) {
      state = "launching";
      detail = "no output yet";
    } else if (age2 > opts.stallAfterS) {
      state = "stalled";
      detail = `no log or checkpoint progress for ${Math.round(age2 / 60)} min`;
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
  if (prev?.sync?.bad) flags.push("bad-checkpoint");
  if (state === "finished" && run.expectedDurationS && marker && run.startedEpoch) {
    const took = Date.parse(marker.finishedAt) / 1e3 - run.startedEpoch;
    if (took >= 0 && took < 0.5 * run.expectedDurationS) flags.push("fast-finish");
  }
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
    ...prev?.sync ? { sync: prev.sync } : {}
  };
  const base = state === "failed" && cls ? FAILURE_REMEDIATION[cls] : STATE_REMEDIATION[state];
  const parts = [base, ...flags.map((f) => FLAG_REMEDIATION[f])];
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
      ageS: run.checkpoints.newestMtime !== null ? Math.max(0, host.now - run.checkpoints.newestMtime) : null
    },
    gpus: host.gpu.gpus,
    disk: disk.sizeBytes > 0 ? { usedPct, inodesUsedPct } : null,
    memoryPct: host.memory.fraction !== null ? 100 * host.memory.fraction : null,
    since,
    newSignature
  };
  return { verdict, memory };
}
function waitedText(s) {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
var SLURM_CLASS = {
  TIMEOUT: "timeout",
  DEADLINE: "timeout",
  OUT_OF_MEMORY: "oom",
  NODE_FAIL: "node-fail",
  BOOT_FAIL: "node-fail",
  PREEMPTED: "preempted",
  CANCELLED: "cancelled"
};
function fromScheduler(v, marker, ran, now) {
  const job = `Slurm job ${v.job}`;
  const why = v.reason && v.reason !== "None" ? ` (${v.reason})` : "";
  if (v.state.startsWith("REQUEUE") || v.state === "PENDING" && ran) return { state: "requeued", cls: null, detail: `${job} back in the queue${why}` };
  const waited = v.submitted !== null && now >= v.submitted ? ` for ${waitedText(now - v.submitted)}` : "";
  if (v.state === "PENDING") return { state: "queued", cls: null, detail: `${job} pending${waited}${why}` };
  if (marker?.stage === "stopped") return null;
  const onTerm = marker?.kind === "FAILED" && marker.signal === "TERM" && v.state !== "PREEMPTED" && v.state !== "CANCELLED";
  const cls = SLURM_CLASS[v.state] ?? (onTerm ? "timeout" : void 0);
  if (!cls) return null;
  const by = v.reason ? ` ${v.reason}` : "";
  const exit = v.exit && v.exit !== "0:0" ? `, exit ${v.exit}` : "";
  const mem = cls === "oom" ? `; raise --mem to MaxRSS \xD7 1.2 (sacct -j ${v.job} -o MaxRSS)` : "";
  return { state: "failed", cls, detail: `${job} ${v.state}${by}${exit}${v.nodes ? ` on ${v.nodes}` : ""}${mem}` };
}
function notObserved(runId, seen, prev, iso) {
  const state = seen.kind === "transport" ? "unreachable" : "probe-error";
  const blind = (s) => s === "unreachable" || s === "probe-error";
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
    ...prev?.sync ? { sync: prev.sync } : {}
  };
  const what = seen.kind === "transport" ? "unreachable" : "unreadable";
  const verdict = remembered(runId, state, memory, {
    remediation: `${what} since ${since} (${ticks} tick${ticks === 1 ? "" : "s"}): ${seen.kind === "transport" ? "check the provider console for balance, power or preemption" : STATE_REMEDIATION["probe-error"]}`,
    detail: `${transportDetail(seen)}${lastKnown ? `; last known state ${lastKnown}` : ""}`,
    since: memory.since
  });
  return { verdict, memory };
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

// src/patrol/cells.ts
var CELL_HISTORY_MAX = 16;
function assessCells(cells, cellErrors, host, prev, runEnded, opts, now) {
  const verdicts = [];
  const memory = {};
  const iso = now.toISOString();
  const names = [...cells.map((c) => c.id), ...Object.keys(cellErrors).filter((n) => !cells.some((c) => c.id === n))];
  for (const name of names) {
    const c = cells.find((x) => x.id === name);
    const before = prev?.[name];
    let out;
    let gpus = "";
    if (!c) {
      out = assess(name, { kind: "probe-error", detail: `probe output for this cell is unreadable: ${cellErrors[name]}` }, before, opts, now);
    } else if (c.settled) {
      const m2 = before && before.attempt === c.attempt ? before : settledMemory(c, iso);
      out = { verdict: { ...remembered(name, m2.state, m2, { remediation: remediationOf(m2), detail: detailOf(m2, c), since: m2.since }), cls: m2.cls }, memory: m2 };
    } else {
      gpus = c.gpus;
      out = assess(name, { kind: "observed", host, run: c }, before, opts, now);
      if (c.attempt === 0) out = queued(name, out, before, runEnded, iso);
    }
    const m = { ...out.memory, history: out.memory.history.slice(-CELL_HISTORY_MAX) };
    memory[name] = m;
    verdicts.push({ ...out.verdict, cellGpus: gpus });
  }
  return { verdicts, memory };
}
function queued(name, out, before, runEnded, iso) {
  const state = runEnded ? "failed" : "queued";
  const since = before?.state === state ? before.since : iso;
  const memory = { ...out.memory, state, cls: runEnded ? "stopped" : null, since };
  const detail = runEnded ? "never started: the sweep ended before its turn (on-cell-failure: stop, or a stop)" : "waiting for a slot";
  return {
    verdict: {
      ...out.verdict,
      state,
      cls: memory.cls,
      since,
      detail,
      remediation: runEnded ? FAILURE_REMEDIATION.stopped : STATE_REMEDIATION.queued,
      flags: []
    },
    memory
  };
}
function settledMemory(c, iso) {
  const done = c.marker?.kind === "DONE";
  return {
    attempt: c.attempt,
    offset: 0,
    state: done ? "finished" : "failed",
    cls: done ? null : "other",
    since: iso,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: null,
    epoch: null,
    metrics: {},
    history: []
  };
}
function remediationOf(m) {
  return m.state === "failed" ? FAILURE_REMEDIATION[m.cls ?? "other"] : STATE_REMEDIATION[m.state];
}
function detailOf(m, c) {
  const mk = c.marker;
  if (!mk) return m.state;
  return mk.kind === "DONE" ? `DONE at ${mk.finishedAt}` : `exit ${mk.exitCode}${mk.signal ? ` (SIG${mk.signal})` : ""} in stage ${mk.stage}`;
}
function summarize(cells) {
  const counts = {};
  const classes = {};
  for (const c of cells) {
    counts[c.state] = (counts[c.state] ?? 0) + 1;
    if (c.state === "failed") classes[c.cls ?? "other"] = (classes[c.cls ?? "other"] ?? 0) + 1;
  }
  return { total: cells.length, counts, classes };
}
function summaryText(s) {
  const order = ["running", "launching", "queued", "stalled", "failed", "dead", "rebooted", "probe-error", "unknown", "unreachable"];
  const parts = [`${s.counts.finished ?? 0}/${s.total} done`];
  for (const st of order) {
    const n = s.counts[st];
    if (!n) continue;
    const cls = st === "failed" ? `: ${Object.entries(s.classes).map(([k, v]) => v > 1 ? `${k} \xD7${v}` : k).join(", ")}` : "";
    parts.push(`${n} ${st}${cls}`);
  }
  return parts.join(", ");
}
function sweepVerdict(run, cells) {
  const s = summarize(cells);
  const live = cells.filter((c) => ["running", "launching", "stalled", "queued"].includes(c.state));
  let state = run.state;
  if (run.state === "running" || run.state === "stalled" || run.state === "launching") {
    state = live.length && live.every((c) => c.state === "stalled") ? "stalled" : live.length ? "running" : run.state;
  }
  const firstFailed = cells.find((c) => c.state === "failed");
  const cls = state === "failed" ? firstFailed?.cls ?? run.cls : run.cls;
  const remediation = state === run.state && cls === run.cls ? run.remediation : state === "failed" ? FAILURE_REMEDIATION[cls ?? "other"] : STATE_REMEDIATION[state];
  return { ...run, state, cls, remediation, detail: `${summaryText(s)} (${run.detail})` };
}

// src/report/terminal-markdown.ts
var sgr = (on, off) => (s) => s ? `\x1B[${on}m${s}\x1B[${off}m` : s;
var COLOR = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };
var BARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588";
function sparkline(values, width = 16) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).slice(-width);
  if (!v.length) return "";
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => BARS[hi === lo ? 3 : Math.round((x - lo) / (hi - lo) * (BARS.length - 1))]).join("");
}

// src/report/patrol.ts
var ICON = {
  queued: "\u23F3",
  requeued: "\u267B\uFE0F",
  launching: "\u{1F535}",
  running: "\u{1F7E2}",
  stalled: "\u{1F7E1}",
  finished: "\u2705",
  failed: "\u274C",
  dead: "\u{1F480}",
  rebooted: "\u{1F501}",
  unreachable: "\u{1F4E1}",
  "probe-error": "\u{1F9E9}",
  unknown: "\u2754",
  "torn-down": "\u{1F3C1}"
};
var ESCALATE = ["stalled", "failed", "dead", "rebooted", "unreachable", "probe-error", "unknown"];
var BODY_MAX = 65536;
var STATUS_MARKER = "<!-- tether:status -->";
function statusMarker(header = "") {
  return header ? `<!-- tether:status:${header} -->` : STATUS_MARKER;
}
function age(s) {
  if (s === null) return "\u2014";
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}
function stateText(v) {
  return v.cls ? `${v.state} (${v.cls})` : v.state;
}
function metricsText(m) {
  return Object.entries(m).slice(0, 4).map(([k, x]) => `${k} ${Number.isFinite(x) ? Number(x.toPrecision(4)) : String(x)}`).join(", ");
}
function gpuText(v) {
  if (!v.gpus.length) return "\u2014";
  const util = Math.round(v.gpus.reduce((a, g) => a + (g.utilPct ?? 0), 0) / v.gpus.length);
  const mem = v.gpus.reduce((a, g) => a + (g.memUsedMiB ?? 0), 0) / 1024;
  const temp = Math.max(...v.gpus.map((g) => g.tempC ?? 0));
  return `${v.gpus.length}\xD7 ${util}% \xB7 ${mem.toFixed(0)} GiB \xB7 ${temp} \xB0C`;
}
function row(v, now) {
  const progress = [v.step !== null ? `step ${v.step}` : "", v.epoch ? `epoch ${inert(v.epoch, 40)}` : ""].filter(Boolean).join(" \xB7 ") || "\u2014";
  const disk = v.disk ? `${v.disk.usedPct.toFixed(0)}% / ${v.disk.inodesUsedPct === null ? "\u2014" : `${v.disk.inodesUsedPct.toFixed(0)}%`}` : "\u2014";
  const ck = v.checkpoints.count ? `${v.checkpoints.count}, newest ${age(v.checkpoints.ageS)} ago` : "\u2014";
  const inState = age((now.getTime() - Date.parse(v.since)) / 1e3);
  const flags = v.flags.length ? ` \u26A0\uFE0F ${v.flags.join(" ")}` : "";
  return `| ${code(v.runId)} | ${code(v.host)} | ${ICON[v.state]} ${stateText(v)}${flags} | ${progress} | ${inert(metricsText(v.metrics)) || "\u2014"} | ${gpuText(v)} | ${disk} | ${age(v.heartbeatAgeS)} | ${ck} | ${v.attempt || "\u2014"} | ${inState} |`;
}
function chart(runId, m) {
  const pts = (m?.history ?? []).filter((p) => p[2] !== null || p[1] !== null);
  if (pts.length < 2) return "";
  const useLoss = pts.filter((p) => p[2] !== null && Number.isFinite(p[2])).length >= 2;
  const series = pts.filter((p) => useLoss ? p[2] !== null && Number.isFinite(p[2]) : p[1] !== null);
  const xs = series.map((p, i) => p[1] !== null ? String(p[1]) : String(i + 1));
  const ys = series.map((p) => Number((useLoss ? p[2] : p[1]).toPrecision(5)));
  return [
    "```mermaid",
    "xychart-beta",
    `  title "${runId.replace(/"/g, "")}: ${useLoss ? "loss" : "step"} by tick"`,
    `  x-axis "step" [${xs.map((x) => `"${x}"`).join(", ")}]`,
    `  y-axis "${useLoss ? "loss" : "step"}"`,
    `  line [${ys.join(", ")}]`,
    "```"
  ].join("\n");
}
var CELL_ROWS = { unhealthy: 24, running: 12 };
var UNHEALTHY = ["failed", "dead", "stalled", "rebooted", "probe-error", "unknown", "unreachable"];
function cellsToShow(cells) {
  const bad = cells.filter((c) => UNHEALTHY.includes(c.state)).slice(0, CELL_ROWS.unhealthy);
  const live = cells.filter((c) => c.state === "running" || c.state === "launching").sort((a, b) => a.since < b.since ? 1 : a.since > b.since ? -1 : 0).slice(0, CELL_ROWS.running);
  const shown = [...bad, ...live];
  return { shown, hidden: cells.length - shown.length };
}
function renderSweep(v, m) {
  const cells = v.cells ?? [];
  const s = summarize(cells);
  const counts = Object.entries(s.counts).map(([st, n]) => `${ICON[st]} ${st} ${n}`).join(" \xB7 ");
  const { shown, hidden } = cellsToShow(cells);
  const lines = [`#### Sweep ${code(v.runId)}: ${inert(summaryText(s))}`, "", counts, ""];
  if (shown.length) {
    lines.push("| cell | state | GPUs | progress | metrics | heartbeat | attempt | detail |", "|---|---|---|---|---|---|---|---|");
    for (const c of shown) {
      const progress = [c.step !== null ? `step ${c.step}` : "", c.epoch ? `epoch ${inert(c.epoch, 40)}` : ""].filter(Boolean).join(" \xB7 ") || "\u2014";
      lines.push(
        `| ${code(c.runId)} | ${ICON[c.state]} ${stateText(c)} | ${c.cellGpus ? code(c.cellGpus) : "\u2014"} | ${progress} | ${inert(metricsText(c.metrics)) || "\u2014"} | ${age(c.heartbeatAgeS)} | ${c.attempt || "\u2014"} | ${inert(c.detail, 200)} |`
      );
    }
    lines.push("");
  }
  if (hidden > 0) lines.push(`\u2026and ${hidden} more cell${hidden === 1 ? "" : "s"} (counted above).`, "");
  const charted = cells.filter((c) => c.state === "running").slice(0, 4);
  const series = charted.map((c) => ({ name: c.runId, ys: (m?.cells?.[c.runId]?.history ?? []).map((p) => p[2]).filter((x) => x !== null && Number.isFinite(x)) })).filter((x) => x.ys.length >= 2);
  if (series.length) {
    const n = Math.max(...series.map((x) => x.ys.length));
    lines.push(
      "```mermaid",
      "xychart-beta",
      `  title "${v.runId.replace(/"/g, "")}: loss of ${series.map((x) => x.name.replace(/"/g, "")).join(", ")} by tick"`,
      `  x-axis "tick" [${Array.from({ length: n }, (_, i) => `"${i + 1}"`).join(", ")}]`,
      '  y-axis "loss"',
      ...series.map((x) => `  line [${x.ys.map((y) => Number(y.toPrecision(5))).join(", ")}]`),
      "```",
      ""
    );
  }
  return lines.join("\n");
}
function renderPatrol(verdicts, memory, now, marker = "", header = "") {
  const head = [
    marker,
    `### tether patrol${header ? ` ${code(header)}` : ""} \u2014 last checked ${now.toISOString().replace(/\.\d+Z$/, "Z")}, tick ${memory.tick}`,
    "",
    "| run | host | state | progress | metrics | GPU | disk / inodes | heartbeat | checkpoints | attempt | in state |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...verdicts.map((v) => row(v, now)),
    ""
  ];
  const notes = verdicts.filter((v) => v.state !== "running" || v.flags.length || v.newSignature).map((v) => `- ${ICON[v.state]} **${code(v.runId)}** ${stateText(v)}: ${inert(v.detail)}. **Do:** ${v.remediation}${costLine(v, now)}`);
  const synced = verdicts.flatMap((v) => {
    const line = syncLine(memory.runs[v.runId]?.sync, now);
    return line ? [`- \u{1F4BE} **${code(v.runId)}** ${line}`] : [];
  });
  if (synced.length) notes.push("", ...synced);
  const tail = memoryBlock(fitMemory(memory, 24e3));
  let body = [...head, ...notes, ""].join("\n");
  for (const v of verdicts) {
    if (!v.cells) continue;
    const sec = renderSweep(v, memory.runs[v.runId]);
    if (body.length + sec.length + tail.length + 64 < BODY_MAX) body += `
${sec}`;
  }
  for (const v of verdicts) {
    const c = chart(v.runId, memory.runs[v.runId]);
    if (c && body.length + c.length + tail.length + 64 < BODY_MAX) body += `
${c}
`;
  }
  if (body.length + tail.length + 1 > BODY_MAX) body = `${body.slice(0, BODY_MAX - tail.length - 80)}

\u2026(cut to fit GitHub's 65,536-character limit)
`;
  return `${body}
${tail}
`;
}
function costLine(v, now) {
  if (v.state !== "finished" || v.hourlyPrice === null || v.hourlyPrice === void 0) return "";
  const hours = Math.max(0, (now.getTime() - Date.parse(v.since)) / 36e5);
  const h = Math.floor(hours);
  const m = Math.floor((hours - h) * 60);
  return ` \u{1F4B8} Finished ${h}h ${String(m).padStart(2, "0")}m ago and the box still bills: ${(hours * v.hourlyPrice).toFixed(2)} spent since at ${v.hourlyPrice}/h \u2014 collect, then tear it down.`;
}
function renderTeardownMark(oldBody, runId, mark, marker = STATUS_MARKER) {
  const memory = markTeardown(readMemory(oldBody), runId, mark);
  const visible = withoutMemory(oldBody).replace(marker, "").trim();
  return `${marker}
### \u{1F3C1} ${code(runId)} ${mark.state} at ${inert(mark.at, 40)}

${inert(mark.reason)}

${visible}

${memoryBlock(fitMemory(memory, 24e3))}
`;
}
function lossCell(history) {
  const losses = (history ?? []).map((p) => p[2]);
  const last2 = losses.filter((x) => x !== null && Number.isFinite(x)).at(-1);
  return last2 === void 0 ? "\u2014" : `${sparkline(losses)} ${Number(last2.toPrecision(4))}`;
}
function renderStatusForTerminal(verdicts, memory, now) {
  const rows = verdicts.map((v) => {
    const loss = lossCell(memory.runs[v.runId]?.history);
    const state = `${ICON[v.state]} ${stateText(v)}${v.flags.length ? ` \u26A0\uFE0F ${v.flags.join(" ")}` : ""}`;
    const cellsOf = [
      code(v.runId),
      code(v.host),
      inert(state),
      v.step === null ? "\u2014" : String(v.step),
      v.epoch ? inert(v.epoch, 40) : "\u2014",
      inert(metricsText(v.metrics)) || "\u2014",
      loss,
      age(v.heartbeatAgeS),
      String(v.checkpoints.count),
      age((now.getTime() - Date.parse(v.since)) / 1e3)
    ];
    return `| ${cellsOf.join(" | ")} |`;
  });
  const notes = verdicts.filter((v) => v.state !== "running" || v.flags.length).map((v) => `- **${inert(v.runId)}**: ${inert(v.detail)}. **Do:** ${inert(v.remediation)}${inert(costLine(v, now))}`);
  for (const v of verdicts) {
    const line = syncLine(memory.runs[v.runId]?.sync, now);
    if (line) notes.push(`- **${inert(v.runId)}**: ${line}`);
  }
  const sweeps = verdicts.flatMap((v) => {
    if (!v.cells) return [];
    const { shown, hidden } = cellsToShow(v.cells);
    const cm = memory.runs[v.runId]?.cells ?? {};
    return [
      "",
      `#### ${inert(v.runId)}: ${inert(summaryText(summarize(v.cells)))}`,
      "",
      ...shown.length ? [
        "| cell | state | GPUs | step | loss | heartbeat | attempt |",
        "|---|---|---|---|---|---|---|",
        ...shown.map((c) => {
          const loss = lossCell(cm[c.runId]?.history);
          return `| ${code(c.runId)} | ${ICON[c.state]} ${inert(stateText(c))} | ${c.cellGpus || "\u2014"} | ${c.step ?? "\u2014"} | ${loss} | ${age(c.heartbeatAgeS)} | ${c.attempt || "\u2014"} |`;
        })
      ] : [],
      ...hidden > 0 ? ["", `\u2026and ${hidden} more cell${hidden === 1 ? "" : "s"}`] : []
    ];
  });
  return [
    `### tether status \u2014 ${now.toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    "| run | host | state | step | epoch | metrics | loss | heartbeat | ckpts | in state |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    ...notes.length ? ["", ...notes] : [],
    ...sweeps
  ].join("\n");
}
function syncLine(s, now) {
  if (!s) return "";
  const ago = (iso) => `${age(Math.max(0, (now.getTime() - Date.parse(iso)) / 1e3))} ago`;
  const cell = (c) => c ? ` (cell ${code(c)})` : "";
  const parts = [];
  const n = s.newest;
  if (n)
    parts.push(
      `newest verified checkpoint: ${code(n.path)}${cell(n.cell)}, ${n.step !== null ? `step ${n.step}` : "step unknown"}, written ${ago(n.writtenAt)}, on the runner at ${code(n.where)}${n.artifact ? `, artifact ${code(n.artifact)}` : ""}`
    );
  else parts.push("no verified checkpoint synced yet");
  if (s.bad) parts.push(`\u26A0\uFE0F newer ${code(s.bad.path)}${cell(s.bad.cell)} (written ${ago(s.bad.writtenAt)}) failed verification: ${inert(s.bad.why, 300)}`);
  if (s.error) parts.push(`the last sync (${ago(s.at)}) stopped: ${inert(s.error, 300)}`);
  const older = (s.artifacts ?? []).filter((a) => a.name !== n?.artifact);
  if (older.length)
    parts.push(`older sync artifacts (yours to delete when no longer needed): ${older.map((a) => `${code(a.name)} ${human(a.bytes)}`).join(", ")}`);
  return parts.join("; ");
}

export {
  mergeMemories,
  readMemory,
  assess,
  withFlag,
  remembered,
  assessCells,
  summarize,
  summaryText,
  sweepVerdict,
  ESCALATE,
  statusMarker,
  stateText,
  renderPatrol,
  renderTeardownMark,
  renderStatusForTerminal
};
