import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
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

export {
  SAFE_PATH,
  RECORD_NAME,
  parseManifest
};
