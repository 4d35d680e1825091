import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  FAILURE_REMEDIATION,
  STATE_REMEDIATION,
  remediationText,
  remembered,
  runOfNodes
} from "./chunk-SOYMSDNQ.js";
import {
  nodeKey
} from "./chunk-FHK73RDK.js";

// src/patrol/merge.ts
function shownText(r) {
  return JSON.stringify(r.verdicts.map((v) => [v.runId, v.state, v.cls, v.flags, v.attempt, v.step, r.memory.runs[v.runId]?.sync?.newest?.path ?? null]));
}
function adoptNewer(result, stored) {
  for (const v of result.verdicts) {
    const theirs = stored.runs[v.runId];
    const ours = result.memory.runs[v.runId];
    if (!isIso(theirs?.at) || !isIso(ours?.at) || theirs.at <= ours.at) continue;
    result.memory.runs[v.runId] = theirs;
    const i = result.verdicts.indexOf(v);
    result.verdicts[i] = {
      ...remembered(v.runId, theirs.state, theirs, {
        remediation: theirs.state === "failed" && theirs.cls ? FAILURE_REMEDIATION[theirs.cls] : STATE_REMEDIATION[theirs.state],
        detail: `as another patrol saw it at ${theirs.at}`,
        since: theirs.since
      }),
      cls: theirs.cls,
      host: v.host,
      hourlyPrice: v.hourlyPrice
    };
  }
  result.memory.tick = Math.max(result.memory.tick, stored.tick);
}
var isIso = (t) => typeof t === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t);

// src/patrol/nodes.ts
function rowOf(v, rank, key) {
  if (!v)
    return {
      rank,
      host: "",
      state: "unknown",
      cls: null,
      consequence: false,
      step: null,
      heartbeatAgeS: null,
      gpuUtilPct: null,
      detail: `${key} was not probed`
    };
  const util = v.gpus.map((g) => g.utilPct).filter((u) => u !== null);
  return {
    rank,
    host: v.host,
    state: v.state,
    cls: v.cls,
    consequence: false,
    step: v.step,
    heartbeatAgeS: v.heartbeatAgeS,
    gpuUtilPct: util.length ? Math.round(util.reduce((a, b) => a + b, 0) / util.length) : null,
    detail: v.detail
  };
}
var RUN_MARKS = [
  "issue",
  "comment",
  "teardown",
  "sync",
  "registration",
  "notified",
  "preempted",
  "recovery",
  "collect",
  "policy",
  "nodeStop"
];
function planNodeStops(verdicts, memory, stopping) {
  const out = [];
  for (const v of verdicts) {
    if (!stopping.has(v.runId) || v.state !== "failed" || !v.nodes) continue;
    if (!v.nodes.some((n) => n.state === "failed" && !n.consequence)) continue;
    if (memory.runs[v.runId]?.nodeStop?.attempt === v.attempt) continue;
    const ranks = v.nodes.filter((n) => ["running", "stalled", "launching"].includes(n.state)).map((n) => n.rank);
    if (ranks.length) out.push({ runId: v.runId, attempt: v.attempt, ranks });
  }
  return out;
}
function combineNodes(result, nodesOf, prev, now) {
  for (const [runId, n] of Object.entries(nodesOf)) {
    const keys = Array.from({ length: n }, (_, k) => nodeKey(runId, k));
    const byKey = new Map(result.verdicts.filter((v) => keys.includes(v.runId)).map((v) => [v.runId, v]));
    if (!byKey.size) continue;
    const rows = keys.map((k, r) => rowOf(byKey.get(k), r, k));
    const run = runOfNodes(rows);
    const base = byKey.get(keys[0]) ?? [...byKey.values()][0];
    const flags = [.../* @__PURE__ */ new Set([...rows.flatMap((_, r) => byKey.get(keys[r])?.flags ?? []), ...run.flags])];
    const before = prev.runs[runId];
    const since = before && before.state === run.state ? before.since : now.toISOString();
    const verdict = {
      ...base,
      runId,
      state: run.state,
      cls: run.cls,
      flags,
      detail: run.detail,
      remediation: remediationText(run.state, run.state === "failed" ? run.cls ?? "other" : null, flags),
      // A run is as alive as all its nodes: its heartbeat is the oldest.
      heartbeatAgeS: rows.some((r) => r.heartbeatAgeS !== null) ? Math.max(...rows.map((r) => r.heartbeatAgeS ?? 0)) : null,
      since,
      nodes: rows
    };
    const first = result.verdicts.findIndex((v) => keys.includes(v.runId));
    result.verdicts = result.verdicts.filter((v) => !keys.includes(v.runId));
    result.verdicts.splice(Math.min(first, result.verdicts.length), 0, verdict);
    const m0 = result.memory.runs[keys[0]];
    const marks = Object.fromEntries(Object.entries(before ?? {}).filter(([k]) => RUN_MARKS.includes(k)));
    if (m0) result.memory.runs[runId] = { ...m0, ...marks, state: run.state, cls: run.cls, since, at: now.toISOString() };
  }
}

export {
  shownText,
  adoptNewer,
  planNodeStops,
  combineNodes
};
