import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  eventGate,
  neededRole,
  roleGate
} from "./chunk-TGGGXPPT.js";
import {
  dispatchInputs
} from "./chunk-K3FW3R52.js";
import "./chunk-LK26I7RU.js";
import "./chunk-GNV6GGOU.js";
import "./chunk-Y5HP5YFS.js";
import "./chunk-JJDYANJU.js";
import "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import {
  RUN_ID
} from "./chunk-FHK73RDK.js";
import "./chunk-R3K6G2KB.js";

// src/chatops/command.ts
var BODY_MAX = 65536;
var LINE_MAX = 1200;
var STATUS_IDS_MAX = 16;
var HELP = [
  "`/tether status [run-id \u2026]`: a patrol tick now (all registered runs, or the ones named), in the status comment",
  "`/tether collect <run-id>`: dispatches the collect workflow for the run",
  "`/tether resume <run-id>`: dispatches the launch workflow with resume for the run",
  "`/tether teardown <run-id> [park|destroy]`: dispatches the teardown workflow (it still waits for the environment approval and the verified proof)",
  "`/tether help`: this list"
].join("\n");
function parseCommand(body) {
  const first = body.slice(0, LINE_MAX + 1).split(/\r?\n/, 1)[0] ?? "";
  if (!/^\/tether(?:[ \t]|$)/.test(first)) return { kind: "none" };
  if (body.length > BODY_MAX) return { kind: "wrong", why: `the comment is longer than ${BODY_MAX} characters` };
  if (first.length > LINE_MAX) return { kind: "wrong", why: `the command line is longer than ${LINE_MAX} characters` };
  const words = first.trim().split(/[ \t]+/).slice(1);
  const [verb, ...args] = words;
  const ids = (max) => {
    const bad = args.find((a) => !RUN_ID.test(a));
    if (bad !== void 0) return `${JSON.stringify(bad.slice(0, 80))} is not a run id (1-64 of A-Z a-z 0-9 . _ -)`;
    if (args.length > max) return `at most ${max} run ids`;
    if (new Set(args).size !== args.length) return "a run id is named twice";
    return null;
  };
  switch (verb) {
    case void 0:
    case "help":
      return args.length ? { kind: "wrong", why: "`help` takes no arguments" } : { kind: "command", command: { kind: "help" } };
    case "status": {
      const why = ids(STATUS_IDS_MAX);
      return why ? { kind: "wrong", why } : { kind: "command", command: { kind: "status", runIds: args } };
    }
    case "collect":
    case "resume": {
      if (args.length !== 1) return { kind: "wrong", why: `\`${verb}\` takes exactly one run id` };
      const why = ids(1);
      return why ? { kind: "wrong", why } : { kind: "command", command: { kind: verb, runId: args[0] } };
    }
    case "teardown": {
      const [runId, verbArg, ...rest] = args;
      if (runId === void 0 || rest.length) return { kind: "wrong", why: "`teardown` takes a run id and optionally park or destroy" };
      if (!RUN_ID.test(runId)) return { kind: "wrong", why: `${JSON.stringify(runId.slice(0, 80))} is not a run id (1-64 of A-Z a-z 0-9 . _ -)` };
      if (verbArg !== void 0 && verbArg !== "park" && verbArg !== "destroy") return { kind: "wrong", why: "the teardown verb is park or destroy" };
      return { kind: "command", command: { kind: "teardown", runId, verb: verbArg ?? null } };
    }
    default:
      return { kind: "wrong", why: `${JSON.stringify(verb.slice(0, 40))} is not a tether command` };
  }
}

