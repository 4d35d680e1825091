import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PullError,
  VERIFIER_VERSIONS,
  fileSource,
  problemsText,
  streamPull,
  streamScanFor,
  trustedLoad,
  verifyOne
} from "./chunk-3KG4PWBO.js";
import {
  renderCard,
  renderNodesCard
} from "./chunk-2AWUQYDH.js";
import {
  ListingRefused,
  listFiles,
  lookAtRun,
  stateOfLook
} from "./chunk-T2Y6MVLQ.js";
import "./chunk-OS6SLAAT.js";
import {
  VERIFIED_MAC,
  filesSha256,
  manifestSha256,
  verifiedJson,
  verifiedMac
} from "./chunk-65PSXXA3.js";
import {
  manifestFromListing
} from "./chunk-D7CFNTPV.js";
import {
  pullTargetFor
} from "./chunk-ZFPQ7UQN.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import "./chunk-MWGZB4YN.js";
import "./chunk-GAEFUSNO.js";
import {
  human
} from "./chunk-XUWSLT73.js";
import "./chunk-4EKRVZSS.js";
import "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import {
  probeOn
} from "./chunk-X5TEVKNF.js";
import "./chunk-BNPK6FFL.js";
import "./chunk-H57H7UT2.js";
import "./chunk-PFQFTWQV.js";
import {
  FOREIGN_SLACK_S,
  allEnded,
  whereText
} from "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import "./chunk-D4LSXUI5.js";
import {
  macKeyOf
} from "./chunk-DHT7G7Q2.js";
import "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import {
  rankDir
} from "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/collect/phase.ts
import { existsSync, mkdirSync as mkdirSync2, readFileSync, renameSync, statSync as statSync2, writeFileSync } from "node:fs";
import { join as join3, resolve as resolve2 } from "node:path";

// src/collect/progress.ts
var mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
var rateText = (bytesPerS) => `${(bytesPerS / 1e6).toFixed(bytesPerS < 1e7 ? 1 : 0)} MB/s`;
function progressLine(p) {
  const head = `collect: ${Math.round(100 * p.bytesDone / Math.max(p.bytesTotal, 1))}% ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}`;
  const measured = p.elapsedS >= 1 && p.bytesThisRun >= 1e6;
  const rate = p.bytesThisRun / Math.max(p.elapsedS, 1e-3);
  if (p.bytesDone >= p.bytesTotal) {
    const moved = p.bytesThisRun < p.bytesTotal ? `, ${mb(p.bytesThisRun)} moved this run` : "";
    return measured ? `${head} in ${p.elapsedS.toFixed(1)} s, ${rateText(rate)}${moved}` : `${head}${moved}`;
  }
  if (!measured) return head;
  return `${head}, ${rateText(rate)}, ETA ${Math.round((p.bytesTotal - p.bytesDone) / rate)} s`;
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

// src/collect/nodes.ts
import { mkdirSync } from "node:fs";
import { join as join2, resolve } from "node:path";

// src/collect/local.ts
import { lstatSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
function listLocal(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listLocal(p, base));
    else if (!/(\.part|\.tmp)$/.test(name) && !(dir === base && (name === "manifest.json" || name === "VERIFIED.json" || name === VERIFIED_MAC)))
      out.push({ path: relative(base, p), bytes: st.size });
  }
  return out;
}
function removeProofs(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) removeProofs(p);
    else if (/^verified\.(json|mac)(\.tmp)?$/i.test(name)) rmSync(p, { force: true });
  }
}

