import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  pullTargetFor,
  sshInvocation
} from "./chunk-ZFPQ7UQN.js";
import {
  stopRun
} from "./chunk-OTLRCFSB.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import {
  parseProgress
} from "./chunk-OWBPA4XH.js";
import {
  BACKEND_LIST,
  parseAudit
} from "./chunk-BNPK6FFL.js";
import {
  nodeEnv
} from "./chunk-NMJRNFZE.js";
import {
  cellLines
} from "./chunk-Y5HP5YFS.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  jumpAddress
} from "./chunk-D4LSXUI5.js";
import {
  GITHUB_LOGIN,
  moneyText,
  renderRegistration,
  signedBytes
} from "./chunk-4U6B6A5Q.js";
import {
  sign
} from "./chunk-DHT7G7Q2.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  ARRAY,
  QUEUE,
  WRAPPER,
  dataLines,
  parseJsonLine,
  runScript,
  scriptCommand,
  scriptStdin
} from "./chunk-GAYRDAJD.js";
import {
  buildSpec,
  cellData,
  identity,
  sortedJson
} from "./chunk-Y2GZDFST.js";
import {
  fingerprint
} from "./chunk-3ZXXC4EP.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  arr,
  bool,
  int,
  obj,
  optInt,
  optStr,
  parseJson,
  parseMarker,
  str
} from "./chunk-FHK73RDK.js";

// src/launch/phase.ts
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync as writeFileSync2 } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve as resolve3 } from "node:path";

// src/launch/smoke.ts
var SMOKE_SCHEMA = "tether.smoke/v1";
var FULL_OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
function parseSmoke(text) {
  const o = obj(parseJson(text, "the smoke record", 1 << 20), "the smoke record");
  if (o["schema"] !== SMOKE_SCHEMA) throw new BoxDataError(`the smoke record is not ${SMOKE_SCHEMA}`);
  const tail = Array.isArray(o["log_tail"]) ? o["log_tail"].slice(-40).map((l) => String(l).slice(0, 500)) : [];
  const d = o["duration_s"];
  if (typeof d !== "number" || !Number.isFinite(d) || d < 0) throw new BoxDataError("the smoke record.duration_s is not a number of seconds");
  return {
    commit: (() => {
      const c = str(o, "commit", "the smoke record", { max: 64 });
      if (!FULL_OID.test(c))
        throw new BoxDataError("the smoke record.commit is not a full commit id (40 or 64 hex): an abbreviated id could name another commit");
      return c;
    })(),
    commandSha256: str(o, "command_sha256", "the smoke record", { max: 64, pattern: /^[0-9a-f]{64}$/ }),
    exitCode: int(o, "exit_code", "the smoke record", { min: 0, max: 255 }),
    durationS: d,
    finishedAt: str(o, "finished_at", "the smoke record", { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/ }),
    logTail: tail
  };
}
function smokeGate(record, commit, found) {
  if (!record)
    return {
      ok: false,
      why: `require-smoke: no smoke record for commit ${commit.slice(0, 12)} (${found}); run actions/smoke on this commit first, or give smoke-waiver with a reason`
    };
  if (!FULL_OID.test(commit)) return { ok: false, why: `require-smoke: ${commit.slice(0, 64)} is not a full commit id (40 or 64 hex): give the whole id` };
  if (record.commit !== commit)
    return { ok: false, why: `require-smoke: the smoke record is for commit ${record.commit.slice(0, 12)}, not ${commit.slice(0, 12)}: smoke this commit` };
  if (record.exitCode !== 0)
    return {
      ok: false,
      why: `require-smoke: the smoke run of ${commit.slice(0, 12)} failed (exit ${record.exitCode}${record.exitCode === 124 ? ": it hit its time limit" : ""}); last line: ${record.logTail.at(-1) ?? "(none)"}`
    };
  return { ok: true, note: `smoke passed for ${record.commit.slice(0, 12)} in ${record.durationS.toFixed(1)} s (${record.finishedAt})` };
}

// src/launch/render.ts
var fence = (s) => "```text\n" + s.replace(/```/g, "`\u200B``") + "\n```";
function renderLaunch(o, target, hostKeyNote) {
  const icon = { started: "\u2705", refused: "\u26D4", blocked: "\u{1F6D1}", failed: "\u274C" }[o.result];
  const lines = [`### ${icon} tether launch \u2014 ${code(o.runId)} on ${code(target)}: ${o.result}`, "", inert(o.message), ""];
  if (hostKeyNote) lines.push(`> [!WARNING]
> ${inert(hostKeyNote)}`, "");
  const notes = o.warnings.filter((w) => !w.startsWith("audit: "));
  if (notes.length) lines.push(...notes.map((w) => `> [!WARNING]
> ${inert(w)}`), "");
  if (o.attempt) {
    lines.push("| attempt | pid | handle | run dir | started |", "|---|---|---|---|---|");
    lines.push(`| ${o.attempt} | ${o.pid ?? ""} | ${inert(o.handle)} | ${code(o.runDir)} | ${inert(o.startedAt, 64)} |`, "");
  }
  if (o.audit) lines.push(renderAudit(o.audit), "");
  if (o.logHead.trim()) lines.push("<details><summary>first lines of the job log</summary>", "", fence(o.logHead.trimEnd()), "", "</details>", "");
  return lines.join("\n");
}
function renderAudit(a) {
  const r = a.report;
  const GB2 = 1e9;
  const lines = [`#### Audit of ${code(r.hostname)}: ${a.gate.pass ? a.gate.warnings.length ? "pass with warnings" : "pass" : "FAIL"}`, ""];
  for (const f of a.gate.failures) lines.push(`- \u{1F6D1} ${inert(f)}`);
  for (const w of a.gate.warnings) lines.push(`- \u26A0\uFE0F ${inert(w)}`);
  lines.push("", "| check | value |", "|---|---|");
  for (const d of r.disks)
    lines.push(
      `| disk ${inert(d.path)} | ${(d.availBytes / GB2).toFixed(1)} / ${(d.sizeBytes / GB2).toFixed(1)} GB free, ${d.inodesTotal ? `${d.inodesFree} inodes free` : "no inode limit"} (${inert(d.mount)}) |`
    );
  if (r.cgroup) {
    const mem = r.cgroup.memoryMaxBytes ? `${(r.cgroup.memoryMaxBytes / GB2).toFixed(1)} GB limit` : "no limit";
    lines.push(`| cgroup v${r.cgroup.version} | memory ${mem}, oom kills ${r.cgroup.oomKills ?? "?"}, cpu quota ${r.cgroup.cpuQuotaCores ?? "none"} |`);
  }
  lines.push(`| cpus / boot | ${r.nproc ?? "?"} / ${inert(String(r.bootTime ?? "?"), 64)} |`);
  if (!r.gpu.present) lines.push("| gpu | no nvidia-smi |");
  for (const g of r.gpu.gpus) {
    lines.push(
      `| gpu ${g.index} | ${inert(g.name)}: ${g.memUsedMiB}/${g.memTotalMiB} MiB, ${g.utilPct}% util, ${g.tempC} \xB0C, SM ${g.smClockMHz}/${g.smClockMaxMHz} MHz${g.throttleActive.length ? `, throttle ${inert(g.throttleActive.join(" "))}` : ""} |`
    );
  }
  const i = r.interpreter;
  lines.push(
    `| interpreter | ${i.path ? `${inert(i.path)}: ${i.torchVersion ? `torch ${inert(String(i.torchVersion), 64)}, cuda ${inert(String(i.cuda), 64)}` : `no torch (${inert(i.error ?? "")})`}` : `${inert(i.name)} not found`} |`
  );
  return lines.join("\n");
}

