import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  FAILURE_REMEDIATION,
  STATE_REMEDIATION,
  remembered
} from "./chunk-SOYMSDNQ.js";

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

export {
  shownText,
  adoptNewer
};
