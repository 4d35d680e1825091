import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  filesSha256,
  manifestSha256,
  readVerified
} from "./chunk-65PSXXA3.js";
import {
  parseManifest
} from "./chunk-D7CFNTPV.js";
import {
  allEnded,
  parseRunState,
  whereText
} from "./chunk-6IC2V5YV.js";

// src/teardown/gate.ts
function checkBox(v, t) {
  const b = v.box;
  if (!b || typeof b.host !== "string" || typeof b.port !== "number" || typeof b.host_key_fingerprint !== "string")
    return "VERIFIED.json does not say which box it proves (written by an older tether?): collect again";
  const provider = typeof b.provider === "string" ? b.provider : null;
  const instance = typeof b.instance_id === "string" ? b.instance_id : null;
  if (instance !== null && (instance !== t.instanceId || provider !== t.provider))
    return `VERIFIED.json proves ${provider} instance ${JSON.stringify(instance)}, not ${t.provider} ${JSON.stringify(t.instanceId)}: a proof is never moved to another instance`;
  if (t.box && (t.box.host !== b.host || t.box.port !== b.port)) return `VERIFIED.json proves the box at ${b.host}:${b.port}, not ${t.box.host}:${t.box.port}`;
  if (instance === null && !t.box)
    return "VERIFIED.json names no instance (give collect provider and instance-id) and no connection was given to compare its box with: cannot tell that this proof is for this instance";
  return null;
}
function checkHostKey(v, seen) {
  const want = v.box?.host_key_fingerprint;
  return want === seen ? null : `the box answering now has host key ${seen}, the proof was collected from ${String(want)}: another machine holds this address`;
}
var refuse = (reason) => ({ ok: false, reason });
function checkProof(runId, verb, files, allowParkUnverified) {
  if (!files) {
    if (verb === "park" && allowParkUnverified)
      return { ok: true, proof: null, notes: ["no VERIFIED.json: parking (reversible) without verification, as allow-park-unverified asks"] };
    return refuse(
      `no VERIFIED.json for run ${runId}: collect (verified) must come first${verb === "park" ? "; a reversible park without it needs allow-park-unverified: true" : ""}`
    );
  }
  let v;
  try {
    v = readVerified(files.verifiedText, runId);
  } catch (err) {
    return refuse(err.message);
  }
  if (files.manifestText === null) return refuse("manifest.json is missing beside VERIFIED.json, so its hash cannot be checked");
  const sha = manifestSha256(files.manifestText);
  if (sha !== v.manifest_sha256)
    return refuse(`manifest.json (sha256 ${sha.slice(0, 12)}\u2026) is not the manifest VERIFIED.json was written for (${v.manifest_sha256.slice(0, 12)}\u2026)`);
  let manifest;
  try {
    manifest = parseManifest(JSON.parse(files.manifestText), runId);
  } catch (err) {
    return refuse(`manifest.json beside VERIFIED.json: ${err.message}`);
  }
  if (filesSha256(manifest) !== v.files_sha256) return refuse("VERIFIED.json files_sha256 does not match its manifest");
  if (v.latest_only && verb === "destroy")
    return refuse("VERIFIED.json covers only the latest checkpoint (latest-only): collect the whole run before destroying the box");
  let runState = null;
  if (v.run_state !== void 0) {
    try {
      runState = parseRunState(v.run_state, "VERIFIED.json run_state");
    } catch (err) {
      return refuse(`${err.message}: collect again`);
    }
  }
  return {
    ok: true,
    proof: { verified: v, manifest, runState },
    notes: runState ? [] : ["VERIFIED.json does not record the run's state (an older tether): only the box itself can say the run ended"]
  };
}
function checkRebuilt(verified, now) {
  if (filesSha256(now) === filesSha256(verified)) return null;
  const before = new Map(verified.files.map((f) => [f.path, f.sha256]));
  const after = new Map(now.files.map((f) => [f.path, f.sha256]));
  const added = [...after.keys()].filter((p) => !before.has(p));
  const gone = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  const list = (label, ps) => ps.length ? [`${label} ${ps.slice(0, 5).join(", ")}${ps.length > 5 ? ` and ${ps.length - 5} more` : ""}`] : [];
  return `the box's checkpoints changed since verification (${[...list("new:", added), ...list("changed:", changed), ...list("gone:", gone)].join("; ")}): collect again before teardown`;
}
function checkConfirm(verb, instanceId, confirm, required) {
  const want = `${verb} ${instanceId}`;
  if (!confirm && !required || confirm === want) return null;
  return `confirm must be exactly "${want}"${confirm ? `, got "${confirm.slice(0, 80)}"` : " (approval: confirm)"}`;
}
function checkRunEnded(runId, seen, recorded, stopRunning) {
  const stopHint = "wait for it to end, or set stop-running: true to stop it";
  if (seen.kind === "seen") {
    const shown2 = { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` };
    const where = whereText(seen.state);
    if (allEnded(seen.state)) return { ok: true, shown: shown2, kills: null, note: `run ${runId} has ended on the box: ${where}` };
    if (stopRunning)
      return { ok: true, shown: shown2, kills: `run ${runId} is ${where}: tearing down kills it (stop-running: true)`, note: `stop-running: run ${runId} is ${where}` };
    return { ok: false, shown: shown2, reason: `run ${runId} is ${where} on the box: tearing down would kill it; ${stopHint}` };
  }
  if (recorded) {
    const shown2 = {
      state: recorded,
      source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box cannot be looked at now: ${seen.why})`
    };
    const where = whereText(recorded);
    if (allEnded(recorded))
      return { ok: true, shown: shown2, kills: null, note: `the box cannot be looked at (${seen.why}); the proof recorded run ${runId} as ended: ${where}` };
    if (stopRunning)
      return {
        ok: true,
        shown: shown2,
        kills: `run ${runId} was ${where} when collected, and may still run: tearing down kills it (stop-running: true)`,
        note: `stop-running: the proof recorded run ${runId} as live`
      };
    return {
      ok: false,
      shown: shown2,
      reason: `the box cannot be looked at (${seen.why}) and the proof was collected while run ${runId} was ${where}: it may still be running; ${stopHint}`
    };
  }
  const shown = { state: null, source: `the box cannot be looked at (${seen.why}) and no proof records the run's state` };
  if (stopRunning)
    return {
      ok: true,
      shown,
      kills: `run ${runId}, whatever it is doing: its state is not known (stop-running: true)`,
      note: `stop-running: run ${runId}'s state is not known`
    };
  return {
    ok: false,
    shown,
    reason: `cannot tell whether run ${runId} has ended: the box cannot be looked at (${seen.why}) and no VERIFIED.json records its state (collected by an older tether, or none given); ${stopHint}`
  };
}
function checkNeverLaunched(runId, record, t, verb) {
  if (!record) return { ok: false, reason: "no VERIFIED.json was given and the run has no provision record" };
  if (verb !== "destroy") return { ok: false, reason: `an instance nothing ran on is destroyed, not ${verb}ed: set verb: destroy` };
  if (record.provider !== t.provider || record.instanceId !== t.instanceId)
    return {
      ok: false,
      reason: `run ${runId}'s provision record names ${record.provider} instance ${JSON.stringify(record.instanceId)}, not ${t.provider} ${JSON.stringify(t.instanceId)}`
    };
  return {
    ok: true,
    proof: null,
    notes: [
      `run ${runId} was never launched: its signed provision record names ${t.instanceId} (created ${record.createdAt}); nothing ran on it, so there is nothing to collect`
    ]
  };
}
function checkNodeEmpty(listed) {
  if (!listed.length) return null;
  const names = listed.slice(0, 5).join(", ") + (listed.length > 5 ? ` and ${listed.length - 5} more` : "");
  return `not collected (collect-from: rank0), and it holds ${listed.length} checkpoint file(s) of the run (${names}): tearing it down would lose them; collect with collect-from: all first`;
}

export {
  checkBox,
  checkHostKey,
  checkProof,
  checkRebuilt,
  checkConfirm,
  checkRunEnded,
  checkNeverLaunched,
  checkNodeEmpty
};
