import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

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

export {
  PROVIDERS,
  VERBS,
  FACTS,
  monthsSince,
  instanceIdFor,
  verbFacts,
  verbMissing,
  INSTANCE_ID
};
