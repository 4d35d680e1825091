import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_RUN_ROOT,
  INSTANCE_ID,
  PROVIDERS
} from "./chunk-Z52J2UM4.js";
import {
  BACKEND_NAMES
} from "./chunk-7MNXD2ZJ.js";
import {
  parseSweep
} from "./chunk-QQLEJVPE.js";
import {
  bool,
  command,
  duration,
  envLines,
  globs,
  names,
  number,
  oneOf,
  plainPath,
  remotePath,
  runId,
  show
} from "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/config/slurm.ts
var NAME = /^[A-Za-z0-9_.-]{1,64}$/;
var NAMES = /^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,31}$/;
var COUNT = /^[1-9][0-9]{0,5}$/;
var RANGE = /^[1-9][0-9]{0,5}(-[1-9][0-9]{0,5})?$/;
var MEM = /^[1-9][0-9]{0,9}[KMGT]?$/;
var TIME = /^([0-9]{1,7}|[0-9]{1,4}:[0-5][0-9]|[0-9]{1,4}:[0-5][0-9]:[0-5][0-9]|[0-9]{1,4}-[0-9]{1,2}(:[0-5][0-9](:[0-5][0-9])?)?)$/;
var GRES = /^[A-Za-z0-9_.-]{1,32}(:[A-Za-z0-9_.-]{1,32}){0,2}(,[A-Za-z0-9_.-]{1,32}(:[A-Za-z0-9_.-]{1,32}){0,2}){0,7}$/;
var NODELIST = /^[A-Za-z0-9_.,[\]-]{1,512}$/;
var CONSTRAINT = /^[A-Za-z0-9_.&|,[\]*()-]{1,256}$/;
var SBATCH_ALLOWED = {
  partition: NAMES,
  account: NAME,
  qos: NAME,
  reservation: NAME,
  time: TIME,
  "time-min": TIME,
  nodes: RANGE,
  ntasks: COUNT,
  "ntasks-per-node": COUNT,
  "cpus-per-task": COUNT,
  "cpus-per-gpu": COUNT,
  gres: GRES,
  gpus: GRES,
  "gpus-per-node": GRES,
  "gpus-per-task": GRES,
  mem: MEM,
  "mem-per-cpu": MEM,
  "mem-per-gpu": MEM,
  constraint: CONSTRAINT,
  nodelist: NODELIST,
  exclude: NODELIST,
  exclusive: null,
  "gres-flags": /^(enforce-binding|disable-binding)$/,
  hint: /^(compute_bound|memory_bound|multithread|nomultithread)$/
};
var TETHERS = {
  wrap: "tether submits its own batch script (the command goes in `command`)",
  output: "tether keeps the job's output in the run record",
  error: "tether keeps the job's output in the run record",
  input: "the job reads nothing from stdin",
  chdir: "the job runs in `workdir`",
  "job-name": "tether names the job after the run (tether-<run-id>)",
  comment: "tether marks the job with its run and attempt (tether:<run-id>:<attempt>), which teardown checks before scancel",
  array: "a sweep (`cells`) becomes the array",
  signal: "use `signal-lead`",
  requeue: "use `requeue`",
  "no-requeue": "use `requeue: false`",
  export: "the job gets the step's `env` and `secrets`",
  "export-file": "the job gets the step's `env` and `secrets`",
  parsable: "tether reads the job id itself",
  dependency: "tether tracks the jobs it submitted, not others"
};
function parseSlurmOptions(raw) {
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  (raw ?? "").split("\n").forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith("#")) return;
    const where = `line ${i + 1}`;
    if (/\s/.test(t)) throw new InputError("slurm-options", `${where}: ${show(t)} holds a space; one --option=value a line`);
    const m = /^--([a-z][a-z-]{1,30})(?:=(.*))?$/.exec(t);
    if (!m) throw new InputError("slurm-options", `${where}: ${show(t)} is not --option=value (long sbatch options only)`);
    const [, name = "", value] = m;
    if (name in TETHERS) throw new InputError("slurm-options", `${where}: --${name} is not allowed: ${TETHERS[name]}`);
    if (!(name in SBATCH_ALLOWED))
      throw new InputError("slurm-options", `${where}: --${name} is not an sbatch option tether passes (allowed: ${Object.keys(SBATCH_ALLOWED).join(", ")})`);
    const pattern = SBATCH_ALLOWED[name];
    if (pattern === null) {
      if (value !== void 0) throw new InputError("slurm-options", `${where}: --${name} takes no value`);
    } else if (value === void 0 || !pattern?.test(value)) {
      throw new InputError("slurm-options", `${where}: --${name} needs a value like ${example(name)}, got ${show(value ?? "")}`);
    }
    if (seen.has(name)) throw new InputError("slurm-options", `${where}: --${name} is given twice`);
    seen.add(name);
    out.push(t);
  });
  if (out.length > 32) throw new InputError("slurm-options", `has ${out.length} options; at most 32`);
  return out;
}
function example(name) {
  const ex = { time: "12:00:00", nodes: "2", mem: "64G", gres: "gpu:4", partition: "gpu", account: "proj123" };
  return ex[name] ?? (SBATCH_ALLOWED[name] === COUNT ? "4" : "name");
}
function parseSlurm(inputs, backend) {
  const given = ["slurm-options", "slurm-conf"].filter((k) => (inputs[k] ?? "").trim());
  if (backend !== "slurm") {
    if (given.length) throw new InputError(given[0], "is for backend: slurm");
    return void 0;
  }
  const conf = (inputs["slurm-conf"] ?? "").trim();
  if (conf && !/^(\/|~\/)[A-Za-z0-9_./-]{1,1024}$/.test(conf))
    throw new InputError("slurm-conf", `${show(conf)} is not an absolute path on the login node (or ~/\u2026)`);
  const lead = number("signal-lead", inputs["signal-lead"], 360, 60, 65535);
  if (!Number.isInteger(lead)) throw new InputError("signal-lead", "must be a whole number of seconds");
  const requeue = bool("requeue", inputs["requeue"], true);
  const sbatchOptions = [...parseSlurmOptions(inputs["slurm-options"]), `--signal=B:TERM@${lead}`, requeue ? "--requeue" : "--no-requeue"];
  return { sbatchOptions, slurmConf: conf, signalLeadS: lead, requeue };
}

