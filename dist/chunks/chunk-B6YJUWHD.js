import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  BoxDataError,
  CELLS_MAX,
  CELL_NAME,
  RUN_ID,
  SAFE_PATH,
  arr,
  int,
  obj,
  parseJson,
  str,
  strs
} from "./chunk-FHK73RDK.js";

// src/sync/record.ts
var SYNC_SCHEMA = "tether.sync/v1";
var SYNC_RECORD = "sync.json";
var SYNC_ENTRIES_MAX = 256;
function emptyRecord(runId) {
  return { schema: SYNC_SCHEMA, runId, entries: [], done: [] };
}
var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
var STATUSES = ["verified", "bad", "pruned"];
function parseRecord(text, runId) {
  const o = obj(parseJson(text, SYNC_RECORD, 4 << 20), SYNC_RECORD);
  if (o["schema"] !== SYNC_SCHEMA) throw new BoxDataError(`${SYNC_RECORD} is not ${SYNC_SCHEMA}`);
  if (o["runId"] !== runId) throw new BoxDataError(`${SYNC_RECORD} is for another run`);
  str(o, "runId", SYNC_RECORD, { max: 64, pattern: RUN_ID });
  const entries = arr(o, "entries", SYNC_RECORD, SYNC_ENTRIES_MAX).map((x, i) => {
    const w = `${SYNC_RECORD}.entries[${i}]`;
    const e = obj(x, w);
    const status = str(e, "status", w, { max: 16 });
    if (!STATUSES.includes(status)) throw new BoxDataError(`${w}.status is not one of ${STATUSES.join(", ")}`);
    return {
      path: str(e, "path", w, { max: 1024, pattern: SAFE_PATH }),
      cell: e["cell"] === null ? null : str(e, "cell", w, { max: 64, pattern: CELL_NAME }),
      bytes: int(e, "bytes", w),
      mtime: int(e, "mtime", w),
      sha256: str(e, "sha256", w, { max: 64, pattern: /^[0-9a-f]{64}$/ }),
      status,
      why: e["why"] === null ? null : str(e, "why", w, { max: 2e3 }),
      syncedAt: str(e, "syncedAt", w, { max: 32, pattern: ISO }),
      writtenAt: str(e, "writtenAt", w, { max: 32, pattern: ISO }),
      step: e["step"] === null ? null : int(e, "step", w)
    };
  });
  const done = o["done"] === void 0 ? [] : strs(o, "done", SYNC_RECORD, CELLS_MAX, CELL_NAME, "a cell name");
  return { schema: SYNC_SCHEMA, runId, entries, done };
}
function recordText(r) {
  return `${JSON.stringify({ schema: r.schema, runId: r.runId, entries: r.entries.slice(0, SYNC_ENTRIES_MAX), done: r.done.slice(0, CELLS_MAX) }, null, 1)}
`;
}

// src/sync/plan.ts
import { createHash } from "node:crypto";
function sameFile(a, b) {
  return a.path === b.path && a.cell === b.cell && a.bytes === b.bytes && a.mtime === b.mtime;
}
function toPull(files, record) {
  return files.filter((f) => !record.entries.some((e) => sameFile(e, f)));
}
var where = (path) => createHash("sha256").update(path).digest("hex").slice(0, 8);
var stamp = (mtime) => new Date(mtime * 1e3).toISOString().replace(/[-:]|\.\d+/g, "");
function stagingDir(f) {
  return `${stamp(f.mtime)}-${f.mtimeExact.slice(f.mtimeExact.indexOf(".") + 1)}-${f.bytes}-${where(f.path)}`;
}
function versionDir(f) {
  return `${stamp(f.mtime)}-${f.sha256.slice(0, 12)}-${where(f.path)}`;
}
function stepFromName(path) {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const m = /(?:step|iter|it|global_step|ckpt|checkpoint)[-_=]?(\d{1,12})(?!\d)/i.exec(base) ?? /^(\d{1,12})\.[A-Za-z]+$/.exec(base);
  return m ? Number(m[1]) : null;
}
function judge(record, judged, keep) {
  const rest = record.entries.filter((e) => !judged.some((j) => sameFile(e, j)));
  const all = [...judged, ...rest].sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : 1));
  const kept = /* @__PURE__ */ new Map();
  const prune = [];
  const entries = all.map((e) => {
    if (e.status !== "verified") return e;
    const n = (kept.get(e.cell ?? "") ?? 0) + 1;
    kept.set(e.cell ?? "", n);
    if (n <= keep) return e;
    prune.push(e);
    return { ...e, status: "pruned" };
  });
  return { record: { ...record, entries: entries.slice(0, SYNC_ENTRIES_MAX) }, prune };
}
function newestPerCell(record) {
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const seen = /* @__PURE__ */ new Set();
  return byMtime.filter((e) => {
    if (e.status !== "verified" || seen.has(e.cell ?? "")) return false;
    seen.add(e.cell ?? "");
    return true;
  });
}
function doneCells(record, finished, held) {
  if (!held) return record.done;
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const home = finished.filter((c) => !held.includes(c) && byMtime.find((e) => e.cell === c && e.status !== "pruned")?.status === "verified");
  return [.../* @__PURE__ */ new Set([...record.done, ...home])].slice(0, CELLS_MAX);
}
function standing(record) {
  const byMtime = [...record.entries].sort((a, b) => b.mtime - a.mtime);
  const newest = byMtime.find((e) => e.status === "verified") ?? null;
  const cells = [...new Set(record.entries.map((e) => e.cell ?? ""))];
  const bad = cells.map((c) => byMtime.find((e) => (e.cell ?? "") === c && e.status !== "pruned")).find((e) => e?.status === "bad") ?? null;
  return { newest, bad };
}

export {
  SYNC_RECORD,
  emptyRecord,
  parseRecord,
  recordText,
  toPull,
  stagingDir,
  versionDir,
  stepFromName,
  judge,
  newestPerCell,
  doneCells,
  standing
};
