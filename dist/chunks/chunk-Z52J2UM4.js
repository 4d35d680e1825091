import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  bool,
  number,
  remotePath,
  show,
  splitList
} from "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/config/audit.ts
var DEFAULT_RUN_ROOT = "~/.tether/runs";
function parseAudit(inputs) {
  const mounts = splitList(inputs["mounts"] ?? "").map((m) => remotePath("mounts", m));
  if (mounts.length > 16) throw new InputError("mounts", `has ${mounts.length} paths; at most 16`);
  const interpreter = (inputs["interpreter"] ?? "").trim() || "python3";
  if (!/^[A-Za-z0-9_./~+-]{1,256}$/.test(interpreter) || interpreter.startsWith("-")) {
    throw new InputError("interpreter", `${show(interpreter)} is not an interpreter path or name (e.g. python3, /opt/conda/bin/python)`);
  }
  return {
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    mounts,
    interpreter,
    minFreeGb: number("min-free-gb", inputs["min-free-gb"], 10, 0, 1e6),
    minFreeInodes: number("min-free-inodes", inputs["min-free-inodes"], 1e5, 0, 1e12),
    checkpointBudgetGb: number("checkpoint-budget-gb", inputs["checkpoint-budget-gb"], 0, 0, 1e6),
    requireGpu: bool("require-gpu", inputs["require-gpu"], true)
  };
}

