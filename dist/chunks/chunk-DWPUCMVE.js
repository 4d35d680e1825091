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
  summarize,
  summaryText
} from "./chunk-4EKRVZSS.js";
import {
  fitMemory,
  markTeardown,
  memoryBlock,
  readMemory,
  withoutMemory
} from "./chunk-SOYMSDNQ.js";
import {
  durationText
} from "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";

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

// src/patrol/render.ts
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
  "host-key-changed": "\u{1F6A8}",
  "auth-refused": "\u{1F512}",
  "probe-error": "\u{1F9E9}",
  unknown: "\u2754",
  "torn-down": "\u{1F3C1}",
  preempted: "\u{1FA82}",
  degraded: "\u{1F7E0}"
};
var ESCALATE = [
  "preempted",
  "stalled",
  "failed",
  "dead",
  "rebooted",
  "unreachable",
  "host-key-changed",
  "auth-refused",
  "probe-error",
  "unknown",
  "degraded"
];
var BODY_MAX = 65536;
var TAG_ROOM = 160;
var STATUS_MARKER = "<!-- tether:status -->";
function statusMarker(header = "") {
  return header ? `<!-- tether:status:${header} -->` : STATUS_MARKER;
}
function age(s) {
  return s === null ? "\u2014" : durationText(s);
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
function row(v, now, withHost) {
  const progress = [v.step !== null ? `step ${v.step}` : "", v.epoch ? `epoch ${inert(v.epoch, 40)}` : ""].filter(Boolean).join(" \xB7 ") || "\u2014";
  const disk = v.disk ? `${v.disk.usedPct.toFixed(0)}% / ${v.disk.inodesUsedPct === null ? "\u2014" : `${v.disk.inodesUsedPct.toFixed(0)}%`}` : "\u2014";
  const ck = v.checkpoints.count ? `${v.checkpoints.count}, newest ${age(v.checkpoints.ageS)} ago` : "\u2014";
  const inState = age((now.getTime() - Date.parse(v.since)) / 1e3);
  const flags = v.flags.length ? ` \u26A0\uFE0F ${v.flags.join(" ")}` : "";
  const state = `${ICON[v.state]} ${stateText(v)} for ${inState}${v.attempt > 1 ? ` (attempt ${v.attempt})` : ""}${flags}`;
  return `| ${code(v.runId)} |${withHost ? ` ${code(v.host)} |` : ""} ${state} | ${progress} | ${inert(metricsText(v.metrics)) || "\u2014"} | ${gpuText(v)} | ${disk} | ${age(v.heartbeatAgeS)} | ${ck} |`;
}
var CHART_HEAD = ["```mermaid", '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #bf3989, #1a7f37, #bc4c00"}}}}%%', "xychart-beta"];
function chart(runId, m) {
  const pts = (m?.history ?? []).filter((p) => p[2] !== null || p[1] !== null);
  if (pts.length < 2) return "";
  const useLoss = pts.filter((p) => p[2] !== null && Number.isFinite(p[2])).length >= 2;
  const series = pts.filter((p) => useLoss ? p[2] !== null && Number.isFinite(p[2]) : p[1] !== null);
  const xs = series.map((p, i) => p[1] !== null ? String(p[1]) : String(i + 1));
  const ys = series.map((p) => Number((useLoss ? p[2] : p[1]).toPrecision(5)));
  return [
    ...CHART_HEAD,
    `  title "${runId.replace(/"/g, "")}: ${useLoss ? "loss" : "step"} by tick"`,
    `  x-axis "step" [${xs.map((x) => `"${x}"`).join(", ")}]`,
    `  y-axis "${useLoss ? "loss" : "step"}"`,
    `  line [${ys.join(", ")}]`,
    "```"
  ].join("\n");
}
var CELL_ROWS = { unhealthy: 24, running: 12 };
var UNHEALTHY = [
  "preempted",
  "failed",
  "dead",
  "stalled",
  "rebooted",
  "probe-error",
  "unknown",
  "unreachable",
  "host-key-changed",
  "auth-refused"
];
function cellsToShow(cells) {
  const bad = cells.filter((c) => UNHEALTHY.includes(c.state) || c.flags.includes("blocked-disk")).slice(0, CELL_ROWS.unhealthy);
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
      ...CHART_HEAD,
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
function renderNodes(v) {
  const lines = [`#### Nodes of ${code(v.runId)}`, "", "| rank | node | state | step | GPU | heartbeat | detail |", "|---|---|---|---|---|---|---|"];
  for (const n of v.nodes ?? [])
    lines.push(
      `| ${n.rank} | ${n.host ? code(n.host) : "\u2014"} | ${ICON[n.state]} ${n.state}${n.cls ? ` (${n.cls})` : ""}${n.consequence ? ", a consequence" : ""} | ${n.step ?? "\u2014"} | ${n.gpuUtilPct !== null ? `${n.gpuUtilPct}%` : "\u2014"} | ${age(n.heartbeatAgeS)} | ${inert(n.detail, 200)} |`
    );
  return `${lines.join("\n")}
`;
}
function renderPatrol(verdicts, memory, now, marker = "", header = "", key = null, unlaunched = []) {
  const hosts = new Set(verdicts.map((v) => v.host));
  const oneHost = hosts.size === 1 ? [...hosts][0] : null;
  const head = [
    marker,
    `### tether patrol${header ? ` ${code(header)}` : ""} \u2014 last checked ${now.toISOString().replace(/\.\d+Z$/, "Z")}, tick ${memory.tick}`,
    "",
    // One host: named once above the table, not in a column (the table then fits a comment's width).
    ...oneHost ? [`On ${code(oneHost)}:`, ""] : [],
    `| run |${oneHost ? "" : " host |"} state | progress | metrics | GPU | disk / inodes | last seen | checkpoints |`,
    `|---|${oneHost ? "" : "---|"}---|---|---|---|---|---|---|`,
    ...verdicts.map((v) => row(v, now, !oneHost)),
    ""
  ];
  const notes = verdicts.filter((v) => v.state !== "running" || v.flags.length || v.newSignature).map((v) => `- ${ICON[v.state]} **${code(v.runId)}** ${stateText(v)}: ${inert(v.detail)}. **Do:** ${v.remediation}${costLine(v, now)}`);
  const synced = verdicts.flatMap((v) => {
    const line = syncLine(memory.runs[v.runId]?.sync, now);
    return line ? [`- \u{1F4BE} **${code(v.runId)}** ${line}`] : [];
  });
  if (synced.length) notes.push("", ...synced);
  if (unlaunched.length) notes.push("", ...unlaunched.map((l) => `- ${l}`));
  const tail = memoryBlock(fitMemory(memory, 24e3), key);
  let body = [...head, ...notes, ""].join("\n");
  for (const v of verdicts) {
    if (!v.nodes) continue;
    const sec = renderNodes(v);
    if (body.length + sec.length + tail.length + 64 < BODY_MAX) body += `
${sec}`;
  }
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
  if (body.length + tail.length + TAG_ROOM > BODY_MAX)
    body = `${body.slice(0, BODY_MAX - tail.length - TAG_ROOM - 80)}

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
function renderTeardownMark(oldBody, runId, mark, marker = STATUS_MARKER, key = null) {
  const memory = markTeardown(readMemory(oldBody, key).memory, runId, mark);
  const visible = withoutMemory(oldBody).replace(marker, "").trim();
  return `${marker}
### \u{1F3C1} ${code(runId)} ${mark.state} at ${inert(mark.at, 40)}

${inert(mark.reason)}

${visible}

${memoryBlock(fitMemory(memory, 24e3), key)}
`;
}
function lossCell(history) {
  const losses = (history ?? []).map((p) => p[2]);
  const last = losses.filter((x) => x !== null && Number.isFinite(x)).at(-1);
  return last === void 0 ? "\u2014" : `${sparkline(losses)} ${Number(last.toPrecision(4))}`;
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
    const first = cellsToShow(v.cells).shown;
    const shown = [...first, ...v.cells.filter((c) => !first.includes(c))];
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
      ] : []
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
      `newest verified checkpoint: ${code(n.path)}${cell(n.cell)}, ${n.step !== null ? `step ${n.step}` : "step unknown"}, written ${ago(n.writtenAt)}, on ${s.runner ? `runner ${code(s.runner)}` : "the runner"} at ${code(n.where)}${n.artifact ? `, artifact ${code(n.artifact)}` : ""}`
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
  ESCALATE,
  statusMarker,
  stateText,
  renderPatrol,
  renderTeardownMark,
  renderStatusForTerminal
};
