import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  code,
  inert
} from "./chunk-LCZBWDJG.js";

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
      runs: Object.fromEntries(
        Object.entries(cur.runs).map(([id, r]) => [id, { ...r, history: r.history.filter((_, k, all) => (all.length - 1 - k) % 2 === 0) }])
      )
    };
  }
  return cur;
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
  const tail = memoryBlock(fitMemory(memory, 24e3));
  let body = [...head, ...notes, ""].join("\n");
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
function renderStatusForTerminal(verdicts, memory, now) {
  const rows = verdicts.map((v) => {
    const losses = (memory.runs[v.runId]?.history ?? []).map((p) => p[2]);
    const last = losses.filter((x) => x !== null && Number.isFinite(x)).at(-1);
    const loss = last === void 0 ? "\u2014" : `${sparkline(losses)} ${Number(last.toPrecision(4))}`;
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
  return [
    `### tether status \u2014 ${now.toISOString().replace(/\.\d+Z$/, "Z")}`,
    "",
    "| run | host | state | step | epoch | metrics | loss | heartbeat | ckpts | in state |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    ...notes.length ? ["", ...notes] : []
  ].join("\n");
}

export {
  HISTORY_MAX,
  mergeMemories,
  readMemory,
  ESCALATE,
  statusMarker,
  stateText,
  renderPatrol,
  renderTeardownMark,
  renderStatusForTerminal
};
