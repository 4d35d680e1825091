import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  filesSha256,
  listFiles,
  lookAtRun,
  manifestSha256,
  renderCard,
  stateOfLook,
  verifiedJson
} from "./chunk-HVFENU3F.js";
import {
  openPinned
} from "./chunk-DPVWSW72.js";
import "./chunk-2NAH2BGB.js";
import "./chunk-NPIG4LFG.js";
import {
  probeOn
} from "./chunk-YGM5LBWR.js";
import "./chunk-SOGQG4PZ.js";
import "./chunk-H57H7UT2.js";
import {
  FLOAT_DTYPES,
  PullError,
  TORCH_PKL_MAX,
  VERIFIER_VERSIONS,
  fileSource,
  nonFiniteIn,
  problemsText,
  sshInvocation,
  storageDtypes,
  trustedLoad,
  verifyOne,
  zip64Values
} from "./chunk-O6AQS3GG.js";
import {
  manifestFromListing
} from "./chunk-54YOALIG.js";
import "./chunk-GAEFUSNO.js";
import {
  human
} from "./chunk-CTEOSGXY.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-ERDZYGIP.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import "./chunk-IIBCFU4P.js";
import "./chunk-EB3SDZEE.js";
import {
  dataLines,
  scriptCommand,
  scriptStdin
} from "./chunk-TLZWGECS.js";
import "./chunk-JVLHI33R.js";
import "./chunk-J2T5H5DO.js";
import {
  FOREIGN_SLACK_S,
  allEnded,
  whereText
} from "./chunk-QSTG6HKX.js";
import "./chunk-356XD6MB.js";
import {
  knownHostsLine
} from "./chunk-4U2G3ZMM.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/collect/phase.ts
import { existsSync as existsSync2, lstatSync, mkdirSync as mkdirSync2, readdirSync, renameSync as renameSync2, rmSync as rmSync2, statSync as statSync2, writeFileSync } from "node:fs";
import { join as join2, relative, resolve } from "node:path";

