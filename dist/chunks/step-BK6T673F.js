import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PullError,
  fileSource,
  problemsText,
  streamFiles,
  streamScanFor,
  trustedLoad,
  verifyOne
} from "./chunk-3KG4PWBO.js";
import "./chunk-OS6SLAAT.js";
import {
  SYNC_RECORD,
  doneCells,
  emptyRecord,
  judge,
  parseRecord,
  recordText,
  stagingDir,
  standing,
  stepFromName,
  toPull,
  versionDir
} from "./chunk-B6YJUWHD.js";
import {
  RECORD_NAME
} from "./chunk-D7CFNTPV.js";
import {
  pullTargetFor
} from "./chunk-ZFPQ7UQN.js";
import {
  eachLimit
} from "./chunk-GAEFUSNO.js";
import {
  human
} from "./chunk-XUWSLT73.js";
import {
  withFlag
} from "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-6IC2V5YV.js";
import {
  connect,
  parseJsonLine,
  runScript
} from "./chunk-GAYRDAJD.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import {
  BoxDataError,
  CELLS_MAX,
  CELL_NAME,
  PATH_MAX,
  RUN_ID,
  SAFE_PATH,
  arr,
  int,
  obj,
  str,
  strs
} from "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/sync/step.ts
import { join as join3 } from "node:path";

// src/sync/paths.ts
import { join, resolve } from "node:path";
function runSyncDir(cfg, workspace, runId) {
  return join(resolve(workspace, cfg.dest), runId);
}

// src/sync/phase.ts
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { dirname, join as join2 } from "node:path";

// src/remote/checkpoints.ts
var FILES_MAX = 512 * 16;
var TIME = { min: 0, max: 1e11 };
var MTIME_EXACT = /^[0-9]{1,12}\.[0-9]{9}$/;
async function listSettled(session, runRoot, settleS, maxBytes, requests, timeoutMs = 3e5) {
  const lines = requests.map((r) => `run ${r.runId} ${r.mode} ${r.keep}`);
  const res = await runScript(session, "checkpoints", [runRoot, String(settleS), String(Math.max(0, Math.floor(maxBytes)))], {
    data: `${lines.join("\n")}
end
`,
    timeoutMs,
    maxOutput: 8 << 20
  });
  return parseSettled(parseJsonLine("checkpoints", res), new Set(requests.map((r) => r.runId)));
}
function parseSettled(raw, asked) {
  const o = obj(raw, "checkpoints");
  const now = int(o, "now", "checkpoints", TIME);
  const runs = arr(o, "runs", "checkpoints", 64).map((x, i) => {
    const where = `checkpoints.runs[${i}]`;
    const r = obj(x, where);
    const id = str(r, "id", where, { max: 64, pattern: RUN_ID });
    if (!asked.has(id)) throw new BoxDataError(`${where} is run ${id}, which was not asked about`);
    if (r["error"] !== void 0) return { id, error: str(r, "error", where, { max: 200, pattern: /^[ -~]*$/ }) };
    try {
      return parseRun(r, id, where);
    } catch (err) {
      if (err instanceof BoxDataError) return { id, error: err.message };
      throw err;
    }
  });
  return { now, runs };
}
function parseRun(r, id, where) {
  const workdir = str(r, "workdir", where, { max: 4096, pattern: /^\/[^\u0000-\u001f]*$/ });
  const seen = /* @__PURE__ */ new Set();
  const files = arr(r, "files", where, FILES_MAX).map((x, k) => {
    const w = `${where}.files[${k}]`;
    const f = obj(x, w);
    const path = str(f, "path", w, { max: PATH_MAX, pattern: SAFE_PATH });
    if (RECORD_NAME.test(path)) throw new BoxDataError(`${w} is ${path}, a name tether keeps for its own records`);
    const cell = f["cell"] === null ? null : str(f, "cell", w, { max: 64, pattern: CELL_NAME });
    const key = `${cell ?? ""}/${path}`;
    if (seen.has(key)) throw new BoxDataError(`${w}: ${path} is listed twice`);
    seen.add(key);
    const mtimeExact = str(f, "mtime", w, { max: 21, pattern: MTIME_EXACT });
    const mtime = Number(mtimeExact.slice(0, mtimeExact.indexOf(".")));
    if (mtime > TIME.max) throw new BoxDataError(`${w}.mtime is ${mtimeExact}, not a time`);
    return { path, cell, bytes: int(f, "bytes", w), mtime, mtimeExact };
  });
  const held = strs(r, "held", where, CELLS_MAX, CELL_NAME, "a cell name");
  return {
    id,
    error: null,
    workdir,
    files,
    unsettled: int(r, "unsettled", where),
    skipped: int(r, "skipped", where),
    tooLarge: int(r, "too_large", where),
    held
  };
}

