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
  STATES
} from "./chunk-6IC2V5YV.js";
import {
  parseConnection,
  parseOwnConnection,
  parseSigningKey
} from "./chunk-D4LSXUI5.js";
import {
  apiUrl,
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
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  CELLS_MAX,
  CELL_NAME,
  RUN_ID
} from "./chunk-FHK73RDK.js";

// src/config/collect.ts
import { availableParallelism } from "node:os";
var ARTIFACT_MODES = ["none", "verified", "all"];
var DEFAULT_ARTIFACT_BUDGET = 5e8;
function parseCollect(inputs) {
  const dest = (inputs["dest-dir"] ?? "").trim();
  if (!dest) throw new InputError("dest-dir", "is required: a directory on the runner for the checkpoints (on a self-hosted runner, your durable copy)");
  plainPath("dest-dir", dest);
  const roster = splitList(inputs["roster"] ?? "");
  for (const cell of roster)
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(cell)) throw new InputError("roster", `${show(cell)} is not a cell directory name`);
  const cells = splitList(inputs["cells"] ?? "");
  for (const cell of cells) if (!CELL_NAME.test(cell)) throw new InputError("cells", `${show(cell)} is not a cell name`);
  if (new Set(cells).size !== cells.length) throw new InputError("cells", "names a cell twice");
  if (cells.length > CELLS_MAX) throw new InputError("cells", `names ${cells.length} cells; a sweep has at most ${CELLS_MAX}`);
  if (cells.length && roster.length)
    throw new InputError("cells", "a sweep's roster is its cells: give 'cells' (a sweep) or 'roster' (cell directories of one run), not both");
  const parallel = number("parallel", inputs["parallel"], Math.min(4, Math.max(2, availableParallelism())), 1, 32);
  if (!Number.isInteger(parallel)) throw new InputError("parallel", "must be a whole number");
  return {
    runId: runId("run-id", inputs["run-id"]),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    destDir: dest,
    latestOnly: bool("latest-only", inputs["latest-only"], false),
    roster,
    cells,
    parallel,
    trustedLoadCommand: command("trusted-load-command", inputs["trusted-load-command"], false),
    artifact: oneOf("artifact", inputs["artifact"], ARTIFACT_MODES, "verified"),
    artifactExplicit: (inputs["artifact"] ?? "").trim() !== "",
    retentionDays: retention(inputs["retention-days"]),
    stallTimeoutS: stallTimeout(inputs["stall-timeout"]),
    artifactBudgetBytes: size("artifact-budget", inputs["artifact-budget"], DEFAULT_ARTIFACT_BUDGET)
  };
}
function retention(raw) {
  const d = (raw ?? "").trim();
  if (!d) return void 0;
  if (!/^[0-9]{1,3}$/.test(d) || Number(d) < 1 || Number(d) > 400)
    throw new InputError("retention-days", `${show(raw ?? "")} is not a whole number of days from 1 to 400`);
  return Number(d);
}
function stallTimeout(raw) {
  const t = duration("stall-timeout", raw, 120) ?? 120;
  if (t < 2 || t > 86400) throw new InputError("stall-timeout", `${show(raw ?? "")} is outside 2s to 1d`);
  return t;
}

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
var MENTION = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?)$/;
function parseNotify(raw) {
  const words = splitList((raw ?? "").replace(/\s+/g, ","));
  if (!words.length || words.length === 1 && words[0] === "launcher") return { kind: "launcher" };
  if (words.length === 1 && words[0] === "none") return { kind: "none" };
  if (words.length > 10) throw new InputError("notify", `names ${words.length} people or teams; at most 10`);
  return {
    kind: "names",
    names: words.map((w) => {
      const m = MENTION.exec(w);
      if (!m) throw new InputError("notify", `${show(w)} is not launcher, none, @login or @org/team`);
      return m[1];
    })
  };
}
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
  if (h && !RUN_ID.test(h)) throw new InputError("header", `${show(h)} is not a header: use 1-64 of A-Z a-z 0-9 . _ -`);
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
    followS: follow(inputs["follow"]),
    notify: parseNotify(inputs["notify"])
  };
}
function parseStore(inputs, env) {
  const reportTo = parseReportTo(inputs["report-to"]);
  const header = parseHeader(inputs["header"]);
  const signingKey = parseSigningKey(inputs, env);
  return reportTo ? { reportTo, header, token: inputs["github-token"] ?? "", signingKey } : null;
}
function parsePatrolPhase(inputs, env) {
  const cfg = parsePatrol(inputs);
  const single = !cfg.config && !cfg.registry ? parseConnection(inputs, env) : null;
  const own = cfg.registry ? parseOwnConnection(inputs, env) : null;
  const apiUrl2 = apiUrl("provider-api-url", inputs["provider-api-url"]);
  const rent = {
    provider: (inputs["provider"] ?? "").trim(),
    apiKey: (inputs["api-key"] ?? "").trim(),
    apiUrl: apiUrl2,
    awsRegion: (inputs["aws-region"] ?? "").trim() || void 0,
    confirmMs: 1e3 * preemptConfirm(inputs["preempt-confirm"])
  };
  if ((rent.apiKey || apiUrl2) && !rent.provider)
    throw new InputError("provider", "is required with api-key or provider-api-url: the provider whose instances the patrol lists");
  const ref = (inputs["workflow-ref"] ?? "").trim() || (env["GITHUB_REF_NAME"] ?? "").trim();
  const dispatched = (name) => {
    const workflow = (inputs[name] ?? "").trim();
    if (!workflow) return null;
    if (!/^[A-Za-z0-9._-]{1,100}\.ya?ml$/.test(workflow))
      throw new InputError(name, `${show(workflow)} is not a workflow file name (e.g. tether-launch.yml)`);
    if (!ref) throw new InputError("workflow-ref", `is required with ${name} outside a workflow (the branch the dispatched workflow runs on)`);
    if (!cfg.registry) throw new InputError(name, "dispatches for registered runs: it needs report-to and no config or host");
    return { workflow, ref, token: inputs["github-token"] ?? "" };
  };
  const recovery = dispatched("recover-workflow");
  const collecting = dispatched("auto-collect-workflow");
  return { ...cfg, single, own, signingKey: parseSigningKey(inputs, env), store: parseStore(inputs, env), rent, recovery, collecting };
}
function preemptConfirm(raw) {
  const t = duration("preempt-confirm", raw, 5) ?? 5;
  if (t < 1 || t > 60) throw new InputError("preempt-confirm", `${show(raw ?? "")} is outside 1s to 60s`);
  return t;
}
function follow(raw) {
  const t = duration("follow", raw, 0) ?? 0;
  if (t !== 0 && (t < 10 || t > 5 * 86400)) throw new InputError("follow", `${show(raw ?? "")} is outside 10s to 5d (the runner's job limit)`);
  return t;
}

export {
  parseCollect,
  parseReportTo,
  parseHeader,
  parseStore,
  parsePatrolPhase
};
