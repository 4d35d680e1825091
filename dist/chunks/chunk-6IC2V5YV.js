import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  BoxDataError,
  int,
  obj,
  optInt,
  optStr,
  str
} from "./chunk-FHK73RDK.js";

// src/record/run-state.ts
var STATES = [
  "queued",
  "requeued",
  "launching",
  "running",
  "stalled",
  "finished",
  "failed",
  "dead",
  "rebooted",
  "unreachable",
  "host-key-changed",
  "auth-refused",
  "probe-error",
  "unknown",
  "torn-down",
  "preempted",
  "degraded"
];
var ENDED_STATES = ["finished", "failed", "dead", "rebooted", "preempted"];
var NOT_ENDED_NAMED = 20;
var FOREIGN_SLACK_S = 5;
function isEnded(state) {
  return ENDED_STATES.includes(state);
}
function allEnded(s) {
  return isEnded(s.state) && (s.cells?.not_ended.length ?? 0) === 0 && (s.cells?.more ?? 0) === 0;
}
var STATE = /^[a-z][a-z-]{0,31}$/;
var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
var NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
function parseRunState(raw, where = "run_state") {
  const o = obj(raw, where);
  const state = str(o, "state", where, { max: 32, pattern: STATE });
  const finished = str(o, "finished_at", where, { max: 32 });
  if (finished !== "running" && !ISO.test(finished)) throw new BoxDataError(`${where}.finished_at is neither a time nor "running"`);
  if (finished === "running" === isEnded(state)) throw new BoxDataError(`${where}.finished_at ${finished} contradicts state ${state}`);
  const out = {
    state,
    cls: optStr(o, "cls", where, { max: 32, pattern: STATE }),
    attempt: int(o, "attempt", where, { max: 1e6 }),
    step: optInt(o, "step", where),
    checkpoint_age_s: optInt(o, "checkpoint_age_s", where),
    finished_at: finished,
    observed_at: str(o, "observed_at", where, { max: 32, pattern: ISO })
  };
  if (o["cells"] !== void 0) {
    const c = obj(o["cells"], `${where}.cells`);
    const list = c["not_ended"];
    if (!Array.isArray(list) || list.length > NOT_ENDED_NAMED) throw new BoxDataError(`${where}.cells.not_ended is not a list of at most ${NOT_ENDED_NAMED}`);
    out.cells = {
      total: int(c, "total", `${where}.cells`, { max: 1e5 }),
      not_ended: list.map((e, i) => {
        const x = obj(e, `${where}.cells.not_ended[${i}]`);
        return {
          name: str(x, "name", `${where}.cells.not_ended[${i}]`, { max: 128, pattern: NAME }),
          state: str(x, "state", `${where}.cells.not_ended[${i}]`, { max: 32, pattern: STATE })
        };
      }),
      more: int(c, "more", `${where}.cells`, { max: 1e5 })
    };
  }
  return out;
}
var durationText = (s) => s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} d`;
function whereText(s) {
  const step = s.step !== null ? ` at step ${s.step}` : "";
  const ck = s.checkpoint_age_s !== null ? `last checkpoint ${durationText(s.checkpoint_age_s)} ago` : "no checkpoint yet";
  const cells = s.cells && (s.cells.not_ended.length || s.cells.more) ? `; cells not ended: ${s.cells.not_ended.map((c) => `${c.name} (${c.state})`).join(", ")}${s.cells.more ? ` and ${s.cells.more} more` : ""} of ${s.cells.total}` : "";
  return `${s.state}${s.cls ? `(${s.cls})` : ""}${step} (attempt ${s.attempt}), ${ck}${cells}`;
}

export {
  STATES,
  NOT_ENDED_NAMED,
  FOREIGN_SLACK_S,
  isEnded,
  allEnded,
  parseRunState,
  durationText,
  whereText
};