// src/chatops/phase.ts
async function chatopsPhase(phaseCfg, reporter, deps) {
  const cfg = phaseCfg.chatops;
  const e = deps.event;
  if (!e) throw new InputError("event", "chatops runs on issue_comment events (on: issue_comment), where GitHub hands it the comment");
  const parsed = parseCommand(e.body);
  const done = (result, command = "") => {
    reporter.output("result", result);
    reporter.output("command", command);
  };
  if (parsed.kind === "none") {
    reporter.info("chatops: the comment is not a /tether command; nothing to do");
    done("ignored");
    return 0;
  }
  const api = deps.api;
  if (!api) throw new InputError("github-token", "chatops needs the GitHub API (the action, with a token that may react, comment and dispatch workflows)");
  const refuse = async (why) => {
    reporter.warn(`chatops: refused: ${why}`);
    await api.react(e.commentId, "-1");
    const lately = api.refusedLately ? await api.refusedLately(e.issueNumber, e.login, REFUSAL_WINDOW_MS).catch(() => 0) : 0;
    if (lately > 0)
      reporter.info(`chatops: a refusal was already said to @${e.login} here in the last ${REFUSAL_WINDOW_MS / 6e4} min: only the \u{1F44E} this time`);
    else await api.reply(e.issueNumber, `\u{1F44E} ${inert(why)}.`);
    done("refused");
    return 0;
  };
  const first = eventGate(e);
  if (!first.ok) {
    reporter.info(`chatops: not a command, not answered: ${first.why}`);
    done("ignored");
    return 0;
  }
  const fork = e.isPullRequest ? await api.fromFork(e.issueNumber) : false;
  const need = parsed.kind === "command" ? neededRole(parsed.command.kind, cfg.minRole) : cfg.minRole;
  const who = roleGate(e.login, await api.role(e.login), need, fork);
  if (!who.ok) return refuse(who.why);
  if (parsed.kind === "wrong") {
    await api.react(e.commentId, "confused");
    await api.reply(e.issueNumber, `\u{1F615} ${inert(parsed.why)}. What tether understands:

${HELP}`);
    done("help");
    return 0;
  }
  const cmd = parsed.command;
  await api.react(e.commentId, "eyes");
  reporter.info(`chatops: @${e.login} asked for ${describe(cmd)}`);
  try {
    const text = await run(cmd, cfg, deps, api, e);
    await api.react(e.commentId, text.ok ? "rocket" : "confused");
    await api.reply(e.issueNumber, text.body);
    done(text.ok ? "done" : "failed", cmd.kind);
    return text.ok ? 0 : 1;
  } catch (err) {
    const why = err.message.split("\n")[0] ?? "failed";
    await api.react(e.commentId, "confused");
    await api.reply(e.issueNumber, `\u{1F615} ${describe(cmd)} failed: ${inert(why)}`);
    done("failed", cmd.kind);
    reporter.error(`chatops: ${describe(cmd)} failed: ${why}`);
    return 1;
  }
}
var REFUSAL_WINDOW_MS = 10 * 6e4;
function describe(c) {
  switch (c.kind) {
    case "status":
      return c.runIds.length ? `status of ${c.runIds.join(", ")}` : "status";
    case "teardown":
      return `teardown of ${c.runId}${c.verb ? ` (${c.verb})` : ""}`;
    case "help":
      return "help";
    default:
      return `${c.kind} of ${c.runId}`;
  }
}
async function run(cmd, cfg, deps, api, e) {
  if (cmd.kind === "help") return { ok: true, body: `What tether understands:

${HELP}` };
  if (cmd.kind === "status") {
    const s = await deps.status(cmd.runIds);
    const lines = Object.entries(s.states).map(([id, v]) => `- ${code(id)}: ${inert(v.class ? `${v.state} (${v.class})` : v.state)}`);
    const where = s.url ? `[the status comment](${s.url.split("\n")[0]})` : "the job summary";
    return { ok: s.code === 0, body: `${s.code === 0 ? "\u{1F680}" : "\u{1F615}"} Patrol tick done; ${where} is up to date.

${lines.join("\n") || "No runs."}` };
  }
  const workflow = cfg.workflows[cmd.kind];
  if (!workflow)
    return { ok: false, body: `\u{1F615} No \`${cmd.kind}-workflow\` is set for tether's chatops here, so \`/tether ${cmd.kind}\` cannot start anything.` };
  const inputs = dispatchInputs(cmd.runId, e.login, await deps.registration(cmd.runId));
  if (cmd.kind === "resume") inputs["resume"] = "true";
  if (cmd.kind === "teardown" && cmd.verb) inputs["verb"] = cmd.verb;
  const url = await api.dispatch(workflow, cfg.ref || deps.defaultRef, inputs);
  const gate = cmd.kind === "teardown" ? " It waits there for the environment approval, and tears nothing down without the verified proof." : "";
  return { ok: true, body: `\u{1F680} Started ${code(workflow)} for ${code(cmd.runId)}, as @${e.login} asked: ${url}.${gate}` };
}
export {
  REFUSAL_WINDOW_MS,
  chatopsPhase
};