// src/sync/sync.ts
async function syncRun(files, boxNow, record, keep, stepHint, deps) {
  const judged = [];
  let moved = 0;
  let error = null;
  for (const f of toPull(files, record).sort((a, b) => b.mtime - a.mtime)) {
    const staging = stagingDir(f);
    const got = await deps.pull(f, staging);
    if ("error" in got) {
      error = got.error;
      if (got.network) break;
      continue;
    }
    moved += got.moved;
    const sha256 = got.sha256;
    let why;
    try {
      why = await deps.verify(f, staging);
      if (why === null) deps.promote(f, staging, versionDir({ ...f, sha256 }));
    } catch (err) {
      error = `${f.path}: could not be put in place on the runner (${err.message.slice(0, 300)})`;
      try {
        deps.discard(f, staging, true);
      } catch {
      }
      continue;
    }
    const now = deps.now();
    const writtenAt = new Date(now.getTime() - Math.max(0, boxNow - f.mtime) * 1e3).toISOString();
    judged.push({
      path: f.path,
      cell: f.cell,
      bytes: f.bytes,
      mtime: f.mtime,
      sha256,
      status: why === null ? "verified" : "bad",
      why,
      syncedAt: now.toISOString(),
      writtenAt,
      step: stepFromName(f.path) ?? stepHint
    });
    if (why !== null) {
      try {
        deps.discard(f, staging, true);
      } catch (err) {
        error = `${f.path}: the failed file could not be removed from staging (${err.message.slice(0, 300)})`;
      }
    }
  }
  const next = judge(record, judged, keep);
  for (const p of next.prune) {
    try {
      deps.discard(p, versionDir(p), false);
    } catch (err) {
      error ??= `${p.path}: an older version could not be pruned (${err.message.slice(0, 300)})`;
    }
  }
  return { record: next.record, judged, moved, ...standing(next.record), error };
}

// src/sync/budget.ts
function diskBudget(free, reserve) {
  let left = free === null ? Number.MAX_SAFE_INTEGER : Math.max(0, free - reserve);
  return {
    take: (bytes) => {
      if (bytes > left) return false;
      left -= bytes;
      return true;
    },
    give: (bytes) => {
      left += bytes;
    },
    left: () => left
  };
}

