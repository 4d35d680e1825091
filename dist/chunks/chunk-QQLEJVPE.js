import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  CELL_NAME
} from "./chunk-XSXAROAL.js";
import {
  command,
  oneOf,
  show
} from "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/config/inputs.ts
var CONNECTION_INPUTS = [
  "host",
  "port",
  "user",
  "ssh-key",
  "ssh-key-path",
  "known-hosts",
  "host-key-fingerprint",
  "accept-new-host-key",
  "connect-timeout",
  "connect-attempts"
];
var AUDIT_INPUTS = ["run-root", "mounts", "interpreter", "min-free-gb", "min-free-inodes", "checkpoint-budget-gb", "require-gpu"];
var LAUNCH_INPUTS = [
  "run-id",
  "command",
  "cells",
  "cell-template",
  "cell-values",
  "gpus-per-cell",
  "max-parallel",
  "on-cell-failure",
  "then",
  "workdir",
  "slurm-options",
  "slurm-conf",
  "signal-lead",
  "requeue",
  "env",
  "secrets",
  "backend",
  "checkpoints",
  "expected-duration",
  "resume",
  "audit",
  "require-smoke",
  "smoke-waiver",
  "smoke-record",
  "confirm-timeout",
  "commit",
  "provider",
  "instance-id",
  "run-file",
  "sync-dir",
  "sync-mode",
  "report-to",
  "github-token"
];
var PATROL_INPUTS = [
  "config",
  "run-ids",
  "run-root",
  "concurrency",
  "stall-after",
  "fail-on",
  "report-to",
  "header",
  "github-token",
  "state-file",
  "progress-regex",
  "follow",
  "sync",
  "sync-dest",
  "sync-keep",
  "sync-settle",
  "sync-artifact",
  "checkpoint-every",
  "trusted-load-command",
  "artifact-budget",
  "retention-days"
];
var COLLECT_INPUTS = [
  "run-id",
  "run-root",
  "dest-dir",
  "latest-only",
  "roster",
  "cells",
  "parallel",
  "stall-timeout",
  "trusted-load-command",
  "artifact",
  "retention-days",
  "artifact-budget",
  "provider",
  "instance-id",
  "verb"
];
var TEARDOWN_INPUTS = [
  "run-id",
  "run-root",
  "provider",
  "instance-id",
  "verb",
  "verified-path",
  "verified-artifact",
  "allow-park-unverified",
  "stop-running",
  "approval",
  "confirm",
  "dry-run",
  "api-key",
  "provider-api-url",
  "aws-region",
  "teardown-command",
  "teardown-timeout",
  "report-to",
  "header",
  "github-token"
];
var CHATOPS_INPUTS = [
  "run-root",
  "report-to",
  "header",
  "github-token",
  "stall-after",
  "min-permission",
  "collect-workflow",
  "resume-workflow",
  "teardown-workflow",
  "workflow-ref"
];
var PHASE_INPUTS = {
  audit: [...CONNECTION_INPUTS, ...AUDIT_INPUTS],
  launch: [...CONNECTION_INPUTS, ...AUDIT_INPUTS, ...LAUNCH_INPUTS],
  patrol: [...CONNECTION_INPUTS, ...PATROL_INPUTS],
  collect: [...CONNECTION_INPUTS, ...COLLECT_INPUTS],
  teardown: [...CONNECTION_INPUTS, ...TEARDOWN_INPUTS],
  chatops: [...CONNECTION_INPUTS, ...CHATOPS_INPUTS]
};

// src/config/defaults.ts
var COMMON = {
  port: "22",
  user: "root",
  "accept-new-host-key": "false",
  "connect-timeout": "15",
  "connect-attempts": "3",
  "run-root": "~/.tether/runs"
};
var AUDIT = {
  interpreter: "python3",
  "min-free-gb": "10",
  "min-free-inodes": "100000",
  "checkpoint-budget-gb": "0",
  "require-gpu": "true"
};
var BY_PHASE = {
  audit: AUDIT,
  launch: {
    ...AUDIT,
    backend: "tmux",
    "signal-lead": "360",
    requeue: "true",
    "gpus-per-cell": "1",
    "on-cell-failure": "continue",
    resume: "false",
    audit: "true",
    "require-smoke": "false",
    "confirm-timeout": "20",
    "run-file": "tether-run.json",
    "sync-mode": "dir"
  },
  patrol: { concurrency: "8", "stall-after": "30m", sync: "none", "sync-keep": "2", "sync-settle": "5s", "sync-artifact": "false", "artifact-budget": "500MB" },
  collect: { "latest-only": "false", "stall-timeout": "120s", "artifact-budget": "500MB" },
  chatops: { "min-permission": "write", "stall-after": "30m" },
  teardown: { "allow-park-unverified": "false", "stop-running": "false", approval: "environment", "dry-run": "true", "teardown-timeout": "10m" }
};
function defaultsOf(phase) {
  const names = PHASE_INPUTS[phase];
  return Object.fromEntries(Object.entries({ ...COMMON, ...BY_PHASE[phase] }).filter(([k]) => names.includes(k)));
}
function withDefaults(phase, inputs) {
  const out = { ...inputs };
  for (const [k, d] of Object.entries(defaultsOf(phase))) if (!(out[k] ?? "").trim()) out[k] = d;
  return out;
}

