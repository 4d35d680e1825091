import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseConnection
} from "./chunk-D4LSXUI5.js";
import {
  bool,
  number,
  remotePath,
  show,
  splitList
} from "./chunk-U6D75MKF.js";
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
function parseAuditPhase(inputs, env) {
  return { audit: parseAudit(inputs), conn: parseConnection(inputs, env) };
}

export {
  DEFAULT_RUN_ROOT,
  parseAudit,
  parseAuditPhase
};
