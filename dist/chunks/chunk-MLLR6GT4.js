import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  artifactServiceMissing,
  error,
  getInput,
  info,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-PWDKICJE.js";
import {
  PHASE_INPUTS,
  defaultsOf,
  inputDef,
  parseChatOpsPhase,
  parseCollect,
  parsePatrolPhase,
  parseReportTo,
  parseStore,
  parseSweep,
  withDefaults
} from "./chunk-O4IC6ED4.js";
import {
  parseLogsPhase
} from "./chunk-FWHPFPNY.js";
import {
  HANDOFF_MAX_BYTES,
  handoffBytes,
  readHandoff
} from "./chunk-FPL3OPAT.js";
import {
  DEFAULT_RUN_ROOT,
  parseAudit,
  parseAuditPhase
} from "./chunk-DS4QQYF2.js";
import {
  verifiedRegistration
} from "./chunk-RRY5ZHCL.js";
import {
  macKeyOf,
  verify
} from "./chunk-KVLL6EXG.js";
import {
  REGISTRATION_PREFIX
} from "./chunk-CBGH3CFU.js";
import {
  FACTS,
  PROVIDER_LIST,
  instanceIdFor,
  providerModule,
  verbFacts,
  verbMissing
} from "./chunk-P7DJRZ5H.js";
import {
  inert
} from "./chunk-NMVVBMUM.js";
import {
  parseConnection,
  parseKeySource
} from "./chunk-U6YV35CK.js";
import {
  apiUrl,
  awsRegion,
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
  requireAwsCredentials,
  runId,
  show,
  splitList,
  user
} from "./chunk-YHYEFN6U.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError,
  InputErrors
} from "./chunk-3B7SBFZS.js";
import {
  BACKEND_NAMES,
  INSTANCE_ID,
  PROVIDER_NAMES,
  VERBS
} from "./chunk-4E63TUTL.js";
import {
  BoxDataError
} from "./chunk-L5FHM4FN.js";

