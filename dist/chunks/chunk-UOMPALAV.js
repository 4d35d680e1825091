import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  BACKEND_NAMES
} from "./chunk-3NGSRKXW.js";
import {
  parseSweep
} from "./chunk-U6OMOZ7A.js";
import {
  DEFAULT_RUN_ROOT
} from "./chunk-LCZBWDJG.js";
import {
  InputError,
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
} from "./chunk-SEMMJJY4.js";

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
  const syncDir = (inputs["sync-dir"] ?? "").trim();
  plainPath("sync-dir", syncDir);
  if (syncDir && (inputs["workdir"] ?? "").trim())
    throw new InputError("sync-dir", "the synced release becomes the workdir; give 'sync-dir' or 'workdir', not both");
  const confirm = number("confirm-timeout", inputs["confirm-timeout"], 20, 1, 60);
  const sweep = parseSweep(inputs);
  const checkpoints = globs("checkpoints", inputs["checkpoints"]);
  if (!sweep && checkpoints.some((g) => g.includes("{cell}"))) throw new InputError("checkpoints", "uses {cell}, which only a sweep ('cells') has");
  return {
    runId: runId("run-id", inputs["run-id"]),
    command: sweep ? "" : command("command", inputs["command"], true),
    then: command("then", inputs["then"], false),
    workdir: remotePath("workdir", inputs["workdir"], "~"),
    env,
    secretNames,
    backend: oneOf("backend", inputs["backend"], BACKENDS, "tmux"),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    checkpoints,
    expectedDurationS: duration("expected-duration", inputs["expected-duration"], void 0),
    resume: bool("resume", inputs["resume"], false),
    audit: bool("audit", inputs["audit"], true),
    confirmTimeoutS: confirm,
    commit,
    sync: syncDir ? { dir: syncDir, mode: oneOf("sync-mode", inputs["sync-mode"], SYNC_MODES, "dir") } : void 0,
    sweep
  };
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
