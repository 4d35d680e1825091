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
  MANIFEST_FILES_MAX,
  SAFE_PATH,
  arr,
  bool,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/record/manifest.ts
var MANIFEST_SCHEMA = "tether.manifest/v1";
var RECORD_NAME = /(^|\/)(verified\.json|manifest\.json)$|\.(part|tmp)$/i;
function parseManifest(raw, runId) {
  const { head, files } = parseFiles(raw, runId, "manifest", MANIFEST_SCHEMA, (f, path) => {
    const sha256 = f["sha256"];
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) throw new BoxDataError(`manifest sha256 of ${path} is not a sha256`);
    return { sha256 };
  });
  const m = head.m;
  if (m["file_count"] !== files.length || m["total_bytes"] !== head.total) throw new BoxDataError("manifest totals do not match its file list");
  return { schema: MANIFEST_SCHEMA, ...head.fields, file_count: files.length, total_bytes: head.total, files, ...head.cells ? { cells: head.cells } : {} };
}
var LISTING_SCHEMA = "tether.listing/v1";
function parseListing(raw, runId) {
  const { head, files } = parseFiles(raw, runId, "listing", LISTING_SCHEMA, (f, path) => {
    const mtime = f["mtime"];
    if (typeof mtime !== "string" || !/^[0-9]{1,12}(\.[0-9]{1,9})?$/.test(mtime)) throw new BoxDataError(`listing mtime of ${path} is not a time`);
    return { mtime };
  });
  const links = head.m["skipped_symlinks"];
  const skipped = links === void 0 ? void 0 : (() => {
    const o = obj(links, "listing.skipped_symlinks");
    return {
      count: int(o, "count", "listing.skipped_symlinks", { max: MANIFEST_FILES_MAX * 10 }),
      names: arr(o, "names", "listing.skipped_symlinks", 5).map(
        (n, i) => str({ n }, "n", `listing.skipped_symlinks.names[${i}]`, { max: 200, pattern: /^[A-Za-z0-9_./-]{1,200}$/ })
      )
    };
  })();
  return {
    ...head.fields,
    files,
    total_bytes: head.total,
    ...head.cells ? { cells: head.cells } : {},
    ...skipped?.count ? { skipped_symlinks: skipped } : {}
  };
}
function manifestFromListing(l, sha256) {
  const files = [...l.files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0).map((f) => {
    const h = sha256.get(f.path);
    if (!h) throw new Error(`no hash for ${f.path}`);
    return { bytes: f.bytes, ...f.cell !== void 0 ? { cell: f.cell } : {}, path: f.path, sha256: h };
  });
  const doc = {
    attempt: l.attempt,
    ...l.cells ? { cells: [...l.cells].sort() } : {},
    created_at: l.created_at,
    file_count: files.length,
    files,
    latest_only: l.latest_only,
    run_id: l.run_id,
    schema: MANIFEST_SCHEMA,
    total_bytes: l.total_bytes,
    workdir: l.workdir
  };
  const text = `${JSON.stringify(doc)}
`;
  return { manifest: parseManifest(doc, l.run_id), text };
}
function parseFiles(raw, runId, what, schema, extra) {
  const m = obj(raw, what);
  if (typeof m["error"] === "string") throw new BoxDataError(`manifest refused on the box: ${m["error"].slice(0, 500)}`);
  if (m["schema"] !== schema)
    throw new BoxDataError(`${what} schema is ${JSON.stringify(String(m["schema"]).slice(0, 64))}, expected ${schema}: refusing an unknown version`);
  if (m["run_id"] !== runId) throw new BoxDataError(`${what} is for run ${JSON.stringify(String(m["run_id"]).slice(0, 64))}, not ${runId}`);
  const list = arr(m, "files", what, MANIFEST_FILES_MAX);
  if (list.length === 0) throw new BoxDataError(`${what} lists no files`);
  const seen = /* @__PURE__ */ new Set();
  let total = 0;
  const cells = m["cells"] === void 0 ? void 0 : arr(m, "cells", what, 512).map((c, i) => str({ c }, "c", `${what}.cells[${i}]`, { max: 64, pattern: CELL_NAME }));
  if (cells && new Set(cells).size !== cells.length) throw new BoxDataError(`${what} lists a cell twice`);
  if (cells && cells.length === 0) throw new BoxDataError(`${what} lists no cells`);
  const files = list.map((x, i) => {
    const f = obj(x, `${what}.files[${i}]`);
    const path = str(f, "path", `${what}.files[${i}]`, { max: 4096 });
    if (!SAFE_PATH.test(path)) throw new BoxDataError(`${what} has an unsafe path ${JSON.stringify(path.slice(0, 200))}`);
    if (RECORD_NAME.test(path))
      throw new BoxDataError(
        `${what} lists ${path}, a name tether keeps for its own records (manifest.json, VERIFIED.json, .part, .tmp): rename the checkpoint on the box`
      );
    if (seen.has(path)) throw new BoxDataError(`${what} lists ${path} twice`);
    seen.add(path);
    const bytes = f["bytes"];
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) throw new BoxDataError(`${what} size of ${path} is not a byte count`);
    const more = extra(f, path);
    total += bytes;
    if (!Number.isSafeInteger(total)) throw new BoxDataError(`${what} totals more bytes than can be counted`);
    if (!cells) {
      if (f["cell"] !== void 0) throw new BoxDataError(`${what} tags ${path} with a cell, but lists no cells`);
      return { path, bytes, ...more };
    }
    const cell = str(f, "cell", `${what}.files[${i}]`, { max: 64, pattern: CELL_NAME });
    if (!cells.includes(cell)) throw new BoxDataError(`${what} tags ${path} with cell ${cell}, which is not in its cells`);
    return { path, bytes, ...more, cell };
  });
  if (cells) {
    const empty = cells.filter((c) => !files.some((f) => f.cell === c));
    if (empty.length) throw new BoxDataError(`${what} lists no file for cell(s) ${empty.slice(0, 10).join(", ")}`);
  }
  const workdir = str(m, "workdir", what, { max: 4096 });
  if (!workdir.startsWith("/")) throw new BoxDataError(`${what} has no absolute workdir`);
  const fields = {
    run_id: runId,
    attempt: int(m, "attempt", what, { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, "created_at", what, { max: 64 }),
    latest_only: bool(m, "latest_only", what),
    workdir
  };
  return { head: { m, total, cells, fields }, files };
}

export {
  RECORD_NAME,
  parseManifest,
  LISTING_SCHEMA,
  parseListing,
  manifestFromListing
};