// src/transfer/stream.ts
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
var TRAILER = /^tether-(sent|changed|refused) ?([0-9]*) ?(.{0,300})$/;
async function readInto(path, bytes, each) {
  if (bytes === 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) each(chunk);
}
function streamPull(target) {
  const { sshArgs, env, close: closeSecrets } = sshInvocation(target);
  const spawnSend = () => {
    const child = spawn("ssh", [...sshArgs, scriptCommand([])], { env, stdio: ["pipe", "pipe", "pipe"] });
    child.on("error", () => void 0);
    child.stdin.on("error", () => void 0);
    const closed = new Promise((res) => child.on("close", (c) => res(c)));
    return { child, closed };
  };
  let warm = spawnSend();
  const close = () => {
    if (warm) {
      warm.child.stdin.end();
      const w = warm.child;
      setTimeout(() => w.kill("SIGKILL"), 2e3).unref();
      warm = null;
    }
    closeSecrets();
  };
  return {
    run: (workdir, files, dest, opts = {}) => runPull(
      spawnSend,
      () => {
        const w = warm;
        warm = null;
        return w;
      },
      workdir,
      files,
      dest,
      opts
    ),
    close
  };
}
async function runPull(spawnSend, takeWarm, workdir, files, dest, opts) {
  const total = files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  let thisRun = 0;
  const t0 = Date.now();
  const progress = () => opts.onProgress?.({ bytesDone: done, bytesTotal: total, bytesThisRun: thisRun, elapsedS: (Date.now() - t0) / 1e3 });
  const timer = opts.onProgress ? setInterval(progress, opts.progressEveryMs ?? 3e3) : void 0;
  const arrived = [];
  const errors = [];
  const startedOver = /* @__PURE__ */ new Set();
  let network = false;
  const prepare = async (f, fresh) => {
    const final = join(dest, f.path);
    const part = `${final}.part`;
    mkdirSync(dirname(final), { recursive: true });
    if (fresh) {
      rmSync(final, { force: true });
      rmSync(part, { force: true });
    }
    let have = 0;
    let fromFinal = false;
    if (existsSync(final)) {
      if (statSync(final).size === f.bytes) {
        have = f.bytes;
        fromFinal = true;
        rmSync(part, { force: true });
      } else rmSync(final);
    }
    if (!fromFinal && existsSync(part)) {
      have = statSync(part).size;
      if (have > f.bytes) {
        truncateSync(part, 0);
        have = 0;
      }
    }
    const hash = createHash("sha256");
    const sink = opts.sink?.(f.path);
    await readInto(fromFinal ? final : part, have, (b) => {
      hash.update(b);
      sink?.write(b);
    });
    done += have;
    return { f, final, part, have, fromFinal, hash, sink, got: 0, fd: null, bytesDone: false, trailer: null, settled: false };
  };
  const fail = (s, err, keepPart) => {
    s.settled = true;
    if (!keepPart) rmSync(s.part, { force: true });
    errors.push(err);
  };
  const settle = (s, retry) => {
    if (s.settled || !s.bytesDone || !s.trailer) return;
    if ("changed" in s.trailer) {
      fail(s, new PullError(s.f.path, `${s.f.path} changed on the box since the listing (${s.trailer.changed}): collect again once it is settled`), false);
      return;
    }
    s.settled = true;
    const sha = s.hash.digest("hex");
    if (sha !== s.trailer.sha) {
      if (s.have > 0 && !startedOver.has(s.f.path)) {
        startedOver.add(s.f.path);
        done -= s.have + s.got;
        retry.push({ ...s.f });
        rmSync(s.part, { force: true });
        if (s.fromFinal) rmSync(s.final, { force: true });
        return;
      }
      rmSync(s.part, { force: true });
      errors.push(
        new PullError(
          s.f.path,
          `${s.f.path}: the box's sha256 (${s.trailer.sha.slice(0, 12)}\u2026) is not the sha256 of the bytes that arrived (${sha.slice(0, 12)}\u2026): collect again; if it repeats, the box is not sending what it hashes`
        )
      );
      return;
    }
    if (!s.fromFinal) {
      try {
        if (!existsSync(s.part)) closeSync(openSync(s.part, "a"));
        renameSync(s.part, s.final);
      } catch (err) {
        errors.push(new PullError(s.f.path, `${s.f.path} arrived but could not be put in place: ${err.message}`));
        return;
      }
    }
    const a = { path: s.f.path, bytes: s.f.bytes, sha256: sha };
    arrived.push(a);
    opts.onArrived?.(a, s.sink);
  };
  const stream = async (group, fresh, retry) => {
    const slots = [];
    for (const f of group) slots.push(await prepare(f, fresh.has(f.path)));
    if (opts.signal?.aborted) throw new PullError(group[0]?.path ?? "", "the pull was stopped");
    const list = slots.map((s) => `${s.have} ${s.f.bytes} ${s.f.mtime} ${s.f.path}`).join("\n");
    const { child, closed } = takeWarm() ?? spawnSend();
    const stop = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", stop, { once: true });
    child.stdin.end(scriptStdin("send", dataLines({ workdir, files: list })));
    let stderr = "";
    let lineBuf = "";
    let refused = null;
    let overflow = false;
    let writeError;
    let cur = 0;
    const advance = () => {
      for (; cur < slots.length; cur++) {
        const s = slots[cur];
        if (s.got < s.f.bytes - s.have) return;
        if (s.fd !== null) closeSync(s.fd);
        s.fd = null;
        s.bytesDone = true;
        settle(s, retry);
      }
    };
    advance();
    child.stdout.on("data", (chunk) => {
      let b = chunk;
      while (b.length && !overflow && !writeError) {
        const s = slots[cur];
        if (!s) {
          overflow = true;
          child.kill("SIGKILL");
          return;
        }
        const take = Math.min(b.length, s.f.bytes - s.have - s.got);
        const piece = b.subarray(0, take);
        try {
          s.fd ??= openSync(s.part, "a");
          writeSync(s.fd, piece);
        } catch (err) {
          writeError = err;
          child.kill("SIGKILL");
          return;
        }
        s.hash.update(piece);
        s.sink?.write(piece);
        s.got += take;
        done += take;
        thisRun += take;
        b = b.subarray(take);
        advance();
      }
    });
    const onLine = (line) => {
      const m = TRAILER.exec(line);
      if (!m) return;
      if (m[1] === "refused") {
        refused = `${m[2] ?? ""} ${m[3] ?? ""}`.trim();
        return;
      }
      const s = slots[Number(m[2])];
      if (!s || s.trailer) return;
      if (m[1] === "sent") s.trailer = /^[0-9a-f]{64}$/.test(m[3] ?? "") ? { sha: m[3] } : { changed: "its hash line is not a sha256" };
      else s.trailer = { changed: (m[3] ?? "").replace(/[^\x20-\x7e]/g, "?") };
      settle(s, retry);
    };
    child.stderr.on("data", (d) => {
      const text = d.toString("latin1");
      stderr = (stderr + text).slice(-2e3);
      lineBuf += text;
      const lines = lineBuf.split("\n");
      lineBuf = (lines.pop() ?? "").slice(-1e3);
      for (const l of lines) onLine(l);
    });
    const code2 = await closed;
    opts.signal?.removeEventListener("abort", stop);
    if (lineBuf) onLine(lineBuf);
    for (const s of slots) {
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
    }
    const said = stderr.split("\n").filter((l) => l.trim() && !TRAILER.test(l)).pop()?.replace(/[^\x20-\x7e]/g, "?").slice(0, 300);
    const open = slots.filter((s) => !s.settled);
    if (overflow) {
      const last = slots[slots.length - 1];
      errors.unshift(new PullError(last.f.path, `the box sent more bytes than were asked for (after ${last.f.path}): nothing past them was written`));
      for (const s of open) {
        s.settled = true;
        rmSync(s.part, { force: true });
      }
      return;
    }
    if (writeError) {
      const e = writeError;
      for (const s of open)
        fail(
          s,
          new PullError(
            s.f.path,
            e.code === "ENOSPC" ? `the runner's disk is full while writing ${s.final}; free space and rerun (the partial file resumes)` : `writing ${s.part} failed: ${e.message}`
          ),
          true
        );
      return;
    }
    for (const s of open) {
      if (s.trailer && "changed" in s.trailer) {
        s.bytesDone = true;
        settle(s, retry);
      } else if (code2 === 255) {
        network = true;
        fail(
          s,
          new PullError(
            s.f.path,
            `ssh exited 255 after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}${said ? `: ${said}` : ""}; rerun to resume`,
            true
          ),
          true
        );
      } else if (refused !== null) {
        fail(
          s,
          new PullError(
            s.f.path,
            `the box refused the transfer: ${String(refused).replace(/[^\x20-\x7e]/g, "?").slice(0, 200)}`
          ),
          true
        );
      } else if (code2 === 3 && s.got === 0 && !s.trailer) {
        retry.push(s.f);
        s.settled = true;
      } else {
        fail(
          s,
          new PullError(
            s.f.path,
            `the transfer ended (exit ${code2}) after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}${s.trailer ? "" : ", with no hash from the box"}${said ? `: ${said}` : ""}; rerun to resume`
          ),
          true
        );
      }
    }
  };
  try {
    let pending = [...files];
    let fresh = /* @__PURE__ */ new Set();
    for (let round = 0; pending.length && !network && round <= files.length + 1; round++) {
      const retry = [];
      await Promise.all(groups(pending, opts.parallel ?? 4).map((g) => stream(g, fresh, retry)));
      fresh = new Set(retry.filter((f) => startedOver.has(f.path)).map((f) => f.path));
      pending = retry;
    }
    progress();
    if (errors.length) throw errors[0];
    if (pending.length) throw new PullError(pending[0]?.path ?? "", `${pending.length} files were never sent; rerun to resume`);
    return { files: arrived.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0), bytesThisRun: thisRun };
  } finally {
    if (timer) clearInterval(timer);
  }
}
function groups(files, n) {
  const out = Array.from({ length: Math.max(1, Math.min(n, files.length)) }, () => ({ bytes: 0, files: [] }));
  for (const f of [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))) {
    const g = out.reduce((a, b) => b.bytes < a.bytes ? b : a);
    g.bytes += f.bytes;
    g.files.push(f);
  }
  return out.map((g) => g.files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).filter((g) => g.length);
}

