import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PROVIDERS,
  VERBS,
  buildManifest,
  completeness,
  filesSha256,
  manifestSha256,
  renderCard,
  verifiedJson,
  verifyOne
} from "./chunk-IKFBVN2Y.js";
import {
  openPinned,
  pinnedConnection
} from "./chunk-7ZMOHSID.js";
import {
  knownHostsLine
} from "./chunk-GBFTS7MS.js";
import {
  DEFAULT_RUN_ROOT,
  InputError,
  bool,
  code,
  command,
  duration,
  inert,
  number,
  oneOf,
  remotePath,
  runId,
  show,
  size,
  splitList
} from "./chunk-DYA73WVA.js";
import "./chunk-R3K6G2KB.js";

// src/collect/phase.ts
import { spawnSync } from "node:child_process";
import { existsSync as existsSync2, lstatSync, mkdirSync as mkdirSync2, readdirSync, renameSync as renameSync2, rmSync as rmSync2, statSync as statSync2, writeFileSync as writeFileSync2 } from "node:fs";
import { join as join2, relative, resolve } from "node:path";

// src/config/collect.ts
import { availableParallelism } from "node:os";
var ARTIFACT_MODES = ["none", "verified", "all"];
var DEFAULT_ARTIFACT_BUDGET = 5e8;
function parseCollect(inputs) {
  const dest = (inputs["dest-dir"] ?? "").trim();
  if (!dest) throw new InputError("dest-dir", "is required: a directory on the runner for the checkpoints (on a self-hosted runner, your durable copy)");
  if (/[\u0000-\u001f]/.test(dest)) throw new InputError("dest-dir", "contains a control character");
  const roster = splitList(inputs["roster"] ?? "");
  for (const cell of roster) if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(cell)) throw new InputError("roster", `${show(cell)} is not a cell directory name`);
  const parallel = number("parallel", inputs["parallel"], Math.min(4, Math.max(2, availableParallelism())), 1, 32);
  if (!Number.isInteger(parallel)) throw new InputError("parallel", "must be a whole number");
  return {
    runId: runId("run-id", inputs["run-id"]),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    destDir: dest,
    latestOnly: bool("latest-only", inputs["latest-only"], false),
    roster,
    parallel,
    trustedLoadCommand: command("trusted-load-command", inputs["trusted-load-command"], false),
    artifact: oneOf("artifact", inputs["artifact"], ARTIFACT_MODES, "verified"),
    artifactExplicit: (inputs["artifact"] ?? "").trim() !== "",
    retentionDays: retention(inputs["retention-days"]),
    stallTimeoutS: stallTimeout(inputs["stall-timeout"]),
    card: teardownCard(inputs),
    artifactBudgetBytes: size("artifact-budget", inputs["artifact-budget"], DEFAULT_ARTIFACT_BUDGET)
  };
}
function retention(raw) {
  const d = (raw ?? "").trim();
  if (!d) return void 0;
  if (!/^[0-9]{1,3}$/.test(d) || Number(d) < 1 || Number(d) > 400) throw new InputError("retention-days", `${show(raw ?? "")} is not a whole number of days from 1 to 400`);
  return Number(d);
}
function stallTimeout(raw) {
  const t = duration("stall-timeout", raw, 120) ?? 120;
  if (t < 2 || t > 86400) throw new InputError("stall-timeout", `${show(raw ?? "")} is outside 2s to 1d`);
  return t;
}
function teardownCard(inputs) {
  if (!(inputs["provider"] ?? "").trim()) return null;
  const provider = oneOf("provider", inputs["provider"], PROVIDERS, "ssh");
  const verb = oneOf("verb", inputs["verb"], VERBS, "destroy");
  const instanceId = (inputs["instance-id"] ?? "").trim() || `${(inputs["host"] ?? "").trim()}:${(inputs["port"] ?? "").trim() || "22"}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return { provider, instanceId, verb };
}

// src/transfer/pull.ts
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
var PullError = class extends Error {
  constructor(path, message, network = false) {
    super(message);
    this.path = path;
    this.network = network;
    this.name = "PullError";
  }
  path;
  network;
};
var quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
async function hashFile(path, h) {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk);
}
async function pullFiles(target, remoteBase, files, dest, opts = {}) {
  const secrets = mkdtempSync(join(tmpdir(), "tether-ssh-"));
  const kh = join(secrets, "known_hosts");
  writeFileSync(kh, `${target.knownHostsLine}
`, { mode: 384 });
  const keyFile = join(secrets, "id");
  if ("key" in target.identity) writeFileSync(keyFile, target.identity.key, { mode: 384 });
  const sshArgs = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${kh}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    `ConnectTimeout=${target.connectTimeoutS}`,
    // A box that goes silent mid-transfer is given up on after the stall timeout (two missed keepalives).
    "-o",
    `ServerAliveInterval=${Math.max(1, Math.ceil((target.stallTimeoutS ?? 120) / 2))}`,
    "-o",
    "ServerAliveCountMax=2",
    "-o",
    "LogLevel=ERROR",
    "-c",
    "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
    ..."key" in target.identity ? ["-o", "IdentitiesOnly=yes", "-i", keyFile] : [],
    "-p",
    String(target.port),
    `${target.user}@${target.host}`,
    "--"
  ];
  const env = { ...process.env, ..."agent" in target.identity ? { SSH_AUTH_SOCK: target.identity.agent } : {} };
  const total = files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  let thisRun = 0;
  const t0 = Date.now();
  const progress = () => opts.onProgress?.({ bytesDone: done, bytesTotal: total, bytesThisRun: thisRun, elapsedS: (Date.now() - t0) / 1e3 });
  const timer = opts.onProgress ? setInterval(progress, opts.progressEveryMs ?? 3e3) : void 0;
  const one = async (f) => {
    const final = join(dest, f.path);
    const part = `${final}.part`;
    mkdirSync(dirname(final), { recursive: true });
    if (existsSync(final)) {
      const h2 = createHash("sha256");
      if (statSync(final).size === f.bytes) {
        await hashFile(final, h2);
        const sha2 = h2.digest("hex");
        if (sha2 === f.sha256) {
          done += f.bytes;
          return { path: f.path, bytes: f.bytes, sha256: sha2 };
        }
      }
      rmSync(final);
    }
    let have = existsSync(part) ? statSync(part).size : 0;
    if (have > f.bytes) {
      truncateSync(part, 0);
      have = 0;
    }
    const h = createHash("sha256");
    if (have > 0) await hashFile(part, h);
    done += have;
    const remote = `${remoteBase}/${f.path}`;
    const owed = f.bytes - have;
    const cmd = have > 0 ? `tail -c +${have + 1} ${quote(remote)} | head -c ${owed}` : `head -c ${owed} ${quote(remote)}`;
    if (opts.signal?.aborted) throw new PullError(f.path, "the pull was stopped");
    const child = spawn("ssh", [...sshArgs, cmd], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stop = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", stop, { once: true });
    let stderr = "";
    child.stderr.on("data", (d) => stderr = (stderr + d.toString()).slice(-2e3));
    const exited = new Promise((res) => child.on("close", (code3) => res(code3)));
    let got = have;
    const fd = openSync(part, "a");
    let writeError;
    let grew = false;
    child.stdout.on("data", (chunk) => {
      if (writeError || grew) return;
      if (got + chunk.length > f.bytes) {
        grew = true;
        child.kill("SIGKILL");
        return;
      }
      try {
        writeSync(fd, chunk);
      } catch (err) {
        writeError = err;
        child.kill("SIGKILL");
        return;
      }
      h.update(chunk);
      got += chunk.length;
      done += chunk.length;
      thisRun += chunk.length;
    });
    try {
      await exited;
    } finally {
      closeSync(fd);
    }
    if (grew) {
      rmSync(part, { force: true });
      throw new PullError(f.path, `${f.path} grew since the manifest (the box sent more than its ${f.bytes} bytes): rebuild the manifest and collect again`);
    }
    if (writeError) {
      if (writeError.code === "ENOSPC") throw new PullError(f.path, `the runner's disk is full while writing ${final}; free space and rerun (the partial file resumes)`);
      throw new PullError(f.path, `writing ${part} failed: ${writeError.message}`);
    }
    const code2 = await exited;
    opts.signal?.removeEventListener("abort", stop);
    if (code2 !== 0) {
      throw new PullError(f.path, `ssh exited ${code2} after ${got} of ${f.bytes} bytes of ${f.path}${stderr.trim() ? `: ${stderr.trim().split("\n").pop()}` : ""}; rerun to resume`, code2 === 255);
    }
    const sha = h.digest("hex");
    if (got !== f.bytes || sha !== f.sha256) {
      rmSync(part, { force: true });
      throw new PullError(f.path, `${f.path} changed on the box since the manifest (got ${got} bytes, sha256 ${sha.slice(0, 12)}\u2026; manifest ${f.bytes} bytes, ${f.sha256.slice(0, 12)}\u2026): rebuild the manifest and collect again`);
    }
    renameSync(part, final);
    return { path: f.path, bytes: f.bytes, sha256: sha };
  };
  try {
    const out = [];
    const queue = [...files];
    const errors = [];
    const worker = async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        try {
          out.push(await one(f));
        } catch (err) {
          if (!(err instanceof PullError)) throw err;
          errors.push(err);
          if (err.network) queue.length = 0;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.parallel ?? 4, files.length) }, worker));
    progress();
    if (errors.length) throw errors[0];
    return { files: out.sort((a, b) => a.path.localeCompare(b.path)), bytesThisRun: thisRun };
  } finally {
    if (timer) clearInterval(timer);
    rmSync(secrets, { recursive: true, force: true });
  }
}