// src/remote/launch.ts
function launchResult(raw) {
  const o = obj(raw, "launch.sh result");
  const w = "launch.sh result";
  return {
    result: str(o, "result", w, { max: 32, pattern: /^[a-z-]+$/ }),
    message: optStr(o, "message", w, { max: 4096 }) ?? void 0,
    attempt: int(o, "attempt", w, { min: 0, max: ATTEMPT_MAX }),
    pid: optInt(o, "pid", w, { min: 1, max: 2 ** 32 }),
    handle: optStr(o, "handle", w, { max: 4096 }) ?? void 0,
    started_at: optStr(o, "started_at", w, { max: 64 }) ?? "",
    run_dir: str(o, "run_dir", w, { max: 4096 }),
    note: optStr(o, "note", w, { max: 4096 }) ?? void 0
  };
}
function confirmResult(raw) {
  const o = obj(raw, "confirm.sh result");
  const w = "confirm.sh result";
  const kind = str(o, "marker_kind", w, { max: 6, pattern: /^(DONE|FAILED|)$/ });
  return {
    alive: bool(o, "alive", w),
    log_exists: bool(o, "log_exists", w),
    markerKind: kind === "" ? null : kind,
    marker: str(o, "marker", w, { max: 4096 }),
    head: str(o, "head", w, { max: 8192 })
  };
}

// src/launch/audit-gate.ts
var TEMP_HOT_C = 83;
var SM_CLOCK_FLOOR = 0.7;
var FATAL_XID = /* @__PURE__ */ new Set([48, 79]);
var FATAL_THROTTLE = /* @__PURE__ */ new Set(["hw_slowdown", "sw_thermal_slowdown", "hw_thermal_slowdown", "hw_power_brake_slowdown"]);
var GB = 1e9;
function gate(report, cfg) {
  const failures = [];
  const warnings = [];
  const root = report.disks[0];
  if (root) {
    const need = (cfg.minFreeGb + cfg.checkpointBudgetGb) * GB;
    if (root.availBytes < need) {
      failures.push(
        `disk: ${(root.availBytes / GB).toFixed(1)} GB free on ${root.mount} (run root ${root.path}), need ${(need / GB).toFixed(1)} GB (min-free-gb ${cfg.minFreeGb} + checkpoint-budget-gb ${cfg.checkpointBudgetGb}); free space or move run-root to the data disk`
      );
    }
    if (root.inodesTotal > 0 && root.inodesFree < cfg.minFreeInodes) {
      failures.push(`inodes: ${root.inodesFree} free on ${root.mount}, need ${cfg.minFreeInodes} (min-free-inodes); delete small files or use another disk`);
    }
  }
  for (const d of report.disks.slice(1)) {
    if (d.availBytes < cfg.minFreeGb * GB) warnings.push(`disk: only ${(d.availBytes / GB).toFixed(1)} GB free on ${d.mount} (${d.path})`);
  }
  if (!report.gpu.present) {
    if (cfg.requireGpu) failures.push("gpu: nvidia-smi not found on the box (require-gpu is true); rent another box or set require-gpu: false for CPU jobs");
  } else if (report.gpu.error) {
    (cfg.requireGpu ? failures : warnings).push(`gpu: ${report.gpu.error}`);
  } else if (report.gpu.gpus.length === 0) {
    (cfg.requireGpu ? failures : warnings).push("gpu: nvidia-smi lists no GPUs");
  }
  for (const g of report.gpu.gpus) {
    const id = `gpu ${g.index} (${g.name})`;
    const fatal = g.throttleActive.filter((t) => FATAL_THROTTLE.has(t));
    if (fatal.length) failures.push(`${id}: active throttle ${fatal.join(", ")}; re-rent a different box`);
    if (g.tempC !== null && g.tempC >= TEMP_HOT_C) {
      const slow = g.smClockMHz !== null && g.smClockMaxMHz ? g.smClockMHz < SM_CLOCK_FLOOR * g.smClockMaxMHz : false;
      if (slow) failures.push(`${id}: ${g.tempC} \xB0C with SM clock ${g.smClockMHz}/${g.smClockMaxMHz} MHz (< 70%); it is throttling, re-rent a different box`);
      else warnings.push(`${id}: hot (${g.tempC} \xB0C) but clocks are fine (${g.smClockMHz}/${g.smClockMaxMHz} MHz); watch it`);
    }
  }
  const fatalXid = report.xid.events.filter((e) => FATAL_XID.has(e.code));
  if (fatalXid.length) {
    failures.push(
      `gpu: kernel log has Xid ${[...new Set(fatalXid.map((e) => e.code))].join(", ")} (${fatalXid[0]?.line}); the GPU is failing, re-rent a different box`
    );
  }
  const otherXid = report.xid.events.filter((e) => !FATAL_XID.has(e.code));
  if (otherXid.length) warnings.push(`gpu: kernel log has Xid ${[...new Set(otherXid.map((e) => e.code))].join(", ")} (usually an application fault)`);
  if (!report.xid.readable && report.gpu.present)
    warnings.push("gpu: the kernel log is not readable, so the Xid check is not authoritative; a person should confirm");
  if (!report.interpreter.path) warnings.push(`interpreter: ${report.interpreter.name} not found on the box`);
  else if (report.interpreter.error) warnings.push(`interpreter: ${report.interpreter.path} cannot import torch: ${report.interpreter.error}`);
  else if (cfg.requireGpu && report.interpreter.cuda === false) warnings.push(`interpreter: torch ${report.interpreter.torchVersion} reports no CUDA`);
  return { pass: failures.length === 0, failures, warnings };
}
var NODE_OK = /^(idle|mix|mixed|alloc|allocated|completing|planned)/;
function slurmGate(audit, sbatchOptions) {
  const failures = [];
  const warnings = [];
  if (!audit.reachable) {
    failures.push(`slurm: sinfo did not answer on the login node (${audit.error.split("\n")[0]}); check slurm-conf and that this is the login node`);
    return { pass: false, failures, warnings };
  }
  const names = [...new Set(audit.partitions.map((p) => p.name))];
  const asked = sbatchOptions.find((o) => o.startsWith("--partition="))?.slice("--partition=".length).split(",");
  const wanted = asked ?? audit.partitions.filter((p) => p.default).map((p) => p.name).slice(0, 1);
  if (!wanted.length) failures.push(`slurm: no partition given and the cluster has no default one; add --partition=\u2026 (partitions: ${names.join(", ")})`);
  for (const name of wanted) {
    const lines = audit.partitions.filter((p) => p.name === name);
    if (!lines.length) {
      failures.push(`slurm: partition ${name} does not exist (partitions: ${names.join(", ")})`);
      continue;
    }
    const avail = lines[0].avail;
    if (avail !== "up") failures.push(`slurm: partition ${name} is ${avail}, not up; jobs there would not start`);
    else if (!lines.some((l) => l.nodes > 0 && NODE_OK.test(l.state)))
      warnings.push(`slurm: every node of partition ${name} is ${[...new Set(lines.map((l) => l.state))].join("/")}; the job will wait until one is back`);
  }
  return { pass: failures.length === 0, failures, warnings };
}