// src/collect/artifacts.ts
function planArtifacts(runId, filesSha2562, root, files, records, verified) {
  const base = `tether-${runId}-${filesSha2562.slice(0, 12)}`;
  return [
    { kind: "checkpoints", name: `${base}-checkpoints${verified ? "" : "-unverified"}`, root, files: files.map((f) => f.path), bytes: sum(files) },
    { kind: "records", name: `${base}-records${verified ? "" : "-unverified"}`, root, files: records.map((f) => f.path), bytes: sum(records) }
  ];
}
var sum = (fs) => fs.reduce((a, f) => a + f.bytes, 0);
function budgetWarning(plans, budgetBytes, retentionDays) {
  const total = sum(plans);
  if (total <= budgetBytes) return null;
  return `artifacts total ${human(total)}, over the artifact-budget of ${human(budgetBytes)}. GitHub includes 500 MB of artifact storage on Free, 1 GB on Pro, 2 GB on Team, 50 GB on Enterprise Cloud (public repositories are free); storage accrues as GB-hours until the artifacts expire (${retentionDays ? `${retentionDays} days` : "the repository's retention"}) and deleting does not refund the month. Uploading anyway: if the quota is hit the upload fails and the files stay on the runner.`;
}
function renderArtifacts(uploaded, warning) {
  const lines = ["#### Artifacts", "", "| artifact | id | size | sha256 (zip) |", "|---|---|---|---|"];
  for (const a of uploaded)
    lines.push(
      `| \`${a.name}\`${a.reused ? " (kept: the same files were already uploaded in this workflow run)" : ""} | ${a.id} | ${human(a.size)} | \`${a.digest.slice(0, 16)}\` |`
    );
  if (warning) lines.push("", `> \u26A0\uFE0F ${warning}`);
  return lines.join("\n");
}

