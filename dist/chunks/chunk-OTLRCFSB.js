import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseJsonLine,
  runScript
} from "./chunk-GAYRDAJD.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  bool,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/remote/stop.ts
function parseStop(raw) {
  const where = "stop.sh's result";
  const o = obj(raw, where);
  if ("error" in o) throw new BoxDataError(`stop: ${str(o, "message", where, { max: 600 })}`);
  const kind = str(o, "marker_kind", where, { max: 6, pattern: /^(DONE|FAILED|)$/ });
  return {
    attempt: int(o, "attempt", where, { min: 0, max: ATTEMPT_MAX }),
    wasAlive: bool(o, "was_alive", where),
    escalated: bool(o, "escalated", where),
    alive: bool(o, "alive", where),
    markerKind: kind === "" ? null : kind
  };
}
async function stopRun(session, runDir, graceS) {
  if (!Number.isInteger(graceS) || graceS < 0 || graceS > 9999) throw new RangeError(`stop grace must be 0..9999 seconds, not ${graceS}`);
  const r = await runScript(session, "stop", [runDir, String(graceS)], { timeoutMs: (graceS + 30) * 1e3, maxOutput: 64 * 1024 });
  return parseStop(parseJsonLine("stop", r));
}

export {
  stopRun
};
