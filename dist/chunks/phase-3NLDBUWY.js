import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  idle,
  plan,
  reconnect
} from "./chunk-XYVXUX7Q.js";
import {
  CRASH_HINT
} from "./chunk-6CFQCFA3.js";
import {
  connect,
  scriptCommand,
  scriptStdin
} from "./chunk-B4PP3MV7.js";
import "./chunk-JVLHI33R.js";
import {
  RUN_ID
} from "./chunk-R52NVVCN.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

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
export {
  followHosts
};
