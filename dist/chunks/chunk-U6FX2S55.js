import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/backends/slurm.ts
var slurm = { name: "slurm", jobOnLoginHost: false, owns: (h) => /^slurm:\d+(_\d+)?$/.test(h) };
var SLURM_ALIVE = [
  "PENDING",
  "RUNNING",
  "CONFIGURING",
  "COMPLETING",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "RESIZING",
  "SIGNALING",
  "STAGE_OUT",
  "SUSPENDED",
  "STOPPED"
];
var SLURM_ENDED = [
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
  "SPECIAL_EXIT"
];
var SLURM_FAILURE = {
  TIMEOUT: "timeout",
  DEADLINE: "timeout",
  OUT_OF_MEMORY: "oom",
  NODE_FAIL: "node-fail",
  BOOT_FAIL: "node-fail",
  CANCELLED: "cancelled"
};

export {
  slurm,
  SLURM_ALIVE,
  SLURM_ENDED,
  SLURM_FAILURE
};
