import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseHeader,
  parsePatrolPhase,
  parseReportTo,
  parseStore
} from "./chunk-GNV6GGOU.js";
import {
  PHASE_INPUTS,
  withDefaults
} from "./chunk-Y5HP5YFS.js";
import {
  parseConnection,
  parseOwnConnection
} from "./chunk-D4LSXUI5.js";
import {
  duration
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

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
  ROLES,
  parseChatOpsPhase
};
