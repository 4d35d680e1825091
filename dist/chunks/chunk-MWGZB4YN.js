import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  eachLimit
} from "./chunk-GAEFUSNO.js";
import {
  assessCells,
  sweepVerdict
} from "./chunk-4EKRVZSS.js";
import {
  STATE_REMEDIATION,
  assess,
  remembered,
  withFlag
} from "./chunk-SOYMSDNQ.js";
import {
  emptyRun
} from "./chunk-H57H7UT2.js";

// src/patrol/preempt.ts
var textOf = (p, stillAnswers) => `${p.provider} says it preempted the box (${p.words}) at ${p.at}${stillAnswers ? "; the box still answers, and goes within minutes" : ""}`;
function asPreempted(v, m, p, stillAnswers) {
  const since = m.preempted?.attempt === p.attempt && m.state === "preempted" ? m.since : p.at;
  return {
    verdict: { ...v, state: "preempted", cls: null, flags: [], detail: textOf(p, stillAnswers), remediation: STATE_REMEDIATION.preempted, since },
    memory: { ...m, state: "preempted", cls: null, since, preempted: p }
  };
}
var answered = (s) => s === "running" || s === "launching" || s === "stalled";
function keepPreempted(out, prev) {
  const p = prev?.preempted;
  if (!p || out.memory.attempt !== p.attempt || out.verdict.state === "finished") return out;
  return asPreempted(out.verdict, out.memory, p, answered(out.verdict.state));
}
function applyProviderWords(verdicts, memory, words, now) {
  const notes = [];
  for (const w of words) {
    const i = verdicts.findIndex((v2) => v2.runId === w.runId);
    const m = memory.runs[w.runId];
    if (i < 0 || !m) continue;
    const v = verdicts[i];
    if (w.unconfirmed)
      notes.push(`${w.runId}: ${w.provider} once said instance ${w.instanceId} was preempted (${w.unconfirmed}): not confirmed, nothing assumed`);
    if (!w.preempted || v.state === "torn-down" || v.state === "finished") continue;
    const p = m.preempted?.attempt === m.attempt ? m.preempted : { at: now.toISOString(), provider: w.provider, words: w.preempted.slice(0, 300), attempt: m.attempt };
    const out = asPreempted(v, m, p, answered(v.state));
    verdicts[i] = out.verdict;
    memory.runs[w.runId] = { ...out.memory, ...m.at ? { at: m.at } : {} };
  }
  return notes;
}
function planRecoveries(verdicts, memory, terms, words, workflow) {
  const out = [];
  for (const v of verdicts) {
    const m = memory.runs[v.runId];
    if (v.state !== "preempted" || !m?.preempted) continue;
    const t = terms[v.runId];
    const attempt = m.preempted.attempt;
    const step = (action, line) => out.push({ runId: v.runId, attempt, action, line: `\u{1FA82} \`${v.runId}\` ${line}` });
    if (!t) step("wait", "launched with on-preempt: wait: nothing is recovered; rent a box and resume it by hand from its newest synced checkpoint");
    else if (t.recoveries >= t.maxRecoveries) step("exhausted", `was recovered ${t.recoveries} times, its max-recoveries: it stays preempted`);
    else if (m.recovery?.attempt === attempt)
      step(
        "dispatched",
        `recovery ${t.recoveries + 1} of ${t.maxRecoveries} was dispatched at ${m.recovery.at} (${m.recovery.url}); if that run failed, run recover again by hand`
      );
    else if (!workflow)
      step("no-workflow", "asks for a recovery (its on-preempt), but this patrol has no recover-workflow to dispatch: give it, or run recover by hand");
    else if (words.find((w) => w.runId === v.runId)?.phase === "running")
      step("not-yet", "is being taken by its provider but the box still runs: the recovery is dispatched once it is gone");
    else step("dispatch", `recovery ${t.recoveries + 1} of ${t.maxRecoveries}: dispatching ${workflow} with recover: ${v.runId}`);
  }
  return out;
}
function checkResumes(verdicts, memory, restored) {
  verdicts.forEach((v, i) => {
    const r = restored[v.runId];
    const first = memory.runs[v.runId]?.firstStep;
    if (!r || r.step === null || v.attempt !== r.attempt || first === void 0 || first === null) return;
    verdicts[i] = withFlag(v, "restarted-from-zero", first < r.step);
  });
}