// src/collect/artifacts.ts
function planArtifacts(runId2, filesSha2562, root, files, records, verified) {
  const base = `tether-${runId2}-${filesSha2562.slice(0, 12)}`;
  return [
    { kind: "checkpoints", name: `${base}-checkpoints${verified ? "" : "-unverified"}`, root, files: files.map((f) => f.path), bytes: sum(files) },
    { kind: "records", name: `${base}-records${verified ? "" : "-unverified"}`, root, files: records.map((f) => f.path), bytes: sum(records) }
  ];
}
var sum = (fs) => fs.reduce((a, f) => a + f.bytes, 0);
var human = (b) => b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`;
function budgetWarning(plans, budgetBytes, retentionDays) {
  const total = sum(plans);
  if (total <= budgetBytes) return null;
  return `artifacts total ${human(total)}, over the artifact-budget of ${human(budgetBytes)}. GitHub includes 500 MB of artifact storage on Free, 1 GB on Pro, 2 GB on Team, 50 GB on Enterprise Cloud (public repositories are free); storage accrues as GB-hours until the artifacts expire (${retentionDays ? `${retentionDays} days` : "the repository's retention"}) and deleting does not refund the month. Uploading anyway: if the quota is hit the upload fails and the files stay on the runner.`;
}
function renderArtifacts(uploaded, warning) {
  const lines = ["#### Artifacts", "", "| artifact | id | size | sha256 (zip) |", "|---|---|---|---|"];
  for (const a of uploaded) lines.push(`| \`${a.name}\`${a.reused ? " (kept: the same files were already uploaded in this workflow run)" : ""} | ${a.id} | ${human(a.size)} | \`${a.digest.slice(0, 16)}\` |`);
  if (warning) lines.push("", `> \u26A0\uFE0F ${warning}`);
  return lines.join("\n");
}

