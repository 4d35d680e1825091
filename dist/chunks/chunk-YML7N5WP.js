import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_RUN_ROOT
} from "./chunk-WUFY3L5A.js";
import {
  STATES
} from "./chunk-YBXAOFSY.js";
import {
  parseConnection,
  parseOwnConnection,
  parseSigningKey
} from "./chunk-JDFDE4ZB.js";
import {
  CELLS_MAX,
  PHASE_INPUTS,
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
  splitList,
  withDefaults
} from "./chunk-UOK4MJ4T.js";
import {
  CELL_NAME
} from "./chunk-R52NVVCN.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

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
  return { ...cfg, single, own, signingKey: parseSigningKey(inputs, env), store: parseStore(inputs, env) };
}
function follow(raw) {
  const t = duration("follow", raw, 0) ?? 0;
  if (t !== 0 && (t < 10 || t > 5 * 86400)) throw new InputError("follow", `${show(raw ?? "")} is outside 10s to 5d (the runner's job limit)`);
  return t;
}

// src/config/chatops.ts
var ROLES = ["none", "read", "triage", "write", "maintain", "admin"];
var WORKFLOW = /^[A-Za-z0-9._-]{1,100}\.ya?ml$/;
function parseChatOps(inputs) {
  const min = (inputs["min-permission"] ?? "").trim() || "write";
  if (!ROLES.includes(min) || min === "none")
    throw new InputError("min-permission", `${JSON.stringify(min)} is not a role (read, triage, write, maintain, admin)`);
  const wf = (name) => {
    const v = (inputs[name] ?? "").trim();
    if (v && !WORKFLOW.test(v))
      throw new InputError(name, `${JSON.stringify(v.slice(0, 120))} is not a workflow file name in .github/workflows (e.g. collect.yml)`);
    return v;
  };
  const ref = (inputs["workflow-ref"] ?? "").trim();
  if (ref && !/^[A-Za-z0-9._/-]{1,200}$/.test(ref)) throw new InputError("workflow-ref", `${JSON.stringify(ref.slice(0, 120))} is not a branch or tag name`);
  parseReportTo(inputs["report-to"]);
  parseHeader(inputs["header"]);
  duration("stall-after", inputs["stall-after"], 1800);
  return {
    minRole: min,
    workflows: { collect: wf("collect-workflow"), resume: wf("resume-workflow"), teardown: wf("teardown-workflow") },
    ref
  };
}
function parseChatOpsPhase(inputs, env) {
  const chatops = parseChatOps(inputs);
  if ((inputs["host"] ?? "").trim()) parseConnection(inputs, env);
  const reported = { ...inputs, "report-to": (inputs["report-to"] ?? "").trim() || "tracking-issue" };
  const store = parseStore(reported, env);
  const hasKey = Boolean((inputs["ssh-key"] ?? "").trim() || (inputs["ssh-key-path"] ?? "").trim() || env["SSH_AUTH_SOCK"]);
  const own = hasKey ? parseOwnConnection(inputs, env) : null;
  const patrolNames = new Set(PHASE_INPUTS.patrol);
  const patrolInputs = Object.fromEntries(Object.entries(reported).filter(([k]) => patrolNames.has(k)));
  return {
    chatops,
    token: inputs["github-token"] ?? "",
    store,
    own,
    patrolFor: (runIds) => parsePatrolPhase(withDefaults("patrol", { ...patrolInputs, "run-ids": runIds.join(",") }), env)
  };
}

export {
  parseCollect,
  parseReportTo,
  parseStore,
  parsePatrolPhase,
  ROLES,
  parseChatOpsPhase
};