// src/remote/slurm-audit.ts
function parseSlurmAudit(raw) {
  const o = obj(raw, "slurm audit");
  if (!bool(o, "reachable", "slurm audit")) return { reachable: false, error: str(o, "error", "slurm audit", { max: 1024 }) };
  const partitions = arr(o, "partitions", "slurm audit", 1e3).map((x, i) => {
    const p = obj(x, `slurm audit partitions[${i}]`);
    const w = `slurm audit partitions[${i}]`;
    return {
      name: str(p, "name", w, { max: 64, pattern: /^[A-Za-z0-9_.-]{1,64}$/ }),
      default: bool(p, "default", w),
      avail: str(p, "avail", w, { max: 16, pattern: /^[a-z]{1,16}$/ }),
      nodes: int(p, "nodes", w, { min: 0, max: 1e6 }),
      state: str(p, "state", w, { max: 64 })
    };
  });
  if (partitions.length === 0) throw new BoxDataError("sinfo lists no partition");
  return { reachable: true, partitions };
}
async function runSlurmAudit(session, slurmConf) {
  return parseSlurmAudit(parseJsonLine("slurm_audit", await runScript(session, "slurm_audit", [slurmConf], { timeoutMs: 4e4 })));
}

// src/launch/release.ts
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { resolve } from "node:path";
var MAX_RELEASE_BYTES = 512 * 1024 * 1024;
function packRelease(dir, mode, workspace) {
  const abs = resolve(workspace, dir);
  try {
    if (!statSync(abs).isDirectory()) throw new Error("not a directory");
  } catch (err) {
    throw new InputError("sync-dir", `${JSON.stringify(abs)} is not a directory on the runner (${err.message})`);
  }
  const r = mode === "git-head" ? spawnSync("git", ["-C", abs, "archive", "--format=tar", "HEAD"], { maxBuffer: MAX_RELEASE_BYTES, timeout: 12e4 }) : spawnSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "--exclude=.git", "-C", abs, "-cf", "-", "."], {
    maxBuffer: MAX_RELEASE_BYTES,
    timeout: 12e4
  });
  if (r.error || r.status !== 0) {
    const why = r.error?.message.includes("maxBuffer") ? `it is larger than ${MAX_RELEASE_BYTES / 2 ** 20} MiB; sync only the code, not data or checkpoints` : r.error?.message ?? r.stderr.toString().trim();
    throw new InputError("sync-dir", `cannot pack ${JSON.stringify(abs)} (${mode}): ${why}`);
  }
  const sha256 = createHash("sha256").update(r.stdout).digest("hex");
  return { id: sha256.slice(0, 20), sha256, bytes: r.stdout };
}
function releasesDir(runRoot) {
  return `${runRoot}/.releases`;
}
async function uploadRelease(session, runRoot, release) {
  const r = await runScript(session, "sync", [releasesDir(runRoot), release.id, release.sha256], { binary: release.bytes, timeoutMs: 6e5 });
  const raw = obj(parseJsonLine("sync", r), "sync.sh result");
  const out = {
    result: str(raw, "result", "sync.sh result", { max: 32 }),
    path: optStr(raw, "path", "sync.sh result", { max: 4096 }) ?? void 0,
    message: optStr(raw, "message", "sync.sh result", { max: 4096 }) ?? void 0
  };
  if (out.result !== "stored" && out.result !== "present") throw new Error(`code sync failed: ${out.message ?? out.result}`);
  return { path: out.path ?? "", stored: out.result === "stored" };
}

