import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_ARTIFACT_BUDGET,
  retention
} from "./chunk-7XDFRW46.js";
import {
  DEFAULT_RUN_ROOT
} from "./chunk-ADSDY35L.js";
import {
  bool,
  command,
  duration,
  number,
  oneOf,
  plainPath,
  remotePath,
  runId,
  show,
  size,
  splitList
} from "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/patrol/remediation.ts
var STATES = [
  "queued",
  "requeued",
  "launching",
  "running",
  "stalled",
  "finished",
  "failed",
  "dead",
  "rebooted",
  "unreachable",
  "probe-error",
  "unknown",
  "torn-down"
];
var RESUME = "relaunch the identical command with launch `resume: true` (never a blind retry of something else)";
var STATE_REMEDIATION = {
  queued: "waiting to start: a sweep's cell for a free slot (GPUs or max-parallel), or a Slurm job in the queue (its reason: Priority, Resources, a QOS limit \u2026)",
  requeued: "Slurm put the job back in its queue (preemption, a failed node, or scontrol requeue): it resumes as the next attempt with the same job id, from its last checkpoint",
  launching: "the job is starting; if it stays here for several ticks, read the attempt log",
  running: "nothing to do",
  stalled: "alive but no log or checkpoint progress: see where it waits (`py-spy dump --pid <pid>`), a DataLoader worker join is common; do not wait forever, escalate",
  finished: "ready to pull: run collect, which verifies the checkpoints before anything is torn down",
  dead: `no process and no DONE/FAILED marker (SSH hang-up, a manual kill or a provider action): ${RESUME}`,
  rebooted: `the box booted after the attempt started, so the job died with it: ${RESUME}`,
  unreachable: "check the provider console for balance, power or preemption; nothing is known to have changed on the box",
  "probe-error": "the box answered, but what it sent could not be read (a damaged or tampered run record, or output past its bounds); nothing is known to have changed: look at the run record on the box",
  unknown: "no run record for this run id under run-root: check run-id, run-root and the host",
  "torn-down": "the instance was torn down after its checkpoints were verified; remove the run from the patrol (tether.yml) when you no longer want this line"
};
var FAILURE_REMEDIATION = {
  "disk-full": `the disk filled during a write: prune periodic snapshots and scratch (keep best) or expand the disk, never shrink the experiment; then ${RESUME}`,
  oom: "host-RAM (cgroup) OOM: size num_workers against memory.max and share big objects, do not shrink the batch; relaunch with the changed config as a new run id",
  "cuda-oom": "CUDA out of memory (usually deterministic): check free VRAM, concurrent jobs and zombie holders, then fix batch sizing or set expandable_segments; not a retry",
  killed: `killed by SIGKILL with no traceback: if memory was tight it was the OOM killer (check cgroup oom_kill and dmesg), otherwise something killed it; once known, ${RESUME}`,
  "code-error": "a Python error in the code or config: investigate and fix; do not retry",
  nan: "the loss went NaN/Inf: a numerics problem; do not retry blindly, check the learning rate and data",
  preempted: `stopped by SIGTERM (spot preemption or a provider stop): ${RESUME}, on a fresh instance if the GPU was taken`,
  stopped: `stopped by tether on request (TERM, then KILL after the grace): the work since the last checkpoint is lost; when wanted, ${RESUME}`,
  timeout: `Slurm's time limit ended the job (TIMEOUT): it got TERM signal-lead seconds before, so the last checkpoint is recent; ${RESUME} (or raise --time)`,
  "node-fail": `a node of the job failed (NODE_FAIL): with requeue the job comes back on other nodes; otherwise ${RESUME}`,
  cancelled: "cancelled in Slurm (scancel, by the user or an admin, CANCELLED): nothing to fix in the code; relaunch with resume: true when wanted",
  other: "the command failed: read the attempt log; resume only once the cause is known"
};
var FLAG_REMEDIATION = {
  "disk-pressure": "disk \u2265 95% full: prune old checkpoints before the next save",
  "inode-pressure": "inodes \u2265 95% used: cap per-sample outputs",
  "mem-pressure": "cgroup memory > 90% of its limit: OOM risk",
  "gpu-idle": "GPUs idle while the job runs: data-bound, stuck on CPU, or not using the GPU",
  "fast-finish": "finished in under half the expected duration: check that it did real work",
  "bad-checkpoint": "its newest checkpoint failed verification on the runner (damaged, or NaN/Inf in a tensor): the last good one is kept; look at the training before it overwrites more",
  "checkpoint-stale": "no new checkpoint in 1.5\xD7 checkpoint-every: a box that dies now loses everything since the newest one"
};