// src/collect/file-source.ts
import { open } from "node:fs/promises";
async function fileSource(path) {
  const fh = await open(path, "r");
  const { size: size2 } = await fh.stat();
  return {
    size: size2,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size2 - offset));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => fh.close()
  };
}

// src/collect/report.ts
function renderCollect(runId2, m, files, c, verifiedPath) {
  const lines = [
    `### ${verifiedPath ? "\u2705" : "\u274C"} tether collect \u2014 ${code(runId2)}: ${verifiedPath ? "verified" : "NOT verified"}`,
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
  for (const [label, list] of [["missing", c.missing], ["not in the manifest", c.extra], ["size differs", c.sizeMismatch], ["sha256 differs", c.hashMismatch]]) {
    if (list.length) lines.push(`- \u274C ${label}: ${list.map((p) => code(p)).join(", ")}`);
  }
  return lines.join("\n");
}

// src/collect/phase.ts
function listLocal(dir, base = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join2(dir, name);
    if (statSync2(p).isDirectory()) out.push(...listLocal(p, base));
    else if (!/(\.part|\.tmp)$/.test(name) && !(dir === base && (name === "manifest.json" || name === "VERIFIED.json"))) out.push(relative(base, p));
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
  const records = [{ path: "manifest.json", bytes: Buffer.byteLength(text) }, ...verifiedPath ? [{ path: "VERIFIED.json", bytes: statSync2(verifiedPath).size }] : []];
  const plans = planArtifacts(cfg.runId, filesSha256(manifest), dest, manifest.files.filter((f) => existsSync2(join2(dest, f.path))), records, verifiedPath !== null);
  const warning = budgetWarning(plans, cfg.artifactBudgetBytes, cfg.retentionDays);
  if (warning) reporter.warn(`collect: ${warning}`);
  const uploaded = [];
  let error = null;
  try {
    for (const plan of plans) {
      reporter.info(`collect: uploading artifact ${plan.name} (${plan.files.length} files, ${mb(plan.bytes)})`);
      const u = await uploader.upload(plan, cfg.retentionDays);
      uploaded.push(u);
      reporter.info(`collect: artifact ${u.name} ${u.reused ? "with the same files was already uploaded in this workflow run, kept" : "uploaded"}: id ${u.id}, ${mb(u.size)}, sha256 ${u.digest}`);
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
  if (cfg.artifact !== "none" && noUpload && cfg.artifactExplicit) throw new InputError("artifact", `${cfg.artifact} needs the GitHub Actions artifact service, but ${noUpload}; use artifact: none`);
  const uploader = cfg.artifact !== "none" && !noUpload ? artifacts : void 0;
  const pinned = pinnedConnection(inputs, env, reporter);
  const { conn, cred } = pinned;
  const dest = join2(resolve(workspace, cfg.destDir), cfg.runId);
  try {
    mkdirSync2(dest, { recursive: true });
  } catch (err) {
    throw new InputError("dest-dir", `cannot create ${dest}: ${err.message}`);
  }
  const verifiedPath = join2(dest, "VERIFIED.json");
  removeProofs(dest);
  const { session } = await openPinned(pinned, reporter);
  let built;
  let pullFailure = null;
  try {
    built = await buildManifest(session, cfg.runRoot, cfg.runId, { latestOnly: cfg.latestOnly, roster: cfg.roster });
    const { manifest: manifest2 } = built;
    reporter.info(`collect: manifest lists ${manifest2.file_count} files, ${mb(manifest2.total_bytes)}${manifest2.latest_only ? " (latest checkpoint only)" : ""}`);
    const target = {
      host: conn.host,
      port: conn.port,
      user: conn.user,
      knownHostsLine: knownHostsLine(conn.host, conn.port, session.hostKey),
      identity: "privateKey" in cred ? { key: cred.privateKey } : { agent: cred.agent },
      connectTimeoutS: Math.ceil(conn.connectTimeoutMs / 1e3),
      stallTimeoutS: cfg.stallTimeoutS
    };
    await pullFiles(target, manifest2.workdir, manifest2.files, dest, {
      parallel: cfg.parallel,
      onProgress: (p) => {
        const rate = p.bytesThisRun / Math.max(p.elapsedS, 1e-3);
        const eta = rate > 0 ? Math.round((p.bytesTotal - p.bytesDone) / rate) : 0;
        reporter.info(`collect: ${Math.round(100 * p.bytesDone / Math.max(p.bytesTotal, 1))}% ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}, ${(rate / 1e6).toFixed(0)} MB/s, ETA ${eta} s`);
      }
    }).catch((err) => {
      if (!(err instanceof PullError)) throw err;
      pullFailure = err.message;
    });
  } finally {
    session.close();
  }
  const { manifest, text } = built;
  const provenBox = { host: conn.host, port: conn.port, host_key_fingerprint: session.hostFingerprint, provider: cfg.card?.provider ?? null, instance_id: cfg.card?.instanceId ?? null };
  if (pullFailure) {
    recordOutputs(reporter, manifest, text, dest, null);
    reporter.summary(`### \u274C tether collect \u2014 \`${cfg.runId}\`: NOT verified

The pull stopped: ${pullFailure}

Nothing was marked verified. Files that arrived whole are kept; partial ones stay as \`.part\` and a rerun resumes them.`);
    reporter.error(`collect: pull failed, nothing marked verified: ${pullFailure}`);
    return 1;
  }
  writeFileSync2(join2(dest, "manifest.json"), text);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const local = [];
  const reports = [];
  for (const path of listLocal(dest)) {
    const src = await fileSource(join2(dest, path));
    try {
      const want = byPath.get(path);
      local.push({ path, bytes: src.size, sha256: want && src.size === want.bytes ? want.sha256 : "" });
      if (!want) continue;
      const result = await verifyOne(path, src);
      let trusted = null;
      if (cfg.trustedLoadCommand && result.ok) {
        const r = spawnSync("bash", ["-c", `${cfg.trustedLoadCommand} "$1"`, "tether-load", join2(dest, path)], {
          env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: dest, LANG: "C.UTF-8" },
          encoding: "utf8",
          timeout: 6e5
        });
        if (r.status !== 0) trusted = `trusted-load-command failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split("\n").pop() ?? ""}`;
      }
      reports.push({ path, bytes: src.size, sha256: want.sha256, result, trusted });
    } finally {
      await src.close();
    }
  }
  const c = completeness(manifest, local);
  const failed = reports.filter((r) => !r.result.ok || r.trusted);
  const ok = c.ok && failed.length === 0;
  if (ok) {
    const tmp = `${verifiedPath}.tmp`;
    writeFileSync2(tmp, verifiedJson(manifest, text, /* @__PURE__ */ new Date(), provenBox));
    renameSync2(tmp, verifiedPath);
  }
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
  if (cfg.card) summary.push(renderCard({ ...cfg.card, runId: cfg.runId, verified: ok ? { files: manifest.file_count, bytes: manifest.total_bytes } : null, now: /* @__PURE__ */ new Date() }));
  reporter.summary(summary.join("\n\n"));
  if (!ok) {
    const reasons = [
      ...c.missing.map((p) => `${p} missing`),
      ...c.extra.map((p) => `${p} not in the manifest`),
      ...c.sizeMismatch.map((p) => `${p} size differs`),
      ...c.hashMismatch.map((p) => `${p} sha256 differs`),
      ...failed.map((r) => `${r.path}: ${r.trusted ?? [...r.result.problems, ...r.result.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`)].join("; ")}`)
    ];
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
