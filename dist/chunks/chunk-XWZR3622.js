import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseTeardown
} from "./chunk-LHH7UFVJ.js";
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
  parseChatOps
} from "./chunk-MEC5OE5W.js";
import {
  parseLaunch,
  readSecrets
} from "./chunk-QVGQYR5O.js";
import {
  parseHeader,
  parsePatrol,
  parseReportTo
} from "./chunk-XZHXGFI5.js";
import {
  parseCollect
} from "./chunk-GJYV4XMR.js";
import {
  inert,
  parseAudit
} from "./chunk-Z52J2UM4.js";
import {
  verifiedRegistration
} from "./chunk-7ZTFFDQ7.js";
import {
  REGISTRATION_PREFIX
} from "./chunk-IRUQJGMC.js";
import {
  macKeyFromInputs
} from "./chunk-UXJDJOFW.js";
import {
  loadCredential
} from "./chunk-PDDLEZQQ.js";
import {
  PHASE_INPUTS,
  defaultsOf,
  withDefaults
} from "./chunk-QQLEJVPE.js";
import {
  parseConnection,
  parseKeySource
} from "./chunk-5X6WLO4A.js";
import {
  InputError,
  InputErrors
} from "./chunk-3B7SBFZS.js";

// src/config/check.ts
var CHECKS = {
  audit: (inputs, env) => {
    parseAudit(inputs);
    parseConnection(inputs, env);
  },
  launch: (inputs, env) => {
    const cfg = parseLaunch(inputs);
    parseReportTo(inputs["report-to"]);
    readSecrets(cfg.secretNames, env);
    if (cfg.audit) parseAudit(inputs);
    parseConnection(inputs, env);
  },
  patrol: (inputs, env) => {
    const cfg = parsePatrol(inputs);
    if (!cfg.config && !cfg.registry) parseConnection(inputs, env);
  },
  collect: (inputs, env) => {
    parseCollect(inputs);
    parseConnection(inputs, env);
  },
  chatops: (inputs, env) => {
    parseChatOps(inputs);
    if ((inputs["host"] ?? "").trim()) parseConnection(inputs, env);
  },
  teardown: (inputs, env) => {
    parseTeardown(inputs, env);
    parseReportTo(inputs["report-to"]);
    parseHeader(inputs["header"]);
  }
};
var STAND_INS = {
  "run-id": "stand-in",
  command: "true",
  host: "stand-in.invalid",
  "host-key-fingerprint": `SHA256:${"A".repeat(43)}`,
  "run-ids": "stand-in",
  "instance-id": "stand-in",
  "dest-dir": "stand-in"
};
function allInputErrors(phase, inputs, env, check = CHECKS[phase]) {
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

// src/config/outputs.ts
var OUTPUT_DOCS = {
  launch: {
    result: "started, refused, blocked (audit gate) or failed (the job died or printed a traceback during the confirmation window)",
    "run-id": "the run id",
    attempt: "the attempt number started (1 for a new run, N+1 for a resume; N when resume released a parked Slurm job)",
    handle: "how the job is held: tmux:<private socket>, setsid, or slurm:<job id>",
    "run-dir": "the run record on the box: <run-root>/<run-id>",
    "run-file": "path of tether-run.json in the workspace, describing the run for patrol, collect and teardown",
    "host-key-fingerprint": "the SHA256 fingerprint of the box's host key as seen on this connection",
    "registration-url": "with report-to: the comment that registers the run for the patrol (empty otherwise)"
  },
  patrol: {
    states: "JSON object: run id \u2192 { state, class, step, epoch, metrics, flags, host }",
    escalate: "true when a run needs a person (stalled, failed, dead, rebooted, unreachable, probe-error, unknown)",
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
  }
};

// src/phases.ts
var PHASES = {
  audit: {
    name: "audit",
    cli: "audit",
    title: "tether audit",
    description: "One read-only probe of a GPU box (disk bytes and inodes, cgroup memory, GPU health, Xid, interpreter) and a gate that fails on what would ruin a run.",
    inputs: PHASE_INPUTS.audit,
    outputs: OUTPUT_DOCS.audit,
    holdsKey: false,
    run: async (inputs, env, reporter) => (await import("./phase-WO4QNSVU.js")).auditPhase(inputs, env, reporter)
  },
  launch: {
    name: "launch",
    cli: "launch",
    title: "tether launch",
    description: "Audit a rented GPU box, send secrets on stdin, and start a training command detached (tmux or setsid) with a run record, idempotently.",
    inputs: PHASE_INPUTS.launch,
    outputs: OUTPUT_DOCS.launch,
    holdsKey: false,
    run: async (inputs, env, reporter, ports) => (await import("./phase-WO4QNSVU.js")).launchPhase(inputs, env, reporter, ports.workspace, ports.statusStore?.(inputs, reporter), ports.fetchArtifact)
  },
  patrol: {
    name: "patrol",
    cli: "status",
    title: "tether patrol",
    description: "One read-only SSH round trip per host per tick: a typed verdict per run (running, stalled, finished, failed with class, dead, rebooted, unreachable) with its fixed remediation, as a status table on every tick.",
    inputs: PHASE_INPUTS.patrol,
    outputs: OUTPUT_DOCS.patrol,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) => (await import("./phase-ZOCZDMDR.js")).patrolPhase(inputs, env, reporter, {
      probe: (await import("./probe-XSJJ6NFW.js")).probeHost,
      probeOn: (await import("./probe-XSJJ6NFW.js")).probeOn,
      registered: (await import("./hosts-MJA5WRM5.js")).registeredHosts,
      mode: ports.statusMode,
      remote: ports.statusStore?.(inputs, reporter),
      workspace: ports.workspace,
      artifacts: ports.artifacts?.()
    })
  },
  collect: {
    name: "collect",
    cli: "collect",
    title: "tether collect",
    description: "List the checkpoints on the box, pull them in one pass (the box hashes each file as it sends it, the runner as it lands; resumable, pinned OpenSSH), load-verify each as it arrives without running checkpoint code, and write manifest.json and VERIFIED.json.",
    inputs: PHASE_INPUTS.collect,
    outputs: OUTPUT_DOCS.collect,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) => (await import("./phase-FDRMBBPP.js")).collectPhase(inputs, env, reporter, ports.workspace, ports.artifacts?.())
  },
  teardown: {
    name: "teardown",
    cli: "teardown",
    title: "tether teardown",
    description: "Park or destroy the instance only after a matching VERIFIED.json (and, when the box answers, the same files on it now); shows the verb, reversibility, what survives and what keeps billing; polls the provider to a terminal state. Run it in a job behind an environment with required reviewers.",
    inputs: PHASE_INPUTS.teardown,
    outputs: OUTPUT_DOCS.teardown,
    holdsKey: false,
    run: async (inputs, env, reporter, ports) => (await import("./phase-S7ZLAPOD.js")).teardownPhase(inputs, env, reporter, ports.workspace, {
      ...ports.fetchArtifact ? { fetchArtifact: (name, dir) => ports.fetchArtifact(name, dir) } : {},
      ...ports.afterTeardown ? { afterTeardown: (state, reason) => ports.afterTeardown(inputs, reporter, state, reason) } : {},
      ...ports.statusStore ? {
        registration: async (runId) => {
          const store = ports.statusStore(inputs, reporter);
          if (!store?.registered) return null;
          return (await store.registered()).find((f) => f.runId === runId)?.body ?? null;
        }
      } : {}
    })
  },
  chatops: {
    name: "chatops",
    cli: "chatops",
    title: "tether chatops",
    description: "/tether commands in pull request and issue comments: status (a patrol tick), collect, resume and teardown (dispatching your workflows), checked against the commenter's repository role.",
    inputs: PHASE_INPUTS.chatops,
    outputs: OUTPUT_DOCS.chatops,
    holdsKey: true,
    run: async (inputs, env, reporter, ports) => {
      const found = ports.chatops?.(inputs, reporter) ?? null;
      const reported = { ...inputs, "report-to": inputs["report-to"] || "tracking-issue" };
      return (await import("./phase-22JBOZBK.js")).chatopsPhase(inputs, reporter, {
        api: found?.api,
        event: found?.event ?? null,
        defaultRef: found?.defaultRef ?? "main",
        registration: async (runId) => {
          const store = ports.statusStore?.(reported, reporter);
          if (!store?.registered || !(inputs["ssh-key"] || inputs["ssh-key-path"] || env["SSH_AUTH_SOCK"])) return null;
          const { registeredHosts } = await import("./hosts-MJA5WRM5.js");
          const { loadCredential: loadCredential2 } = await import("./keys-PB6GV7IF.js");
          const { parseKeySource: parseKeySource2 } = await import("./connection-XDUMFERH.js");
          const found2 = (await store.registered()).filter((f) => f.runId === runId);
          const e = registeredHosts(found2, loadCredential2(parseKeySource2(inputs, env)), inputs, env).entries[runId];
          return e ? { host: e.host, port: e.port, hostKeyFingerprint: e.hostKeyFingerprint, provider: e.provider ?? null, instanceId: e.instanceId ?? null } : null;
        },
        status: async (runIds) => {
          const patrolInputs = withDefaults("patrol", { ...reported, "run-ids": runIds.join(",") });
          const outputs = {};
          const sub = { ...reporter, output: (k, v) => void (outputs[k] = v), summary: (md) => reporter.summary(md) };
          const code = await PHASES.patrol.run(patrolInputs, env, sub, ports);
          return { code, url: outputs["status-url"] ?? "", states: JSON.parse(outputs["states"] ?? "{}") };
        }
      });
    }
  }
};
var PHASE_LIST = [PHASES.audit, PHASES.launch, PHASES.patrol, PHASES.collect, PHASES.teardown, PHASES.chatops];
async function runPhase(phase, inputs, env, reporter, ports) {
  const full = withDefaults(phase.name, inputs);
  const errors = allInputErrors(phase.name, full, env);
  if (errors.length > 1) throw new InputErrors(errors);
  if (errors[0]) throw errors[0];
  if (phase.holdsKey) ports.checkContext(full);
  return phase.run(full, env, reporter, ports);
}

