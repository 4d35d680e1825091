import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  combineNodes,
  shownText
} from "./chunk-PDH2QR7T.js";
import {
  stateText
} from "./chunk-DWPUCMVE.js";
import {
  tick
} from "./chunk-MWGZB4YN.js";
import "./chunk-GAEFUSNO.js";
import "./chunk-XUWSLT73.js";
import "./chunk-4EKRVZSS.js";
import {
  CRASH_HINT
} from "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-H57H7UT2.js";
import "./chunk-6IC2V5YV.js";
import "./chunk-NMVVBMUM.js";
import {
  connect,
  scriptCommand,
  scriptStdin
} from "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import {
  RUN_ID
} from "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/follow/schedule.ts
function idle() {
  return { lastAt: null, pending: false };
}
function dueAt(c, debounceMs, refreshMs) {
  if (c.lastAt === null) return 0;
  return c.pending ? c.lastAt + debounceMs : c.lastAt + refreshMs;
}
function plan(clocks, now, debounceMs, refreshMs) {
  const due = [];
  let next = Infinity;
  for (const [host, c] of clocks) {
    const at = dueAt(c, debounceMs, refreshMs);
    if (at <= now) due.push(host);
    else next = Math.min(next, at);
  }
  return { due, waitMs: due.length ? 0 : Math.max(0, Math.min(next - now, refreshMs)) };
}
function worthWriting(prevShown, shown, lastWriteAt, now, quietMs) {
  return prevShown !== shown || lastWriteAt === null || now - lastWriteAt >= quietMs;
}
var STEADY_MS = 3e4;
function reconnect(failures, livedMs, [firstMs, maxMs]) {
  const n = (livedMs !== null && livedMs >= STEADY_MS ? 0 : failures) + 1;
  return { failures: n, waitMs: Math.min(maxMs, firstMs * 2 ** Math.min(n - 1, 10)) };
}

// src/follow/events.ts
var RUN_EVENTS = ["attempt", "crash", "marker", "exit", "heartbeat", "checkpoint", "cells"];
function parseEvent(line, runIds) {
  if (line.length > 200) return null;
  let o;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null || Array.isArray(o)) return null;
  const { e, run } = o;
  if (e === "start" || e === "alive") return { kind: e };
  if (typeof e !== "string" || !RUN_EVENTS.includes(e)) return null;
  if (typeof run !== "string" || !RUN_ID.test(run) || !runIds.has(run)) return null;
  return { kind: e, runId: run };
}

// src/follow/phase.ts
async function followHosts(hosts, opts, hooks, signal) {
  const clocks = new Map(hosts.map((h) => [h.name, idle()]));
  const why = new Map(hosts.map((h) => [h.name, /* @__PURE__ */ new Set()]));
  const sessions = /* @__PURE__ */ new Map();
  let stopped = false;
  let wake = () => void 0;
  const request = (host, kind) => {
    const c = clocks.get(host);
    c.pending = true;
    why.get(host).add(kind);
    wake();
  };
  let stopWaiting = () => void 0;
  const stopping = new Promise((res) => stopWaiting = res);
  const stop = () => {
    stopped = true;
    stopWaiting();
    wake();
  };
  signal?.addEventListener("abort", stop, { once: true });
  const keep = async (h) => {
    const ids = new Set(h.runIds);
    const data = [...h.runIds.map((id) => `run ${id}`), `hint ${Buffer.from(CRASH_HINT).toString("base64")}`, "end"].join("\n") + "\n";
    let failures = 0;
    while (!stopped) {
      let session = null;
      let lived = null;
      try {
        session = await connect({ ...h.conn, attempts: 1 }, h.cred, { keepaliveIntervalMs: 5e3, keepaliveCountMax: 2 });
      } catch (err) {
        hooks.info(`follow: ${h.name}: cannot connect (${err.message}); retrying`);
      }
      if (session && !stopped) {
        const began = Date.now();
        sessions.set(h.name, session);
        const stream = session.stream(scriptCommand([h.runRoot, String(opts.heartbeatLostS), String(opts.settleS)]), scriptStdin("follow", data), (line) => {
          const ev = parseEvent(line, ids);
          if (ev && ev.kind !== "start" && ev.kind !== "alive") request(h.name, ev.kind);
        });
        request(h.name, "connected");
        const reason = await Promise.race([stream.ended, session.closed, stopping.then(() => "the follow ended")]);
        sessions.delete(h.name);
        stream.close();
        session.close();
        if (stopped) break;
        lived = Date.now() - began;
        hooks.info(`follow: ${h.name}: the follower stopped (${reason}); looking again and reconnecting`);
        request(h.name, "dropped");
      }
      const next = reconnect(failures, lived, opts.backoffMs);
      failures = next.failures;
      const waitMs = next.waitMs;
      await Promise.race([new Promise((res) => setTimeout(res, waitMs)), stopping]);
    }
  };
  const start = Date.now();
  const keepers = hosts.map((h) => keep(h));
  let ended = "the follow duration ran out";
  try {
    while (!stopped) {
      const now = Date.now();
      if (now - start >= opts.durationMs) break;
      const { due, waitMs } = plan(clocks, now, opts.debounceMs, opts.refreshMs);
      for (const host of due) {
        const reasons = new Set(why.get(host));
        why.get(host).clear();
        clocks.set(host, { lastAt: Date.now(), pending: false });
        await hooks.reassess(host, sessions.get(host) ?? null, reasons);
      }
      if (hooks.settled()) {
        ended = "every followed run has ended";
        break;
      }
      if (due.length) continue;
      await new Promise((res) => {
        const t = setTimeout(res, Math.min(waitMs, Math.max(0, opts.durationMs - (Date.now() - start))));
        wake = () => {
          clearTimeout(t);
          res();
        };
      });
      wake = () => void 0;
    }
    if (signal?.aborted) ended = "the follow was stopped";
  } finally {
    stop();
    for (const s of sessions.values()) s.close();
    await Promise.all(keepers);
  }
  return ended;
}

