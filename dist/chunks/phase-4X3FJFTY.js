import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  buildManifest,
  filesSha256,
  manifestSha256,
  renderCard,
  verifiedJson
} from "./chunk-VT4AWPTJ.js";
import {
  openPinned,
  pinnedConnection
} from "./chunk-5GYGNJNV.js";
import {
  PullError,
  VERIFIER_VERSIONS,
  decide,
  fileSource,
  pullFiles,
  trustedLoad,
  verifyOne
} from "./chunk-QIQUD4L7.js";
import "./chunk-PDDLEZQQ.js";
import "./chunk-GAEFUSNO.js";
import "./chunk-UYBCWLOC.js";
import {
  human
} from "./chunk-XUWSLT73.js";
import "./chunk-2BGGG5RC.js";
import "./chunk-JVLHI33R.js";
import "./chunk-EPCPIVQ4.js";
import {
  parseCollect
} from "./chunk-7XDFRW46.js";
import {
  code,
  inert
} from "./chunk-ADSDY35L.js";
import "./chunk-LYR5MZE4.js";
import "./chunk-T7DGWZDY.js";
import "./chunk-XSXAROAL.js";
import "./chunk-5X6WLO4A.js";
import "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  knownHostsLine
} from "./chunk-UWHVA42A.js";
import "./chunk-R3K6G2KB.js";

// src/collect/phase.ts
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";

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
  const { manifest, text } = await deps.buildManifest();
  const pullFailure = await deps.pull(manifest);
  if (pullFailure !== null) return { manifest, text, pullFailure, verified: false, reasons: [pullFailure] };
  deps.writeRecord("manifest.json", text);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const local = [];
  const reports = [];
  for (const path of deps.listLocal()) {
    const src = await deps.open(path);
    try {
      const want = byPath.get(path);
      local.push({ path, bytes: src.size, sha256: want && src.size === want.bytes ? want.sha256 : "" });
      if (!want) continue;
      const result = await verifyOne(path, src);
      const trusted = result.ok && deps.trustedLoad ? deps.trustedLoad(path) : null;
      reports.push({ path, bytes: src.size, sha256: want.sha256, result, trusted });
    } finally {
      await src.close();
    }
  }
  const c = completeness(manifest, local);
  const { verified, reasons } = decide(c, reports);
  if (verified) deps.writeRecord("VERIFIED.json", verifiedJson(manifest, text, deps.now(), box, VERIFIER_VERSIONS));
  return { manifest, text, pullFailure: null, reports, completeness: c, verified, reasons };
}

