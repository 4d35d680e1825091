import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseReportTo,
  parseStore
} from "./chunk-GNV6GGOU.js";
import {
  HANDOFF_MAX_BYTES,
  handoffBytes,
  readHandoff
} from "./chunk-V4MUZUKH.js";
import {
  PROVIDER_LIST
} from "./chunk-PFQFTWQV.js";
import {
  NODES_MAX,
  nodeCommand,
  nodeConnections,
  parseNodes
} from "./chunk-NMJRNFZE.js";
import {
  cellLines,
  inputDef,
  parseSweep
} from "./chunk-Y5HP5YFS.js";
import {
  DEFAULT_RUN_ROOT,
  parseAudit
} from "./chunk-JJDYANJU.js";
import {
  parseConnection,
  parseKeySource
} from "./chunk-D4LSXUI5.js";
import {
  verify
} from "./chunk-DHT7G7Q2.js";
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
} from "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  AFTER_VERIFIED,
  AFTER_VERIFIED_VERBS,
  BACKEND_NAMES,
  ENVIRONMENT_NAME,
  INSTANCE_ID,
  PREEMPTION_SIGNATURE,
  PROVIDER_NAMES,
  RECOVERY_CELLS_MAX,
  RECOVERY_COMMAND_MAX
} from "./chunk-3ZXXC4EP.js";
import {
  BoxDataError
} from "./chunk-FHK73RDK.js";

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
var ON_PREEMPT = ["wait", "replace", "restart-instance"];
var RESTARTABLE = ["vastai"];
function onPreempt(inputs, provider, o) {
  const policy = oneOf("on-preempt", inputs["on-preempt"], ON_PREEMPT, "wait");
  const maxRecoveries = number("max-recoveries", inputs["max-recoveries"], 3, 1, 20);
  if (policy === "restart-instance") {
    const why = !provider ? "needs provider (and instance-id): the instance to start again" : !RESTARTABLE.includes(provider) ? `is not offered for provider ${provider}: ${provider === "aws" ? "EC2 restarts a stopped spot instance only by itself" : "tether cannot start its preempted instance again"} (replace rents a new box)` : o.backend === "slurm" ? "is for a rented box: on Slurm, preemption is Slurm's (requeue: true recovers it)" : o.sweep ? "is not offered for a sweep yet (its queue would resume from the disk with cells the restart does not carry); replace is" : null;
    if (why) throw new InputError("on-preempt", `restart-instance ${why}`);
  }
  if (policy === "replace") {
    const why = !provider ? "needs provider (and instance-id): the provider whose word says the box was preempted" : PREEMPTION_SIGNATURE[provider] !== "verified" ? `is not offered for provider ${provider}: ${PREEMPTION_SIGNATURE[provider] === "unverified" ? "its preemption signature is not verified, so only wait is" : "it rents no spot boxes tether can tell preempted"}` : o.backend === "slurm" ? "is for a rented box: on Slurm, preemption is Slurm's (requeue: true recovers it)" : o.sweep && o.sweep.cells.some((c) => /[\r\n]/.test(c.command)) ? "needs each cell command on one line: the cells are signed into the registration one line each" : o.sweep && JSON.stringify(cellLines(o.sweep.cells)).length - 2 > RECOVERY_CELLS_MAX ? `needs the cells to come to at most ${RECOVERY_CELLS_MAX} characters (name: command lines, as JSON writes them), signed into the registration for the new box (put long commands in a script)` : !o.syncDir ? "needs sync-dir: a recovery ships the same code to the new box itself (a workdir filled by hand would not be there)" : o.command.length > RECOVERY_COMMAND_MAX || (o.then ?? "").length > RECOVERY_COMMAND_MAX ? `needs a command (and then) of at most ${RECOVERY_COMMAND_MAX} characters, signed into the registration for the new box (put long scripts in a file)` : null;
    if (why) throw new InputError("on-preempt", `replace ${why}`);
  }
  return { policy, maxRecoveries };
}
function afterVerified(inputs, provider, instanceId, backend) {
  const verb = oneOf("after-verified", inputs["after-verified"], AFTER_VERIFIED, "none");
  const environment = (inputs["approval-environment"] ?? "").trim();
  if (verb === "none") {
    if (environment) throw new InputError("approval-environment", "is read only with after-verified: park or destroy");
    return null;
  }
  const why = !provider || !instanceId ? "needs provider and instance-id: the instance the patrol acts on (provision fills them)" : backend === "slurm" ? "is for a rented box: a Slurm job's cancel is teardown's" : !AFTER_VERIFIED_VERBS[provider].includes(verb) ? AFTER_VERIFIED_VERBS[provider].length ? `is not offered for provider ${provider} (it offers ${AFTER_VERIFIED_VERBS[provider].join(", ")})` : `is not offered for provider ${provider}: the patrol acts only through a provider's API (teardown does the rest)` : null;
  if (why) throw new InputError("after-verified", `${verb} ${why}`);
  if (!environment)
    throw new InputError(
      "approval-environment",
      `is required with after-verified: ${verb}: the environment with required reviewers this launch's job runs in (environment: in the workflow), whose approval the patrol checks before it acts`
    );
  if (!ENVIRONMENT_NAME.test(environment)) throw new InputError("approval-environment", `${show(environment)} is not an environment name`);
  return { verb, environment };
}
var SELF_PARK = { aws: "ec2-shutdown", runpod: "runpod-stop" };
var RUNPOD_VOLUME = "/workspace";
function parkAfter(inputs, o) {
  const seconds = duration("park-after", inputs["park-after"], void 0);
  if (seconds === void 0) return null;
  if (seconds < 10 || seconds > 7 * 86400) throw new InputError("park-after", "is between 10s and 7d");
  const how = o.provider ? SELF_PARK[o.provider] : void 0;
  if (!o.provider || !how)
    throw new InputError(
      "park-after",
      `needs provider aws or runpod${o.provider ? `, not ${o.provider}` : ""}: only there can a box park itself reversibly without an account key on it (EC2's OS shutdown, RunPod's pod-scoped runpodctl)`
    );
  if (o.backend === "slurm") throw new InputError("park-after", "is for a rented box; a Slurm job's node is the scheduler's");
  if (o.sweep) throw new InputError("park-after", "is not offered for a sweep: the run's queue, not each cell, would have to park the box");
  const under = (p) => p === RUNPOD_VOLUME || p.startsWith(`${RUNPOD_VOLUME}/`);
  if (how === "runpod-stop" && (!under(o.runRoot) || o.workdir !== void 0 && o.workdir !== "" && !under(o.workdir)))
    throw new InputError(
      "park-after",
      `on RunPod needs run-root${o.workdir ? " and workdir" : ""} under ${RUNPOD_VOLUME}: a stop wipes the container disk and keeps only the volume disk, where the checkpoints must be`
    );
  return { seconds, how, address: (inputs["metadata-address"] ?? "").trim() || IMDS };
}
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
    onPreempt: onPreempt(inputs, provider, { backend, sweep, syncDir, command: command2, then: inputs["then"] }),
    afterVerified: afterVerified(inputs, provider, instanceId, backend),
    parkAfter: parkAfter(inputs, {
      provider,
      backend,
      sweep: !!sweep,
      runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
      workdir: syncDir ? void 0 : (inputs["workdir"] ?? "").trim()
    }),
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
function multiNode(inputs, env, launch) {
  const m = parseNodes(inputs);
  if (!m) return void 0;
  const not = (input, why) => {
    throw new InputError(input, `is not offered for a run on many boxes (nodes) ${why}`);
  };
  if (launch.sweep) not("cells", "yet: a sweep queues its cells on one box");
  if (launch.backend === "slurm") not("backend", ": on Slurm, a multi-node job is the scheduler's (slurm-options: --nodes=N)");
  if (launch.onPreempt.policy !== "wait") not("on-preempt", "yet: a recovery rents one box");
  if (launch.afterVerified)
    not("after-verified", "yet: the patrol's own park or destroy acts on one instance; tear a run on many boxes down with teardown's nodes");
  if (launch.parkAfter) not("park-after", "yet");
  if ((inputs["from-provision"] ?? "").trim()) not("from-provision", "yet: give each node's line");
  if ((inputs["instance-id"] ?? "").trim()) throw new InputError("instance-id", "names one box; with nodes put each node's instance-id= on its line");
  const conns = nodeConnections(inputs, env, m);
  if (!launch.recorded) launch.command = nodeCommand(launch.command, m);
  return { ...m, conns };
}
function parseLaunchPhase(inputs, env) {
  const launch = parseLaunch(inputs);
  const reportTo = parseReportTo(inputs["report-to"]);
  const secrets = readSecrets(launch.secretNames, env);
  const audit = parseAudit(inputs);
  const nodes = multiNode(inputs, env, launch);
  const conn = nodes ? nodes.conns[0] : parseConnection(inputs, env);
  if (reportTo && conn.key.kind === "agent")
    throw new InputError(
      "ssh-key",
      "report-to signs the run registration with the SSH key, so give ssh-key or ssh-key-path (an ssh agent cannot sign it here)"
    );
  const store = reportTo ? { reportTo, header: "", token: inputs["github-token"] ?? "", signingKey: conn.key } : null;
  if (launch.onPreempt.policy !== "wait" && !reportTo)
    throw new InputError(
      "on-preempt",
      `${launch.onPreempt.policy} needs report-to: the policy is signed into the run's registration, where the patrol reads it`
    );
  if (launch.afterVerified && !reportTo)
    throw new InputError(
      "after-verified",
      "needs report-to: the policy and the approving run are signed into the run's registration, where the patrol reads them"
    );
  return {
    launch,
    secrets,
    audit,
    conn,
    ...nodes ? { nodes } : {},
    store,
    policy: policyOf(launch.afterVerified, env),
    runFile: (inputs["run-file"] ?? "").trim() || `tether-run-${launch.runId}.json`
  };
}
function policyOf(av, env) {
  if (!av) return null;
  const id = (env["GITHUB_RUN_ID"] ?? "").trim();
  const attempt = (env["GITHUB_RUN_ATTEMPT"] ?? "1").trim() || "1";
  const workflow = /^[^/\s]+\/[^/\s]+\/(\.github\/workflows\/[A-Za-z0-9._-]{1,100}\.ya?ml)@/.exec((env["GITHUB_WORKFLOW_REF"] ?? "").trim())?.[1];
  if (!/^[1-9]\d{0,15}$/.test(id) || !/^[1-9]\d{0,3}$/.test(attempt) || !workflow)
    throw new InputError(
      "after-verified",
      "needs a GitHub Actions workflow run (GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_WORKFLOW_REF): the approval the patrol checks is that run's environment approval; from a terminal, tear down with tether teardown"
    );
  return { afterVerified: av.verb, environment: av.environment, approvingRun: { id: Number(id), attempt: Number(attempt), workflow } };
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
  const count = number("count", inputs["count"], 1, 1, NODES_MAX);
  if (!Number.isInteger(count)) throw new InputError("count", "must be a whole number of boxes");
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
    count,
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

export {
  parseLaunchPhase,
  withProvision,
  parseProvision
};
