import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  artifactServiceMissing
} from "./chunk-PH7IAEM6.js";
import {
  error,
  getInput,
  info,
  setOutput,
  setSecret,
  summary,
  warning
} from "./chunk-J4JGH25V.js";
import {
  parseChatOpsPhase
} from "./chunk-LK26I7RU.js";
import {
  parseLogsPhase
} from "./chunk-JWNOOURD.js";
import {
  parseLaunchPhase,
  parseProvision,
  withProvision
} from "./chunk-6BPONR2H.js";
import {
  parseCollect,
  parsePatrolPhase,
  parseReportTo,
  parseStore
} from "./chunk-GNV6GGOU.js";
import {
  FACTS,
  instanceIdFor,
  providerModule,
  verbFacts,
  verbMissing
} from "./chunk-PFQFTWQV.js";
import {
  nodeConnections,
  parseNodeLines
} from "./chunk-NMJRNFZE.js";
import {
  PHASE_INPUTS,
  defaultsOf,
  inputDef,
  withDefaults
} from "./chunk-Y5HP5YFS.js";
import {
  DEFAULT_RUN_ROOT,
  parseAuditPhase
} from "./chunk-JJDYANJU.js";
import {
  inert
} from "./chunk-NMVVBMUM.js";
import {
  verifiedRegistration
} from "./chunk-5RTTKOP3.js";
import {
  parseConnection,
  parseKeySource
} from "./chunk-D4LSXUI5.js";
import {
  REGISTRATION_PREFIX
} from "./chunk-4U6B6A5Q.js";
import {
  macKeyOf
} from "./chunk-DHT7G7Q2.js";
import {
  apiUrl,
  bool,
  command,
  duration,
  envLines,
  names,
  oneOf,
  plainPath,
  remotePath,
  runId,
  show
} from "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError,
  InputErrors
} from "./chunk-3B7SBFZS.js";
import {
  INSTANCE_ID,
  PROVIDER_NAMES,
  VERBS
} from "./chunk-3ZXXC4EP.js";

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

