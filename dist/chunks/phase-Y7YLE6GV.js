import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  proofFilesAt
} from "./chunk-BMVP3PMN.js";
import {
  checkHostKey,
  checkProof
} from "./chunk-F6D7OO2Z.js";
import "./chunk-65PSXXA3.js";
import "./chunk-D7CFNTPV.js";
import {
  stopRun
} from "./chunk-OTLRCFSB.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/stop/phase.ts
import { resolve } from "node:path";
async function stopPhase(cfg, ctx) {
  const { reporter, ports, env } = ctx;
  const refuse = (why) => {
    reporter.output("state", "refused");
    reporter.output("reason", why);
    reporter.error(`stop refused: ${why}`);
    reporter.summary(`### \u26D4 tether stop \u2014 ${code(cfg.runId)}: refused

${inert(why)}`);
    return 1;
  };
  if (env["GITHUB_ACTIONS"] === "true" && cfg.confirm !== `stop ${cfg.runId}`)
    return refuse(
      `in a workflow, stop needs confirm: "stop ${cfg.runId}", typed by the person who dispatches it (run it behind an environment with reviewers)`
    );
  const gate = checkProof(cfg.runId, "park", proofFilesAt(resolve(ports.workspace, cfg.verifiedPath)), false);
  if (!gate.ok) return refuse(gate.reason);
  const v = gate.proof.verified;
  const b = v.box;
  if (!b || b.host !== cfg.conn.host || b.port !== cfg.conn.port)
    return refuse(
      `VERIFIED.json proves the box at ${String(b?.host)}:${String(b?.port)}, not ${cfg.conn.host}:${cfg.conn.port}: a proof is never moved to another box`
    );
  const { session } = await openPinned({ conn: cfg.conn, cred: loadCredential(cfg.conn.key) }, reporter);
  try {
    const keyProblem = checkHostKey(v, session.hostFingerprint);
    if (keyProblem) return refuse(keyProblem);
    reporter.info(`stop: run ${cfg.runId}: TERM to its job through its backend, up to ${cfg.graceS} s to checkpoint and exit, then KILL`);
    const r = await stopRun(session, `${cfg.runRoot}/${cfg.runId}`, cfg.graceS);
    const state = !r.wasAlive ? "not-running" : r.alive ? "failed" : "stopped";
    const why = !r.wasAlive ? `attempt ${r.attempt} was not running (${r.markerKind ?? "no marker"}): nothing was signalled` : r.alive ? `attempt ${r.attempt} is still running after TERM and KILL (a process stuck in the kernel?): look at the box` : `attempt ${r.attempt} stopped (${r.escalated ? "KILL after the grace" : "it exited on TERM"}); the record says FAILED, stage stopped; the box keeps running`;
    reporter.output("state", state);
    reporter.output("reason", why);
    reporter.output("attempt", String(r.attempt));
    reporter.summary(`### ${state === "stopped" ? "\u{1F6D1}" : state === "failed" ? "\u274C" : "\u2139\uFE0F"} tether stop \u2014 ${code(cfg.runId)}: ${state}

${inert(why)}`);
    if (state === "failed") {
      reporter.error(`stop: ${why}`);
      return 1;
    }
    reporter.info(`stop: ${why}`);
    return 0;
  } finally {
    session.close();
  }
}
export {
  stopPhase
};