// src/collect/phase.ts
function listLocal(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listLocal(p, base));
    else if (!/(\.part|\.tmp)$/.test(name) && !(dir === base && (name === "manifest.json" || name === "VERIFIED.json"))) out.push(relative(base, p));
  }
  return out;
}
function removeProofs(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) removeProofs(p);
    else if (/^verified\.json(\.tmp)?$/i.test(name)) rmSync(p, { force: true });
  }
}
async function pull(cfg, pinned, hostKey, manifest, dest, reporter) {
  const { conn, cred } = pinned;
  const target = {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    knownHostsLine: knownHostsLine(conn.host, conn.port, hostKey),
    identity: "privateKey" in cred ? { key: cred.privateKey } : { agent: cred.agent },
    connectTimeoutS: Math.ceil(conn.connectTimeoutMs / 1e3),
    stallTimeoutS: cfg.stallTimeoutS
  };
  try {
    await pullFiles(target, manifest.workdir, manifest.files, dest, {
      parallel: cfg.parallel,
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
function recordOutputs(reporter, manifest, text, dest, verifiedPath) {
  reporter.output("verified", String(verifiedPath !== null));
  reporter.output("verified-path", verifiedPath ?? "");
  reporter.output("manifest-sha256", manifestSha256(text));
  reporter.output("files-sha256", filesSha256(manifest));
  reporter.output("files", String(manifest.file_count));
  reporter.output("bytes", String(manifest.total_bytes));
  reporter.output("dest", dest);
}
async function uploadArtifacts(uploader, cfg, manifest, text, dest, verifiedPath, reporter) {
  const records = [
    { path: "manifest.json", bytes: Buffer.byteLength(text) },
    ...verifiedPath ? [{ path: "VERIFIED.json", bytes: statSync(verifiedPath).size }] : []
  ];
  const plans = planArtifacts(
    cfg.runId,
    filesSha256(manifest),
    dest,
    manifest.files.filter((f) => existsSync(join(dest, f.path))),
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
async function collectPhase(inputs, env, reporter, workspace, artifacts) {
  const cfg = parseCollect(inputs);
  const noUpload = artifacts ? artifacts.unavailable() : "this is the CLI: artifacts are uploaded by the collect action";
  if (cfg.artifact !== "none" && noUpload && cfg.artifactExplicit)
    throw new InputError("artifact", `${cfg.artifact} needs the GitHub Actions artifact service, but ${noUpload}; use artifact: none`);
  const uploader = cfg.artifact !== "none" && !noUpload ? artifacts : void 0;
  const pinned = pinnedConnection(inputs, env, reporter);
  const { conn } = pinned;
  const dest = join(resolve(workspace, cfg.destDir), cfg.runId);
  try {
    mkdirSync(dest, { recursive: true });
  } catch (err) {
    throw new InputError("dest-dir", `cannot create ${dest}: ${err.message}`);
  }
  const verifiedPath = join(dest, "VERIFIED.json");
  removeProofs(dest);
  const { session } = await openPinned(pinned, reporter);
  const box = {
    host: conn.host,
    port: conn.port,
    host_key_fingerprint: session.hostFingerprint,
    provider: cfg.card?.provider ?? null,
    instance_id: cfg.card?.instanceId ?? null
  };
  let outcome;
  try {
    outcome = await collect(box, {
      buildManifest: async () => {
        const built = await buildManifest(session, cfg.runRoot, cfg.runId, { latestOnly: cfg.latestOnly, roster: cfg.roster, cells: cfg.cells });
        reporter.info(
          `collect: manifest lists ${built.manifest.file_count} files, ${mb(built.manifest.total_bytes)}${built.manifest.latest_only ? " (latest checkpoint only)" : ""}`
        );
        return built;
      },
      pull: (manifest2) => pull(cfg, pinned, session.hostKey, manifest2, dest, reporter),
      writeRecord: (name, text2) => {
        const tmp = `${join(dest, name)}.tmp`;
        writeFileSync(tmp, text2);
        renameSync(tmp, join(dest, name));
      },
      listLocal: () => listLocal(dest),
      open: (path) => fileSource(join(dest, path)),
      ...cfg.trustedLoadCommand ? { trustedLoad: (path) => trustedLoad(cfg.trustedLoadCommand, join(dest, path), dest) } : {},
      now: () => /* @__PURE__ */ new Date()
    });
  } finally {
    session.close();
  }
  const { manifest, text } = outcome;
  const ok = outcome.verified;
  if (outcome.pullFailure !== null) {
    recordOutputs(reporter, manifest, text, dest, null);
    reporter.summary(renderPullFailure(cfg.runId, outcome.pullFailure));
    reporter.error(`collect: pull failed, nothing marked verified: ${outcome.pullFailure}`);
    return 1;
  }
  const reports = outcome.reports;
  const c = outcome.completeness;
  const summary = [renderCollect(cfg.runId, manifest, reports, c, ok ? verifiedPath : null)];
  recordOutputs(reporter, manifest, text, dest, ok ? verifiedPath : null);
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
      renderCard({ ...cfg.card, runId: cfg.runId, verified: ok ? { files: manifest.file_count, bytes: manifest.total_bytes } : null, now: /* @__PURE__ */ new Date() })
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