// src/config/recover.ts
function parseRecover(given, env) {
  const inputs = withDefaults("recover", given);
  const runId2 = runId("recover", inputs["recover"]);
  const reportTo = parseReportTo(inputs["report-to"]);
  if (!reportTo) throw new InputError("report-to", "is required: the run's signed registration (its recovery terms) is read there");
  const key = parseKeySource(inputs, env);
  if (key.kind === "agent") throw new InputError("ssh-key", "recover checks and re-signs the registration with the SSH key: give ssh-key or ssh-key-path");
  const syncDest = (inputs["sync-dest"] ?? "").trim();
  plainPath("sync-dest", syncDest);
  const t = duration("preempt-confirm", inputs["preempt-confirm"], 5) ?? 5;
  if (t < 1 || t > 60) throw new InputError("preempt-confirm", `${show(inputs["preempt-confirm"] ?? "")} is outside 1s to 60s`);
  return {
    runId: runId2,
    store: { reportTo, header: "", token: inputs["github-token"] ?? "", signingKey: key },
    env: envLines("env", inputs["env"]),
    secretNames: names("secrets", inputs["secrets"]),
    syncDest,
    confirmMs: t * 1e3,
    confirmTimeout: (inputs["confirm-timeout"] ?? "").trim(),
    inputs
  };
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

// src/collect/parse.ts
var COLLECT_FROM = ["rank0", "all"];
function parseCollectPhase(inputs, env) {
  const cfg = parseCollect(inputs);
  const lines = parseNodeLines(inputs);
  if (!lines) {
    if ((inputs["collect-from"] ?? "").trim() && inputs["collect-from"].trim() !== "rank0")
      throw new InputError("collect-from", "is for a run on many boxes: give 'nodes' (one box a line, rank 0 first)");
    return { ...cfg, card: teardownCard(inputs), conn: parseConnection(inputs, env), nodes: null };
  }
  if ((inputs["instance-id"] ?? "").trim()) throw new InputError("instance-id", "names one box; with nodes put each node's instance-id= on its line");
  if (cfg.cells.length) throw new InputError("cells", "a run on many boxes is not a sweep");
  const from = oneOf("collect-from", inputs["collect-from"], COLLECT_FROM, "rank0");
  const conns = nodeConnections(inputs, env, { nodes: lines });
  const provider = (inputs["provider"] ?? "").trim() ? oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh") : null;
  const nodes = lines.map((n, i) => {
    const conn = conns[i];
    const instanceId = provider ? cardInstance(provider, n.instanceId ?? "", conn, `nodes line of rank ${n.rank}`) : null;
    return { rank: n.rank, conn, runRoot: n.runRoot ?? cfg.runRoot, instanceId };
  });
  const card = teardownCard({ ...inputs, "instance-id": nodes[0].instanceId ?? "" });
  return { ...cfg, card, conn: conns[0], nodes: { from, nodes } };
}
function teardownCard(inputs) {
  if (!(inputs["provider"] ?? "").trim()) return null;
  const provider = oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh");
  const verb = oneOf("verb", inputs["verb"], VERBS, "destroy");
  if (FACTS[provider].scheduler || verb === "cancel") return null;
  const instanceId = cardInstance(provider, inputs["instance-id"] ?? "", { host: (inputs["host"] ?? "").trim(), port: (inputs["port"] ?? "").trim() || "22" });
  return { provider, instanceId, verb };
}
function cardInstance(provider, given, box, where = "instance-id") {
  const instanceId = instanceIdFor(provider, given, box);
  const input = where === "instance-id" ? "instance-id" : "nodes";
  if (!instanceId)
    throw new InputError(
      input,
      `${where === "instance-id" ? "is required" : `${where} needs instance-id=`} with provider ${provider}: the exact instance the teardown card (and the proof) is for`
    );
  if (!INSTANCE_ID.test(instanceId)) throw new InputError(input, `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return instanceId;
}

// src/teardown/parse.ts
function parseTeardown(inputs, env) {
  const provider = oneOf("provider", inputs["provider"], PROVIDER_NAMES, "ssh");
  if (!(inputs["provider"] ?? "").trim()) throw new InputError("provider", `is required: one of ${PROVIDER_NAMES.join(", ")}`);
  const verb = oneOf("verb", inputs["verb"], VERBS, "park");
  if (!(inputs["verb"] ?? "").trim())
    throw new InputError("verb", "is required: park (reversible stop) or destroy (irreversible); on Slurm cancel or park (hold)");
  if (!verbFacts(provider, verb)) throw new InputError("verb", `${verb} is not possible with provider ${provider}: ${verbMissing(provider, verb)}`);
  const runId2 = (inputs["run-id"] ?? "").trim();
  const runRoot = remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT);
  const nodes = teardownNodes(inputs, env, provider, runRoot);
  const connection = nodes ? nodes[0].connection : (inputs["host"] ?? "").trim() ? parseConnection(inputs, env) : null;
  const given = { instanceId: nodes ? nodes[0].instanceId : inputs["instance-id"] ?? "" };
  const instanceId = instanceIdFor(provider, given.instanceId, connection, runId2);
  const apiKey = inputs["api-key"] || void 0;
  const apiUrl2 = apiUrl("provider-api-url", inputs["provider-api-url"]);
  const teardownCommand = command("teardown-command", inputs["teardown-command"], false);
  const consoleDone = (inputs["console-done"] ?? "").trim() || void 0;
  const awsRegion = (inputs["aws-region"] ?? "").trim() || void 0;
  const t = duration("teardown-timeout", inputs["teardown-timeout"], 600) ?? 600;
  if (t < 5 || t > 7200) throw new InputError("teardown-timeout", `${show(inputs["teardown-timeout"] ?? "")} is outside 5s to 2h`);
  const settings = { runId: runId2, runRoot, instanceId, verb, apiKey, apiUrl: apiUrl2, awsRegion, teardownCommand, consoleDone, timeoutS: t, connection };
  providerModule(provider).check?.(settings, given, env);
  for (const n of nodes ?? []) {
    try {
      providerModule(provider).check?.({ ...settings, instanceId: n.instanceId, connection: n.connection }, { instanceId: n.instanceId }, env);
    } catch (err) {
      if (err instanceof InputError) throw new InputError("nodes", `rank ${n.rank}: ${err.message.replace(/^input '[^']+': /, "")}`);
      throw err;
    }
  }
  if (!instanceId) throw new InputError("instance-id", `is required for provider ${provider}: the exact instance to ${verb}`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  const verifiedPath = (inputs["verified-path"] ?? "").trim() || void 0;
  const verifiedArtifact = (inputs["verified-artifact"] ?? "").trim() || void 0;
  if (verifiedPath && verifiedArtifact) throw new InputError("verified-path", "give either 'verified-path' or 'verified-artifact', not both");
  plainPath("verified-path", verifiedPath);
  const artifactNames = !verifiedArtifact ? [] : nodes ? verifiedArtifact.split(/\s+/).filter(Boolean) : [verifiedArtifact];
  for (const name of artifactNames)
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) throw new InputError("verified-artifact", `${show(name)} is not an artifact name`);
  if (nodes && artifactNames.length > nodes.length)
    throw new InputError("verified-artifact", `lists ${artifactNames.length} records artifacts, more than the ${nodes.length} nodes`);
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
    awsRegion,
    teardownCommand,
    ...consoleDone ? { consoleDone } : {},
    timeoutS: t,
    connection,
    nodes
  };
}
function teardownNodes(inputs, env, provider, runRoot) {
  const lines = parseNodeLines(inputs);
  if (!lines) return null;
  const not = (input, why) => {
    throw new InputError(input, `is not offered with nodes: ${why}`);
  };
  if (FACTS[provider].scheduler) not("provider", `a ${provider} job on many nodes is the scheduler's: cancel it with host`);
  if ((inputs["instance-id"] ?? "").trim()) not("instance-id", "put each node's instance-id= on its line");
  if (bool("allow-park-unverified", inputs["allow-park-unverified"], false))
    not("allow-park-unverified", "every node's files are proven or shown to be none");
  if (!(inputs["verified-path"] ?? "").trim() && !(inputs["verified-artifact"] ?? "").trim())
    throw new InputError(
      "verified-path",
      "is required with nodes: the run folder collect wrote (its verified-path output), holding rank-<r>/VERIFIED.json for each node it read; or verified-artifact: collect's list of the nodes' records artifacts"
    );
  const conns = nodeConnections(inputs, env, { nodes: lines });
  const seen = /* @__PURE__ */ new Map();
  return lines.map((l, i) => {
    const connection = conns[i];
    const instanceId = instanceIdFor(provider, l.instanceId ?? "", connection);
    if (!instanceId) throw new InputError("nodes", `rank ${l.rank} needs instance-id= on its line with provider ${provider}: the exact instance to tear down`);
    if (!INSTANCE_ID.test(instanceId))
      throw new InputError("nodes", `rank ${l.rank}: ${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
    const before = seen.get(instanceId);
    if (before !== void 0)
      throw new InputError("nodes", `rank ${l.rank} names instance ${instanceId} again (rank ${before}); each node is its own instance`);
    seen.set(instanceId, l.rank);
    return { rank: l.rank, instanceId, connection, runRoot: l.runRoot ?? runRoot };
  });
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
    "registration-url": "with report-to: the comment that registers the run for the patrol (empty otherwise)",
    nodes: "with nodes: JSON array, one per node, rank 0 first ({ rank, host, attempt, pid, handle, run_dir }); rank 0 is also the run-dir, handle and host-key-fingerprint above"
  },
  patrol: {
    policies: "JSON array of the after-verified acts tried this tick ({ run_id, attempt, verb, outcome: waiting | refused | done | failed, why }): a run launched with after-verified park or destroy, once it ended and a collect verified it",
    collects: "with auto-collect-workflow: JSON array of the collects dispatched this tick for runs that ended ({ run_id, attempt, url })",
    recoveries: "JSON array, one per preempted run: { run_id, attempt, action } (dispatched with its url, dispatch, wait, exhausted, no-workflow, not-yet, dispatch-failed)",
    states: "JSON object: run id \u2192 { state, class, attempt, step, epoch, metrics, flags, host } (a sweep adds cells; a run on many boxes adds nodes: [{ rank, host, state, class, consequence, step }])",
    "node-stops": "JSON array of the runs on many boxes launched with on-node-failure: stop whose surviving nodes the patrol stopped this tick ({ run_id, attempt, nodes: [{ rank, stopped, detail }] })",
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
    "verified-path": "path of VERIFIED.json on the runner (empty when not verified); with nodes, the run folder holding rank-<r>/VERIFIED.json for each node read (what teardown takes)",
    "manifest-sha256": "sha256 of manifest.json (the listed files with the sha256 both the box and the runner computed as the bytes moved), as recorded in VERIFIED.json; empty when the pull stopped",
    files: "number of files in the manifest",
    "files-sha256": "sha256 of the sorted (path, bytes, sha256) list: the checkpoints themselves, whenever the manifest was written",
    bytes: "total bytes in the manifest",
    dest: "the directory holding the collected files: <dest-dir>/<run-id>",
    "artifact-name": "name of the checkpoints artifact (tether-<run-id>-<files-sha256 prefix>-checkpoints, \u2026-unverified with artifact: all)",
    "artifact-id": "id of the checkpoints artifact",
    "artifact-digest": "sha256 of the uploaded checkpoints zip",
    "verified-artifact": "name of the artifact holding manifest.json and VERIFIED.json (verified collects only); teardown can download it",
    "nodes-collected": "with nodes: JSON array, one object per node read: rank, host, verified, files, bytes, manifest_sha256, artifact_name (its artifacts are tether-<run-id>-rank<r>-\u2026), path (<dest>/<run-id>/rank-<r>)"
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
    "provision-file": "when ready: the signed hand-off file (tether-provision-<run-id>.json) that tether launch --from-provision reads",
    nodes: "with count above 1, when every box is ready: launch's nodes as they are, one box a line, rank 0 first: user@host:port SHA256:\u2026 instance-id=ID",
    "instance-ids": "with count above 1: JSON array of the instances that came up (ready or, when the provision failed, left running)"
  },
  recover: {
    result: "recovered (the next attempt runs on a new box), refused (why: nothing was rented or touched) or failed (provision's or launch's own errors say why)",
    "recover-ms": "from the start of the recovery to the job confirmed on the new box, in milliseconds",
    "instance-id": "the new box's instance id (provision's output)",
    host: "the new box's address",
    "host-key-fingerprint": "the new box's host key, pinned before the first connection",
    attempt: "the attempt started on the new box (the registered one + 1)",
    "registration-url": "the registration comment, signed again with the new box"
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
      () => import("./phase-HLY4BRKD.js"),
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
      () => import("./phase-HLY4BRKD.js"),
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
    run: async (cfg, ctx) => (await import("./phase-IUCT66DJ.js")).patrolPhase(cfg, ctx, await patrolSteps())
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
      () => import("./phase-WIQPGUEO.js"),
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
      () => import("./phase-QQFIMPMU.js"),
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
    run: async (cfg, ctx) => (await import("./phase-BQJJLATX.js")).chatopsPhase(cfg, ctx.reporter, chatopsDeps(cfg, ctx))
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
      () => import("./phase-OQDXM7ER.js"),
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
      () => import("./phase-Y7YLE6GV.js"),
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
      () => import("./phase-BTWKCSBU.js"),
      (m) => m.provisionPhase
    )
  },
  recover: {
    name: "recover",
    cli: "recover",
    title: "tether recover",
    description: "Continue a run whose provider preempted its box (issue 27): only on its signed registration's on-preempt: replace, the provider's own word read twice, and the same code; rents a box of the same spec, pushes the newest checkpoint the patrol's sync verified on this runner into the run's folder, and resumes the identical command as the next attempt. The preempted instance is listed, never destroyed.",
    summary: "continue a preempted run on a new box from its newest synced checkpoint",
    usage: "tether recover RUN-ID --provider aws --instance-types g6.xlarge --sync-dest DIR --report-to pr:N --ssh-key-path KEY [options]",
    inputs: PHASE_INPUTS.recover,
    outputs: OUTPUT_DOCS.recover,
    holdsKey: true,
    parse: parseRecover,
    run: lazy(
      () => import("./phase-BFFUYKU3.js"),
      (m) => m.recoverPhase
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
  PHASES.provision,
  PHASES.recover
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
  const { probeHost, probeOn } = await import("./probe-KKBT3HZX.js");
  return {
    probeHost,
    probeOn,
    sync: async (...a) => (await import("./step-BK6T673F.js")).syncAll(...a),
    follow: async (f) => (await import("./patrol-QXSDRZVM.js")).followRuns(f),
    orphans: async (...a) => (await import("./orphans-DJILA2SV.js")).findOrphans(...a),
    afterVerified: async (...a) => (await import("./auto-XKKYUEBF.js")).afterVerifiedStep(...a),
    stopNodes: async (...a) => (await import("./nodes-2W5JEBY5.js")).stopNodes(...a)
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
      const { registeredHosts } = await import("./hosts-BP7F4MTY.js");
      const { loadCredential: loadCredential2 } = await import("./keys-SULIVNZF.js");
      const mine = (await store.registered()).filter((f) => f.runId === runId2);
      const e = registeredHosts(mine, loadCredential2(cfg.own.key), cfg.own).entries[runId2];
      return e ? {
        host: e.host,
        port: e.port,
        hostKeyFingerprint: e.hostKeyFingerprint,
        provider: e.provider ?? null,
        instanceId: e.instanceId ?? null,
        jump: e.jump ?? null,
        nodes: e.nodes ?? null
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
import { existsSync, readFileSync, writeFileSync } from "node:fs";
function fileStore(path) {
  return {
    load: async () => {
      if (!existsSync(path)) return [];
      try {
        return [readFileSync(path, "utf8")];
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
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new InputError("config", `cannot read ${JSON.stringify(path)}: ${err.message}`);
  }
}

// src/github/context.ts
import { readFileSync as readFileSync2 } from "node:fs";
function refuseUnsafeContext(env, use) {
  const event = env["GITHUB_EVENT_NAME"] ?? "";
  if ((event === "pull_request" || event === "pull_request_target") && env["GITHUB_EVENT_PATH"]) {
    let fork;
    try {
      const payload = JSON.parse(readFileSync2(env["GITHUB_EVENT_PATH"], "utf8"));
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
import { readFileSync as readFileSync3 } from "node:fs";
var LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
function commentEvent(env) {
  if (env["GITHUB_EVENT_NAME"] !== "issue_comment" || !env["GITHUB_EVENT_PATH"]) return null;
  let p;
  try {
    p = JSON.parse(readFileSync3(env["GITHUB_EVENT_PATH"], "utf8"));
  } catch (err) {
    throw new InputError("event", `the event payload could not be read: ${err.message}`);
  }
  const o = (v) => typeof v === "object" && v !== null ? v : {};
  const comment = o(p["comment"]);
  const user = o(comment["user"]);
  const issue = o(p["issue"]);
  const login = String(user["login"] ?? "");
  const id = Number(comment["id"]);
  const number = Number(issue["number"]);
  if (!LOGIN.test(login) || !Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(number) || number <= 0)
    throw new InputError("event", "the issue_comment payload lacks a comment id, an issue number or a login");
  const ref = String(o(p["repository"])["default_branch"] ?? "");
  return {
    event: {
      action: String(p["action"] ?? ""),
      commentId: id,
      body: typeof comment["body"] === "string" ? comment["body"] : "",
      login,
      userType: String(user["type"] ?? ""),
      issueNumber: number,
      isPullRequest: issue["pull_request"] !== void 0 && issue["pull_request"] !== null
    },
    defaultRef: /^[A-Za-z0-9._/-]{1,200}$/.test(ref) ? ref : "main"
  };
}

// src/github/ports.ts
function lazyArtifacts(env) {
  let real;
  const get = () => real ??= import("./artifacts-Z6LCTNTP.js").then((m) => m.githubArtifacts(env));
  return {
    unavailable: () => artifactServiceMissing(env),
    upload: async (plan, retentionDays) => (await get()).upload(plan, retentionDays)
  };
}
function lazyStore(spec, env) {
  const hints = [];
  let store;
  let real;
  const get = () => real ??= import("./status-store-MRSXRDAE.js").then((m) => {
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
    fetchArtifact: async (name, dir) => (await import("./artifacts-Z6LCTNTP.js")).fetchArtifact(name, dir),
    chatops: (token) => {
      const found = commentEvent(env);
      if (!found) return null;
      if (!token) throw new InputError("github-token", "is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows");
      let real;
      const get = () => real ??= import("./chatops-api-BIJNKKNG.js").then((m) => m.chatopsApi(env, token));
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
    dispatcher: (token) => {
      if (!token) return null;
      let real;
      const get = () => real ??= import("./chatops-api-BIJNKKNG.js").then((m) => m.chatopsApi(env, token));
      return { dispatch: async (w, r, i) => (await get()).dispatch(w, r, i) };
    },
    actionsApi: (token) => {
      if (!token) return null;
      let real;
      const get = () => real ??= import("./actions-api-DJCT5FY4.js").then((m) => m.actionsApi(env, token));
      return {
        workflowRun: async (id) => (await get()).workflowRun(id),
        approvals: async (id) => (await get()).approvals(id),
        downloadRunArtifact: async (...a) => (await get()).downloadRunArtifact(...a)
      };
    },
    afterTeardown: async (spec, runId2, reporter, state, reason) => (await import("./status-store-MRSXRDAE.js")).teardownDone(spec, runId2, env, reporter, state, reason, keyOf(spec.signingKey))
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
