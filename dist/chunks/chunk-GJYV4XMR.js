import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_RUN_ROOT,
  INSTANCE_ID,
  PROVIDERS,
  VERBS,
  instanceIdFor
} from "./chunk-Z52J2UM4.js";
import {
  CELLS_MAX
} from "./chunk-QQLEJVPE.js";
import {
  CELL_NAME
} from "./chunk-XSXAROAL.js";
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
    card: teardownCard(inputs),
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
function teardownCard(inputs) {
  if (!(inputs["provider"] ?? "").trim()) return null;
  const provider = oneOf("provider", inputs["provider"], PROVIDERS, "ssh");
  const verb = oneOf("verb", inputs["verb"], VERBS, "destroy");
  if (provider === "slurm" || verb === "cancel") return null;
  const instanceId = instanceIdFor(provider, inputs["instance-id"] ?? "", { host: (inputs["host"] ?? "").trim(), port: (inputs["port"] ?? "").trim() || "22" });
  if (!instanceId) throw new InputError("instance-id", `is required with provider ${provider}: the exact instance the teardown card (and the proof) is for`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return { provider, instanceId, verb };
}

export {
  DEFAULT_ARTIFACT_BUDGET,
  parseCollect,
  retention
};