// src/collect/nodes.ts
function rankReporter(base, rank) {
  const outputs = {};
  const summaries = [];
  return {
    outputs,
    summaries,
    info: (l) => base.info(`rank ${rank}: ${l}`),
    warn: (l) => base.warn(`rank ${rank}: ${l}`),
    error: (l) => base.error(`rank ${rank}: ${l}`),
    mask: (s) => base.mask(s),
    output: (n, v) => void (outputs[n] = v),
    summary: (md) => void summaries.push(md)
  };
}
async function collectNodes(cfg, m, ctx, one) {
  const { reporter } = ctx;
  const root = join2(resolve(ctx.ports.workspace, cfg.destDir), cfg.runId);
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new InputError("dest-dir", `cannot create ${root}: ${err.message}`);
  }
  removeProofs(root);
  const read = m.from === "all" ? m.nodes : m.nodes.slice(0, 1);
  reporter.info(`collect: run ${cfg.runId} on ${m.nodes.length} nodes; collecting from ${m.from === "all" ? "every node" : "rank 0"} into ${root}/rank-<r>`);
  const done = [];
  for (const n of read) {
    const r = rankReporter(reporter, n.rank);
    const where = `${n.conn.host}:${n.conn.port}`;
    const card = cfg.card && n.instanceId ? { ...cfg.card, instanceId: n.instanceId } : null;
    const box = {
      ...cfg,
      conn: n.conn,
      runRoot: n.runRoot,
      card,
      dest: join2(root, rankDir(n.rank)),
      artifactLabel: `${cfg.runId}-rank${n.rank}`,
      cardShown: false
    };
    try {
      const res = await one(box, r);
      done.push({
        rank: n.rank,
        where,
        verified: res.exit === 0,
        outputs: r.outputs,
        summary: r.summaries.join("\n\n"),
        outcome: res.outcome,
        failure: null,
        empty: false
      });
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (err instanceof ListingRefused && err.message.startsWith("no-checkpoints:")) {
        reporter.info(`collect: rank ${n.rank} holds no checkpoint files of the run: nothing to pull from it`);
        done.push({
          rank: n.rank,
          where,
          verified: true,
          outputs: {},
          summary: "No checkpoint files of the run on this node: nothing pulled (teardown lists it again before it acts).",
          outcome: null,
          failure: null,
          empty: true
        });
        continue;
      }
      const why = err instanceof TransportError ? `${where} could not be reached (${err.kind}): ${err.message}` : err.message;
      reporter.error(`collect: rank ${n.rank}: ${why}`);
      done.push({ rank: n.rank, where, verified: false, outputs: {}, summary: "", outcome: null, failure: why, empty: false });
    }
  }
  const all = done.every((d) => d.verified) && done.some((d) => !d.empty);
  if (done.every((d) => d.empty)) reporter.error(`collect: no node read holds a checkpoint file of run ${cfg.runId}`);
  writeOutputs(reporter, root, done, all);
  reporter.summary(renderNodes(cfg, m, done, /* @__PURE__ */ new Date()));
  if (!all) {
    reporter.error(
      `collect: run ${cfg.runId} is not verified: ${done.filter((d) => !d.verified).map((d) => `rank ${d.rank}`).join(", ")} not verified`
    );
    return 1;
  }
  reporter.info(`collect: run ${cfg.runId}: ${done.length === 1 ? "rank 0" : `all ${done.length} nodes`} verified; the proofs are under ${root}`);
  return 0;
}
function writeOutputs(reporter, root, done, all) {
  const sum2 = (k) => String(done.reduce((a, d) => a + (Number(d.outputs[k]) || 0), 0));
  reporter.output("verified", String(all));
  reporter.output("verified-path", all ? root : "");
  reporter.output("files", sum2("files"));
  reporter.output("bytes", sum2("bytes"));
  reporter.output("dest", root);
  reporter.output("manifest-sha256", "");
  reporter.output("files-sha256", "");
  const records = done.filter((d) => !d.empty).map((d) => d.outputs["verified-artifact"] ?? "");
  reporter.output("verified-artifact", all && records.every(Boolean) ? records.join("\n") : "");
  reporter.output(
    "nodes-collected",
    JSON.stringify(
      done.map((d) => ({
        rank: d.rank,
        host: d.where,
        verified: d.verified,
        empty: d.empty,
        files: Number(d.outputs["files"] ?? 0),
        bytes: Number(d.outputs["bytes"] ?? 0),
        manifest_sha256: d.outputs["manifest-sha256"] ?? "",
        artifact_name: d.outputs["artifact-name"] ?? "",
        path: join2(root, rankDir(d.rank))
      }))
    )
  );
}
function renderNodes(cfg, m, done, now) {
  const head = `### tether collect \u2014 ${code(cfg.runId)} on ${m.nodes.length} nodes (collect-from: ${m.from})`;
  const parts = [head];
  for (const d of done) {
    parts.push(`#### Rank ${d.rank} \u2014 ${code(d.where)} \u2192 \`${rankDir(d.rank)}/\``);
    parts.push(d.failure ? `\u274C not collected: ${inert(d.failure)}` : d.summary);
  }
  const left = m.nodes.filter((n) => !done.some((d) => d.rank === n.rank));
  if (left.length)
    parts.push(
      `Not collected (collect-from: rank0): ${left.map((n) => `rank ${n.rank} (${code(`${n.conn.host}:${n.conn.port}`)})`).join(", ")}. Teardown tears such a node down only when a listing of it shows no checkpoint files; collect-from: all collects them too.`
    );
  if (cfg.card) {
    const card = cfg.card;
    const nodes = m.nodes.map((n) => {
      const d = done.find((x) => x.rank === n.rank);
      const o = d?.outcome;
      return {
        rank: n.rank,
        instanceId: n.instanceId ?? "?",
        verified: !d || d.empty ? "uncollected" : d.verified && o && o.pullFailure === null ? { files: o.manifest.file_count, bytes: o.manifest.total_bytes } : null,
        run: o ? { state: o.runState, source: `seen on the box at ${o.runState.observed_at}` } : { state: null, source: d ? "not collected" : "not looked at by collect" }
      };
    });
    parts.push(renderNodesCard({ provider: card.provider, verb: card.verb, runId: cfg.runId, nodes, now }));
  }
  return parts.join("\n\n");
}