// src/sync/phase.ts
var STAGING = ".incoming";
var RUNNER_RESERVE = 1e9;
function freeBytes(dir) {
  try {
    const st = statfsSync(dir);
    return st.bavail * st.bsize;
  } catch {
    return null;
  }
}
function syncBudget(cfg, workspace) {
  const root = dirname(runSyncDir(cfg, workspace, "x"));
  try {
    mkdirSync(root, { recursive: true });
  } catch {
  }
  return diskBudget(freeBytes(root), RUNNER_RESERVE);
}
function readRecord(dir, runId, warn) {
  const p = join2(dir, SYNC_RECORD);
  if (!existsSync(p)) return emptyRecord(runId);
  try {
    return parseRecord(readFileSync(p, "utf8"), runId);
  } catch (err) {
    warn(`sync: ${p} is unreadable (${err.message}); starting a fresh record (files already here are kept, not listed)`);
    return emptyRecord(runId);
  }
}
function writeRecord(dir, r) {
  const tmp = join2(dir, `${SYNC_RECORD}.tmp`);
  writeFileSync(tmp, recordText(r));
  renameSync(tmp, join2(dir, SYNC_RECORD));
}
function pruneEmpty(dir, stop) {
  for (let d = dir; d.startsWith(`${stop}/`); d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
  }
}
function dropStale(dir, listed) {
  const staging = join2(dir, STAGING);
  if (!existsSync(staging)) return;
  const wanted = new Set(listed.map(stagingDir));
  for (const v of readdirSync(staging)) if (!wanted.has(v)) rmSync(join2(staging, v), { recursive: true, force: true });
}
async function syncHost(host, cfg, workspace, warn, budget = diskBudget(freeBytes(dirname(runSyncDir(cfg, workspace, host.runs[0]?.runId ?? "x"))), RUNNER_RESERVE)) {
  const out = /* @__PURE__ */ new Map();
  if (cfg.mode === "none" || host.runs.length === 0) return out;
  const dirs = new Map(host.runs.map((r) => [r.runId, runSyncDir(cfg, workspace, r.runId)]));
  const records = new Map(host.runs.map((r) => [r.runId, readRecord(dirs.get(r.runId), r.runId, warn)]));
  const requests = host.runs.map((r) => ({
    runId: r.runId,
    mode: cfg.mode,
    keep: cfg.keep
  }));
  let listing;
  let target;
  try {
    const session = await connect({ ...host.conn, attempts: 1 }, host.cred);
    try {
      const root = dirname(dirs.values().next().value);
      mkdirSync(root, { recursive: true });
      listing = await listSettled(
        session,
        host.runRoot,
        cfg.settleS,
        Math.min(budget.left(), Math.max(0, (freeBytes(root) ?? Number.MAX_SAFE_INTEGER) - RUNNER_RESERVE)),
        requests
      );
      target = pullTargetFor(host.conn, host.cred, session, 60);
    } finally {
      session.close();
    }
  } catch (err) {
    if (!(err instanceof TransportError || err instanceof BoxDataError)) throw err;
    for (const r of host.runs) out.set(r.runId, { error: `the checkpoints could not be listed: ${err.message}` });
    return out;
  }
  for (const r of host.runs) {
    try {
      out.set(r.runId, await syncOne(r, listing, dirs.get(r.runId), records.get(r.runId), cfg, target, budget, warn));
    } catch (err) {
      out.set(r.runId, { error: `the sync stopped: ${err.message.slice(0, 300)}` });
    }
  }
  return out;
}
async function syncOne(r, listing, dir, record, cfg, target, budget, warn) {
  {
    const listed = listing.runs.find((x) => x.id === r.runId);
    if (!listed) return { error: "the box did not list this run" };
    if (listed.error !== null) return { error: `the box could not list its checkpoints: ${listed.error}` };
    mkdirSync(dir, { recursive: true });
    dropStale(dir, listed.files);
    const staged = (f, v) => join2(dir, STAGING, v, f.path);
    const scanned = /* @__PURE__ */ new Map();
    const result = await syncRun(listed.files, listing.now, record, cfg.keep, r.stepHint, {
      pull: async (f, v) => {
        const room = freeBytes(dir);
        if (room !== null && f.bytes > room - RUNNER_RESERVE || !budget.take(f.bytes))
          return {
            error: `${f.path} is ${human(f.bytes)}, more than the runner can hold this tick (${human(Math.min(budget.left(), Math.max(0, (room ?? 0) - RUNNER_RESERVE)))} to spare under ${dir}, ${human(RUNNER_RESERVE)} kept free); not pulled`,
            network: false
          };
        try {
          let sha256 = "";
          const got = await streamFiles(target, listed.workdir, [{ path: f.path, bytes: f.bytes, mtime: f.mtimeExact }], join2(dir, STAGING, v), {
            parallel: 1,
            sink: (path) => streamScanFor(path),
            // The sink is the scan made above for this file.
            onArrived: (a, sink) => {
              sha256 = a.sha256;
              scanned.set(v, sink?.scans());
            }
          });
          return { moved: got.bytesThisRun, sha256 };
        } catch (err) {
          budget.give(f.bytes);
          if (err instanceof PullError) return { error: err.message, network: err.network };
          throw err;
        }
      },
      verify: async (f, v) => {
        const src = await fileSource(staged(f, v));
        try {
          const res = await verifyOne(f.path, src, scanned.get(v));
          if (!res.ok) return problemsText(res) || `not a valid ${res.format} file`;
        } finally {
          await src.close();
        }
        return cfg.trustedLoadCommand ? trustedLoad(cfg.trustedLoadCommand, staged(f, v), dir) : null;
      },
      promote: (f, v, version) => {
        const final = join2(dir, version, f.path);
        mkdirSync(dirname(final), { recursive: true });
        renameSync(staged(f, v), final);
        pruneEmpty(dirname(staged(f, v)), dir);
      },
      discard: (f, v, isStaged) => {
        const p = join2(dir, isStaged ? STAGING : "", v, f.path);
        rmSync(p, { force: true });
        pruneEmpty(dirname(p), dir);
      },
      now: () => /* @__PURE__ */ new Date()
    });
    result.record = { ...result.record, done: doneCells(result.record, r.finishedCells ?? [], result.error ? null : listed.held) };
    writeRecord(dir, result.record);
    if (listed.tooLarge > 0 && !result.error)
      result.error = `${listed.tooLarge} checkpoint file(s) are larger than the runner can hold (${human(Math.max(0, (freeBytes(dir) ?? 0) - RUNNER_RESERVE))} to spare under ${dir}); not pulled`;
    if (listed.skipped > 0)
      warn(
        `sync: ${r.runId}: ${listed.skipped} newer checkpoint file(s) are symlinks or have names tether does not take (letters, digits, . _ - and /); not synced`
      );
    return result;
  }
}