// src/launch/launch.ts
var TRACEBACK = /Traceback \(most recent call last\)/;
async function runAudit(session, cfg) {
  const r = await runScript(session, "audit", [cfg.runRoot, cfg.interpreter, ...cfg.mounts], { timeoutMs: 15e4 });
  const report = parseAudit(parseJsonLine("audit", r));
  return { report, gate: gate(report, cfg) };
}
async function launch(given, env, auditCfg, deps, release) {
  let cfg = given;
  const warnings = [];
  const base = { runId: cfg.runId, attempt: 0, pid: null, handle: "", runDir: "", startedAt: "", logHead: "", warnings };
  const audit = auditCfg ? await auditGate(deps, cfg, auditCfg) : void 0;
  if (audit) {
    warnings.push(...audit.gate.warnings.map((w) => `audit: ${w}`));
    if (!audit.gate.pass) {
      return { ...base, result: "blocked", message: `the audit gate blocked the launch:
${audit.gate.failures.map((f) => `- ${f}`).join("\n")}`, audit };
    }
  }
  if (release) {
    cfg = { ...cfg, workdir: `${releasesDir(cfg.runRoot)}/${release.id}` };
    const up = await uploadRelease(deps.session, cfg.runRoot, release);
    deps.log(`code: release ${release.id} (${release.bytes.length} bytes tar) ${up.stored ? "uploaded to" : "already on the box at"} ${up.path}`);
  }
  const data = dataLines(
    {
      spec: buildSpec(cfg, deps.now()),
      // Empty: use the run's recorded work (launch.sh refuses when there is none).
      identity: cfg.recorded ? "" : identity(cfg),
      command: cfg.command,
      then: cfg.then ?? "",
      workdir: cfg.workdir,
      checkpoints: cfg.checkpoints.join("\n"),
      wrapper: WRAPPER,
      ...cfg.attemptFloor ? { attempt_floor: String(cfg.attemptFloor) } : {},
      ...cfg.preemptWatch ? { preempt_watch: `${cfg.preemptWatch.address} ${cfg.preemptWatch.signal}` } : {},
      ...cfg.parkAfter ? { park_after: `${cfg.parkAfter.seconds} ${cfg.parkAfter.how} ${cfg.parkAfter.address}` } : {},
      ...cfg.slurm ? { sbatch_options: cfg.slurm.sbatchOptions.join("\n"), slurm_conf: cfg.slurm.slurmConf } : {},
      ...cfg.sweep ? {
        cells: cellData(cfg),
        sweep: `${cfg.sweep.gpusPerCell} ${cfg.sweep.maxParallel} ${cfg.sweep.onCellFailure}`,
        // The GPUs the audit just saw; without an audit the box asks nvidia-smi.
        gpus: (audit?.report.gpu.gpus ?? []).map((g) => g.index).join(","),
        queue: QUEUE,
        ...deps.diskFloor ? { disk_floor: `${Math.round(deps.diskFloor.bytes)} ${Math.round(deps.diskFloor.inodes)}` } : {},
        ...cfg.slurm ? { array: ARRAY } : {},
        ...cfg.doneCells?.length ? { done_cells: cfg.doneCells.join(" ") } : {}
      } : {}
    },
    env
  );
  deps.log(`launch: run ${cfg.runId} with backend ${cfg.backend}${cfg.recorded ? " (resume of the recorded command)" : cfg.resume ? " (resume allowed)" : ""}`);
  const r = await runScript(deps.session, "launch", [cfg.runRoot, cfg.runId, cfg.backend, cfg.resume ? "1" : "0", String(deps.heartbeatS ?? 30)], {
    data,
    timeoutMs: 6e4
  });
  const out = launchResult(parseJsonLine("launch", r));
  const started = { ...base, attempt: out.attempt, pid: out.pid, runDir: out.run_dir, startedAt: out.started_at ?? "", handle: out.handle ?? "", audit };
  if (out.note) {
    warnings.push(out.note);
  }
  if (out.result === "released") {
    deps.log(`launch: ${out.message ?? "released"}`);
    return { ...started, result: "started", message: out.message ?? `attempt ${out.attempt} released` };
  }
  if (out.result !== "started") {
    return { ...started, result: "refused", refusal: out.result, message: out.message ?? out.result };
  }
  deps.log(`launch: attempt ${out.attempt} started (pid ${out.pid}, ${out.handle}); confirming for up to ${cfg.confirmTimeoutS} s`);
  const c = await confirmWindow(deps.session, out.run_dir, out.attempt, cfg.confirmTimeoutS);
  deps.log(`launch: confirmation ended after ${c.waited} of ${cfg.confirmTimeoutS} s: ${c.why}`);
  return confirmed({ ...started, logHead: c.head }, c, out);
}
var EARLY_MS = 500;
async function confirmWindow(session, runDir, attempt, windowS) {
  let waited = 0;
  for (; ; ) {
    const slice = Math.max(1, Math.min(2, windowS - waited));
    const t0 = Date.now();
    const c = confirmResult(
      parseJsonLine("confirm", await runScript(session, "confirm", [runDir, String(attempt), String(slice)], { timeoutMs: (slice + 30) * 1e3 }))
    );
    waited += slice;
    const p = parseProgress(c.head);
    const why = !c.alive ? "the attempt ended" : c.markerKind ? `${c.markerKind} was written` : TRACEBACK.test(c.head) ? "the log shows a traceback" : p.step !== null ? `the log shows step ${p.step}` : p.epoch !== null ? `the log shows epoch ${p.epoch}` : Date.now() - t0 < slice * 1e3 - EARLY_MS ? "the job waits in its scheduler queue" : waited >= windowS ? "the whole window passed" : "";
    if (why) return { ...c, waited, why };
  }
}
async function auditGate(deps, cfg, auditCfg) {
  deps.log("audit: one read-only probe of disk, memory, GPU and interpreter");
  const audit = await runAudit(deps.session, auditCfg);
  if (!cfg.slurm) return audit;
  const s = slurmGate(await runSlurmAudit(deps.session, cfg.slurm.slurmConf), cfg.slurm.sbatchOptions);
  return {
    ...audit,
    gate: { pass: audit.gate.pass && s.pass, failures: [...audit.gate.failures, ...s.failures], warnings: [...audit.gate.warnings, ...s.warnings] }
  };
}
function confirmed(withHead, c, out) {
  if (TRACEBACK.test(c.head)) {
    return { ...withHead, result: "failed", message: "the job printed a Python traceback in its first lines" };
  }
  if (!c.alive) {
    if (c.markerKind) {
      let m;
      try {
        m = parseMarker(c.markerKind, c.marker);
      } catch (err) {
        return {
          ...withHead,
          result: "failed",
          message: `the job ended during the confirmation window, but its marker is unreadable (${err.message})`
        };
      }
      if (m.exitCode !== 0) return { ...withHead, result: "failed", message: `the job exited ${m.exitCode} during the confirmation window (stage ${m.stage})` };
      return { ...withHead, result: "started", message: `the job finished within the confirmation window (exit 0): check that it did real work` };
    }
    return { ...withHead, result: "failed", message: "the wrapper is not running and left no DONE/FAILED marker" };
  }
  if (!c.log_exists) {
    if (out.handle?.startsWith("slurm:")) return { ...withHead, result: "started", message: `Slurm job ${out.handle.slice(6)} is queued or starting` };
    return { ...withHead, result: "failed", message: "the job is running but its log does not exist" };
  }
  return { ...withHead, result: "started", message: `attempt ${out.attempt} is running` };
}

// src/launch/register.ts
function recoveryTerms(cfg, releaseId, recovered) {
  const restart = cfg.onPreempt.policy === "restart-instance";
  if (!restart && (cfg.onPreempt.policy !== "replace" || !cfg.sync || !releaseId)) return null;
  return {
    onPreempt: restart ? "restart-instance" : "replace",
    maxRecoveries: cfg.onPreempt.maxRecoveries,
    recoveries: recovered?.recoveries ?? 0,
    // A restart resumes the work recorded on the instance's own disk: nothing of it is carried here.
    command: restart ? "" : cfg.command,
    then: restart ? null : cfg.then ?? null,
    checkpoints: cfg.checkpoints,
    syncDir: cfg.sync?.dir ?? "",
    syncMode: cfg.sync?.mode ?? "dir",
    release: releaseId,
    envNames: cfg.env.map(([n]) => n),
    secretNames: cfg.secretNames,
    previous: recovered?.previous ?? [],
    restored: recovered?.restored ?? null,
    ...cfg.sweep && !restart ? {
      sweep: {
        cells: cellLines(cfg.sweep.cells),
        gpusPerCell: cfg.sweep.gpusPerCell,
        maxParallel: cfg.sweep.maxParallel,
        onCellFailure: cfg.sweep.onCellFailure
      }
    } : {}
  };
}
function launcherOf(env) {
  const login = (env["GITHUB_ACTOR"] ?? "").trim();
  return GITHUB_LOGIN.test(login) && !login.endsWith("[bot]") ? login : null;
}
async function register(put, o, cfg, conn, session, cred, reporter, launchedBy, releaseId, policy, recovered, multi) {
  const entry = {
    runId: o.runId,
    host: conn.host,
    port: conn.port,
    user: conn.user,
    hostKeyFingerprint: session.hostFingerprint,
    // The bastion and the key launch verified there: the cron patrol goes the same way, pinned the same.
    jump: conn.jump && session.jumpHostKey ? { address: jumpAddress(conn.jump), hostKeyFingerprint: fingerprint(session.jumpHostKey) } : null,
    runRoot: cfg.runRoot,
    backend: cfg.backend,
    attempt: o.attempt,
    expectedDurationS: cfg.expectedDurationS ?? null,
    launchedAt: (/* @__PURE__ */ new Date()).toISOString(),
    commit: cfg.commit ?? null,
    // sbatch's own answer (slurm:<job id>), signed: teardown cancels this job, never one a handle file names.
    handle: o.handle || null,
    provider: cfg.provider ?? null,
    instanceId: cfg.instanceId ?? null,
    launchedBy,
    hourlyPrice: cfg.hourlyPrice !== void 0 ? moneyText(cfg.hourlyPrice) : null,
    maxHoursS: cfg.maxHoursS ?? null,
    maxCost: cfg.maxCost !== void 0 ? moneyText(cfg.maxCost) : null,
    recovery: recoveryTerms(cfg, releaseId, recovered),
    policy,
    parkAfterS: cfg.parkAfter?.seconds ?? null,
    ...multi?.nodes.length ? { nodes: multi.nodes, ...multi.onNodeFailure === "stop" ? { onNodeFailure: "stop" } : {} } : {}
  };
  try {
    const url = await put(o.runId, renderRegistration({ entry, ...sign(cred, signedBytes(entry)) }, code));
    reporter.output("registration-url", url);
    reporter.info(`launch: registered ${o.runId} for the patrol at ${url}`);
    return 0;
  } catch (err) {
    reporter.error(
      `launch: the job started, but registering it for the patrol failed (${err.message}); it runs, but a patrol without config will not find it until a relaunch registers it (launching the same run again while it runs starts nothing and registers it)`
    );
    return 1;
  }
}