// src/patrol/tick.ts
async function tick(targets, prev, probe, opts, now, concurrency = 8) {
  const results = new Array(targets.length);
  const memory = { v: 1, tick: prev.tick + 1, runs: { ...prev.runs } };
  await eachLimit(targets, concurrency, async (t, i) => {
    const price = t.hourlyPrice ?? null;
    const boxId = (key) => t.aliases?.[key] ?? key;
    const markOf = (key) => prev.runs[key]?.teardown ?? prev.runs[boxId(key)]?.teardown;
    const live = t.runIds.filter((key) => !markOf(key));
    const seen = live.map((key) => {
      const m = prev.runs[key];
      const id = boxId(key);
      const cells = Object.entries(m?.cells ?? {}).map(([name, c]) => ({
        name,
        attempt: c.attempt,
        offset: c.offset,
        // Finished or failed with that attempt's marker read: the probe may send the marker alone.
        final: c.attempt > 0 && (c.state === "finished" || c.state === "failed")
      }));
      return { id, attempt: m?.attempt ?? 0, offset: m?.offset ?? 0, ...cells.length ? { cells } : {} };
    });
    let host = null;
    if (seen.length) {
      try {
        host = await probe(t, seen);
      } catch (err) {
        host = err instanceof Error ? err : new Error(String(err));
      }
    }
    results[i] = t.runIds.map((id) => {
      const mark = markOf(id);
      const box = boxId(id);
      if (mark) return { ...tornDown(id, prev.runs[id] ?? prev.runs[box], mark), host: t.label, hourlyPrice: price };
      let s;
      if (host && "transport" in host) s = { kind: "transport", reason: host.transport, detail: host.message };
      else if (host instanceof Error || !host) s = { kind: "probe-error", detail: `probe failed: ${host?.message ?? "not probed"}` };
      else if (host.runErrors[box]) s = { kind: "probe-error", detail: `probe output for this run is unreadable: ${host.runErrors[box]}` };
      else s = { kind: "observed", host, run: host.runs.find((r) => r.id === box) ?? emptyRun(box) };
      let out;
      try {
        out = assess(id, s, prev.runs[id], opts, now);
      } catch (err) {
        out = assess(id, { kind: "probe-error", detail: `the probe output could not be assessed: ${err.message}` }, prev.runs[id], opts, now);
      }
      const run = s.kind === "observed" ? s.run : void 0;
      if (run?.cells && s.kind === "observed") {
        const cells = assessCells(run.cells, run.cellErrors ?? {}, s.host, prev.runs[id]?.cells, run.marker !== null && !run.alive, opts, now);
        out = { verdict: { ...sweepVerdict(out.verdict, cells.verdicts), cells: cells.verdicts }, memory: { ...out.memory, cells: cells.memory } };
        out.memory.state = out.verdict.state;
        out.memory.cls = out.verdict.cls;
      } else if (prev.runs[id]?.cells) {
        out = { verdict: out.verdict, memory: { ...out.memory, cells: prev.runs[id].cells } };
      }
      out = keepPreempted(out, prev.runs[id]);
      memory.runs[id] = { ...out.memory, at: now.toISOString() };
      return { ...out.verdict, host: t.label, hourlyPrice: price };
    });
  });
  return { verdicts: results.flat(), memory };
}
function tornDown(runId, m, t) {
  return remembered(runId, "torn-down", m, { remediation: STATE_REMEDIATION["torn-down"], detail: `${t.state} at ${t.at}: ${t.reason}`, since: t.at });
}

export {
  applyProviderWords,
  planRecoveries,
  checkResumes,
  tick
};