// src/config/launch.ts
var BACKENDS = BACKEND_NAMES;
var SYNC_MODES = ["dir", "git-head"];
function parseLaunch(inputs) {
  const env = envLines("env", inputs["env"]);
  const secretNames = names("secrets", inputs["secrets"]);
  for (const name of secretNames) {
    if (env.some(([n]) => n === name)) throw new InputError("secrets", `${name} is also set in 'env'; a variable is either plain or secret`);
  }
  const commit = (inputs["commit"] ?? "").trim() || void 0;
  if (commit && !/^[0-9a-f]{7,64}$/.test(commit)) throw new InputError("commit", `${show(commit)} is not a git commit id`);
  const provider = (inputs["provider"] ?? "").trim() ? oneOf("provider", inputs["provider"], PROVIDERS, "ssh") : void 0;
  const instanceId = (inputs["instance-id"] ?? "").trim() || void 0;
  if (instanceId && !INSTANCE_ID.test(instanceId))
    throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  if (instanceId && !provider) throw new InputError("instance-id", "names an instance of a provider: give 'provider' too");
  const syncDir = (inputs["sync-dir"] ?? "").trim();
  plainPath("sync-dir", syncDir);
  if (syncDir && (inputs["workdir"] ?? "").trim())
    throw new InputError("sync-dir", "the synced release becomes the workdir; give 'sync-dir' or 'workdir', not both");
  const confirm = number("confirm-timeout", inputs["confirm-timeout"], 20, 1, 60);
  const sweep = parseSweep(inputs);
  const backend = oneOf("backend", inputs["backend"], BACKENDS, "tmux");
  const parsedSlurm = parseSlurm(inputs, backend);
  const slurm = parsedSlurm && sweep && sweep.gpusPerCell > 0 && !parsedSlurm.sbatchOptions.some((o) => /^--(gres|gpus|gpus-per-node|gpus-per-task)=/.test(o)) ? { ...parsedSlurm, sbatchOptions: [`--gres=gpu:${sweep.gpusPerCell}`, ...parsedSlurm.sbatchOptions] } : parsedSlurm;
  const checkpoints = globs("checkpoints", inputs["checkpoints"]);
  if (!sweep && checkpoints.some((g) => g.includes("{cell}"))) throw new InputError("checkpoints", "uses {cell}, which only a sweep ('cells') has");
  return {
    runId: runId("run-id", inputs["run-id"]),
    command: sweep ? "" : command("command", inputs["command"], true),
    then: command("then", inputs["then"], false),
    workdir: remotePath("workdir", inputs["workdir"], "~"),
    env,
    secretNames,
    backend,
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    checkpoints,
    expectedDurationS: duration("expected-duration", inputs["expected-duration"], void 0),
    resume: bool("resume", inputs["resume"], false),
    audit: bool("audit", inputs["audit"], true),
    confirmTimeoutS: confirm,
    commit,
    provider,
    instanceId,
    sync: syncDir ? { dir: syncDir, mode: oneOf("sync-mode", inputs["sync-mode"], SYNC_MODES, "dir") } : void 0,
    sweep,
    slurm,
    smoke: smoke(inputs)
  };
}
function smoke(inputs) {
  const required = bool("require-smoke", inputs["require-smoke"], false);
  const waiver = (inputs["smoke-waiver"] ?? "").trim();
  if (waiver && (waiver.length > 300 || /[\u0000-\u001f]/.test(waiver)))
    throw new InputError("smoke-waiver", "is one line of at most 300 characters: why this launch goes without a smoke run");
  const path = (inputs["smoke-record"] ?? "").trim();
  plainPath("smoke-record", path);
  if (!required) {
    if (path) throw new InputError("smoke-record", "is read only with require-smoke: true");
    return waiver ? { kind: "waived", reason: waiver } : { kind: "off" };
  }
  if (waiver) return { kind: "waived", reason: waiver };
  return { kind: "required", recordPath: path || void 0 };
}
function readSecrets(names2, env) {
  return names2.map((name) => {
    const value = env[name];
    if (value === void 0 || value === "") {
      throw new InputError(
        "secrets",
        `${name} is not set in the step's environment (add 'env: ${name}: \${{ secrets.${name} }}' to the step)`,
        `${name} is not set in this shell's environment (export ${name}=\u2026 first; its value goes to the job on stdin)`
      );
    }
    if (value.includes("\0")) throw new InputError("secrets", `${name} contains a NUL byte`);
    if (value.length > 65536) throw new InputError("secrets", `${name} is longer than 65536 characters`);
    return [name, value];
  });
}

export {
  parseLaunch,
  readSecrets
};