// src/launch/nodes.ts
import { writeFileSync } from "node:fs";
import { resolve as resolve2 } from "node:path";

// src/remote/nodes.ts
var WHERE = "nodes.sh's answer";
function parseNodeState(raw) {
  const o = obj(raw, WHERE);
  if ("error" in o) throw new BoxDataError(`nodes.sh state: ${str(o, "error", WHERE, { max: 64 })}`);
  return {
    exists: bool(o, "exists", WHERE),
    attempt: int(o, "attempt", WHERE, { min: 0, max: ATTEMPT_MAX }),
    alive: bool(o, "alive", WHERE),
    nowMs: int(o, "now_ms", WHERE, { min: 0, max: 1e14 }),
    python: o["python"] === null ? null : str(o, "python", WHERE, { max: 40, pattern: /^[0-9]{1,2}\.[0-9]{1,3}\.[0-9A-Za-z+.]{1,20}$/ })
  };
}
async function nodeState(session, runRoot, runId, interp) {
  const r = await runScript(session, "nodes", ["state", runRoot, runId, interp], { timeoutMs: 3e4, maxOutput: 4096 });
  return parseNodeState(parseJsonLine("nodes", r));
}
var IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
async function routeSource(session, addr) {
  const o = obj(parseJsonLine("nodes", await runScript(session, "nodes", ["route", addr], { timeoutMs: 2e4, maxOutput: 4096 })), WHERE);
  if (o["src"] === null) return null;
  const src = str(o, "src", WHERE, { max: 15 });
  return IPV4.test(src) ? src : null;
}
async function listenFor(session, interp, port, secs, want) {
  const r = await runScript(session, "nodes", ["listen", interp, String(port), String(secs), String(want)], { timeoutMs: (secs + 15) * 1e3, maxOutput: 4096 });
  const o = obj(parseJsonLine("nodes", r), WHERE);
  if ("error" in o) return { error: str(o, "error", WHERE, { max: 64, pattern: /^[a-z-]+$/ }) };
  return { accepted: int(o, "accepted", WHERE, { min: 0, max: 99 }) };
}
async function reaches(session, addr, port, secs) {
  const r = await runScript(session, "nodes", ["reach", addr, String(port), String(secs)], { timeoutMs: (secs + 15) * 1e3, maxOutput: 4096 });
  return bool(obj(parseJsonLine("nodes", r), WHERE), "reached", WHERE);
}