// src/config/check.ts
var STAND_INS = {
  "run-id": "stand-in",
  command: "true",
  host: "stand-in.invalid",
  "host-key-fingerprint": `SHA256:${"A".repeat(43)}`,
  "run-ids": "stand-in",
  "instance-id": "stand-in",
  "dest-dir": "stand-in"
};
function allInputErrors(phase, inputs, env, check) {
  const errors = [];
  const refused = /* @__PURE__ */ new Set();
  const used = [];
  const defaults = defaultsOf(phase);
  const cur = { ...inputs };
  for (let round = 0; round <= Object.keys(inputs).length + 1; round++) {
    try {
      check(cur, env);
      return errors;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (refused.has(err.input)) return errors;
      refused.add(err.input);
      if (!used.some((s) => err.message.includes(s))) errors.push(err);
      const next = defaults[err.input] ?? STAND_INS[err.input] ?? "";
      if (next && next === STAND_INS[err.input]) used.push(next);
      cur[err.input] = next;
    }
  }
  return errors;
}
function parseAll(phase, inputs, env, parse) {
  let first;
  try {
    return parse(inputs, env);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    first = err;
  }
  const errors = allInputErrors(phase, inputs, env, parse);
  if (errors.length > 1) throw new InputErrors(errors);
  throw errors[0] ?? first;
}

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
var RELEASE_MODES = ["dir", "git-head"];
var IMDS = "169.254.169.254:80";
var PREEMPT_SIGNALS = ["USR1", "USR2", "INT", "TERM", "none"];
function preemptWatch(inputs, provider, backend) {
  const signal = oneOf("preempt-signal", (inputs["preempt-signal"] ?? "").trim().replace(/^SIG/, "") || void 0, PREEMPT_SIGNALS, "USR1");
  const address = (inputs["metadata-address"] ?? "").trim() || IMDS;
  if (address !== IMDS && provider !== "aws") throw new InputError("metadata-address", "is EC2's instance metadata (the spot notice): it needs provider aws");
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(address);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) < 1 || Number(m[5]) > 65535)
    throw new InputError("metadata-address", `${show(address)} is not IPv4:port (e.g. 169.254.169.254:80)`);
  if (provider !== "aws" || backend === "slurm" || signal === "none") return null;
  return { address, signal };
}
function parseLaunch(inputs) {
  const env = envLines("env", inputs["env"]);
  const secretNames = names("secrets", inputs["secrets"]);
  for (const name of secretNames) {
    if (env.some(([n]) => n === name)) throw new InputError("secrets", `${name} is also set in 'env'; a variable is either plain or secret`);
  }
  const commit = (inputs["commit"] ?? "").trim() || void 0;
  if (commit && !/^[0-9a-f]{7,64}$/.test(commit)) throw new InputError("commit", `${show(commit)} is not a git commit id`);
  const provider = (inputs["provider"] ?? "").trim() ? oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh") : void 0;
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
  const resume = bool("resume", inputs["resume"], false);
  const command2 = sweep ? "" : command("command", inputs["command"], false) ?? "";
  const recorded = !sweep && !command2;
  if (recorded && !resume)
    throw new InputError("command", "is required for a first launch (only a resume may leave it empty: it then runs the recorded command)");
  return {
    runId: runId("run-id", inputs["run-id"]),
    command: command2,
    recorded,
    then: command("then", inputs["then"], false),
    // A resume of the recorded work checks only what was given against the record ('' is "as recorded").
    workdir: recorded && !(inputs["workdir"] ?? "").trim() ? "" : remotePath("workdir", inputs["workdir"], "~"),
    env,
    secretNames,
    backend,
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    checkpoints,
    expectedDurationS: duration("expected-duration", inputs["expected-duration"], void 0),
    ...budgets(inputs),
    resume,
    audit: bool("audit", inputs["audit"], true),
    confirmTimeoutS: confirm,
    commit,
    provider,
    instanceId,
    preemptWatch: preemptWatch(inputs, provider, backend),
    sync: syncDir ? { dir: syncDir, mode: oneOf("sync-mode", inputs["sync-mode"], RELEASE_MODES, "dir") } : void 0,
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
function parseLaunchPhase(inputs, env) {
  const launch = parseLaunch(inputs);
  const reportTo = parseReportTo(inputs["report-to"]);
  const secrets = readSecrets(launch.secretNames, env);
  const audit = parseAudit(inputs);
  const conn = parseConnection(inputs, env);
  if (reportTo && conn.key.kind === "agent")
    throw new InputError(
      "ssh-key",
      "report-to signs the run registration with the SSH key, so give ssh-key or ssh-key-path (an ssh agent cannot sign it here)"
    );
  const store = reportTo ? { reportTo, header: "", token: inputs["github-token"] ?? "", signingKey: conn.key } : null;
  return { launch, secrets, audit, conn, store, runFile: (inputs["run-file"] ?? "").trim() || `tether-run-${launch.runId}.json` };
}
function budgets(inputs) {
  const money = (name) => {
    const t = (inputs[name] ?? "").trim().replace(/^\$/, "");
    return t ? number(name, t, 0, 0, 1e6) : void 0;
  };
  const hourlyPrice = money("hourly-price");
  const maxCost = money("max-cost");
  if (maxCost !== void 0 && hourlyPrice === void 0)
    throw new InputError("max-cost", "needs hourly-price: the cost is counted from what the box costs per hour");
  if (maxCost === 0) throw new InputError("max-cost", "is more than 0");
  const maxHoursS = duration("max-hours", inputs["max-hours"], void 0);
  return { hourlyPrice, maxHoursS, maxCost };
}

// src/launch/from-provision.ts
import { readFileSync, statSync } from "node:fs";
var IN = "from-provision";
function withProvision(inputs, env) {
  const path = (inputs[IN] ?? "").trim();
  if (!path) return inputs;
  let text;
  try {
    if (statSync(path).size > HANDOFF_MAX_BYTES) throw new InputError(IN, `${path} is over ${HANDOFF_MAX_BYTES} bytes: not a provision file`);
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(IN, `${path} cannot be read (${err.code ?? err.message})`);
  }
  let read;
  try {
    read = readHandoff(text);
  } catch (err) {
    if (err instanceof BoxDataError) throw new InputError(IN, `${path} is not a provision file as tether writes it: ${err.message}`);
    throw err;
  }
  const { handoff: h, signature } = read;
  if (!h.ready)
    throw new InputError(IN, `${path} names ${h.provider} instance ${h.instanceId}, but not where it is: its provision did not see the box come up`);
  if (!signature) throw new InputError(IN, `${path} is not signed (provision ran with an ssh agent); pass host, port, user and host-key-fingerprint instead`);
  const cred = loadCredential(parseKeySource(inputs, env));
  if (!("privateKey" in cred))
    throw new InputError(IN, "is checked with the SSH private key: give ssh-key or ssh-key-path (an ssh agent cannot check it here)");
  if (!verify(cred, handoffBytes(h), signature.signer, signature.sig))
    throw new InputError(
      IN,
      `${path}'s signature does not verify with this launch's SSH key (signer ${signature.signer}): it was edited, or provisioned with another key`
    );
  const out = { ...inputs };
  const take = (name, value) => {
    const given = (inputs[name] ?? "").trim();
    const dflt = inputDef(name)?.default ?? "";
    if (given && given !== value && given !== dflt) throw new InputError(name, `is ${given}, but ${path} (from-provision) says ${value}; drop one of them`);
    out[name] = value;
  };
  take("run-id", h.runId);
  take("host", h.ready.host);
  take("port", String(h.ready.port));
  take("user", h.ready.user);
  take("host-key-fingerprint", h.hostKeyFingerprint);
  take("provider", h.provider);
  take("instance-id", h.instanceId);
  if (h.hourlyPrice !== null && !(inputs["hourly-price"] ?? "").trim()) out["hourly-price"] = String(h.hourlyPrice);
  for (const other of ["known-hosts", "accept-new-host-key"])
    if ((inputs[other] ?? "").trim() && inputs[other] !== (inputDef(other)?.default ?? ""))
      throw new InputError(other, `is given, but the host key comes from ${path} (from-provision); drop ${other}`);
  return out;
}

// src/config/stop.ts
function parseStopPhase(inputs, env) {
  const verifiedPath = (inputs["verified-path"] ?? "").trim();
  if (!verifiedPath)
    throw new InputError("verified-path", "is required: stopping a run needs its results home first (collect's VERIFIED.json; a collect of a live run works)");
  plainPath("verified-path", verifiedPath);
  const graceS = duration("stop-grace", inputs["stop-grace"], 120) ?? 120;
  if (graceS > 3600) throw new InputError("stop-grace", "is at most 1h");
  return {
    conn: parseConnection(inputs, env),
    runId: runId("run-id", inputs["run-id"]),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    verifiedPath,
    graceS,
    confirm: (inputs["confirm"] ?? "").trim()
  };
}

// src/config/provision.ts
var TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,63}$/;
var REGION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
function parseProvisionPhase(inputs, env, rent) {
  const runId2 = runId("run-id", inputs["run-id"]);
  const provider = (inputs["provider"] ?? "").trim();
  if (!provider) throw new InputError("provider", "is required: where to rent the box");
  const facts = rent(provider);
  if (!facts) throw new InputError("provider", `${show(provider)} cannot be rented by tether (yet)`);
  let apiKey = "";
  let awsRegion2;
  if (facts.credentials === "aws") {
    awsRegion2 = awsRegion("aws-region", inputs["aws-region"]);
    requireAwsCredentials("aws-region", env);
    if ((inputs["regions"] ?? "").trim()) throw new InputError("regions", "is not for EC2: one aws-region per provision (its subnet decides the zone)");
  } else {
    apiKey = (inputs["api-key"] ?? "").trim() || (env[facts.apiKeyEnv] ?? "").trim();
    if (!apiKey) throw new InputError("api-key", `is required: pass the provider's API key from a secret, or set ${facts.apiKeyEnv}`);
  }
  const subnet = (inputs["subnet"] ?? "").trim() || null;
  const securityGroup = (inputs["security-group"] ?? "").trim() || null;
  if ((subnet || securityGroup) && facts.credentials !== "aws") throw new InputError(subnet ? "subnet" : "security-group", "is for provider aws only");
  if (subnet && !/^subnet-[0-9a-f]{8,17}$/.test(subnet)) throw new InputError("subnet", `${show(subnet)} is not a subnet id (subnet-\u2026)`);
  if (securityGroup && !/^sg-[0-9a-f]{8,17}$/.test(securityGroup))
    throw new InputError("security-group", `${show(securityGroup)} is not a security group id (sg-\u2026)`);
  const apiUrl2 = apiUrl("provider-api-url", inputs["provider-api-url"]);
  const types = splitList(inputs["instance-types"] ?? "");
  if (!types.length) throw new InputError("instance-types", "is required: the instance types to ask for, in order of preference");
  if (types.length > 16) throw new InputError("instance-types", `lists ${types.length} types; at most 16`);
  for (const t of types) if (!TYPE.test(t)) throw new InputError("instance-types", `${show(t)} is not an instance type name`);
  const regions = splitList(inputs["regions"] ?? "");
  if (regions.length > 16) throw new InputError("regions", `lists ${regions.length} regions; at most 16`);
  for (const r of regions) if (!REGION.test(r)) throw new InputError("regions", `${show(r)} is not a region name (letters, digits, ., _ and -)`);
  const spot = bool("spot", inputs["spot"], false);
  if (spot && !facts.spot) throw new InputError("spot", `${provider} has no spot or interruptible boxes; drop spot: true`);
  const diskText = (inputs["disk-gb"] ?? "").trim();
  const diskGb = diskText ? number("disk-gb", diskText, 0, 10, 65536) : null;
  if (diskGb !== null && !facts.diskGb) throw new InputError("disk-gb", `${provider} does not size the boot disk (its instance type decides); drop disk-gb`);
  const priceText = (inputs["max-hourly-price"] ?? "").trim().replace(/^\$/, "");
  const maxHourlyPrice = priceText ? number("max-hourly-price", priceText, 0, 0.01, 1e4) : null;
  if (maxHourlyPrice !== null && !facts.prices)
    throw new InputError(
      "max-hourly-price",
      `${provider}'s API lists no prices, so tether cannot hold a create to a price; drop max-hourly-price and choose the instance types`
    );
  const count = number("count", inputs["count"], 1, 1, 64);
  if (count !== 1) throw new InputError("count", "more than one box per run comes with multi-node runs (not yet); rent one box, or one per run");
  const name = (inputs["name"] ?? "").trim() || `tether-${runId2}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new InputError("name", `${show(name)} is not an instance name (1-64 of A-Z a-z 0-9 . _ -)`);
  const image = (inputs["image"] ?? "").trim() || null;
  if (image && !/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/.test(image)) throw new InputError("image", `${show(image)} is not an image name or id`);
  if (facts.needsImage && !(image && facts.needsImage.test(image)))
    throw new InputError(
      "image",
      `${image ? `${show(image)} is not` : "is required:"} an image id of ${provider} (${facts.needsImage.source}); it has no default image`
    );
  const user2 = (inputs["user"] ?? "").trim() ? user("user", inputs["user"]) : "";
  const key = parseKeySource(inputs, env);
  if (key.kind === "agent")
    throw new InputError("ssh-key", "provision registers the key's public half with the provider: give ssh-key or ssh-key-path, not an agent");
  const connectTimeoutMs = number("connect-timeout", inputs["connect-timeout"], 15, 1, 300) * 1e3;
  const timeoutS = duration("provision-timeout", inputs["provision-timeout"], 900) ?? 900;
  if (timeoutS < 30 || timeoutS > 6 * 3600) throw new InputError("provision-timeout", "is between 30s and 6h");
  return {
    runId: runId2,
    provider,
    apiKey,
    apiUrl: apiUrl2,
    types,
    regions,
    image,
    diskGb,
    maxHourlyPrice,
    spot,
    name,
    user: user2,
    key,
    connectTimeoutMs,
    timeoutS,
    awsRegion: awsRegion2,
    subnet,
    securityGroup,
    store: parseStore(inputs, env)
  };
}

// src/provision/parse.ts
var RENTABLE = PROVIDER_LIST.filter((p) => p.provision).map((p) => p.name);
function parseProvision(inputs, env) {
  return parseProvisionPhase(inputs, env, (name) => {
    const m = PROVIDER_LIST.find((p) => p.name === name && p.provision);
    const r = m?.provision;
    return r ? { credentials: r.credentials, apiKeyEnv: r.apiKeyEnv, spot: r.spot, diskGb: r.diskGb, prices: r.prices, needsImage: r.needsImage } : null;
  });
}

// src/collect/parse.ts
function parseCollectPhase(inputs, env) {
  const cfg = parseCollect(inputs);
  const card = teardownCard(inputs);
  return { ...cfg, card, conn: parseConnection(inputs, env) };
}
function teardownCard(inputs) {
  if (!(inputs["provider"] ?? "").trim()) return null;
  const provider = oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh");
  const verb = oneOf("verb", inputs["verb"], VERBS, "destroy");
  if (FACTS[provider].scheduler || verb === "cancel") return null;
  const instanceId = instanceIdFor(provider, inputs["instance-id"] ?? "", { host: (inputs["host"] ?? "").trim(), port: (inputs["port"] ?? "").trim() || "22" });
  if (!instanceId) throw new InputError("instance-id", `is required with provider ${provider}: the exact instance the teardown card (and the proof) is for`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return { provider, instanceId, verb };
}

// src/teardown/parse.ts
function parseTeardown(inputs, env) {
  const provider = oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh");
  if (!(inputs["provider"] ?? "").trim()) throw new InputError("provider", `is required: one of ${PROVIDER_NAMES.join(", ")}`);
  const verb = oneOf("verb", inputs["verb"], VERBS, "park");
  if (!(inputs["verb"] ?? "").trim())
    throw new InputError("verb", "is required: park (reversible stop) or destroy (irreversible); on Slurm cancel or park (hold)");
  if (!verbFacts(provider, verb)) throw new InputError("verb", `${verb} is not possible with provider ${provider}: ${verbMissing(provider, verb)}`);
  const connection = (inputs["host"] ?? "").trim() ? parseConnection(inputs, env) : null;
  const given = { instanceId: inputs["instance-id"] ?? "" };
  const runId2 = (inputs["run-id"] ?? "").trim();
  const instanceId = instanceIdFor(provider, given.instanceId, connection, runId2);
  const apiKey = inputs["api-key"] || void 0;
  const apiUrl2 = apiUrl("provider-api-url", inputs["provider-api-url"]);
  const teardownCommand = command("teardown-command", inputs["teardown-command"], false);
  const consoleDone = (inputs["console-done"] ?? "").trim() || void 0;
  const awsRegion2 = (inputs["aws-region"] ?? "").trim() || void 0;
  const runRoot = remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT);
  const t = duration("teardown-timeout", inputs["teardown-timeout"], 600) ?? 600;
  if (t < 5 || t > 7200) throw new InputError("teardown-timeout", `${show(inputs["teardown-timeout"] ?? "")} is outside 5s to 2h`);
  const settings = { runId: runId2, runRoot, instanceId, verb, apiKey, apiUrl: apiUrl2, awsRegion: awsRegion2, teardownCommand, consoleDone, timeoutS: t, connection };
  providerModule(provider).check?.(settings, given, env);
  if (!instanceId) throw new InputError("instance-id", `is required for provider ${provider}: the exact instance to ${verb}`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  const verifiedPath = (inputs["verified-path"] ?? "").trim() || void 0;
  const verifiedArtifact = (inputs["verified-artifact"] ?? "").trim() || void 0;
  if (verifiedPath && verifiedArtifact) throw new InputError("verified-path", "give either 'verified-path' or 'verified-artifact', not both");
  plainPath("verified-path", verifiedPath);
  if (verifiedArtifact && !/^[A-Za-z0-9._-]{1,200}$/.test(verifiedArtifact))
    throw new InputError("verified-artifact", `${show(verifiedArtifact)} is not an artifact name`);
  const allowParkUnverified = bool("allow-park-unverified", inputs["allow-park-unverified"], false);
  const recordMayProve = verb === "destroy" && !!(inputs["report-to"] ?? "").trim();
  if (!verifiedPath && !verifiedArtifact && !FACTS[provider].scheduler && !(verb === "park" && allowParkUnverified) && !recordMayProve) {
    throw new InputError(
      "verified-path",
      `teardown needs the proof: 'verified-path' (VERIFIED.json from collect) or 'verified-artifact'${verb === "park" ? "; or allow-park-unverified: true for a reversible park" : "; or, for an instance provision rented that no run was launched on, report-to where its provision record is"}`
    );
  }
  if (FACTS[provider].credentials === "api-key" && !apiKey)
    throw new InputError(
      "api-key",
      `provider ${provider} needs its API key (pass it from a secret)`,
      `provider ${provider} needs its API key (--api-key "$YOUR_KEY_VARIABLE": from the environment, not typed into the history)`
    );
  if ((inputs["report-to"] ?? "").trim() && !(inputs["ssh-key"] ?? "").trim() && !(inputs["ssh-key-path"] ?? "").trim())
    throw new InputError(
      "ssh-key",
      "teardown with report-to signs the run's teardown mark with the patrol's SSH key (an unsigned mark never ends a run): give ssh-key or ssh-key-path"
    );
  const approval = oneOf("approval", inputs["approval"], ["environment", "confirm"], "environment");
  const confirm = (inputs["confirm"] ?? "").trim();
  return {
    runId: runId("run-id", inputs["run-id"]),
    runRoot,
    provider,
    instanceId,
    verb,
    verifiedPath,
    verifiedArtifact,
    allowParkUnverified,
    stopRunning: bool("stop-running", inputs["stop-running"], false),
    approval,
    confirm,
    dryRun: bool("dry-run", inputs["dry-run"], true),
    apiKey,
    apiUrl: apiUrl2,
    awsRegion: awsRegion2,
    teardownCommand,
    ...consoleDone ? { consoleDone } : {},
    timeoutS: t,
    connection
  };
}
function parseTeardownPhase(inputs, env) {
  const cfg = parseTeardown(inputs, env);
  return { ...cfg, store: parseStore(inputs, env) };
}

// src/config/outputs.ts
var OUTPUT_DOCS = {
  launch: {
    result: "started, refused, registered (already running: nothing started, the run registered for the patrol; with report-to), blocked (audit gate) or failed (the job died or printed a traceback during the confirmation window)",
    "run-id": "the run id",
    attempt: "the attempt number started (1 for a new run, N+1 for a resume; N when resume released a parked Slurm job)",
    handle: "how the job is held: tmux:<private socket>, setsid, or slurm:<job id>",
    "run-dir": "the run record on the box: <run-root>/<run-id>",
    "run-file": "path of the run description written in the workspace (tether-run-<run-id>.json unless run-file says otherwise)",
    "host-key-fingerprint": "the SHA256 fingerprint of the box's host key as seen on this connection",
    "registration-url": "with report-to: the comment that registers the run for the patrol (empty otherwise)"
  },
  patrol: {
    states: "JSON object: run id \u2192 { state, class, step, epoch, metrics, flags, host }",
    escalate: "true when a run needs a person (stalled, failed, dead, rebooted, unreachable, probe-error, unknown), or an instance provisioned 30 min ago still has no run",
    orphans: "JSON array of the instances named by tether (tether-\u2026) at the providers the patrol has credentials for that no registration or provision record names ({ provider, instance_id, name, status }): they bill with nothing behind them",
    instances: "JSON object: run id \u2192 { provider, instance_id, phase, detail }, each registered run's instance as its provider describes it this tick (with the provider's credentials)",
    unlaunched: "JSON array of the instances provision recorded on which no run is registered yet ({ run_id, provider, instance_id, created_at }): they bill with nothing behind them",
    tick: "the tick number, counted in the tick memory",
    entered: "JSON array of the run ids that entered a fail-on state on this tick (the job fails once for each, not on every tick after)",
    "status-url": "the URL(s) of the sticky status comment(s) written on this tick",
    synced: "with sync: JSON object: run id \u2192 { newest (runner path of the newest verified checkpoint, or null), step, written_at, bad (a newer file that failed verification, or null), judged (files pulled and judged on this tick), moved (bytes pulled on this tick), error }"
  },
  collect: {
    verified: "true when every file arrived complete and passed load-verification (VERIFIED.json written)",
    "verified-path": "path of VERIFIED.json on the runner (empty when not verified)",
    "manifest-sha256": "sha256 of manifest.json (the listed files with the sha256 both the box and the runner computed as the bytes moved), as recorded in VERIFIED.json; empty when the pull stopped",
    files: "number of files in the manifest",
    "files-sha256": "sha256 of the sorted (path, bytes, sha256) list: the checkpoints themselves, whenever the manifest was written",
    bytes: "total bytes in the manifest",
    dest: "the directory holding the collected files: <dest-dir>/<run-id>",
    "artifact-name": "name of the checkpoints artifact (tether-<run-id>-<files-sha256 prefix>-checkpoints, \u2026-unverified with artifact: all)",
    "artifact-id": "id of the checkpoints artifact",
    "artifact-digest": "sha256 of the uploaded checkpoints zip",
    "verified-artifact": "name of the artifact holding manifest.json and VERIFIED.json (verified collects only); teardown can download it"
  },
  chatops: {
    result: "ignored (not a /tether command), refused (who or how it was asked), help, done, or failed",
    command: "the command that ran (status, collect, resume, teardown, help), or empty"
  },
  teardown: {
    state: "torn-down, parked, refused, dry-run, or failed (the provider did not confirm a terminal state in time)",
    reason: "one line: why it was refused, what would happen, or what the provider confirmed"
  },
  audit: {
    passed: "true when the audit gate passed",
    report: "the audit report as JSON (disks, cgroup, GPUs, Xid lines, interpreter)",
    "host-key-fingerprint": "the SHA256 fingerprint of the box's host key as seen on this connection"
  },
  logs: {
    attempt: "the attempt whose log was read",
    size: "the log's size in bytes when it was read"
  },
  stop: {
    state: "stopped, not-running (nothing was signalled), refused (no proof, another box, no confirm) or failed (still running after KILL)",
    reason: "one line: why, or what happened to the attempt",
    attempt: "the attempt that was stopped (or found not running)"
  },
  provision: {
    result: "ready (the box answers SSH with its pinned host key) or failed (reason says why; destroyed says what became of a created box)",
    reason: "one line: why it failed, or the candidate it took",
    host: "the box's address: launch's host",
    port: "the box's SSH port: launch's port",
    user: "the login on the box (the provider's login user unless user was given): launch's user",
    "host-key-fingerprint": "the SHA256 fingerprint of the host key tether generated for this box and pinned before the first connection (or, where the image ignored it, the one its console output lists)",
    "host-key-source": "generated (the key tether made and sent in the create call) or console (the key the box's console output lists, read over the provider's API: EC2)",
    "instance-id": "the provider's id of the instance, set the moment the provider names it (also when the provision fails later)",
    provider: "the provider rented from",
    "hourly-price": "what the instance costs per hour (US dollars, as the provider lists it)",
    spot: "true when the box is a spot or interruptible one",
    destroyed: "with a failed provision of a created box: true when it was destroyed and polled to gone, false when it may still bill",
    "record-url": "with report-to: the comment holding the signed provision record (launch's registration replaces it)",
    "provision-file": "when ready: the signed hand-off file (tether-provision-<run-id>.json) that tether launch --from-provision reads"
  }
};

// src/phases.ts
var lazy = (load, pick) => async (cfg, ctx) => pick(await load())(cfg, ctx);
var PHASES = {
  audit: {
    name: "audit",
    cli: "audit",
    title: "tether audit",
    description: "One read-only probe of a GPU box (disk bytes and inodes, cgroup memory, GPU health, Xid, interpreter) and a gate that fails on what would ruin a run.",
    summary: "one read-only probe of the box and the launch gate",
    usage: "tether audit [options]",
    inputs: PHASE_INPUTS.audit,
    outputs: OUTPUT_DOCS.audit,
    holdsKey: false,
    parse: parseAuditPhase,
    run: lazy(
      () => import("./phase-7S7GZOSF.js"),
      (m) => m.auditPhase
    )
  },
  launch: {
    name: "launch",
    cli: "launch",
    title: "tether launch",
    description: "Audit a rented GPU box, send secrets on stdin, and start a training command detached (tmux or setsid) with a run record, idempotently.",
    summary: "audit, write the run record, start the job detached, confirm it runs",
    usage: "tether launch --run-id ID --command CMD [options]",
    inputs: PHASE_INPUTS.launch,
    outputs: OUTPUT_DOCS.launch,
    holdsKey: false,
    // --from-provision fills the connection from provision's signed file first (src/launch/from-provision.ts).
    parse: (inputs, env) => parseLaunchPhase(withProvision(inputs, env), env),
    run: lazy(
      () => import("./phase-7S7GZOSF.js"),
      (m) => m.launchPhase
    )
  },
  patrol: {
    name: "patrol",
    cli: "status",
    title: "tether patrol",
    description: "One read-only SSH round trip per host per tick: a typed verdict per run (running, stalled, finished, failed with class, dead, rebooted, unreachable) with its fixed remediation, as a status table on every tick.",
    summary: "one read-only patrol probe: the state of each run, as a table",
    usage: "tether status --run-ids ID[,ID\u2026] [options]",
    inputs: PHASE_INPUTS.patrol,
    outputs: OUTPUT_DOCS.patrol,
    holdsKey: true,
    parse: parsePatrolPhase,
    run: async (cfg, ctx) => (await import("./phase-QF3LTKCM.js")).patrolPhase(cfg, ctx, await patrolSteps())
  },
  collect: {
    name: "collect",
    cli: "collect",
    title: "tether collect",
    description: "List the checkpoints on the box, pull them in one pass (the box hashes each file as it sends it, the runner as it lands; resumable, pinned OpenSSH), load-verify each as it arrives without running checkpoint code, and write manifest.json and VERIFIED.json.",
    summary: "list on the box, one-pass hashed pull, load-verify, VERIFIED.json",
    usage: "tether collect --run-id ID --dest-dir DIR [options]",
    inputs: PHASE_INPUTS.collect,
    outputs: OUTPUT_DOCS.collect,
    holdsKey: true,
    parse: parseCollectPhase,
    run: lazy(
      () => import("./phase-6LMEFQBD.js"),
      (m) => m.collectPhase
    )
  },
  teardown: {
    name: "teardown",
    cli: "teardown",
    title: "tether teardown",
    description: "Park or destroy the instance only after a matching VERIFIED.json (and, when the box answers, the same files on it now); shows the verb, reversibility, what survives and what keeps billing; polls the provider to a terminal state. Run it in a job behind an environment with required reviewers.",
    summary: "teardown gated on VERIFIED.json: park or destroy the instance, polled to a terminal state (dry run by default)",
    usage: "tether teardown --run-id ID --provider P --verb park|destroy --verified-path DIR [options]",
    inputs: PHASE_INPUTS.teardown,
    outputs: OUTPUT_DOCS.teardown,
    holdsKey: false,
    parse: parseTeardownPhase,
    run: lazy(
      () => import("./phase-3JBJW6BV.js"),
      (m) => m.teardownPhase
    )
  },
  chatops: {
    name: "chatops",
    cli: "chatops",
    title: "tether chatops",
    description: "/tether commands in pull request and issue comments: status (a patrol tick), collect, resume and teardown (dispatching your workflows), checked against the commenter's repository role.",
    usage: "tether chatops (the action, on issue_comment events: it needs the event and the GitHub API)",
    inputs: PHASE_INPUTS.chatops,
    outputs: OUTPUT_DOCS.chatops,
    holdsKey: true,
    parse: parseChatOpsPhase,
    run: async (cfg, ctx) => (await import("./phase-ADHXXWIZ.js")).chatopsPhase(cfg, ctx.reporter, chatopsDeps(cfg, ctx))
  },
  logs: {
    name: "logs",
    cli: "logs",
    title: "tether logs",
    description: "A run's log through the same pinned connection (read-only, bounded to the last log-bytes; escaped, so the job's text cannot act on a terminal or the runner); on a terminal --tail keeps reading until the run ends.",
    summary: "a run's log, bounded and escaped (--tail keeps reading until the run ends)",
    usage: "tether logs RUN-ID [--tail] [--attempt N] [options]",
    inputs: PHASE_INPUTS.logs,
    outputs: OUTPUT_DOCS.logs,
    holdsKey: true,
    parse: parseLogsPhase,
    run: lazy(
      () => import("./phase-YBV2WR2K.js"),
      (m) => m.logsPhase
    )
  },
  stop: {
    name: "stop",
    cli: "stop",
    title: "tether stop",
    description: "Stop a live run's job by its recorded handle (TERM, stop-grace to checkpoint, then KILL; recorded as stopped), only with collect's VERIFIED.json for this run and box; the box keeps running. In a workflow, confirm must say stop <run-id>.",
    summary: "TERM the job by its recorded handle, only with its results verified home (VERIFIED.json)",
    usage: "tether stop RUN-ID --verified-path DIR [options]",
    inputs: PHASE_INPUTS.stop,
    outputs: OUTPUT_DOCS.stop,
    holdsKey: true,
    parse: parseStopPhase,
    run: lazy(
      () => import("./phase-OJS5SJDR.js"),
      (m) => m.stopPhase
    )
  },
  provision: {
    name: "provision",
    cli: "provision",
    title: "tether provision",
    description: "Rent one box for a run: the instance types tried in order (capacity moves on, a refused key or balance stops at once), its host key generated here and sent in the create call, pinned before the first connection; a box not answering SSH with that key within provision-timeout is destroyed. Its outputs are launch's connection inputs.",
    summary: "rent a box, its host key pinned before the first connection; outputs are launch\u2019s inputs",
    usage: "tether provision RUN-ID --provider lambda --instance-types gpu_1x_a100 --ssh-key-path KEY [options]",
    inputs: PHASE_INPUTS.provision,
    outputs: OUTPUT_DOCS.provision,
    holdsKey: true,
    parse: parseProvision,
    run: lazy(
      () => import("./phase-ANYF2LHF.js"),
      (m) => m.provisionPhase
    )
  }
};
var PHASE_LIST = [
  PHASES.audit,
  PHASES.launch,
  PHASES.patrol,
  PHASES.collect,
  PHASES.teardown,
  PHASES.chatops,
  PHASES.logs,
  PHASES.stop,
  PHASES.provision
];
async function runPhase(phase, inputs, env, reporter, ports) {
  maskSecrets(phase, inputs, reporter);
  const full = withDefaults(phase.name, inputs);
  const def = phase;
  const cfg = parseAll(phase.name, full, env, def.parse);
  if (phase.holdsKey) ports.checkContext({ keyFile: Boolean((full["ssh-key-path"] ?? "").trim()) });
  return def.run(cfg, { env, reporter, ports });
}
function maskSecrets(phase, inputs, reporter) {
  for (const n of phase.inputs) if (inputDef(n)?.kind === "secret" && inputs[n]) reporter.mask(inputs[n]);
}
async function patrolSteps() {
  const { probeHost, probeOn } = await import("./probe-6HLDLP2H.js");
  return {
    probeHost,
    probeOn,
    sync: async (...a) => (await import("./step-PHGVSOPO.js")).syncAll(...a),
    follow: async (f) => (await import("./patrol-4QXTEAWI.js")).followRuns(f),
    orphans: async (...a) => (await import("./orphans-FOPBFLJT.js")).findOrphans(...a)
  };
}
function chatopsDeps(cfg, ctx) {
  const { ports, reporter } = ctx;
  const found = ports.chatops?.(cfg.token) ?? null;
  return {
    api: found?.api,
    event: found?.event ?? null,
    defaultRef: found?.defaultRef ?? "main",
    registration: async (runId2) => {
      const store = ports.statusStore?.(cfg.store);
      if (!store?.registered || !cfg.own) return null;
      const { registeredHosts } = await import("./hosts-BTU5RCGL.js");
      const { loadCredential: loadCredential2 } = await import("./keys-SULIVNZF.js");
      const mine = (await store.registered()).filter((f) => f.runId === runId2);
      const e = registeredHosts(mine, loadCredential2(cfg.own.key), cfg.own).entries[runId2];
      return e ? {
        host: e.host,
        port: e.port,
        hostKeyFingerprint: e.hostKeyFingerprint,
        provider: e.provider ?? null,
        instanceId: e.instanceId ?? null,
        jump: e.jump ?? null
      } : null;
    },
    status: async (runIds) => {
      const outputs = {};
      const sub = { ...reporter, output: (k, v) => void (outputs[k] = v), summary: (md) => reporter.summary(md) };
      const code = await PHASES.patrol.run(cfg.patrolFor(runIds), { ...ctx, reporter: sub });
      return { code, url: outputs["status-url"] ?? "", states: JSON.parse(outputs["states"] ?? "{}") };
    }
  };
}

// src/github/actions-io.ts
import { randomBytes } from "node:crypto";

// src/ports/files.ts
import { existsSync, readFileSync as readFileSync2, writeFileSync } from "node:fs";
function fileStore(path) {
  return {
    load: async () => {
      if (!existsSync(path)) return [];
      try {
        return [readFileSync2(path, "utf8")];
      } catch (err) {
        throw new InputError("state-file", `cannot read ${JSON.stringify(path)}: ${err.message}`);
      }
    },
    save: async (runIds, render) => {
      writeFileSync(path, render(runIds));
      return [path];
    }
  };
}
function readConfigFile(path) {
  try {
    return readFileSync2(path, "utf8");
  } catch (err) {
    throw new InputError("config", `cannot read ${JSON.stringify(path)}: ${err.message}`);
  }
}

// src/github/context.ts
import { readFileSync as readFileSync3 } from "node:fs";
function refuseUnsafeContext(env, use) {
  const event = env["GITHUB_EVENT_NAME"] ?? "";
  if ((event === "pull_request" || event === "pull_request_target") && env["GITHUB_EVENT_PATH"]) {
    let fork;
    try {
      const payload = JSON.parse(readFileSync3(env["GITHUB_EVENT_PATH"], "utf8"));
      const head = payload.pull_request?.head?.repo;
      fork = Boolean(head?.fork) || head?.full_name !== void 0 && head.full_name !== payload.repository?.full_name;
    } catch {
      fork = true;
    }
    if (fork) throw new InputError("event", "refusing to run on a pull request from a fork: its code must never reach a runner that holds the box's SSH key");
  }
  if (use.keyFile && env["RUNNER_ENVIRONMENT"] === "github-hosted") {
    throw new InputError(
      "ssh-key-path",
      "refusing a key file on a GitHub-hosted runner: patrol runs on a self-hosted runner that holds the key (runs-on: [self-hosted, tether])"
    );
  }
}

// src/github/comment-event.ts
import { readFileSync as readFileSync4 } from "node:fs";
var LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
function commentEvent(env) {
  if (env["GITHUB_EVENT_NAME"] !== "issue_comment" || !env["GITHUB_EVENT_PATH"]) return null;
  let p;
  try {
    p = JSON.parse(readFileSync4(env["GITHUB_EVENT_PATH"], "utf8"));
  } catch (err) {
    throw new InputError("event", `the event payload could not be read: ${err.message}`);
  }
  const o = (v) => typeof v === "object" && v !== null ? v : {};
  const comment = o(p["comment"]);
  const user2 = o(comment["user"]);
  const issue = o(p["issue"]);
  const login = String(user2["login"] ?? "");
  const id = Number(comment["id"]);
  const number2 = Number(issue["number"]);
  if (!LOGIN.test(login) || !Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(number2) || number2 <= 0)
    throw new InputError("event", "the issue_comment payload lacks a comment id, an issue number or a login");
  const ref = String(o(p["repository"])["default_branch"] ?? "");
  return {
    event: {
      action: String(p["action"] ?? ""),
      commentId: id,
      body: typeof comment["body"] === "string" ? comment["body"] : "",
      login,
      userType: String(user2["type"] ?? ""),
      issueNumber: number2,
      isPullRequest: issue["pull_request"] !== void 0 && issue["pull_request"] !== null
    },
    defaultRef: /^[A-Za-z0-9._/-]{1,200}$/.test(ref) ? ref : "main"
  };
}

// src/github/ports.ts
function lazyArtifacts(env) {
  let real;
  const get = () => real ??= import("./artifacts-Q7HEJ4B7.js").then((m) => m.githubArtifacts(env));
  return {
    unavailable: () => artifactServiceMissing(env),
    upload: async (plan, retentionDays) => (await get()).upload(plan, retentionDays)
  };
}
function lazyStore(spec, env) {
  const hints = [];
  let store;
  let real;
  const get = () => real ??= import("./status-store-LOSSLZIF.js").then((m) => {
    store = m.githubStore(spec.reportTo, env, spec.token, spec.header, keyOf(spec.signingKey), provesOf(spec.signingKey));
    for (const [id, n, c] of hints) store.hint?.(id, n, c);
    return store;
  });
  return {
    load: async (ids) => (await get()).load(ids),
    save: async (ids, render) => (await get()).save(ids, render),
    hint: (id, n, c) => store ? store.hint?.(id, n, c) : void hints.push([id, n, c]),
    known: () => store?.known?.() ?? {},
    knownComments: () => store?.knownComments?.() ?? {},
    register: async (id, body) => (await get()).register(id, body),
    registered: async () => (await get()).registered(),
    reopen: async (id, n, why) => (await get()).reopen(id, n, why)
  };
}
function provesOf(key) {
  if (!key) return void 0;
  let cred;
  try {
    cred = loadCredential(key);
  } catch {
    return void 0;
  }
  if (!("privateKey" in cred)) return void 0;
  return (body) => body.includes(REGISTRATION_PREFIX) && "entry" in verifiedRegistration(body, cred);
}
var keyOf = (key) => macKeyOf(key);
function githubPorts(env = process.env) {
  return {
    workspace: env["GITHUB_WORKSPACE"] ?? process.cwd(),
    statusMode: "markdown",
    checkContext: (use) => refuseUnsafeContext(env, use),
    stateStore: fileStore,
    readConfig: readConfigFile,
    artifacts: () => lazyArtifacts(env),
    statusStore: (spec) => lazyStore(spec, env),
    fetchArtifact: async (name, dir) => (await import("./artifacts-Q7HEJ4B7.js")).fetchArtifact(name, dir),
    chatops: (token) => {
      const found = commentEvent(env);
      if (!found) return null;
      if (!token) throw new InputError("github-token", "is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows");
      let real;
      const get = () => real ??= import("./chatops-api-IVFIPVXW.js").then((m) => m.chatopsApi(env, token));
      const api = {
        role: async (login) => (await get()).role(login),
        fromFork: async (n) => (await get()).fromFork(n),
        react: async (id, c) => (await get()).react(id, c),
        reply: async (n, b) => (await get()).reply(n, b),
        dispatch: async (w, r, i) => (await get()).dispatch(w, r, i),
        refusedLately: async (n, l, ms) => (await get()).refusedLately(n, l, ms)
      };
      return { ...found, api };
    },
    afterTeardown: async (spec, runId2, reporter, state, reason) => (await import("./status-store-LOSSLZIF.js")).teardownDone(spec, runId2, env, reporter, state, reason, keyOf(spec.signingKey))
  };
}

// src/report/describe-error.ts
function describeError(err, where = "action") {
  const text = (e) => `${where === "cli" && e.cliMessage || e.message} (nothing was sent to the box)`;
  if (err instanceof InputErrors) {
    const lines = err.errors.map(text);
    return { line: lines.join("\n"), lines, code: 2 };
  }
  if (err instanceof InputError) return one(text(err), 2);
  const advice = err?.advice;
  if (err instanceof Error && err.name === "TransportError" && typeof advice === "string") return one(`${err.message} \u2014 ${advice}`, 4);
  return one(err instanceof Error ? err.message : String(err), 1);
}
function one(line, code) {
  return { line, lines: [line], code };
}

// src/github/actions-io.ts
function actionInputs(names2) {
  return Object.fromEntries(names2.map((n) => [n, getInput(n, { trimWhitespace: false })]));
}
var COMMANDISH = /(^|[\r\n\u2028\u2029\u0085])[\s]*(::|##\[)/;
var GithubReporter = class {
  /** Summary parts, written to GITHUB_STEP_SUMMARY once at the end. */
  parts = [];
  /**
   * A line that may carry box text: if any of its lines could be read by the runner as a workflow command
   * (`::x::`, legacy `##[x]`), the whole text goes inside a `::stop-commands::<random token>` block, so
   * nothing in it acts, and tether's own commands work again right after.
   */
  info = (l) => {
    if (!COMMANDISH.test(l)) return info(l);
    const token = `tether-${randomBytes(16).toString("hex")}`;
    info(`::stop-commands::${token}`);
    info(l);
    info(`::${token}::`);
  };
  /** A log's lines: the same guard as info (a workflow command in them does nothing). */
  text = (t) => this.info(t);
  warn = (l) => warning(l);
  error = (l) => error(l);
  output = (n, v) => setOutput(n, v);
  summary = (md) => void this.parts.push(md);
  mask = (v) => {
    setSecret(v);
    if (v.includes("\n")) {
      for (const line of v.split("\n")) if (line.trim().length > 3) setSecret(line.trim());
    }
  };
};
function runActionPhase(phase, inputs = actionInputs(phase.inputs)) {
  return runAction((r) => runPhase(phase, inputs, process.env, r, githubPorts()));
}
async function runAction(phase) {
  const r = new GithubReporter();
  let code;
  try {
    code = await phase(r);
  } catch (err) {
    const d = describeError(err);
    for (const line of d.lines) r.error(line);
    r.summary(`### \u274C tether

${d.lines.map((l) => `- ${inert(l)}`).join("\n")}
`);
    code = d.code;
  }
  if (process.env["GITHUB_STEP_SUMMARY"] && r.parts.length) {
    await summary.addRaw(r.parts.join("\n\n"), true).write();
  }
  process.exitCode = code;
  setTimeout(() => process.exit(code), 3e3).unref();
}

export {
  PHASES,
  PHASE_LIST,
  actionInputs,
  runActionPhase,
  runAction
};