// src/sync/step.ts
var SYNC_OWNER_STALE_MS = 2 * 36e5;
function syncOwnership(runIds, memory, runner, now) {
  const mine = [];
  const left = [];
  const takenOver = [];
  for (const runId of runIds) {
    const s = memory.runs[runId]?.sync;
    const owner = s?.runner;
    if (!s || !owner || owner === runner) mine.push(runId);
    else if (now.getTime() - Date.parse(s.at) < SYNC_OWNER_STALE_MS) left.push({ runId, owner });
    else {
      mine.push(runId);
      takenOver.push({ runId, owner, at: s.at });
    }
  }
  return { mine, left, takenOver };
}
var SYNCED = ["launching", "running", "stalled", "finished", "failed", "dead", "rebooted", "requeued"];
async function syncAll(cfg, hosts, byName, result, workspace, reporter, uploader, runner) {
  const out = {};
  const warn = (m) => reporter.warn(m);
  const budget = syncBudget(cfg.sync, workspace);
  await eachLimit(hosts, cfg.concurrency, async (h) => {
    const e = byName.get(h.name);
    const candidates = result.verdicts.filter((v) => v.host === h.name && (SYNCED.includes(v.state) || v.state === "preempted" && v.heartbeatAgeS !== null));
    const own = syncOwnership(
      candidates.map((v) => v.runId),
      result.memory,
      runner,
      /* @__PURE__ */ new Date()
    );
    for (const l of own.left) {
      reporter.info(`sync: ${l.runId}: synced by runner ${l.owner}, which holds its checkpoints; not synced here`);
      out[l.runId] = { synced_by: l.owner };
    }
    for (const t of own.takenOver) reporter.info(`sync: ${t.runId}: runner ${t.owner} last synced it at ${t.at}; runner ${runner} takes it over`);
    const runs = candidates.filter((v) => own.mine.includes(v.runId)).map((v) => ({ runId: v.runId, stepHint: v.step, finishedCells: (v.cells ?? []).filter((c) => c.state === "finished").map((c) => c.runId) }));
    if (!runs.length) return;
    let done;
    try {
      done = await syncHost({ conn: e.conn, cred: e.cred, runRoot: e.runRoot, runs }, cfg.sync, workspace, warn, budget);
    } catch (err) {
      done = new Map(runs.map((r) => [r.runId, { error: `the sync stopped: ${err.message.slice(0, 300)}` }]));
    }
    const at = (/* @__PURE__ */ new Date()).toISOString();
    for (const [runId, r] of done) {
      const m = result.memory.runs[runId];
      const v = result.verdicts.find((x) => x.runId === runId);
      if (!m || !v) continue;
      if ("record" in r) {
        m.sync = { ...syncMemory(r, runSyncDir(cfg.sync, workspace, runId), at), ...m.sync?.artifacts ? { artifacts: m.sync.artifacts } : {}, runner };
        if (uploader && r.newest) await uploadNewest(uploader, cfg, runId, r.newest, runSyncDir(cfg.sync, workspace, runId), m.sync, reporter);
        for (const j of r.judged)
          reporter.info(
            `sync: ${runId}: ${j.path}${j.cell ? ` (cell ${j.cell})` : ""} ${j.status === "verified" ? "verified" : `failed verification: ${j.why}`}`
          );
      } else m.sync = { ...m.sync ?? { newest: null, bad: null }, at, error: r.error, runner };
      if (m.sync.error) reporter.warn(`sync: ${runId}: ${m.sync.error}`);
      out[runId] = {
        newest: m.sync.newest?.where ?? null,
        step: m.sync.newest?.step ?? null,
        written_at: m.sync.newest?.writtenAt ?? null,
        bad: m.sync.bad?.path ?? null,
        artifact: m.sync.newest?.artifact ?? null,
        judged: "record" in r ? r.judged.length : 0,
        moved: "record" in r ? r.moved : 0,
        error: m.sync.error
      };
      Object.assign(v, withFlag(v, "bad-checkpoint", m.sync.bad !== null));
    }
  });
  return out;
}
function syncMemory(r, dir, at) {
  const n = r.newest;
  return {
    newest: n ? { path: n.path, cell: n.cell, step: n.step, writtenAt: n.writtenAt, where: join3(dir, versionDir(n), n.path), sha256: n.sha256 } : null,
    // standing() gives a bad file only when it is the newest judged of its own cell: news even beside another
    // cell's newer good one.
    bad: r.bad ? { path: r.bad.path, cell: r.bad.cell, writtenAt: r.bad.writtenAt, why: r.bad.why ?? "failed verification" } : null,
    at,
    error: r.error
  };
}
var SYNC_ARTIFACTS_MAX = 8;
async function uploadNewest(uploader, cfg, runId, n, dir, s, reporter) {
  const name = `tether-sync-${runId}-${n.sha256.slice(0, 12)}`;
  const had = s.artifacts ?? [];
  if (had.some((a) => a.name === name)) {
    if (s.newest) s.newest.artifact = name;
    return;
  }
  const older = had.reduce((sum, a) => sum + a.bytes, 0);
  if (older + n.bytes > cfg.sync.artifactBudgetBytes)
    reporter.warn(
      `sync: ${runId}: its sync artifacts come to ${human(older + n.bytes)} with this one, over the artifact-budget of ${human(cfg.sync.artifactBudgetBytes)}; older ones: ${had.map((a) => `${a.name} (${human(a.bytes)})`).join(", ")}`
    );
  try {
    const u = await uploader.upload({ kind: "checkpoints", name, root: join3(dir, versionDir(n)), files: [n.path], bytes: n.bytes }, cfg.sync.retentionDays);
    reporter.info(`sync: ${runId}: uploaded artifact ${u.name} (id ${u.id}, ${human(u.size)})${u.reused ? ", kept from earlier in this workflow run" : ""}`);
    s.artifacts = [{ name, bytes: n.bytes, at: s.at }, ...had].slice(0, SYNC_ARTIFACTS_MAX);
    if (s.newest) s.newest.artifact = name;
  } catch (err) {
    reporter.warn(`sync: ${runId}: the newest checkpoint was not uploaded (${err.message}); it stays on the runner`);
  }
}
export {
  SYNC_OWNER_STALE_MS,
  syncAll,
  syncOwnership
};