// src/config/cells.ts
var CELLS_MAX = 512;
var CELL_COMMANDS_MAX = 262144;
var ON_CELL_FAILURE = ["continue", "stop"];
function shellWord(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
function nameFromValue(value) {
  const s = Array.from(value).map((c) => /[A-Za-z0-9._-]/.test(c) ? c : "_").join("").slice(0, 64);
  return /^[.-]/.test(s) ? `_${s.slice(1)}` : s;
}
var lineNo = (i) => `line ${i + 1}`;
function parseCellLines(raw) {
  const cells = [];
  const seen = /* @__PURE__ */ new Map();
  raw.split("\n").forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith("#")) return;
    const m = /^\s*([^:\s]+)\s*:\s?(.*)$/.exec(line);
    if (!m) throw new InputError("cells", `${lineNo(i)}: ${show(line)} is not "name: command"`);
    const [, name = "", command2 = ""] = m;
    if (!CELL_NAME.test(name))
      throw new InputError("cells", `${lineNo(i)}: ${show(name)} is not a cell name (1-64 of A-Z a-z 0-9 . _ -, not starting with . or -)`);
    if (!command2.trim()) throw new InputError("cells", `${lineNo(i)}: cell ${name} has no command`);
    command("cells", command2, true);
    const before = seen.get(name);
    if (before !== void 0) throw new InputError("cells", `${lineNo(i)}: cell ${name} is already ${lineNo(before)}; cell names must be unique`);
    seen.set(name, i);
    cells.push({ name, command: command2 });
  });
  return cells;
}
function parseTemplate(template, raw) {
  if (!template.includes("{value}") && !template.includes("{name}"))
    throw new InputError("cell-template", "uses neither {value} nor {name}: every cell would run the same command");
  command("cell-template", template, true);
  const cells = [];
  const from = /* @__PURE__ */ new Map();
  raw.split("\n").forEach((value, i) => {
    if (!value.trim()) return;
    if (/[\u0000\r]/.test(value)) throw new InputError("cell-values", `${lineNo(i)}: holds a NUL or carriage return`);
    if (value.length > 4096) throw new InputError("cell-values", `${lineNo(i)}: is longer than 4096 characters`);
    const name = nameFromValue(value);
    if (!CELL_NAME.test(name)) throw new InputError("cell-values", `${lineNo(i)}: ${show(value)} gives no usable cell name`);
    const other = from.get(name);
    if (other)
      throw new InputError(
        "cell-values",
        `${lineNo(i)} ${show(value)} and ${lineNo(other.line)} ${show(other.value)} both become cell ${name}; make the values differ in letters, digits, . _ or -`
      );
    from.set(name, { value, line: i });
    cells.push({ name, command: template.replace(/\{(value|name)\}/g, (_, k) => k === "value" ? shellWord(value) : name) });
  });
  return cells;
}
function parseSweep(inputs) {
  const cellsRaw = inputs["cells"] ?? "";
  const template = (inputs["cell-template"] ?? "").trim();
  const valuesRaw = inputs["cell-values"] ?? "";
  const hasCells = cellsRaw.trim() !== "";
  if (!hasCells && !template && !valuesRaw.trim()) {
    for (const k of ["gpus-per-cell", "max-parallel", "on-cell-failure"])
      if ((inputs[k] ?? "").trim() && inputs[k] !== defaultsOf("launch")[k])
        throw new InputError(k, "is for sweeps: give 'cells' (or 'cell-template' with 'cell-values')");
    return void 0;
  }
  if ((inputs["command"] ?? "").trim()) throw new InputError("cells", "a run is either one 'command' or a sweep of 'cells', not both");
  if (hasCells && (template || valuesRaw.trim())) throw new InputError("cells", "give 'cells' or 'cell-template' with 'cell-values', not both");
  if (!hasCells && !template) throw new InputError("cell-template", "is required with 'cell-values' (a command with {value} and {name})");
  if (!hasCells && !valuesRaw.trim()) throw new InputError("cell-values", "is required with 'cell-template' (one value a line)");
  const cells = hasCells ? parseCellLines(cellsRaw) : parseTemplate(template, valuesRaw);
  const input = hasCells ? "cells" : "cell-values";
  if (!cells.length) throw new InputError(input, "lists no cell");
  if (cells.length > CELLS_MAX) throw new InputError(input, `lists ${cells.length} cells; at most ${CELLS_MAX} in one run`);
  const total = cells.reduce((n, c) => n + c.command.length, 0);
  if (total > CELL_COMMANDS_MAX)
    throw new InputError(input, `the cells' commands come to ${total} characters; at most ${CELL_COMMANDS_MAX} (put long commands in a script in the workdir)`);
  return {
    cells,
    gpusPerCell: whole("gpus-per-cell", inputs["gpus-per-cell"], 1, 0, 64),
    maxParallel: whole("max-parallel", inputs["max-parallel"], 0, 1, CELLS_MAX),
    onCellFailure: oneOf("on-cell-failure", inputs["on-cell-failure"], ON_CELL_FAILURE, "continue")
  };
}
function whole(input, raw, fallback, min, max) {
  const s = (raw ?? "").trim();
  if (!s) return fallback;
  if (!/^[0-9]{1,4}$/.test(s) || Number(s) < min || Number(s) > max) throw new InputError(input, `${show(s)} is not a whole number from ${min} to ${max}`);
  return Number(s);
}
function cellGlobs(globs, cell) {
  return globs.map((g) => g.replace(/\{cell\}/g, cell));
}

export {
  PHASE_INPUTS,
  defaultsOf,
  withDefaults,
  CELLS_MAX,
  parseSweep,
  cellGlobs
};
