import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  assessCells,
  sweepVerdict
} from "./chunk-ZHV5XBAO.js";
import {
  eachLimit
} from "./chunk-GAEFUSNO.js";
import {
  STATE_REMEDIATION,
  assess,
  remembered
} from "./chunk-KQSQRVBF.js";
import {
  emptyRun
} from "./chunk-H57H7UT2.js";

// src/patrol/tick.ts
async function tick(targets, prev, probe, opts, now, concurrency = 8) {
  const results = new Array(targets.length);
  const memory = { v: 1, tick: prev.tick + 1, runs: { ...prev.runs } };
  await eachLimit(targets, concurrency, async (t, i) => {
    const price = t.hourlyPrice ?? null;
    const live = t.runIds.filter((id) => !prev.runs[id]?.teardown);
    const seen = live.map((id) => {
      const m = prev.runs[id];
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
      const mark = prev.runs[id]?.teardown;
      if (mark) return { ...tornDown(id, prev.runs[id], mark), host: t.label, hourlyPrice: price };
      let s;
      if (host && "transport" in host) s = { kind: "transport", reason: host.transport, detail: host.message };
      else if (host instanceof Error || !host) s = { kind: "probe-error", detail: `probe failed: ${host?.message ?? "not probed"}` };
      else if (host.runErrors[id]) s = { kind: "probe-error", detail: `probe output for this run is unreadable: ${host.runErrors[id]}` };
      else s = { kind: "observed", host, run: host.runs.find((r) => r.id === id) ?? emptyRun(id) };
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
  tick
};