// src/collect/report.ts
function renderCollect(runId, m, files, c, verifiedPath) {
  const lines = [
    `### ${verifiedPath ? "\u2705" : "\u274C"} tether collect \u2014 ${code(runId)}: ${verifiedPath ? "verified" : "NOT verified"}`,
    "",
    `${m.file_count} files, ${(m.total_bytes / 1e6).toFixed(1)} MB, attempt ${m.attempt}${m.latest_only ? ", latest checkpoint only" : ""}.${verifiedPath ? ` Proof: ${code(verifiedPath)}.` : ""}`,
    "",
    "| file | size | sha256 | verifier | tensors | result |",
    "|---|---|---|---|---|---|",
    ...files.map((f) => {
      const bad = [...f.result.problems, ...f.result.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`), ...f.trusted ? [f.trusted] : []];
      return `| ${code(f.path)} | ${f.bytes} | \`${f.sha256.slice(0, 12)}\` | ${f.result.format} | ${f.result.tensors.length || "\u2014"} | ${bad.length ? `\u274C ${inert(bad.join("; "))}` : `\u2705${f.result.note ? ` ${inert(f.result.note)}` : ""}`} |`;
    }),
    ""
  ];
  for (const [label, list] of [
    ["missing", c.missing],
    ["not in the manifest", c.extra],
    ["size differs", c.sizeMismatch],
    ["sha256 differs", c.hashMismatch]
  ]) {
    if (list.length) lines.push(`- \u274C ${label}: ${list.map((p) => code(p)).join(", ")}`);
  }
  return lines.join("\n");
}
function renderPullFailure(runId, why) {
  return `### \u274C tether collect \u2014 ${code(runId)}: NOT verified

The pull stopped: ${inert(why)}

Nothing was marked verified. Files that arrived whole are kept; partial ones stay as \`.part\` and a rerun resumes them.`;
}

// src/collect/decision.ts
function decide(c, reports) {
  const failed = reports.filter((r) => !r.result.ok || r.trusted);
  const reasons = [
    ...c.missing.map((p) => `${p} missing`),
    ...c.extra.map((p) => `${p} not in the manifest`),
    ...c.sizeMismatch.map((p) => `${p} size differs`),
    ...c.hashMismatch.map((p) => `${p} sha256 differs`),
    ...failed.map((r) => `${r.path}: ${r.trusted ?? problemsText(r.result)}`)
  ];
  return { verified: c.ok && failed.length === 0, reasons };
}

// src/collect/manifest.ts
function completeness(m, local) {
  const have = new Map(local.map((f) => [f.path, f]));
  const want = new Map(m.files.map((f) => [f.path, f]));
  const missing = m.files.filter((f) => !have.has(f.path)).map((f) => f.path);
  const extra = local.filter((f) => !want.has(f.path)).map((f) => f.path);
  const sizeMismatch = [];
  const hashMismatch = [];
  for (const f of m.files) {
    const l = have.get(f.path);
    if (!l) continue;
    if (l.bytes !== f.bytes) sizeMismatch.push(f.path);
    else if (l.sha256 !== f.sha256) hashMismatch.push(f.path);
  }
  return { ok: !missing.length && !extra.length && !sizeMismatch.length && !hashMismatch.length, missing, extra, sizeMismatch, hashMismatch };
}

// src/collect/collect.ts
async function collect(box, deps) {
  const runState = await deps.look();
  const listing = await deps.list();
  const foreign = foreignFiles(listing, runState);
  const listed = new Set(listing.files.map((f) => f.path));
  const reports = /* @__PURE__ */ new Map();
  const sha = /* @__PURE__ */ new Map();
  let queue = Promise.resolve();
  const arrived = (f, scans) => {
    if (!listed.has(f.path) || sha.has(f.path)) return;
    sha.set(f.path, f.sha256);
    queue = queue.then(async () => {
      reports.set(f.path, await verifyFile(deps, f, scans));
    });
  };
  const pullFailure = await deps.pull(listing, arrived);
  await queue;
  if (pullFailure !== null) return { listing, runState, foreign, pullFailure, verified: false, reasons: [pullFailure] };
  const missing = listing.files.filter((f) => !sha.has(f.path)).map((f) => f.path);
  if (missing.length) {
    const why = `the transfer ended without ${missing.length} listed files (${missing.slice(0, 5).join(", ")})`;
    return { listing, runState, foreign, pullFailure: why, verified: false, reasons: [why] };
  }
  const { manifest, text } = manifestFromListing(listing, sha);
  deps.writeRecord("manifest.json", text);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const local = deps.listLocal().map(({ path, bytes }) => {
    const want = byPath.get(path);
    return { path, bytes, sha256: want && bytes === want.bytes ? want.sha256 : "" };
  });
  const c = completeness(manifest, local);
  const ordered = manifest.files.map((f) => reports.get(f.path)).filter((r) => r !== void 0);
  const { verified, reasons } = decide(c, ordered);
  if (verified) deps.writeRecord("VERIFIED.json", verifiedJson(manifest, text, deps.now(), box, VERIFIER_VERSIONS, runState));
  return { listing, runState, foreign, pullFailure: null, manifest, text, reports: ordered, completeness: c, verified, reasons };
}
function foreignFiles(listing, s) {
  if (s.finished_at === "running") return [];
  const end = Date.parse(s.finished_at) / 1e3;
  if (!Number.isFinite(end)) return [];
  return listing.files.filter((f) => Number(f.mtime) > end + FOREIGN_SLACK_S).map((f) => f.path);
}
async function verifyFile(deps, f, scans) {
  let src;
  try {
    src = await deps.open(f.path);
  } catch (err) {
    const problem = `it cannot be read back on the runner (${err.message.slice(0, 200)})`;
    return {
      path: f.path,
      bytes: f.bytes,
      sha256: f.sha256,
      result: { format: "unreadable", ok: false, problems: [problem], tensors: [], nonFinite: [] },
      trusted: null
    };
  }
  try {
    const result = await verifyOne(f.path, src, scans);
    const trusted = result.ok && deps.trustedLoad ? await deps.trustedLoad(f.path) : null;
    return { path: f.path, bytes: src.size, sha256: f.sha256, result, trusted };
  } finally {
    await src.close();
  }
}

// src/verify/verifiers/zip-stream.ts
import { crc32 } from "node:zlib";
var LOCAL = 67324752;
var DESCRIPTOR = Buffer.from([80, 75, 7, 8]);
var HOLD = 23;
var MAX_ENTRIES = 1e5;
var ZipStreamScan = class {
  constructor(dtypesOf, pklMax) {
    this.dtypesOf = dtypesOf;
    this.pklMax = pklMax;
  }
  dtypesOf;
  pklMax;
  pos = 0;
  state = { kind: "header", need: 30 };
  head = [];
  headLen = 0;
  dtypes = null;
  dataPrefix = null;
  found = /* @__PURE__ */ new Map();
  get scans() {
    return this.found;
  }
  write(chunk) {
    let b = chunk;
    while (b.length && this.state.kind !== "stop") {
      const s = this.state;
      if (s.kind === "header") {
        const take = Math.min(b.length, s.need - this.headLen);
        this.head.push(b.subarray(0, take));
        this.headLen += take;
        this.pos += take;
        b = b.subarray(take);
        if (this.headLen === s.need) this.header();
      } else if (s.kind === "skip") {
        const take = Math.min(b.length, s.left);
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.nextHeader();
      } else if (s.kind === "data" && s.left !== null) {
        const take = Math.min(b.length, s.left);
        this.data(s, b.subarray(0, take));
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.endEntry(s);
      } else if (s.kind === "data") {
        b = this.openData(s, b);
      }
    }
  }
  nextHeader() {
    this.head = [];
    this.headLen = 0;
    this.state = { kind: "header", need: 30 };
  }
  header() {
    const h = Buffer.concat(this.head);
    const sig = h.readUInt32LE(0);
    if (sig !== LOCAL || this.found.size >= MAX_ENTRIES) {
      this.state = { kind: "stop" };
      return;
    }
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    if (h.length < 30 + nameLen + extraLen) {
      this.state = { kind: "header", need: 30 + nameLen + extraLen };
      return;
    }
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    let csize = h.readUInt32LE(18);
    let usize = h.readUInt32LE(22);
    const name = h.toString("utf8", 30, 30 + nameLen);
    if (csize === 4294967295 || usize === 4294967295) {
      let z;
      try {
        z = zip64Values(h.subarray(30 + nameLen, 30 + nameLen + extraLen), [
          ...usize === 4294967295 ? ["size"] : [],
          ...csize === 4294967295 ? ["compressedSize"] : []
        ]);
      } catch {
        return void (this.state = { kind: "stop" });
      }
      usize = z.size ?? usize;
      csize = z.compressedSize ?? csize;
      if (!Number.isSafeInteger(usize) || !Number.isSafeInteger(csize) || usize === 4294967295 || csize === 4294967295)
        return void (this.state = { kind: "stop" });
    }
    const described = (flags & 8) !== 0;
    this.head = [];
    this.headLen = 0;
    if (method !== 0 || !described && csize !== usize) {
      if (described) return void (this.state = { kind: "stop" });
      this.state = csize > 0 ? { kind: "skip", left: csize } : { kind: "header", need: 30 };
      return;
    }
    const isPkl = this.dataPrefix === null && (name === "data.pkl" || /^[^/]+\/data\.pkl$/.test(name));
    if (isPkl) this.dataPrefix = name.slice(0, -"data.pkl".length);
    let dtype = null;
    if (!isPkl && this.dtypes && this.dataPrefix !== null && name.startsWith(`${this.dataPrefix}data/`)) {
      const d = this.dtypes.get(name.slice(this.dataPrefix.length + "data/".length));
      if (d && FLOAT_DTYPES.has(d)) dtype = d;
    }
    const s = {
      kind: "data",
      name,
      start: this.pos,
      left: described ? null : csize,
      seen: 0,
      crc: 0,
      dtype,
      bad: 0,
      carry: null,
      keep: isPkl && (described || csize <= this.pklMax) ? [] : null,
      keptBytes: 0,
      hold: null
    };
    this.state = s;
    if (csize === 0 && !described) this.endEntry(s);
  }
  /**
   * Stored data of unknown length: it ends where a data descriptor stands whose sizes are the bytes seen so far
   * and whose CRC32 is theirs. Returns what is left of the piece after the entry ended (or nothing).
   */
  openData(s, piece) {
    const buf = s.hold ? Buffer.concat([s.hold, piece]) : piece;
    const base = this.pos - (s.hold?.length ?? 0);
    s.hold = null;
    let from = 0;
    for (; ; ) {
      const i = buf.indexOf(DESCRIPTOR, from);
      if (i < 0 || i > buf.length - HOLD - 1) {
        const upTo = Math.max(from, buf.length - HOLD);
        this.data(s, buf.subarray(from, upTo));
        s.hold = Buffer.from(buf.subarray(upTo));
        this.pos = base + buf.length;
        return Buffer.alloc(0);
      }
      this.data(s, buf.subarray(from, i));
      const len = s.seen;
      const crcOk = buf.readUInt32LE(i + 4) === s.crc >>> 0;
      let desc = 0;
      if (crcOk && buf.readUInt32LE(i + 8) === len && buf.readUInt32LE(i + 12) === len) desc = 16;
      else if (crcOk && buf.readBigUInt64LE(i + 8) === BigInt(len) && buf.readBigUInt64LE(i + 16) === BigInt(len)) desc = 24;
      if (desc) {
        this.pos = base + i;
        this.endEntry(s);
        this.pos = base + i + desc;
        return buf.subarray(i + desc);
      }
      this.data(s, buf.subarray(i, i + 1));
      from = i + 1;
    }
  }
  data(s, b) {
    if (!b.length) return;
    s.crc = crc32(b, s.crc);
    s.seen += b.length;
    if (s.keep) {
      s.keptBytes += b.length;
      if (s.keptBytes > this.pklMax) s.keep = null;
      else s.keep.push(Buffer.from(b));
    }
    if (!s.dtype) return;
    const item = s.dtype === "float64" ? 8 : s.dtype === "float32" ? 4 : 2;
    let buf = s.carry ? Buffer.concat([s.carry, b]) : b;
    const whole = buf.length - buf.length % item;
    if (whole) s.bad += nonFiniteIn(buf.subarray(0, whole), s.dtype);
    buf = buf.subarray(whole);
    s.carry = buf.length ? Buffer.from(buf) : null;
  }
  endEntry(s) {
    this.found.set(s.start, { dataOffset: s.start, size: s.seen, crc: s.crc >>> 0, dtype: s.carry ? null : s.dtype, nonFinite: s.bad });
    if (s.keep) {
      try {
        this.dtypes = this.dtypesOf(Buffer.concat(s.keep));
      } catch {
        this.dtypes = null;
      }
    }
    this.nextHeader();
  }
};

// src/verify/stream-scan.ts
function streamScanFor(_path) {
  const z = new ZipStreamScan(storageDtypes, TORCH_PKL_MAX);
  return { write: (chunk) => z.write(chunk), scans: () => z.scans };
}

// src/collect/phase.ts
function listLocal(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join2(dir, name);
    const st = statSync2(p);
    if (st.isDirectory()) out.push(...listLocal(p, base));
    else if (!/(\.part|\.tmp)$/.test(name) && !(dir === base && (name === "manifest.json" || name === "VERIFIED.json")))
      out.push({ path: relative(base, p), bytes: st.size });
  }
  return out;
}
function removeProofs(dir) {
  for (const name of readdirSync(dir)) {
    const p = join2(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) removeProofs(p);
    else if (/^verified\.json(\.tmp)?$/i.test(name)) rmSync2(p, { force: true });
  }
}
function pinnedTarget(cfg, pinned, hostKey) {
  const { conn, cred } = pinned;
  return {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    knownHostsLine: knownHostsLine(conn.host, conn.port, hostKey),
    identity: "privateKey" in cred ? { key: cred.privateKey } : { agent: cred.agent },
    connectTimeoutS: Math.ceil(conn.connectTimeoutMs / 1e3),
    stallTimeoutS: cfg.stallTimeoutS
  };
}
async function pull(cfg, puller, listing, dest, reporter, arrived) {
  try {
    await puller.run(listing.workdir, listing.files, dest, {
      parallel: cfg.parallel,
      // Every byte also goes through a zip walk as it lands: a torch checkpoint's CRCs and NaN/Inf scan are done on arrival.
      sink: (path) => streamScanFor(path),
      // The sink is the scan made above for this file.
      onArrived: (f, sink) => arrived(f, sink?.scans()),
      onProgress: (p) => {
        const rate = p.bytesThisRun / Math.max(p.elapsedS, 1e-3);
        const eta = rate > 0 ? Math.round((p.bytesTotal - p.bytesDone) / rate) : 0;
        reporter.info(
          `collect: ${Math.round(100 * p.bytesDone / Math.max(p.bytesTotal, 1))}% ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}, ${(rate / 1e6).toFixed(0)} MB/s, ETA ${eta} s`
        );
      }
    });
    return null;
  } catch (err) {
    if (err instanceof PullError) return err.message;
    throw err;
  }
}
var mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
function liveWarning(runId, s) {
  if (allEnded(s)) return null;
  return `run ${runId} is live (${whereText(s)}): these are mid-run results; the proof records it as not ended, so teardown refuses while it runs unless stop-running: true`;
}
function foreignWarning(runId, s, foreign) {
  if (!foreign.length) return null;
  const names = foreign.slice(0, 10).join(", ") + (foreign.length > 10 ? ` and ${foreign.length - 10} more` : "");
  return `foreign-checkpoints: ${foreign.length} file(s) are newer than run ${runId}'s end (${s.finished_at}), so another run or process wrote them: ${names}`;
}
function recordOutputs(reporter, listing, m, dest, verifiedPath) {
  reporter.output("verified", String(verifiedPath !== null));
  reporter.output("verified-path", verifiedPath ?? "");
  reporter.output("manifest-sha256", m ? manifestSha256(m.text) : "");
  reporter.output("files-sha256", m ? filesSha256(m.manifest) : "");
  reporter.output("files", String(listing.files.length));
  reporter.output("bytes", String(listing.total_bytes));
  reporter.output("dest", dest);
}
async function uploadArtifacts(uploader, cfg, manifest, text, dest, verifiedPath, reporter) {
  const records = [
    { path: "manifest.json", bytes: Buffer.byteLength(text) },
    ...verifiedPath ? [{ path: "VERIFIED.json", bytes: statSync2(verifiedPath).size }] : []
  ];
  const plans = planArtifacts(
    cfg.runId,
    filesSha256(manifest),
    dest,
    manifest.files.filter((f) => existsSync2(join2(dest, f.path))),
    records,
    verifiedPath !== null
  );
  const warning = budgetWarning(plans, cfg.artifactBudgetBytes, cfg.retentionDays);
  if (warning) reporter.warn(`collect: ${warning}`);
  const uploaded = [];
  let error = null;
  try {
    for (const plan of plans) {
      reporter.info(`collect: uploading artifact ${plan.name} (${plan.files.length} files, ${mb(plan.bytes)})`);
      const u = await uploader.upload(plan, cfg.retentionDays);
      uploaded.push(u);
      reporter.info(
        `collect: artifact ${u.name} ${u.reused ? "with the same files was already uploaded in this workflow run, kept" : "uploaded"}: id ${u.id}, ${mb(u.size)}, sha256 ${u.digest}`
      );
    }
  } catch (err) {
    error = err.message;
  }
  const [cp, rec] = uploaded;
  if (cp) {
    reporter.output("artifact-name", cp.name);
    reporter.output("artifact-id", String(cp.id));
    reporter.output("artifact-digest", cp.digest);
  }
  if (rec && verifiedPath) reporter.output("verified-artifact", rec.name);
  return { summary: renderArtifacts(uploaded, warning) + (error ? `

\u274C ${error}` : ""), error };
}
async function collectPhase(cfg, ctx) {
  const { reporter, ports } = ctx;
  const workspace = ports.workspace;
  const artifacts = ports.artifacts?.();
  const noUpload = artifacts ? artifacts.unavailable() : "this is the CLI: artifacts are uploaded by the collect action";
  if (cfg.artifact !== "none" && noUpload && cfg.artifactExplicit)
    throw new InputError("artifact", `${cfg.artifact} needs the GitHub Actions artifact service, but ${noUpload}; use artifact: none`);
  const uploader = cfg.artifact !== "none" && !noUpload ? artifacts : void 0;
  const conn = cfg.conn;
  const pinned = { conn, cred: loadCredential(conn.key) };
  const dest = join2(resolve(workspace, cfg.destDir), cfg.runId);
  try {
    mkdirSync2(dest, { recursive: true });
  } catch (err) {
    throw new InputError("dest-dir", `cannot create ${dest}: ${err.message}`);
  }
  const verifiedPath = join2(dest, "VERIFIED.json");
  removeProofs(dest);
  const { session } = await openPinned(pinned, reporter);
  const box = {
    host: conn.host,
    port: conn.port,
    host_key_fingerprint: session.hostFingerprint,
    provider: cfg.card?.provider ?? null,
    instance_id: cfg.card?.instanceId ?? null
  };
  const puller = streamPull(pinnedTarget(cfg, pinned, session.hostKey));
  let outcome;
  try {
    outcome = await collect(box, {
      look: async () => {
        const at = /* @__PURE__ */ new Date();
        const state = stateOfLook(await lookAtRun(cfg.runId, (runs) => probeOn(session, cfg.runRoot, runs), at), at);
        reporter.info(`collect: run ${cfg.runId} is ${whereText(state)}`);
        return state;
      },
      list: async () => {
        const listing = await listFiles(session, cfg.runRoot, cfg.runId, { latestOnly: cfg.latestOnly, roster: cfg.roster, cells: cfg.cells });
        reporter.info(
          `collect: the box lists ${listing.files.length} files, ${mb(listing.total_bytes)}${listing.latest_only ? " (latest checkpoint only)" : ""}`
        );
        const links = listing.skipped_symlinks;
        if (links)
          reporter.warn(
            `collect: ${links.count} symlink(s) matched the checkpoint globs and were skipped (never followed or pulled): ${links.names.join(", ")}${links.count > links.names.length ? ", \u2026" : ""}`
          );
        return listing;
      },
      pull: (listing, arrived) => pull(cfg, puller, listing, dest, reporter, arrived),
      writeRecord: (name, text) => {
        const tmp = `${join2(dest, name)}.tmp`;
        writeFileSync(tmp, text);
        renameSync2(tmp, join2(dest, name));
      },
      listLocal: () => listLocal(dest),
      open: (path) => fileSource(join2(dest, path)),
      ...cfg.trustedLoadCommand ? { trustedLoad: (path) => trustedLoad(cfg.trustedLoadCommand, join2(dest, path), dest) } : {},
      now: () => /* @__PURE__ */ new Date()
    });
  } finally {
    puller.close();
    session.close();
  }
  return reportOutcome(cfg, outcome, dest, verifiedPath, uploader, reporter);
}
async function reportOutcome(cfg, outcome, dest, verifiedPath, uploader, reporter) {
  const ok = outcome.verified;
  const live = liveWarning(cfg.runId, outcome.runState);
  if (live) reporter.warn(`collect: ${live}`);
  const foreign = foreignWarning(cfg.runId, outcome.runState, outcome.foreign);
  if (foreign) reporter.warn(`collect: ${foreign}`);
  const notes = [live, foreign].filter((n) => n !== null).map((n) => `> \u26A0\uFE0F **${inert(n)}**`);
  if (outcome.pullFailure !== null) {
    recordOutputs(reporter, outcome.listing, null, dest, null);
    reporter.summary([renderPullFailure(cfg.runId, outcome.pullFailure), ...notes].join("\n\n"));
    reporter.error(`collect: pull failed, nothing marked verified: ${outcome.pullFailure}`);
    return 1;
  }
  const { manifest, text, reports } = outcome;
  const c = outcome.completeness;
  const summary = [renderCollect(cfg.runId, manifest, reports, c, ok ? verifiedPath : null), ...notes];
  recordOutputs(reporter, outcome.listing, { manifest, text }, dest, ok ? verifiedPath : null);
  let uploadError = null;
  if (uploader && (ok || cfg.artifact === "all")) {
    const up = await uploadArtifacts(uploader, cfg, manifest, text, dest, ok ? verifiedPath : null, reporter);
    uploadError = up.error;
    summary.push(up.summary);
  } else if (cfg.artifact !== "none" && !ok) {
    summary.push("#### Artifacts\n\nNothing uploaded: the collect is not verified (`artifact: all` uploads unverified files too, named `\u2026-unverified`).");
  }
  if (cfg.card)
    summary.push(
      renderCard({
        ...cfg.card,
        runId: cfg.runId,
        verified: ok ? { files: manifest.file_count, bytes: manifest.total_bytes } : null,
        run: { state: outcome.runState, source: `seen on the box at ${outcome.runState.observed_at}` },
        now: /* @__PURE__ */ new Date()
      })
    );
  reporter.summary(summary.join("\n\n"));
  if (!ok) {
    const reasons = outcome.reasons;
    reporter.error(`collect: not verified, nothing marked verified: ${reasons.join(" | ")}`);
    if (uploadError) reporter.error(`collect: ${uploadError}`);
    return 1;
  }
  reporter.info(`collect: verified ${manifest.file_count} files, ${mb(manifest.total_bytes)}; wrote ${verifiedPath}`);
  if (uploadError) {
    reporter.error(`collect: verified, but ${uploadError}`);
    return 1;
  }
  return 0;
}
export {
  collectPhase
};