// src/config/sync.ts
var SYNC_MODES = ["none", "latest", "all"];
function parseSync(inputs) {
  const mode = oneOf("sync", inputs["sync"], SYNC_MODES, "none");
  const dest = (inputs["sync-dest"] ?? "").trim();
  plainPath("sync-dest", dest);
  if (mode !== "none" && !dest)
    throw new InputError(
      "sync-dest",
      `is required with sync: ${mode}: a directory on the self-hosted runner that outlives the job (not under a workspace that checkout cleans)`
    );
  const keep = number("sync-keep", inputs["sync-keep"], 2, 1, 16);
  if (!Number.isInteger(keep)) throw new InputError("sync-keep", "must be a whole number from 1 to 16");
  const settleS = duration("sync-settle", inputs["sync-settle"], 5) ?? 5;
  if (settleS < 1 || settleS > 3600) throw new InputError("sync-settle", `${show(inputs["sync-settle"] ?? "")} is outside 1s to 1h`);
  const artifact = bool("sync-artifact", inputs["sync-artifact"], false);
  if (artifact && mode === "none") throw new InputError("sync-artifact", "needs sync: latest or all (it uploads the newest synced checkpoint)");
  const every = duration("checkpoint-every", inputs["checkpoint-every"], void 0);
  if (every !== void 0 && (every < 1 || every > 30 * 86400))
    throw new InputError("checkpoint-every", `${show(inputs["checkpoint-every"] ?? "")} is outside 1s to 30d`);
  return {
    mode,
    dest,
    keep,
    settleS,
    artifact,
    artifactBudgetBytes: size("artifact-budget", inputs["artifact-budget"], DEFAULT_ARTIFACT_BUDGET),
    retentionDays: retention(inputs["retention-days"]),
    checkpointEveryS: every ?? null,
    trustedLoadCommand: command("trusted-load-command", inputs["trusted-load-command"], false)
  };
}

// src/config/patrol.ts
function parseReportTo(raw) {
  const v0 = (raw ?? "").trim();
  if (!v0) return void 0;
  if (v0 === "tracking-issue") return { kind: "tracking-issue" };
  const m = /^(pr|issue):#?([1-9][0-9]{0,9})$/.exec(v0);
  if (!m) throw new InputError("report-to", `${show(v0)} is not pr:<number>, issue:<number> or tracking-issue`);
  return { kind: m[1], number: Number(m[2]) };
}
function parseHeader(raw) {
  const h = (raw ?? "").trim();
  if (h && !/^[A-Za-z0-9._-]{1,64}$/.test(h)) throw new InputError("header", `${show(h)} is not a header: use 1-64 of A-Z a-z 0-9 . _ -`);
  return h;
}
function parsePatrol(inputs) {
  const config = (inputs["config"] ?? "").trim() || void 0;
  const runIds = splitList((inputs["run-ids"] ?? "").replace(/\s+/g, "\n")).map((id) => runId("run-ids", id));
  if (config && runIds.length) throw new InputError("run-ids", "give either 'config' (tether.yml, many hosts) or 'run-ids' with one host's connection inputs");
  const registry = !config && !(inputs["host"] ?? "").trim();
  const reportTo = parseReportTo(inputs["report-to"]);
  if (registry && !reportTo)
    throw new InputError(
      "report-to",
      "is required to patrol the runs launch registered (no config and no host given): set it to where launch registered them (tracking-issue, pr:<n> or issue:<n>), or give 'config', or 'host' with 'run-ids'"
    );
  if (!config && !registry && runIds.length === 0)
    throw new InputError("run-ids", "is required: the run ids to patrol on this host (comma or newline separated), or use 'config'");
  if (runIds.length > 64) throw new InputError("run-ids", `has ${runIds.length} runs; at most 64 per host`);
  if (new Set(runIds).size !== runIds.length) throw new InputError("run-ids", "lists a run id twice");
  const failOn = splitList(inputs["fail-on"] ?? "").map((s) => {
    if (!STATES.includes(s)) throw new InputError("fail-on", `${show(s)} is not a state (${STATES.join(", ")})`);
    return s;
  });
  const progressRegexes = splitList((inputs["progress-regex"] ?? "").replace(/,/g, "\0")).map((src) => {
    const text = src.replace(/\u0000/g, ",");
    try {
      return new RegExp(text);
    } catch (err) {
      throw new InputError("progress-regex", `${show(text)} is not a regular expression: ${err.message}`);
    }
  });
  const stateFile = (inputs["state-file"] ?? "").trim() || void 0;
  plainPath("state-file", stateFile);
  const concurrency = number("concurrency", inputs["concurrency"], 8, 1, 64);
  return {
    config,
    registry,
    concurrency,
    runIds,
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    stallAfterS: duration("stall-after", inputs["stall-after"], 1800) ?? 1800,
    failOn,
    stateFile,
    progressRegexes,
    reportTo,
    header: parseHeader(inputs["header"]),
    sync: parseSync(inputs),
    followS: follow(inputs["follow"])
  };
}
function follow(raw) {
  const t = duration("follow", raw, 0) ?? 0;
  if (t !== 0 && (t < 10 || t > 5 * 86400)) throw new InputError("follow", `${show(raw ?? "")} is outside 10s to 5d (the runner's job limit)`);
  return t;
}

export {
  STATE_REMEDIATION,
  FAILURE_REMEDIATION,
  FLAG_REMEDIATION,
  parseReportTo,
  parseHeader,
  parsePatrol
};
