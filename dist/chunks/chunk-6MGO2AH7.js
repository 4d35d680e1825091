import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  FACTS,
  monthsSince,
  verbFacts,
  verbMissing
} from "./chunk-B4N4UQG3.js";
import {
  dataLines,
  parseJsonLine,
  runScript
} from "./chunk-S7UCN7MQ.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  CELL_NAME,
  arr,
  bool,
  int,
  obj,
  str
} from "./chunk-XSXAROAL.js";
import {
  code
} from "./chunk-LCZBWDJG.js";

// src/record/manifest.ts
var MANIFEST_SCHEMA = "tether.manifest/v1";
var SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;
var RECORD_NAME = /(^|\/)(verified\.json|manifest\.json)$|\.(part|tmp)$/i;
var MANIFEST_FILES_MAX = 1e5;
function parseManifest(raw, runId) {
  const m = obj(raw, "manifest");
  if (typeof m["error"] === "string") throw new BoxDataError(`manifest refused on the box: ${m["error"].slice(0, 500)}`);
  if (m["schema"] !== MANIFEST_SCHEMA)
    throw new BoxDataError(`manifest schema is ${JSON.stringify(String(m["schema"]).slice(0, 64))}, expected ${MANIFEST_SCHEMA}: refusing an unknown version`);
  if (m["run_id"] !== runId) throw new BoxDataError(`manifest is for run ${JSON.stringify(String(m["run_id"]).slice(0, 64))}, not ${runId}`);
  const list = arr(m, "files", "manifest", MANIFEST_FILES_MAX);
  if (list.length === 0) throw new BoxDataError("manifest lists no files");
  const seen = /* @__PURE__ */ new Set();
  let total = 0;
  const cells = m["cells"] === void 0 ? void 0 : arr(m, "cells", "manifest", 512).map((c, i) => str({ c }, "c", `manifest.cells[${i}]`, { max: 64, pattern: CELL_NAME }));
  if (cells && new Set(cells).size !== cells.length) throw new BoxDataError("manifest lists a cell twice");
  if (cells && cells.length === 0) throw new BoxDataError("manifest lists no cells");
  const files = list.map((x, i) => {
    const f = obj(x, `manifest.files[${i}]`);
    const path = str(f, "path", `manifest.files[${i}]`, { max: 4096 });
    if (!SAFE_PATH.test(path)) throw new BoxDataError(`manifest has an unsafe path ${JSON.stringify(path.slice(0, 200))}`);
    if (RECORD_NAME.test(path))
      throw new BoxDataError(
        `manifest lists ${path}, a name tether keeps for its own records (manifest.json, VERIFIED.json, .part, .tmp): rename the checkpoint on the box`
      );
    if (seen.has(path)) throw new BoxDataError(`manifest lists ${path} twice`);
    seen.add(path);
    const bytes = f["bytes"];
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) throw new BoxDataError(`manifest size of ${path} is not a byte count`);
    const sha256 = f["sha256"];
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) throw new BoxDataError(`manifest sha256 of ${path} is not a sha256`);
    total += bytes;
    if (!cells) {
      if (f["cell"] !== void 0) throw new BoxDataError(`manifest tags ${path} with a cell, but lists no cells`);
      return { path, bytes, sha256 };
    }
    const cell = str(f, "cell", `manifest.files[${i}]`, { max: 64, pattern: CELL_NAME });
    if (!cells.includes(cell)) throw new BoxDataError(`manifest tags ${path} with cell ${cell}, which is not in its cells`);
    return { path, bytes, sha256, cell };
  });
  if (cells) {
    const empty = cells.filter((c) => !files.some((f) => f.cell === c));
    if (empty.length) throw new BoxDataError(`manifest lists no file for cell(s) ${empty.slice(0, 10).join(", ")}`);
  }
  const workdir = str(m, "workdir", "manifest", { max: 4096 });
  if (!workdir.startsWith("/")) throw new BoxDataError("manifest has no absolute workdir");
  if (m["file_count"] !== files.length || m["total_bytes"] !== total || !Number.isSafeInteger(total))
    throw new BoxDataError("manifest totals do not match its file list");
  return {
    schema: MANIFEST_SCHEMA,
    run_id: runId,
    attempt: int(m, "attempt", "manifest", { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, "created_at", "manifest", { max: 64 }),
    latest_only: bool(m, "latest_only", "manifest"),
    file_count: files.length,
    total_bytes: total,
    files,
    workdir,
    ...cells ? { cells } : {}
  };
}

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

// src/report/bytes.ts
function human(b) {
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`;
}

// src/teardown/card.ts
function renderCard(c) {
  const p = FACTS[c.provider];
  const f = verbFacts(c.provider, c.verb);
  const other = c.verb === "park" ? c.provider === "slurm" ? "cancel" : "destroy" : "park";
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
  lines.push("", ...p.traps.map((t) => `- \u26A0\uFE0F ${t}`));
  const age = monthsSince(p.verified, c.now);
  if (age > 6) lines.push(`- \u26A0\uFE0F these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines.join("\n");
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
function verifiedJson(m, manifestText, at, box, verifiers) {
  const doc = {
    box: Object.fromEntries(Object.entries(box).sort(([a], [b]) => a.localeCompare(b))),
    bytes: m.total_bytes,
    file_count: m.file_count,
    files_sha256: filesSha256(m),
    manifest_sha256: manifestSha256(manifestText),
    run_id: m.run_id,
    attempt: m.attempt,
    latest_only: m.latest_only,
    schema: VERIFIED_SCHEMA,
    verified_at: at.toISOString(),
    verifiers,
    ...m.cells ? { cells: m.cells } : {}
  };
  return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b))), null, 2) + "\n";
}

export {
  parseManifest,
  buildManifest,
  human,
  renderCard,
  VERIFIED_SCHEMA,
  manifestSha256,
  filesSha256,
  verifiedJson
};
