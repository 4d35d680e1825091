import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_ARTIFACT_BUDGET,
  retention
} from "./chunk-GJYV4XMR.js";
import {
  DEFAULT_RUN_ROOT,
  STATES
} from "./chunk-Z52J2UM4.js";
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
  parseReportTo,
  parseHeader,
  parsePatrol
};