// src/github/actions-io.ts
import { randomBytes } from "node:crypto";

// src/github/context.ts
import { readFileSync } from "node:fs";
function refuseUnsafeContext(env, inputs) {
  const event = env["GITHUB_EVENT_NAME"] ?? "";
  if ((event === "pull_request" || event === "pull_request_target") && env["GITHUB_EVENT_PATH"]) {
    let fork;
    try {
      const payload = JSON.parse(readFileSync(env["GITHUB_EVENT_PATH"], "utf8"));
      const head = payload.pull_request?.head?.repo;
      fork = Boolean(head?.fork) || head?.full_name !== void 0 && head.full_name !== payload.repository?.full_name;
    } catch {
      fork = true;
    }
    if (fork) throw new InputError("event", "refusing to run on a pull request from a fork: its code must never reach a runner that holds the box's SSH key");
  }
  if ((inputs["ssh-key-path"] ?? "").trim() && env["RUNNER_ENVIRONMENT"] === "github-hosted") {
    throw new InputError(
      "ssh-key-path",
      "refusing a key file on a GitHub-hosted runner: patrol runs on a self-hosted runner that holds the key (runs-on: [self-hosted, tether])"
    );
  }
}

// src/github/comment-event.ts
import { readFileSync as readFileSync2 } from "node:fs";
var LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
function commentEvent(env) {
  if (env["GITHUB_EVENT_NAME"] !== "issue_comment" || !env["GITHUB_EVENT_PATH"]) return null;
  let p;
  try {
    p = JSON.parse(readFileSync2(env["GITHUB_EVENT_PATH"], "utf8"));
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
  const get = () => real ??= import("./artifacts-Q7HEJ4B7.js").then((m) => m.githubArtifacts(env));
  return {
    unavailable: () => artifactServiceMissing(env),
    upload: async (plan, retentionDays) => (await get()).upload(plan, retentionDays)
  };
}
function lazyStore(inputs, env, reporter) {
  const target = parseReportTo(inputs["report-to"]);
  if (!target) return void 0;
  const token = inputs["github-token"] ?? "";
  if (token) reporter.mask(token);
  const hints = [];
  let store;
  let real;
  const get = () => real ??= import("./status-store-UMMDDQYO.js").then((m) => {
    store = m.githubStore(target, env, token, parseHeader(inputs["header"]), keyOf(inputs, env), provesOf(inputs, env));
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
function provesOf(inputs, env) {
  let cred;
  try {
    cred = loadCredential(parseKeySource(inputs, env));
  } catch {
    return void 0;
  }
  if (!("privateKey" in cred)) return void 0;
  return (body) => body.includes(REGISTRATION_PREFIX) && "entry" in verifiedRegistration(body, cred);
}
var keyOf = (inputs, env) => macKeyFromInputs(inputs, env);
function githubPorts(env = process.env) {
  return {
    workspace: env["GITHUB_WORKSPACE"] ?? process.cwd(),
    statusMode: "markdown",
    checkContext: (inputs) => refuseUnsafeContext(env, inputs),
    artifacts: () => lazyArtifacts(env),
    statusStore: (inputs, reporter) => lazyStore(inputs, env, reporter),
    fetchArtifact: async (name, dir) => (await import("./artifacts-Q7HEJ4B7.js")).fetchArtifact(name, dir),
    chatops: (inputs, reporter) => {
      const token = inputs["github-token"] ?? "";
      if (token) reporter.mask(token);
      const found = commentEvent(env);
      if (!found) return null;
      if (!token) throw new InputError("github-token", "is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows");
      let real;
      const get = () => real ??= import("./chatops-api-F3YV6VSX.js").then((m) => m.chatopsApi(env, token));
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
    afterTeardown: async (inputs, reporter, state, reason) => (await import("./status-store-UMMDDQYO.js")).teardownDone(inputs, env, reporter, state, reason, keyOf(inputs, env))
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
function actionInputs(names) {
  return Object.fromEntries(names.map((n) => [n, getInput(n, { trimWhitespace: false })]));
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
