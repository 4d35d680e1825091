import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  ROLES
} from "./chunk-LK26I7RU.js";

// src/chatops/gate.ts
function eventGate(e) {
  if (e.action !== "created") return { ok: false, why: `the comment was ${e.action}: only a newly posted comment is a command (post the command again)` };
  if (e.userType !== "User" || /\[bot\]$/.test(e.login)) return { ok: false, why: `@${e.login} is a bot; tether takes commands from people only` };
  return { ok: true };
}
function roleGate(login, role, min, fromFork) {
  if (fromFork && ROLES.indexOf(role) <= ROLES.indexOf("read"))
    return {
      ok: false,
      why: `@${login} is not a collaborator (role ${role}) and this pull request comes from a fork; tether takes no commands there from them`
    };
  if (ROLES.indexOf(role) >= ROLES.indexOf(min)) return { ok: true };
  return { ok: false, why: `@${login} has the ${role} role on this repository; tether commands need ${min} or higher` };
}
var MONEY_COMMANDS = ["collect", "resume", "teardown"];
function neededRole(command, min) {
  return MONEY_COMMANDS.includes(command) && ROLES.indexOf(min) < ROLES.indexOf("write") ? "write" : min;
}
function roleOf(answer) {
  for (const v of [answer.role_name, answer.permission]) if (typeof v === "string" && ROLES.includes(v)) return v;
  return "none";
}

export {
  eventGate,
  roleGate,
  neededRole,
  roleOf
};