// src/collect/phase.ts
async function pull(cfg, puller, listing, dest, reporter, arrived) {
  try {
    await puller.run(listing.workdir, listing.files, dest, {
      parallel: cfg.parallel,
      // Every byte also goes through a zip walk as it lands: a torch checkpoint's CRCs and NaN/Inf scan are done on arrival.
      sink: (path) => streamScanFor(path),
      // The sink is the scan made above for this file.
      onArrived: (f, sink) => arrived(f, sink?.scans()),
      onProgress: (p) => reporter.info(progressLine(p))
    });
    return null;
  } catch (err) {
    if (err instanceof PullError) return err.message;
    throw err;
  }
}
var mb2 = (b) => `${(b / 1e6).toFixed(1)} MB`;
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
    ...verifiedPath ? [{ path: "VERIFIED.json", bytes: statSync2(verifiedPath).size }] : [],
    ...verifiedPath && existsSync(join3(dest, VERIFIED_MAC)) ? [{ path: VERIFIED_MAC, bytes: statSync2(join3(dest, VERIFIED_MAC)).size }] : []
  ];
  const plans = planArtifacts(
    cfg.artifactLabel,
    filesSha256(manifest),
    dest,
    manifest.files.filter((f) => existsSync(join3(dest, f.path))),
    records,
    verifiedPath !== null
  );
  const warning = budgetWarning(plans, cfg.artifactBudgetBytes, cfg.retentionDays);
  if (warning) reporter.warn(`collect: ${warning}`);
  const uploaded = [];
  let error = null;
  try {
    for (const plan of plans) {
      reporter.info(`collect: uploading artifact ${plan.name} (${plan.files.length} files, ${mb2(plan.bytes)})`);
      const u = await uploader.upload(plan, cfg.retentionDays);
      uploaded.push(u);
      reporter.info(
        `collect: artifact ${u.name} ${u.reused ? "with the same files was already uploaded in this workflow run, kept" : "uploaded"}: id ${u.id}, ${mb2(u.size)}, sha256 ${u.digest}`
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
  const uploader = uploaderFor(cfg, ctx);
  if (cfg.nodes) return collectNodes(cfg, cfg.nodes, ctx, (one, r) => collectBox(one, r, uploader));
  const dest = join3(resolve2(ctx.ports.workspace, cfg.destDir), cfg.runId);
  return (await collectBox({ ...cfg, dest, artifactLabel: cfg.runId, cardShown: true }, ctx.reporter, uploader)).exit;
}
function uploaderFor(cfg, ctx) {
  const artifacts = ctx.ports.artifacts?.();
  const noUpload = artifacts ? artifacts.unavailable() : "this is the CLI: artifacts are uploaded by the collect action";
  if (cfg.artifact !== "none" && noUpload && cfg.artifactExplicit)
    throw new InputError("artifact", `${cfg.artifact} needs the GitHub Actions artifact service, but ${noUpload}; use artifact: none`);
  return cfg.artifact !== "none" && !noUpload ? artifacts : void 0;
}
async function collectBox(cfg, reporter, uploader) {
  const conn = cfg.conn;
  const pinned = { conn, cred: loadCredential(conn.key) };
  const dest = cfg.dest;
  try {
    mkdirSync2(dest, { recursive: true });
  } catch (err) {
    throw new InputError("dest-dir", `cannot create ${dest}: ${err.message}`);
  }
  const verifiedPath = join3(dest, "VERIFIED.json");
  removeProofs(dest);
  const { session } = await openPinned(pinned, reporter);
  const box = {
    host: conn.host,
    port: conn.port,
    host_key_fingerprint: session.hostFingerprint,
    provider: cfg.card?.provider ?? null,
    instance_id: cfg.card?.instanceId ?? null
  };
  const puller = streamPull(pullTargetFor(pinned.conn, pinned.cred, session, cfg.stallTimeoutS));
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
          `collect: the box lists ${listing.files.length} files, ${mb2(listing.total_bytes)}${listing.latest_only ? " (latest checkpoint only)" : ""}`
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
        const tmp = `${join3(dest, name)}.tmp`;
        writeFileSync(tmp, text);
        renameSync(tmp, join3(dest, name));
      },
      listLocal: () => listLocal(dest),
      open: (path) => fileSource(join3(dest, path)),
      ...cfg.trustedLoadCommand ? { trustedLoad: (path) => trustedLoad(cfg.trustedLoadCommand, join3(dest, path), dest) } : {},
      now: () => /* @__PURE__ */ new Date()
    });
  } finally {
    puller.close();
    session.close();
  }
  return { exit: await reportOutcome(cfg, outcome, dest, verifiedPath, uploader, reporter), outcome };
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
  const key = ok ? macKeyOf(cfg.conn.key) : null;
  if (key) writeFileSync(join3(dest, VERIFIED_MAC), verifiedMac(key, readFileSync(verifiedPath, "utf8")));
  let uploadError = null;
  if (uploader && (ok || cfg.artifact === "all")) {
    const up = await uploadArtifacts(uploader, cfg, manifest, text, dest, ok ? verifiedPath : null, reporter);
    uploadError = up.error;
    summary.push(up.summary);
  } else if (cfg.artifact !== "none" && !ok) {
    summary.push("#### Artifacts\n\nNothing uploaded: the collect is not verified (`artifact: all` uploads unverified files too, named `\u2026-unverified`).");
  }
  if (cfg.card && cfg.cardShown)
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
  reporter.info(`collect: verified ${manifest.file_count} files, ${mb2(manifest.total_bytes)}; wrote ${verifiedPath}`);
  if (uploadError) {
    reporter.error(`collect: verified, but ${uploadError}`);
    return 1;
  }
  return 0;
}
export {
  collectPhase
};