// src/launch/nodes.ts
var NODE_CLOCK_SKEW_MS = 2e3;
var LISTEN_S = 10;
var KNOCK_S = 8;
var LiveRun = class extends Error {
  constructor(attempt) {
    super(`every node runs attempt ${attempt}`);
    this.attempt = attempt;
  }
  attempt;
};
var Refused = class extends Error {
  constructor(message, exit, result) {
    super(message);
    this.exit = exit;
    this.result = result;
  }
  exit;
  result;
};
async function launchNodes(phaseCfg, ctx, o) {
  const { reporter } = ctx;
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes;
  const cred = loadCredential(phaseCfg.conn.key);
  const nodes = await openAll(m, phaseCfg, cred, reporter);
  try {
    let floor;
    let masterAddr;
    try {
      floor = await checkStates(nodes, cfg.runId, cfg.resume, o.auditCfg?.interpreter ?? phaseCfg.audit.interpreter, !!o.store?.register);
      if (o.auditCfg) await auditAll(nodes, o.auditCfg, reporter);
      masterAddr = m.masterAddr ?? await defaultMasterAddr(nodes);
      await rendezvous(nodes, masterAddr, m.masterPort, o.auditCfg?.interpreter ?? phaseCfg.audit.interpreter);
    } catch (err) {
      if (err instanceof LiveRun) return await registerLive(phaseCfg, ctx, o, nodes, err.attempt, cred);
      if (!(err instanceof Refused)) throw err;
      return refusedAll(reporter, cfg.runId, nodes.length, err);
    }
    reporter.info(`launch: ${nodes.length} nodes, rank 0 at ${masterAddr}:${m.masterPort}; starting attempt ${floor + 1} on each`);
    const outcomes = await launchEach(phaseCfg, nodes, floor, masterAddr, o.release, reporter);
    const bad = outcomes.map((x, rank) => ({ x, rank })).filter(({ x }) => "error" in x || x.result !== "started");
    if (bad.length) return await undoPartial(nodes, outcomes, bad, cfg.runId, reporter);
    return await reportStarted(phaseCfg, ctx, o, nodes, outcomes, masterAddr, cred);
  } finally {
    for (const n of nodes) n.session.close();
  }
}
function launchEach(phaseCfg, nodes, floor, masterAddr, release, reporter) {
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes;
  return Promise.all(
    nodes.map(async (n) => {
      try {
        return await launch(
          {
            ...cfg,
            runRoot: n.runRoot,
            workdir: n.workdir,
            attemptFloor: floor,
            node: { rank: n.rank, nnodes: nodes.length, masterAddr, masterPort: m.masterPort },
            ...n.instanceId ? { instanceId: n.instanceId } : {}
          },
          [...cfg.env, ...phaseCfg.secrets, ...nodeEnv(n.rank, nodes.length, masterAddr, m.masterPort)],
          void 0,
          { session: n.session, now: () => /* @__PURE__ */ new Date(), log: (l) => reporter.info(`rank ${n.rank}: ${l}`) },
          release
        );
      } catch (err) {
        return { error: err.message };
      }
    })
  );
}
function refusedAll(reporter, runId, count, err) {
  reporter.output("result", err.result);
  reporter.output("run-id", runId);
  reporter.summary(`### \u26D4 tether launch of ${code(runId)} on ${count} nodes: nothing started

${inert(err.message)}`);
  reporter.error(`launch ${err.result}: ${err.message}`);
  return err.exit;
}
async function registerLive(phaseCfg, ctx, o, nodes, attempt, cred) {
  const { reporter } = ctx;
  const m = phaseCfg.nodes;
  const masterAddr = m.masterAddr ?? await defaultMasterAddr(nodes);
  const outcomes = await launchEach(phaseCfg, nodes, attempt, masterAddr, o.release, reporter);
  if (outcomes.some((x) => !("error" in x) && x.result === "started"))
    return await undoPartial(
      nodes,
      outcomes,
      outcomes.map((x, rank) => ({ x, rank })).filter(({ x }) => "error" in x || x.result !== "started"),
      phaseCfg.launch.runId,
      reporter
    );
  const other = outcomes.findIndex((x) => "error" in x || x.result !== "refused" || x.refusal !== "alive");
  if (other >= 0) {
    const x = outcomes[other];
    const why = "error" in x ? x.error : x.message;
    return refusedAll(reporter, phaseCfg.launch.runId, nodes.length, new Refused(`rank ${other}: ${why}; nothing was started on any node`, 1, "refused"));
  }
  reporter.info(`launch: every node runs attempt ${attempt}; nothing was started, the running run is registered for the patrol`);
  return await reportStarted(phaseCfg, ctx, o, nodes, outcomes, masterAddr, cred, "registered");
}
async function reportStarted(phaseCfg, ctx, o, nodes, started, masterAddr, cred, how = "started") {
  const { reporter } = ctx;
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes;
  const r0 = started[0];
  reporter.output("result", how);
  reporter.output("run-id", cfg.runId);
  reporter.output("attempt", String(r0.attempt));
  reporter.output("handle", r0.handle);
  reporter.output("run-dir", r0.runDir);
  reporter.output("host-key-fingerprint", nodes[0].session.hostFingerprint);
  const table = started.map((x, rank) => ({
    rank,
    host: `${nodes[rank].conn.user}@${nodes[rank].conn.host}:${nodes[rank].conn.port}`,
    attempt: x.attempt,
    pid: x.pid,
    handle: x.handle,
    run_dir: x.runDir
  }));
  reporter.output("nodes", JSON.stringify(table));
  reporter.summary(
    `### \u2705 tether launch \u2014 ${code(cfg.runId)} on ${nodes.length} nodes: ${how === "started" ? "started" : "already running, registered (nothing started)"}

attempt ${r0.attempt}; rank 0 at ${code(`${masterAddr}:${m.masterPort}`)}

| rank | node | pid | handle |
|---|---|---|---|
` + table.map((t) => `| ${t.rank} | ${code(t.host)} | ${t.pid ?? ""} | ${code(t.handle)} |`).join("\n")
  );
  const runFile = resolve2(ctx.ports.workspace, phaseCfg.runFile);
  writeFileSync(
    runFile,
    sortedJson({
      schema: "tether.run/v1",
      run_id: cfg.runId,
      attempt: r0.attempt,
      backend: cfg.backend,
      master_addr: masterAddr,
      master_port: m.masterPort,
      nodes: table.map((t, rank) => ({ ...t, host_key_fingerprint: nodes[rank].session.hostFingerprint, run_root: nodes[rank].runRoot })),
      checkpoints: cfg.checkpoints,
      commit: cfg.commit ?? null,
      release: o.release?.id ?? null
    }) + "\n"
  );
  reporter.output("run-file", runFile);
  if (!o.store?.register) return 0;
  const registered = nodes.map((n) => ({
    rank: n.rank,
    host: n.conn.host,
    port: n.conn.port,
    user: n.conn.user,
    hostKeyFingerprint: n.session.hostFingerprint,
    runRoot: n.runRoot,
    instanceId: n.instanceId
  }));
  return await register(
    o.store.register.bind(o.store),
    r0,
    { ...cfg, runRoot: nodes[0].runRoot, ...nodes[0].instanceId ? { instanceId: nodes[0].instanceId } : {} },
    nodes[0].conn,
    nodes[0].session,
    cred,
    reporter,
    launcherOf(ctx.env),
    o.release?.id ?? null,
    phaseCfg.policy,
    void 0,
    { nodes: registered, onNodeFailure: m.onNodeFailure }
  );
}
async function openAll(m, phaseCfg, cred, reporter) {
  const opened = await Promise.allSettled(m.conns.map((conn) => openPinned({ conn, cred }, reporter)));
  const failed = opened.findIndex((x) => x.status === "rejected");
  if (failed >= 0) {
    for (const x of opened) if (x.status === "fulfilled") x.value.session.close();
    const err = opened[failed].reason;
    err.message = `rank ${failed} (${m.conns[failed].host}:${m.conns[failed].port}): ${err.message}; nothing was started on any node`;
    throw err;
  }
  return opened.map((x, rank) => ({
    rank,
    conn: m.conns[rank],
    session: x.value.session,
    runRoot: m.nodes[rank].runRoot ?? phaseCfg.launch.runRoot,
    workdir: m.nodes[rank].workdir ?? phaseCfg.launch.workdir,
    instanceId: m.nodes[rank].instanceId ?? null
  }));
}
async function checkStates(nodes, runId, resume, interp, registerLive2) {
  const states = await Promise.all(
    nodes.map(async (n) => {
      const t0 = Date.now();
      const s = await nodeState(n.session, n.runRoot, runId, interp);
      const t1 = Date.now();
      return { s, skew: Math.max(0, Math.abs(s.nowMs - (t0 + t1) / 2) - (t1 - t0) / 2) };
    })
  );
  const alive = states.findIndex((x) => x.s.alive);
  if (alive >= 0 && registerLive2 && states.every((x) => x.s.alive && x.s.attempt === states[0].s.attempt)) throw new LiveRun(states[0].s.attempt);
  if (alive >= 0)
    throw new Refused(
      `${runId} runs on rank ${alive} (attempt ${states[alive].s.attempt}): a run on many boxes is alive while any node runs it; nothing was started on any node`,
      1,
      "refused"
    );
  const exists = states.findIndex((x) => x.s.exists);
  if (exists >= 0 && !resume)
    throw new Refused(
      `${runId} already has a record on rank ${exists} (attempt ${states[exists].s.attempt}); resume: true starts attempt ${Math.max(...states.map((x) => x.s.attempt)) + 1} on every node, or pick a new run id`,
      1,
      "refused"
    );
  const pythons = states.map((x) => x.s.python ?? `no ${interp}`);
  if (new Set(pythons).size > 1)
    throw new Refused(
      `the nodes' Python differs (${interp}): ${pythons.map((p, r) => `rank ${r} ${p}`).join(", ")}; every node must run the same`,
      3,
      "blocked"
    );
  const off = states.findIndex((x) => x.skew > NODE_CLOCK_SKEW_MS);
  if (off >= 0)
    throw new Refused(
      `rank ${off}'s clock is ${(states[off].skew / 1e3).toFixed(1)} s off the runner's (at most ${NODE_CLOCK_SKEW_MS / 1e3} s): set its time (chrony or systemd-timesyncd) before a run on many boxes`,
      3,
      "blocked"
    );
  return Math.max(...states.map((x) => x.s.attempt));
}
async function auditAll(nodes, auditCfg, reporter) {
  const audits = await Promise.all(nodes.map((n) => runAudit(n.session, { ...auditCfg, runRoot: n.runRoot })));
  const failures = audits.flatMap((a, rank) => a.gate.failures.map((f) => `rank ${rank}: ${f}`));
  for (const [rank, a] of audits.entries()) for (const w of a.gate.warnings) reporter.warn(`audit: rank ${rank}: ${w}`);
  const torch = audits.map((a) => a.report.interpreter.torchVersion ?? "none");
  if (new Set(torch).size > 1) failures.push(`the nodes' torch differs: ${torch.map((t, r) => `rank ${r} ${t}`).join(", ")}`);
  if (failures.length) throw new Refused(`the audit gate blocked the launch:
${failures.map((f) => `- ${f}`).join("\n")}`, 3, "blocked");
}
async function defaultMasterAddr(nodes) {
  const src = await routeSource(nodes[0].session, nodes[1].conn.host);
  if (!src)
    throw new Refused(
      `rank 0 could not say its own address toward rank 1 (${nodes[1].conn.host}) with ip route get: give master-addr, the address the other nodes reach rank 0 at`,
      1,
      "refused"
    );
  return src;
}
async function rendezvous(nodes, addr, port, interp) {
  const [heard, ...knocks] = await Promise.all([
    listenFor(nodes[0].session, interp, port, LISTEN_S, nodes.length - 1),
    ...nodes.slice(1).map((n) => reaches(n.session, addr, port, KNOCK_S))
  ]);
  if ("error" in heard) {
    const e = heard.error;
    throw new Refused(
      e === "port-in-use" ? `master-port ${port} is in use on rank 0: pick another master-port` : `rank 0 could not listen on master-port ${port} to check the rendezvous (${e}; it uses ${interp})`,
      3,
      "blocked"
    );
  }
  const missed = knocks.map((ok, i) => ({ ok, rank: i + 1 })).filter((k) => !k.ok);
  if (missed.length)
    throw new Refused(
      `${missed.map((k) => `rank ${k.rank}`).join(", ")} cannot reach rank 0 at ${addr}:${port} (master-addr, master-port): open the port between the nodes, or give the address they reach rank 0 at`,
      3,
      "blocked"
    );
}
async function undoPartial(nodes, outcomes, bad, runId, reporter) {
  const why = bad.map(({ x, rank }) => `rank ${rank}: ${"error" in x ? x.error : `${x.result}: ${x.message.split("\n").join(" ")}`}`);
  const stopped = [];
  for (const [rank, x] of outcomes.entries()) {
    if ("error" in x || x.result !== "started") continue;
    try {
      const s = await stopRun(nodes[rank].session, x.runDir, 10);
      stopped.push(`rank ${rank} ${s.alive ? "still runs (the stop did not take: stop it by hand)" : "stopped"}`);
    } catch (err) {
      stopped.push(`rank ${rank} could not be stopped (${err.message.slice(0, 200)}): stop it by hand`);
    }
  }
  const text = `${why.join("; ")}. ${stopped.length ? `The nodes that were running were stopped again: ${stopped.join(", ")}.` : "No node is left running."}`;
  const heads = bad.filter(({ x }) => !("error" in x) && x.logHead.trim()).map(
    ({ x, rank }) => `<details><summary>rank ${rank}: first lines of the job log</summary>

${fence(x.logHead.trimEnd())}
</details>`
  );
  for (const { x, rank } of bad) if (!("error" in x) && x.logHead.trim()) reporter.info(`rank ${rank}: first lines of the job log:
${x.logHead.trimEnd()}`);
  reporter.output("result", "failed");
  reporter.output("run-id", runId);
  reporter.summary(
    `### \u274C tether launch of ${code(runId)} on ${nodes.length} nodes: not started on every node

${inert(text)}${heads.length ? `

${heads.join("\n")}` : ""}`
  );
  reporter.error(`launch failed: ${text}`);
  return 1;
}

