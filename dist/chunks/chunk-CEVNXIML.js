import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  tick
} from "./chunk-2NAH2BGB.js";
import {
  parseListing,
  parseManifest
} from "./chunk-54YOALIG.js";
import {
  human
} from "./chunk-CTEOSGXY.js";
import {
  FACTS,
  monthsSince,
  verbFacts,
  verbMissing
} from "./chunk-D7EJ2PHA.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  dataLines,
  parseJsonLine,
  runScript
} from "./chunk-WZUORG3J.js";
import {
  RUN_STATE_CELLS_MAX,
  isEnded,
  whereText
} from "./chunk-QSTG6HKX.js";
import {
  BoxDataError,
  bool,
  int,
  obj,
  str
} from "./chunk-4U2G3ZMM.js";

// src/remote/manifest.ts
async function buildManifest(session, runRoot, runId, opts) {
  const data = dataLines({
    ...opts.roster.length ? { roster: opts.roster.join("\n") } : {},
    ...opts.cells?.length ? { cells: opts.cells.join("\n") } : {}
  });
  const r = await runScript(session, "manifest", [runRoot, runId, opts.latestOnly ? "1" : "0"], { data, timeoutMs: 36e5, maxOutput: 64 << 20 });
  const raw = parseJsonLine("manifest", r);
  const manifest = parseManifest(raw, runId);
  const text = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop() ?? "";
  return { manifest, text: `${text}
` };
}
async function listFiles(session, runRoot, runId, opts) {
  const data = dataLines({
    ...opts.roster.length ? { roster: opts.roster.join("\n") } : {},
    ...opts.cells?.length ? { cells: opts.cells.join("\n") } : {}
  });
  const r = await runScript(session, "manifest", [runRoot, runId, opts.latestOnly ? "1" : "0", "0"], { data, timeoutMs: 6e5, maxOutput: 64 << 20 });
  return parseListing(parseJsonLine("manifest", r), runId);
}

