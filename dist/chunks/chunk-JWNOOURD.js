import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_RUN_ROOT
} from "./chunk-JJDYANJU.js";
import {
  parseConnection
} from "./chunk-D4LSXUI5.js";
import {
  bool,
  remotePath,
  runId,
  show,
  size
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/config/logs.ts
var LOG_READ_MAX = 1 << 20;
function parseLogsPhase(inputs, env) {
  const attemptRaw = (inputs["attempt"] ?? "").trim();
  if (attemptRaw && !/^[1-9][0-9]{0,5}$/.test(attemptRaw)) throw new InputError("attempt", `${show(attemptRaw)} is not an attempt number (1 to 999999)`);
  const bytes = size("log-bytes", inputs["log-bytes"], 64 * 1024);
  if (bytes < 1 || bytes > LOG_READ_MAX) throw new InputError("log-bytes", `${show(inputs["log-bytes"] ?? "")} is not from 1 byte to 1MiB`);
  return {
    conn: parseConnection(inputs, env),
    runId: runId("run-id", inputs["run-id"]),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    attempt: attemptRaw ? Number(attemptRaw) : 0,
    bytes,
    tail: bool("tail", inputs["tail"], false)
  };
}

export {
  LOG_READ_MAX,
  parseLogsPhase
};