// src/transfer/push.ts
import { spawn } from "node:child_process";
import { createHash as createHash2 } from "node:crypto";
import { createReadStream } from "node:fs";
async function pushCheckpoint(target, workdir, f, timeoutMs = 36e5) {
  const { sshArgs, env, close } = sshInvocation(target);
  try {
    const child = spawn("ssh", [...sshArgs, scriptCommand([workdir, f.path, String(f.bytes), f.sha256])], { env, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    let err = "";
    child.stdout.on("data", (d) => out.length < 64 && out.push(d));
    child.stderr.on("data", (d) => err = (err + d.toString()).slice(-2e3));
    child.stdin.on("error", () => void 0);
    const closed = new Promise((res) => child.on("close", (c) => res(c)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const hash = createHash2("sha256");
    let sent = 0;
    try {
      child.stdin.write(scriptStdin("restore"));
      for await (const chunk of createReadStream(f.source)) {
        hash.update(chunk);
        sent += chunk.length;
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once("drain", r));
      }
      child.stdin.end();
      const code2 = await closed;
      const local = hash.digest("hex");
      if (sent !== f.bytes || local !== f.sha256)
        throw new Error(
          `the synced copy of ${f.path} on the runner is ${sent} bytes with sha256 ${local}, not the ${f.bytes} bytes and sha256 the sync verified: not restored`
        );
      const line = Buffer.concat(out).toString("utf8").trim().split("\n").filter((l) => l.startsWith("{")).at(-1);
      if (!line) throw new Error(`restore of ${f.path}: no answer from the box (exit ${code2}${err.trim() ? `: ${err.trim().slice(0, 300)}` : ""})`);
      const o = obj(parseJson(line, "restore.sh result", 8192), "restore.sh result");
      const result = str(o, "result", "restore.sh result", { max: 32 });
      if (result !== "restored" && result !== "present")
        throw new Error(`restore of ${f.path}: ${result}: ${optStr(o, "message", "restore.sh result", { max: 2e3 }) ?? ""}`);
      return { result, path: str(o, "path", "restore.sh result", { max: 8192 }) };
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  } finally {
    close();
  }
}

// src/launch/phase.ts
async function open(conn, reporter) {
  const cred = loadCredential(conn.key);
  const { session, hostKeyNote } = await openPinned({ conn, cred }, reporter);
  reporter.output("host-key-fingerprint", session.hostFingerprint);
  return { cred, session, ...hostKeyNote ? { hostKeyNote } : {} };
}
async function auditPhase(cfg, ctx) {
  const { reporter } = ctx;
  const { session } = await open(cfg.conn, reporter);
  try {
    const a = await runAudit(session, cfg.audit);
    reporter.output("passed", String(a.gate.pass));
    reporter.output("report", JSON.stringify(a.report));
    reporter.summary(renderAudit(a));
    for (const w of a.gate.warnings) reporter.warn(w);
    for (const f of a.gate.failures) reporter.error(`audit: ${f}`);
    return a.gate.pass ? 0 : 3;
  } finally {
    session.close();
  }
}
async function smokeCheck(cfg, env, workspace, fetch) {
  const s = cfg.smoke;
  if (s.kind === "off") return { note: null };
  if (s.kind === "waived") return { note: `\u26A0\uFE0F Launched without a smoke run (smoke-waiver): ${inert(s.reason)}` };
  const commit = cfg.commit ?? (env["GITHUB_SHA"] ?? "").trim();
  if (!FULL_OID.test(commit))
    return {
      refused: `require-smoke needs the full id of the commit being launched (40 or 64 hex${commit ? `, not ${commit.slice(0, 64)}` : ""}): give commit (or run in a workflow, where GITHUB_SHA is set)`
    };
  let text;
  let found;
  if (s.recordPath) {
    const path = resolve3(workspace, s.recordPath);
    found = `smoke-record ${path}`;
    text = existsSync(path) ? readFileSync(path, "utf8") : null;
  } else {
    const name = `tether-smoke-${commit}`;
    found = `artifact ${name} of this workflow run`;
    if (!fetch) return { refused: `require-smoke: give smoke-record (the path of tether-smoke.json); on a terminal there is no ${found}` };
    const dir = mkdtempSync(join(tmpdir(), "tether-smoke-"));
    try {
      await fetch(name, dir);
      const file = join(dir, "tether-smoke.json");
      text = existsSync(file) ? readFileSync(file, "utf8") : null;
    } catch (err) {
      text = null;
      found += `: ${err.message.split("\n")[0]}`;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let record = null;
  if (text !== null) {
    try {
      record = parseSmoke(text);
    } catch (err) {
      return { refused: `require-smoke: the smoke record (${found}) is unreadable: ${err.message}` };
    }
  }
  const g = smokeGate(record, commit, found);
  return g.ok ? { note: `\u2705 ${inert(g.note)}` } : { refused: g.why };
}
async function launchPhase(phaseCfg, ctx) {
  const { env, reporter, ports } = ctx;
  const { workspace, fetchArtifact } = ports;
  const cfg = phaseCfg.launch;
  const store = phaseCfg.store ? ports.statusStore?.(phaseCfg.store) : void 0;
  if (phaseCfg.store && !store?.register)
    throw new InputError("report-to", "needs the GitHub API, which only the action has (on a terminal, patrol with host and run-ids)");
  const secrets = phaseCfg.secrets;
  for (const [, value] of secrets) reporter.mask(value);
  const onLoginHost = BACKEND_LIST.find((b) => b.name === cfg.backend)?.jobOnLoginHost ?? true;
  const auditCfg = cfg.audit ? { ...phaseCfg.audit, ...onLoginHost ? {} : { requireGpu: false } } : void 0;
  const smoke = await smokeCheck(cfg, env, workspace, fetchArtifact ? (n, d) => fetchArtifact(n, d) : void 0);
  if ("refused" in smoke) {
    reporter.output("result", "blocked");
    reporter.output("run-id", cfg.runId);
    reporter.summary(`### \u26D4 tether launch of ${code(cfg.runId)} blocked before touching the box

${inert(smoke.refused)}`);
    reporter.error(`launch blocked: ${smoke.refused}`);
    return 3;
  }
  if (smoke.note) reporter.summary(smoke.note);
  const release = cfg.sync ? packRelease(cfg.sync.dir, cfg.sync.mode, workspace) : void 0;
  if (phaseCfg.nodes) return await launchNodes(phaseCfg, ctx, { release, auditCfg, store });
  const conn = phaseCfg.conn;
  const { cred, session, hostKeyNote } = await open(conn, reporter);
  try {
    const floor = phaseCfg.audit;
    const rec = phaseCfg.recovery;
    if (rec?.restore.length && release) await restoreInto(session, conn, cred, cfg, release, rec.restore, reporter);
    const o = await launch(
      rec ? { ...cfg, attemptFloor: rec.attemptFloor, doneCells: rec.doneCells } : cfg,
      [...cfg.env, ...secrets],
      auditCfg,
      { session, now: () => /* @__PURE__ */ new Date(), log: (l) => reporter.info(l), diskFloor: { bytes: floor.minFreeGb * 1e9, inodes: floor.minFreeInodes } },
      release
    );
    const registersLive = o.result === "refused" && o.refusal === "alive" && !!store?.register;
    reporter.output("result", registersLive ? "registered" : o.result);
    reporter.output("run-id", o.runId);
    reporter.output("attempt", String(o.attempt));
    reporter.output("handle", o.handle);
    reporter.output("run-dir", o.runDir);
    reporter.summary(renderLaunch(o, `${conn.user}@${conn.host}:${conn.port}`, hostKeyNote));
    for (const w of o.warnings) reporter.warn(w);
    if (o.logHead.trim() && !reporter.summaryInLog) reporter.info(`first lines of the job log:
${o.logHead.trimEnd()}`);
    if (registersLive && store?.register) {
      reporter.info(`launch: ${o.message.split("\n").join(" ")}; nothing was started, the running attempt is registered for the patrol`);
      return await register(store.register.bind(store), o, cfg, conn, session, cred, reporter, launcherOf(env), release?.id ?? null, phaseCfg.policy);
    }
    if (o.result !== "started") {
      reporter.error(`launch ${o.result}: ${o.message.split("\n").join(" ")}`);
      return o.result === "blocked" ? 3 : 1;
    }
    const runFile = resolve3(workspace, phaseCfg.runFile);
    writeFileSync2(
      runFile,
      sortedJson({
        schema: "tether.run/v1",
        run_id: o.runId,
        attempt: o.attempt,
        backend: cfg.backend,
        handle: o.handle,
        pid: o.pid,
        run_root: cfg.runRoot,
        run_dir: o.runDir,
        started_at: o.startedAt,
        host: conn.host,
        port: conn.port,
        user: conn.user,
        host_key_fingerprint: session.hostFingerprint,
        jump_host: conn.jump ? jumpAddress(conn.jump) : null,
        provider: cfg.provider ?? null,
        instance_id: cfg.instanceId ?? null,
        checkpoints: cfg.checkpoints,
        expected_duration_s: cfg.expectedDurationS ?? null,
        commit: cfg.commit ?? null,
        release: release?.id ?? null
      }) + "\n"
    );
    reporter.output("run-file", runFile);
    reporter.info(`launch: ${o.message}; run record ${o.runDir}; wrote ${runFile}`);
    if (!store?.register) return 0;
    const recovered = rec ? {
      recoveries: rec.recoveries,
      previous: rec.previous,
      // The step check is the run's: a sweep's cells each resume from their own (listed in the summary).
      restored: rec.restore.length === 1 && !cfg.sweep ? { path: rec.restore[0].path, step: rec.restore[0].step, sha256: rec.restore[0].sha256 } : null
    } : void 0;
    return await register(store.register.bind(store), o, cfg, conn, session, cred, reporter, launcherOf(env), release?.id ?? null, phaseCfg.policy, recovered);
  } finally {
    session.close();
  }
}
async function restoreInto(session, conn, cred, cfg, release, files, reporter) {
  const up = await uploadRelease(session, cfg.runRoot, release);
  reporter.info(`recover: release ${release.id} ${up.stored ? "uploaded to" : "already at"} ${up.path}`);
  const target = pullTargetFor(conn, cred, session);
  for (const f of files) {
    const t0 = Date.now();
    const r = await pushCheckpoint(target, `${releasesDir(cfg.runRoot)}/${release.id}`, f);
    reporter.info(
      `recover: restored ${f.path}${f.cell ? ` (cell ${f.cell})` : ""} (${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)}\u2026, step ${f.step ?? "unknown"}) to ${r.path} in ${Date.now() - t0} ms`
    );
  }
}

export {
  packRelease,
  auditPhase,
  launchPhase
};