// src/teardown/card.ts
function renderCard(c) {
  const p = FACTS[c.provider];
  const f = verbFacts(c.provider, c.verb);
  const other = c.verb === "park" ? FACTS[c.provider].scheduler ? "cancel" : "destroy" : "park";
  const o = verbFacts(c.provider, other);
  const lines = [`#### Teardown card \u2014 ${code(c.runId)}`, "", "| | |", "|---|---|"];
  lines.push(`| provider | ${p.title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  if (!f) {
    lines.push(`| verb | **${c.verb}** \u2014 not available: ${verbMissing(c.provider, c.verb)} |`);
  } else {
    lines.push(
      `| verb | **${c.verb}**: ${f.action} |`,
      `| reversible | ${f.reversible ? "yes" : "**NO** \u2014 this cannot be undone"} |`,
      `| survives | ${f.survives} |`,
      `| keeps billing | ${f.keepsBilling} |`
    );
  }
  lines.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? "reversible" : "irreversible"}; keeps billing: ${o.keepsBilling}` : verbMissing(c.provider, other)} |`
  );
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : "**nothing verified**"} |`);
  lines.push(`| run | ${c.run.state ? `${inert(whereText(c.run.state))} \u2014 ${inert(c.run.source)}` : `**not known**: ${inert(c.run.source)}`} |`);
  if (c.kills) lines.push(`| kills | **${inert(c.kills)}** |`);
  lines.push("", ...p.traps.map((t) => `- \u26A0\uFE0F ${t}`));
  const age = monthsSince(p.verified, c.now);
  if (age > 6) lines.push(`- \u26A0\uFE0F these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines.join("\n");
}

// src/patrol/look.ts
async function lookAtRun(runId, probe, now, stallAfterS = 1800) {
  let seen = null;
  const r = await tick(
    [{ label: "box", runIds: [runId] }],
    { v: 1, tick: 0, runs: {} },
    async (_t, runs) => {
      const o = await probe(runs);
      if (!("transport" in o)) seen = o;
      return o;
    },
    { stallAfterS },
    now
  );
  const v = r.verdicts[0];
  if (v.state === "unreachable") return { kind: "blind", detail: v.detail };
  const obs = seen;
  if (!obs || v.state === "probe-error" || v.state === "unknown") return { kind: "unclear", detail: `${v.state}: ${v.detail}`, verdict: v };
  return { kind: "seen", state: runStateOf(v, obs, now) };
}
function runStateOf(v, obs, now) {
  const run = obs.runs.find((x) => x.id === v.runId);
  const ended = isEnded(v.state);
  const marker = run?.marker && run.marker.attempt === v.attempt ? run.marker.finishedAt : null;
  const state = {
    state: v.state,
    cls: v.cls,
    attempt: v.attempt,
    step: v.step,
    checkpoint_age_s: v.checkpoints.ageS !== null ? Math.round(v.checkpoints.ageS) : null,
    finished_at: ended ? marker ?? now.toISOString() : "running",
    observed_at: now.toISOString()
  };
  if (v.cells) {
    const open = v.cells.filter((c) => !isEnded(c.state));
    state.cells = {
      total: v.cells.length,
      not_ended: open.slice(0, RUN_STATE_CELLS_MAX).map((c) => ({ name: c.runId, state: c.state })),
      more: Math.max(0, open.length - RUN_STATE_CELLS_MAX)
    };
  }
  return state;
}
function stateOfLook(l, now) {
  if (l.kind === "seen") return l.state;
  const v = l.kind === "unclear" ? l.verdict : null;
  return {
    state: l.kind === "blind" ? "unreachable" : v?.state ?? "probe-error",
    cls: null,
    attempt: v?.attempt ?? 0,
    step: v?.step ?? null,
    checkpoint_age_s: null,
    finished_at: "running",
    observed_at: now.toISOString()
  };
}

// src/record/verified.ts
import { createHash } from "node:crypto";
var VERIFIED_SCHEMA = "tether.verified/v1";
function manifestSha256(manifestText) {
  return createHash("sha256").update(manifestText).digest("hex");
}
function filesSha256(m) {
  const lines = [...m.files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0).map((f) => `${f.path}\0${f.bytes}\0${f.sha256}
`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
function verifiedJson(m, manifestText, at, box, verifiers, runState) {
  const doc = {
    box: Object.fromEntries(Object.entries(box).sort(([a], [b]) => a.localeCompare(b))),
    bytes: m.total_bytes,
    file_count: m.file_count,
    files_sha256: filesSha256(m),
    manifest_sha256: manifestSha256(manifestText),
    run_id: m.run_id,
    // The run as collect saw it: teardown refuses a live run, and trusts this only when the box cannot be looked at.
    run_state: runState,
    attempt: m.attempt,
    latest_only: m.latest_only,
    schema: VERIFIED_SCHEMA,
    verified_at: at.toISOString(),
    verifiers,
    ...m.cells ? { cells: m.cells } : {}
  };
  return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b))), null, 2) + "\n";
}
var VERIFIED_MAX = 1 << 20;
var HEX64 = /^[0-9a-f]{64}$/;
function readVerified(text, runId) {
  let raw;
  try {
    raw = text.length > VERIFIED_MAX ? void 0 : JSON.parse(text);
  } catch {
    raw = void 0;
  }
  if (raw === void 0) throw new BoxDataError("VERIFIED.json is not JSON");
  const o = obj(raw, "VERIFIED.json");
  if (o["schema"] !== VERIFIED_SCHEMA) throw new BoxDataError(`VERIFIED.json has schema ${JSON.stringify(o["schema"])}, expected ${VERIFIED_SCHEMA}`);
  if (o["run_id"] !== runId) throw new BoxDataError(`VERIFIED.json is for run ${JSON.stringify(o["run_id"])}, not ${runId}`);
  if (typeof o["manifest_sha256"] !== "string" || !HEX64.test(o["manifest_sha256"]) || typeof o["files_sha256"] !== "string" || !HEX64.test(o["files_sha256"]))
    throw new BoxDataError("VERIFIED.json lacks manifest_sha256 or files_sha256");
  const w = "VERIFIED.json";
  const cells = o["cells"] === void 0 ? void 0 : Array.isArray(o["cells"]) && o["cells"].every((c) => typeof c === "string") ? o["cells"] : null;
  if (cells === null) throw new BoxDataError(`${w}.cells is not a list of cell names`);
  return {
    schema: VERIFIED_SCHEMA,
    run_id: runId,
    attempt: int(o, "attempt", w, { min: 0, max: 1e6 }),
    manifest_sha256: o["manifest_sha256"],
    files_sha256: o["files_sha256"],
    file_count: int(o, "file_count", w),
    bytes: int(o, "bytes", w),
    latest_only: bool(o, "latest_only", w),
    verified_at: str(o, "verified_at", w, { max: 40, pattern: /^\d{4}-\d\d-\d\dT[\d:.]+Z$/ }),
    ...o["run_state"] !== void 0 ? { run_state: o["run_state"] } : {},
    ...cells ? { cells } : {},
    ...wellFormedBox(o["box"]) ? { box: o["box"] } : {}
  };
}
function wellFormedBox(b) {
  if (typeof b !== "object" || b === null || Array.isArray(b)) return false;
  const x = b;
  const optional = (v) => v === null || v === void 0 || typeof v === "string" && v.length <= 200;
  return typeof x["host"] === "string" && x["host"].length <= 253 && typeof x["port"] === "number" && Number.isInteger(x["port"]) && typeof x["host_key_fingerprint"] === "string" && x["host_key_fingerprint"].length <= 100 && optional(x["provider"]) && optional(x["instance_id"]);
}

export {
  buildManifest,
  listFiles,
  renderCard,
  lookAtRun,
  stateOfLook,
  manifestSha256,
  filesSha256,
  verifiedJson,
  readVerified
};
