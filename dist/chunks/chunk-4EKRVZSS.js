import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  FAILURE_REMEDIATION,
  FLAG_REMEDIATION,
  STATE_REMEDIATION,
  assess,
  remembered
} from "./chunk-SOYMSDNQ.js";

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
      if (c.attempt === 0) out = queued(name, out, before, runEnded, iso, c.blocked);
    }
    const m = { ...out.memory, history: out.memory.history.slice(-CELL_HISTORY_MAX) };
    memory[name] = m;
    verdicts.push({ ...out.verdict, cellGpus: gpus });
  }
  return { verdicts, memory };
}
function queued(name, out, before, runEnded, iso, blocked) {
  const state = runEnded ? "failed" : "queued";
  const since = before?.state === state ? before.since : iso;
  const memory = { ...out.memory, state, cls: runEnded ? "stopped" : null, since };
  const held = !runEnded && blocked;
  const detail = runEnded ? "never started: the sweep ended before its turn (on-cell-failure: stop, or a stop)" : held ? `blocked-disk: the queue holds it: ${blocked}` : "waiting for a slot";
  return {
    verdict: {
      ...out.verdict,
      state,
      cls: memory.cls,
      since,
      detail,
      remediation: runEnded ? FAILURE_REMEDIATION.stopped : held ? `${STATE_REMEDIATION.queued}; ${FLAG_REMEDIATION["blocked-disk"]}` : STATE_REMEDIATION.queued,
      flags: held ? ["blocked-disk"] : []
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
  const order = ["running", "launching", "queued", "stalled", "preempted", "failed", "dead", "rebooted", "probe-error", "unknown", "unreachable"];
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

export {
  assessCells,
  summarize,
  summaryText,
  sweepVerdict
};
