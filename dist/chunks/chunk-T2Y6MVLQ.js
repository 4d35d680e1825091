import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  groups
} from "./chunk-OS6SLAAT.js";
import {
  LISTING_SCHEMA,
  manifestFromListing,
  parseListing
} from "./chunk-D7CFNTPV.js";
import {
  tick
} from "./chunk-MWGZB4YN.js";
import {
  NOT_ENDED_NAMED,
  isEnded
} from "./chunk-6IC2V5YV.js";
import {
  dataLines,
  parseJsonLine,
  runScript
} from "./chunk-GAYRDAJD.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  CELLS_MAX,
  CELL_NAME,
  MANIFEST_FILES_MAX,
  PATH_MAX,
  arr,
  bool,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/record/listing.ts
var BOX_FILES_SCHEMA = "tether.box-files/v1";
var ListingRefused = class extends Error {
  constructor(message) {
    super(message);
    this.name = "ListingRefused";
  }
};
var GLOB = { max: 4096, pattern: /^[^\u0000-\u001f]+$/ };
function parseBoxFiles(raw, runId) {
  const m = obj(raw, "listing");
  if (typeof m["error"] === "string") throw new BoxDataError(`manifest refused on the box: ${m["error"].slice(0, 500)}`);
  if (m["schema"] !== BOX_FILES_SCHEMA)
    throw new BoxDataError(`listing schema is ${JSON.stringify(String(m["schema"]).slice(0, 64))}, expected ${BOX_FILES_SCHEMA}: refusing an unknown version`);
  if (m["run_id"] !== runId) throw new BoxDataError(`listing is for run ${JSON.stringify(String(m["run_id"]).slice(0, 64))}, not ${runId}`);
  const globs = arr(m, "globs", "listing", 256).map((g, i) => str({ g }, "g", `listing.globs[${i}]`, GLOB));
  const cells = m["cells"] === null ? null : arr(m, "cells", "listing", CELLS_MAX).map((x, i) => {
    const w = `listing.cells[${i}]`;
    const c = obj(x, w);
    const name = str(c, "name", w, { max: 64, pattern: CELL_NAME });
    if (!bool(c, "listed", w)) return { name, listed: false, done: false, failed: false, attempt: 0, globs: [] };
    return {
      name,
      listed: true,
      done: bool(c, "done", w),
      failed: bool(c, "failed", w),
      attempt: int(c, "attempt", w, { min: 0, max: ATTEMPT_MAX }),
      globs: arr(c, "globs", w, 256).map((g, k) => str({ g }, "g", `${w}.globs[${k}]`, GLOB))
    };
  });
  if (cells && new Set(cells.map((c) => c.name)).size !== cells.length) throw new BoxDataError("listing lists a cell twice");
  const listedCells = new Set((cells ?? []).filter((c) => c.listed).map((c) => c.name));
  const files = arr(m, "files", "listing", MANIFEST_FILES_MAX).map((x, i) => {
    const w = `listing.files[${i}]`;
    const f = obj(x, w);
    const path = str(f, "path", w, { max: PATH_MAX });
    const of = f["cells"] === void 0 ? [] : arr(f, "cells", w, CELLS_MAX).map((c, k) => str({ c }, "c", `${w}.cells[${k}]`, { max: 64, pattern: CELL_NAME }));
    if (!cells && of.length) throw new BoxDataError(`listing tags ${path} with a cell, but the run is not a sweep`);
    if (cells && of.length === 0) throw new BoxDataError(`listing has ${path} in a sweep without a cell`);
    for (const c of of) if (!listedCells.has(c)) throw new BoxDataError(`listing tags ${path} with cell ${c}, which it did not list`);
    return {
      path,
      bytes: int(f, "bytes", w),
      mtime: str(f, "mtime", w, { max: 24, pattern: /^[0-9]{1,12}\.[0-9]{9}$/ }),
      cells: of,
      still: f["still"] === void 0 ? null : bool(f, "still", w)
    };
  });
  const l = obj(m["skipped_symlinks"], "listing.skipped_symlinks");
  const workdir = str(m, "workdir", "listing", { max: 4096 });
  if (!workdir.startsWith("/")) throw new BoxDataError("listing has no absolute workdir");
  return {
    run_id: runId,
    attempt: int(m, "attempt", "listing", { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, "created_at", "listing", { max: 64 }),
    workdir,
    globs,
    cells,
    files,
    skipped_symlinks: {
      count: int(l, "count", "listing.skipped_symlinks", { max: MANIFEST_FILES_MAX * 10 }),
      names: arr(l, "names", "listing.skipped_symlinks", 5).map(
        (n, i) => str({ n }, "n", `listing.skipped_symlinks.names[${i}]`, { max: 200, pattern: /^[A-Za-z0-9_./-]{1,200}$/ })
      )
    }
  };
}
var list = (xs) => xs.join(", ");
function askedCells(box, cells, req) {
  if (req.roster.length) throw new ListingRefused(`run ${box.run_id} is a sweep: its roster is its cells (use 'cells' to collect some of them, not 'roster')`);
  const byName = new Map(cells.map((c) => [c.name, c]));
  const want = req.cells.length ? req.cells.map((n) => {
    const c = byName.get(n);
    if (!c?.listed) throw new ListingRefused(`run ${box.run_id} has no cell '${n}'`);
    return c;
  }) : cells;
  if (!want.length) throw new ListingRefused(`run ${box.run_id} lists no cells`);
  if (!req.latestOnly) {
    const bad = want.filter((c) => !c.done).map((c) => `${c.name} (${c.attempt === 0 ? "never started" : c.failed ? "failed" : "running"})`);
    if (bad.length) throw new ListingRefused(`cells not finished: ${list(bad)}; collect the finished ones with 'cells', or wait`);
  }
  return want;
}
function checkRoster(box, files, roster) {
  const first = box.globs[0] ?? "";
  let base = "";
  for (const part of first.split("/")) {
    if (/[*?[]/.test(part)) break;
    base += `${part}/`;
  }
  const found = [
    ...new Set(
      files.map((f) => f.path.startsWith(base) ? f.path.slice(base.length) : f.path).filter((p) => p.includes("/")).map((p) => p.slice(0, p.indexOf("/")))
    )
  ].sort();
  const want = [...new Set(roster.filter(Boolean))].sort();
  if (found.join("\n") !== want.join("\n")) throw new ListingRefused(`roster mismatch: expected [${want.join(",")}], found [${found.join(",")}]`);
}
function newestStill(files) {
  const byAge = [...files].sort(
    (a, b) => a.mtime.length !== b.mtime.length ? b.mtime.length - a.mtime.length : a.mtime < b.mtime ? 1 : a.mtime > b.mtime ? -1 : 0
  );
  return byAge.find((f) => f.still === true) ?? null;
}
function decideListing(box, req) {
  let files;
  let cells;
  if (box.cells) {
    const want = askedCells(box, box.cells, req);
    const names = want.map((c) => c.name);
    files = box.files.filter((f) => f.cells.some((c) => names.includes(c))).map((f) => ({ ...f, cell: names.find((n) => f.cells.includes(n)) }));
    const empty = names.filter((n) => !box.files.some((f) => f.cells.includes(n)));
    if (empty.length) throw new ListingRefused(`no checkpoint files for cell(s): ${list(empty)}`);
    cells = names;
  } else {
    if (req.cells.length) throw new ListingRefused(`run ${box.run_id} is not a sweep; 'cells' is for sweeps`);
    files = box.files;
  }
  if (!files.length) {
    const links = box.skipped_symlinks.count ? `; ${box.skipped_symlinks.count} symlink(s) matched and were skipped (never followed)` : "";
    throw new ListingRefused(
      `no-checkpoints: no file in ${box.workdir} matches the run's checkpoint globs (${list(box.globs)}): check the launch input 'checkpoints' against where the job saves${links}`
    );
  }
  if (req.roster.length) checkRoster(box, files, req.roster);
  if (req.latestOnly) {
    if (files.some((f) => f.still === null)) throw new BoxDataError("a latest-only listing did not say which files held still");
    if (cells) {
      files = cells.map((c) => {
        const f = newestStill(files.filter((x) => x.cell === c));
        if (!f) throw new ListingRefused(`every checkpoint of cell ${c} is still being written; try again`);
        return f;
      });
    } else {
      const f = newestStill(files);
      if (!f) throw new ListingRefused("every checkpoint is still being written; try again");
      files = [f];
    }
  }
  return parseListing(
    {
      schema: LISTING_SCHEMA,
      run_id: box.run_id,
      attempt: box.attempt,
      ...cells ? { cells: [...cells].sort() } : {},
      created_at: box.created_at,
      files: files.map((f) => ({ bytes: f.bytes, ...f.cell !== void 0 ? { cell: f.cell } : {}, mtime: f.mtime, path: f.path })),
      latest_only: req.latestOnly,
      skipped_symlinks: box.skipped_symlinks,
      workdir: box.workdir
    },
    box.run_id
  );
}

// src/remote/manifest.ts
async function listFiles(session, runRoot, runId, req) {
  return decideListing(await listBoxFiles(session, runRoot, runId, req), req);
}
async function listBoxFiles(session, runRoot, runId, req) {
  const data = dataLines(req.cells.length ? { cells: req.cells.join("\n") } : {});
  const r = await runScript(session, "manifest", [runRoot, runId, req.latestOnly ? "1" : "0"], { data, timeoutMs: 6e5, maxOutput: 64 << 20 });
  return parseBoxFiles(parseJsonLine("manifest", r), runId);
}
var SENT = /^tether-(sent|changed|refused) ?([0-9]*) ?(.{0,300})$/;
async function rebuildManifest(session, runRoot, runId, cells) {
  const listing = await listFiles(session, runRoot, runId, { latestOnly: false, roster: [], cells });
  const sha = /* @__PURE__ */ new Map();
  await Promise.all(
    groups(listing.files, 4).map(async (group) => {
      const files = group.map((f) => `${f.bytes} ${f.bytes} ${f.mtime} ${f.path}`).join("\n");
      const r = await runScript(session, "send", [], { data: dataLines({ workdir: listing.workdir, files }), timeoutMs: 36e5, maxOutput: 16 << 20 });
      if (r.truncated) throw new BoxDataError("send.sh printed more than its output bound while hashing");
      if (r.stdout.length) throw new BoxDataError("send.sh sent bytes it was not asked for while hashing");
      for (const line of r.stderr.split("\n")) {
        const m = SENT.exec(line);
        if (!m) continue;
        const f = group[Number(m[2])];
        if (m[1] === "refused") throw new BoxDataError(`the box refused to hash the files: ${(m[3] ?? "").replace(/[^\x20-\x7e]/g, "?")}`);
        if (!f) continue;
        if (m[1] === "changed") throw new BoxDataError(`${f.path} changed on the box while it was hashed (${(m[3] ?? "").replace(/[^\x20-\x7e]/g, "?")})`);
        if (/^[0-9a-f]{64}$/.test(m[3] ?? "")) sha.set(f.path, m[3]);
      }
      const missing = group.find((f) => !sha.has(f.path));
      if (missing) throw new BoxDataError(`the box did not hash ${missing.path} (send.sh exit ${r.code ?? r.signal})`);
    })
  );
  return manifestFromListing(listing, sha);
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
      not_ended: open.slice(0, NOT_ENDED_NAMED).map((c) => ({ name: c.runId, state: c.state })),
      more: Math.max(0, open.length - NOT_ENDED_NAMED)
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

export {
  ListingRefused,
  listFiles,
  listBoxFiles,
  rebuildManifest,
  lookAtRun,
  stateOfLook
};