// src/follow/patrol.ts
var FOLLOW_DEBOUNCE_MS = 2e3;
var FOLLOW_QUIET_MS = 5 * 6e4;
var ENDED = ["finished", "failed", "dead", "rebooted", "unknown", "torn-down", "preempted"];
async function followRuns(f) {
  const { cfg, result, reporter } = f;
  let shown = shownText(result);
  let lastWrite = Date.now();
  const byName = new Map(f.hosts.map((h) => [h.name, h]));
  const ended = await followHosts(
    // A node's follower watches the run's own record on that box (the node key is the patrol's name for it).
    f.hosts.map((h) => ({ name: h.name, conn: h.conn, cred: h.cred, runRoot: h.runRoot, runIds: [...new Set(h.runIds.map((id) => h.aliases?.[id] ?? id))] })),
    {
      durationMs: cfg.followS * 1e3,
      debounceMs: FOLLOW_DEBOUNCE_MS,
      refreshMs: Math.min(6e4, Math.max(5e3, cfg.stallAfterS * 1e3 / 3)),
      heartbeatLostS: Math.max(30, Math.min(cfg.stallAfterS, 300)),
      settleS: cfg.sync.settleS,
      backoffMs: [2e3, 3e4]
    },
    {
      reassess: async (name, session, why) => {
        const h = byName.get(name);
        const runs = [...new Set(Object.values(h.aliases ?? {}))].filter((id) => f.nodes[id]);
        const group = runs.length ? f.hosts.filter((x) => x === h || Object.values(x.aliases ?? {}).some((id) => runs.includes(id))) : [h];
        const before = result.memory;
        const at = f.now();
        const r = await tick(
          group.map((x) => f.target(x)),
          result.memory,
          (t, rs) => {
            const x = group.find((g) => g.name === t.label) ?? h;
            return f.probe(x, x === h ? session : null, rs);
          },
          f.opts,
          at,
          group.length
        );
        if (runs.length) combineNodes(r, Object.fromEntries(runs.map((id) => [id, f.nodes[id]])), before, at);
        result.memory = r.memory;
        result.verdicts = result.verdicts.map((v) => r.verdicts.find((x) => x.runId === v.runId) ?? v);
        if (f.resync && (why.has("checkpoint") || why.has("marker") || why.size === 0)) await f.resync(h);
        const next = shownText(result);
        if (!worthWriting(shown, next, lastWrite, Date.now(), FOLLOW_QUIET_MS)) return;
        if (next !== shown)
          reporter.info(
            `follow: ${name}: ${[...why].join(", ") || "refresh"}: ${result.verdicts.filter((v) => v.host === name || runs.includes(v.runId)).map((v) => `${v.runId} ${stateText(v)}`).join(", ")}`
          );
        shown = next;
        lastWrite = Date.now();
        await f.save(true);
      },
      // A run on many boxes that failed on one node is ended only once every node's job has (the others bill meanwhile).
      settled: () => result.verdicts.every((v) => ENDED.includes(v.state) && (v.nodes ?? []).every((n) => ENDED.includes(n.state))),
      info: (line) => reporter.info(line)
    }
  );
  reporter.info(`follow: ${ended}`);
  await f.save(true);
}
export {
  followRuns
};