// src/teardown/facts.ts
var PROVIDERS = ["ssh", "command", "lambda", "runpod", "vastai", "aws", "slurm"];
var VERBS = ["park", "destroy", "cancel"];
var FACTS = {
  ssh: {
    title: "any SSH box",
    credentials: "ssh",
    park: {
      action: "`sudo -n poweroff` on the box",
      reversible: true,
      survives: "the disks, if the provider keeps a stopped machine",
      keepsBilling: "whatever the provider bills for a powered-off machine; on Lambda an in-OS shutdown leaves the instance in Alert and it KEEPS BILLING"
    },
    destroy: null,
    missing: { destroy: "an SSH box cannot destroy itself: use the provider API (lambda, runpod, vastai, aws) or provider: command" },
    traps: [
      "a forgotten box bills 24/7: nothing releases it automatically",
      "Lambda: shutdown from inside the OS keeps billing (Alert state); use provider: lambda"
    ],
    verified: "2026-06"
  },
  command: {
    title: "your teardown command",
    credentials: "command",
    park: {
      action: "your `teardown-command` with TETHER_VERB=park",
      reversible: true,
      survives: "as your command decides",
      keepsBilling: "as your provider bills a parked machine"
    },
    destroy: {
      action: "your `teardown-command` with TETHER_VERB=destroy",
      reversible: false,
      survives: "as your command decides",
      keepsBilling: "anything your command does not delete (volumes, IPs, snapshots)"
    },
    traps: ["tether only knows the exit status of your command: check the provider console afterwards"],
    verified: "2026-06"
  },
  lambda: {
    title: "Lambda Cloud",
    credentials: "api-key",
    park: null,
    destroy: {
      action: "terminate (`POST /instance-operations/terminate`)",
      reversible: false,
      survives: "NFS file systems (`/lambda/nfs/<name>`); the local NVMe is erased",
      keepsBilling: "NFS file systems ($0.20/GiB/month) until you delete them"
    },
    missing: { park: "Lambda has no stop or suspend state, and `sudo shutdown` leaves the instance in Alert, still billing: only terminate stops the meter" },
    traps: ["in-OS shutdown keeps billing (Alert state)", "the terminate call can hang: tether times out and re-queries the instance"],
    verified: "2026-06"
  },
  runpod: {
    title: "RunPod",
    credentials: "api-key",
    park: {
      action: "stop (`POST /pods/{id}/stop`)",
      reversible: true,
      survives: "the volume disk `/workspace` and any Network Volume; the container disk is wiped",
      keepsBilling: "the volume disk, billed at 2\xD7 while stopped; the pod may come back with zero GPUs; stopped pods are removed after ~30 days"
    },
    destroy: {
      action: "terminate (`DELETE /pods/{id}`)",
      reversible: false,
      survives: "Network Volumes only; container and volume disks are deleted",
      keepsBilling: "Network Volumes until you delete them"
    },
    traps: [
      "stop does not stop the meter for storage: the volume disk bills 2\xD7",
      "a delete answering 200 is not proof: tether polls until the pod is gone (404)"
    ],
    verified: "2026-06"
  },
  vastai: {
    title: "vast.ai",
    credentials: "api-key",
    park: {
      action: "stop (`PUT /instances/{id}/` state=stopped)",
      reversible: true,
      survives: 'the instance disk; the GPU may be taken by someone else ("Scheduling" forever)',
      keepsBilling: "the disk, forever (even at a negative balance), and bandwidth in every state"
    },
    destroy: {
      action: "destroy (`DELETE /instances/{id}/`)",
      reversible: false,
      survives: "nothing on the box; only copies you made off it",
      keepsBilling: "volumes until you delete them"
    },
    traps: ["stop bills the disk forever", "destroy is eventually consistent: tether polls until the instance is gone"],
    verified: "2026-06"
  },
  slurm: {
    title: "a Slurm cluster (through its login node)",
    credentials: "ssh",
    park: {
      action: "`scontrol hold` of the run's pending jobs (release with launch `resume`)",
      reversible: true,
      survives: "everything; a job already running keeps running (a hold only stops pending ones from starting)",
      keepsBilling: "nothing while held; fair-share time is used only when a job runs"
    },
    destroy: null,
    cancel: {
      action: "`scancel` of exactly the run's recorded job ids (never a name or user match)",
      reversible: false,
      survives: "every file on the shared filesystem (nothing is deleted); the work since the last checkpoint is lost",
      keepsBilling: "nothing: the allocation ends"
    },
    missing: { destroy: "a Slurm job is cancelled, not destroyed: use verb cancel" },
    traps: ["a cancelled job is not requeued: launch it again with resume: true from its last checkpoint", "node-local $TMPDIR is wiped when the job ends"],
    verified: "2026-11"
  },
  aws: {
    title: "AWS EC2",
    credentials: "aws",
    park: { action: "StopInstances", reversible: true, survives: "EBS volumes; instance-store disks are erased", keepsBilling: "EBS volumes and Elastic IPs" },
    destroy: {
      action: "TerminateInstances",
      reversible: false,
      survives: "EBS volumes not marked DeleteOnTermination, and snapshots",
      keepsBilling: "unattached EBS volumes, snapshots and unassociated Elastic IPs"
    },
    traps: ["a stopped instance still bills its EBS volumes", "volumes without DeleteOnTermination outlive the instance"],
    verified: "2026-06"
  }
};
function monthsSince(stamp, now) {
  const [y, m] = stamp.split("-").map(Number);
  return (now.getUTCFullYear() - (y ?? 0)) * 12 + (now.getUTCMonth() + 1 - (m ?? 0));
}
function instanceIdFor(provider, given, box, runId = "") {
  if (provider === "slurm") return runId;
  return given.trim() || (provider === "ssh" && box && box.host ? `${box.host}:${box.port}` : "");
}
function verbFacts(provider, verb) {
  return FACTS[provider][verb] ?? null;
}
function verbMissing(provider, verb) {
  return FACTS[provider].missing?.[verb] ?? (verb === "cancel" ? "cancel is for a scheduler (provider slurm)" : "not offered by this provider");
}
var INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

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
  "host-key-changed",
  "auth-refused",
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
  "host-key-changed": "THE BOX'S HOST KEY CHANGED: another machine answers at this address (a reinstalled or reassigned instance, or an interception). Nothing was sent to it; find out what happened in the provider console before pinning the new key",
  "auth-refused": "the box answers but refuses tether's key: the authorized key was removed or the user changed; fix authorized_keys (nothing is known about the run, and the box is not silent: it is not a billing or power problem)",
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
  "checkpoint-stale": "no new checkpoint in 1.5\xD7 checkpoint-every: a box that dies now loses everything since the newest one",
  "foreign-checkpoints": "checkpoints newer than the run's end: another run (or process) writes into the same folder; collect names them, and results may mix: give each run its own checkpoint directory",
  "unlaunched-cells": "the run record lists cells tether never launched (no cell record): they are ignored, never shown or remembered; someone or something edited cells.list on the box",
  "blocked-disk": "the sweep's queue holds this cell: the disk where the cells write is below the audit's floor (min-free-gb, min-free-inodes); free space (prune old checkpoints) and it starts by itself",
  "no-checkpoints": "the run ended and its checkpoint globs match no file: nothing to collect; check the launch input 'checkpoints' against where the job saves"
};

// src/report/markdown.ts
var CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var PUNCT = /[\\`*_[\]()!#|~{}]/g;
var ZWSP = "\u200B";
function bounded(s, max) {
  const cps = Array.from(s);
  return cps.length > max ? `${cps.slice(0, max).join("")}\u2026` : s;
}
function inert(s, max = 2e3) {
  return bounded(String(s), max).replace(/\r\n?|\n/g, " ").replace(CONTROLS, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(PUNCT, (c) => `\\${c}`).replace(/:\/\//g, `:${ZWSP}//`).replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`).replace(/@/g, `@${ZWSP}`);
}
function code(s, max = 400) {
  const t = bounded(String(s), max).replace(/\r\n?|\n/g, " ").replace(CONTROLS, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...Array.from(t.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") || t === "" ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

export {
  DEFAULT_RUN_ROOT,
  parseAudit,
  PROVIDERS,
  VERBS,
  FACTS,
  monthsSince,
  instanceIdFor,
  verbFacts,
  verbMissing,
  INSTANCE_ID,
  STATES,
  STATE_REMEDIATION,
  FAILURE_REMEDIATION,
  FLAG_REMEDIATION,
  inert,
  code
};
