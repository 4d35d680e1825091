import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  sortedJson
} from "./chunk-Y2GZDFST.js";
import {
  ENVIRONMENT_NAME,
  FINGERPRINT,
  INSTANCE_ID,
  RECOVERY_CELLS_MAX,
  RECOVERY_COMMAND_MAX
} from "./chunk-3ZXXC4EP.js";
import {
  BoxDataError,
  CELLS_MAX,
  RUN_ID,
  SAFE_PATH,
  arr,
  int,
  obj,
  optInt,
  optStr,
  parseJson,
  str
} from "./chunk-FHK73RDK.js";

// src/registry/entry.ts
var REGISTRATION_SCHEMA = "tether.registration/v1";
var GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
var REGISTRATION_PREFIX = "<!-- tether:registration ";
var registrationMarker = (runId) => `${REGISTRATION_PREFIX}${runId} -->`;
function registrationRunId(body) {
  const id = /<!-- tether:registration ([^ ]{1,64}) -->/.exec(body)?.[1];
  return id !== void 0 && RUN_ID.test(id) ? id : void 0;
}
var OPEN = "<!-- tether:registration-data ";
var CLOSE = " -->";
function fields(r) {
  return {
    schema: REGISTRATION_SCHEMA,
    run_id: r.runId,
    host: r.host,
    port: r.port,
    user: r.user,
    host_key_fingerprint: r.hostKeyFingerprint,
    run_root: r.runRoot,
    backend: r.backend,
    attempt: r.attempt,
    expected_duration_s: r.expectedDurationS,
    launched_at: r.launchedAt,
    commit: r.commit,
    // Written only when known, so a registration from before it existed still verifies.
    ...r.handle ? { handle: r.handle } : {},
    ...r.provider ? { provider: r.provider } : {},
    ...r.instanceId ? { instance_id: r.instanceId } : {},
    ...r.launchedBy ? { launched_by: r.launchedBy } : {},
    ...r.jump ? { jump_host: r.jump.address, jump_host_key_fingerprint: r.jump.hostKeyFingerprint } : {},
    ...r.hourlyPrice ? { hourly_price: r.hourlyPrice } : {},
    ...r.maxHoursS ? { max_hours_s: r.maxHoursS } : {},
    ...r.maxCost ? { max_cost: r.maxCost } : {},
    ...r.recovery ? { recovery: recoveryFields(r.recovery) } : {},
    ...r.parkAfterS ? { park_after_s: r.parkAfterS } : {},
    ...r.nodes?.length ? {
      nodes: r.nodes.map((n) => ({
        rank: n.rank,
        host: n.host,
        port: n.port,
        user: n.user,
        host_key_fingerprint: n.hostKeyFingerprint,
        run_root: n.runRoot,
        instance_id: n.instanceId
      }))
    } : {},
    ...r.nodes?.length && r.onNodeFailure === "stop" ? { on_node_failure: "stop" } : {},
    ...r.policy ? {
      policy: {
        after_verified: r.policy.afterVerified,
        environment: r.policy.environment,
        approving_run: { id: r.policy.approvingRun.id, attempt: r.policy.approvingRun.attempt, workflow: r.policy.approvingRun.workflow }
      }
    } : {}
  };
}
function parkAfterOf(o, w) {
  const s = optInt(o, "park_after_s", w, { min: 10, max: 7 * 86400 });
  return s !== null ? { parkAfterS: s } : {};
}
function policyOf(o, w) {
  if (o["policy"] === void 0) return {};
  const x = `${w}.policy`;
  const p = obj(o["policy"], x);
  const run = obj(p["approving_run"], `${x}.approving_run`);
  return {
    policy: {
      afterVerified: str(p, "after_verified", x, { max: 8, pattern: /^(?:park|destroy)$/ }),
      environment: str(p, "environment", x, { max: 100, pattern: ENVIRONMENT_NAME }),
      approvingRun: {
        id: int(run, "id", `${x}.approving_run`, { min: 1, max: Number.MAX_SAFE_INTEGER }),
        attempt: int(run, "attempt", `${x}.approving_run`, { min: 1, max: 1e3 }),
        workflow: str(run, "workflow", `${x}.approving_run`, { max: 256, pattern: /^\.github\/workflows\/[A-Za-z0-9._-]{1,100}\.ya?ml$/ })
      }
    }
  };
}
function recoveryFields(t) {
  return {
    on_preempt: t.onPreempt,
    max_recoveries: t.maxRecoveries,
    recoveries: t.recoveries,
    command: t.command,
    then: t.then,
    checkpoints: t.checkpoints,
    sync_dir: t.syncDir,
    sync_mode: t.syncMode,
    release: t.release,
    env_names: t.envNames,
    secret_names: t.secretNames,
    previous: t.previous.map((p) => ({ provider: p.provider, instance_id: p.instanceId, attempt: p.attempt })),
    restored: t.restored ? { path: t.restored.path, step: t.restored.step, sha256: t.restored.sha256 } : null,
    // Only a sweep carries the field: a single run's signed bytes stay as they were.
    ...t.sweep ? { sweep: { cells: t.sweep.cells, gpus_per_cell: t.sweep.gpusPerCell, max_parallel: t.sweep.maxParallel, on_cell_failure: t.sweep.onCellFailure } } : {}
  };
}
var ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
var NO_CONTROL = /^[^\u0000]*$/;
function recoveryOf(o, w) {
  const t = recoveryTerms(o, w);
  return t ? { recovery: t } : {};
}
function recoveryTerms(o, w) {
  if (o["recovery"] === void 0) return null;
  const r = obj(o["recovery"], `${w}.recovery`);
  const x = `${w}.recovery`;
  const policy = str(r, "on_preempt", x, { max: 16 });
  if (policy !== "replace" && policy !== "restart-instance") throw new BoxDataError(`${x}.on_preempt is not replace or restart-instance`);
  const replace = policy === "replace";
  const names = (k) => arr(r, k, x, 64).map((n, i) => {
    if (typeof n !== "string" || !ENV_NAME.test(n)) throw new BoxDataError(`${x}.${k}[${i}] is not a variable name`);
    return n;
  });
  const restored = r["restored"] === null ? null : obj(r["restored"], `${x}.restored`);
  const mode = str(r, "sync_mode", x, { max: 8, pattern: /^(?:dir|git-head)$/ });
  return {
    onPreempt: policy,
    maxRecoveries: int(r, "max_recoveries", x, { min: 1, max: 20 }),
    recoveries: int(r, "recoveries", x, { min: 0, max: 20 }),
    command: str(r, "command", x, { max: RECOVERY_COMMAND_MAX, pattern: NO_CONTROL }),
    then: optStr(r, "then", x, { max: RECOVERY_COMMAND_MAX, pattern: NO_CONTROL }),
    checkpoints: arr(r, "checkpoints", x, 64).map((g, i) => {
      if (typeof g !== "string" || g.length > 512 || !/^[^\u0000-\u001f]+$/.test(g)) throw new BoxDataError(`${x}.checkpoints[${i}] is not a glob`);
      return g;
    }),
    syncDir: str(r, "sync_dir", x, { max: 1024, pattern: replace ? /^[^\u0000-\u001f]+$/ : /^[^\u0000-\u001f]*$/ }),
    syncMode: mode,
    release: replace ? str(r, "release", x, { max: 64, pattern: /^[0-9a-f]{12,64}$/ }) : optStr(r, "release", x, { max: 64, pattern: /^[0-9a-f]{12,64}$/ }),
    envNames: names("env_names"),
    secretNames: names("secret_names"),
    previous: arr(r, "previous", x, 20).map((p, i) => {
      const q = obj(p, `${x}.previous[${i}]`);
      return {
        provider: str(q, "provider", x, { max: 32, pattern: /^[a-z]{1,32}$/ }),
        instanceId: str(q, "instance_id", x, { max: 128, pattern: INSTANCE_ID }),
        attempt: int(q, "attempt", x, { min: 1, max: 999999 })
      };
    }),
    restored: restored ? {
      path: str(restored, "path", x, { max: 4096, pattern: SAFE_PATH }),
      step: optInt(restored, "step", x, { min: 0 }),
      sha256: str(restored, "sha256", x, { max: 64, pattern: /^[0-9a-f]{64}$/ })
    } : null,
    ...sweepOf(r, x)
  };
}
function sweepOf(r, x) {
  if (r["sweep"] === void 0) return {};
  const w = `${x}.sweep`;
  const s = obj(r["sweep"], w);
  const onCellFailure = str(s, "on_cell_failure", w, { max: 8 });
  if (onCellFailure !== "continue" && onCellFailure !== "stop") throw new BoxDataError(`${w}.on_cell_failure is not continue or stop`);
  return {
    sweep: {
      // The launch parser reads them again on the new box (cells: name: command lines, no carriage return).
      cells: str(s, "cells", w, { max: RECOVERY_CELLS_MAX, pattern: /^[^\u0000\r]+$/ }),
      gpusPerCell: int(s, "gpus_per_cell", w, { min: 0, max: 64 }),
      maxParallel: int(s, "max_parallel", w, { min: 0, max: CELLS_MAX }),
      onCellFailure
    }
  };
}
function signedBytes(r) {
  return Buffer.from(sortedJson(fields(r)));
}
function registrationBlock(s) {
  const json = sortedJson({ ...fields(s.entry), signer: s.signer, sig: s.sig });
  return `${OPEN}${Buffer.from(json).toString("base64")}${CLOSE}`;
}
var HOST = /^[A-Za-z0-9.:_-]{1,253}$/;
var moneyText = (n) => n.toFixed(4).replace(/\.?0+$/, "");
var MONEY = /^\d{1,7}(\.\d{1,4})?$/;
function readRegistration(body) {
  if (body.length > 65536) throw new BoxDataError("the registration comment is larger than 64 KiB");
  const start = body.indexOf(OPEN);
  const end = start < 0 ? -1 : body.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) throw new BoxDataError("the registration comment holds no registration block");
  const b64 = body.slice(start + OPEN.length, end);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new BoxDataError("the registration block is not base64");
  const o = obj(parseJson(Buffer.from(b64, "base64").toString("utf8"), "the registration block", 32768), "registration");
  const w = "registration";
  if (str(o, "schema", w, { max: 64 }) !== REGISTRATION_SCHEMA) throw new BoxDataError(`registration: schema is not ${REGISTRATION_SCHEMA}`);
  const entry = {
    runId: str(o, "run_id", w, { max: 64, pattern: RUN_ID }),
    host: str(o, "host", w, { max: 253, pattern: HOST }),
    port: int(o, "port", w, { min: 1, max: 65535 }),
    user: str(o, "user", w, { max: 64, pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/ }),
    hostKeyFingerprint: str(o, "host_key_fingerprint", w, { max: 50, pattern: FINGERPRINT }),
    runRoot: str(o, "run_root", w, { max: 1024, pattern: /^[^\u0000-\u001f\u007f]+$/ }),
    backend: str(o, "backend", w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    attempt: int(o, "attempt", w, { min: 1, max: 999999 }),
    expectedDurationS: optInt(o, "expected_duration_s", w, { min: 1, max: 366 * 86400 }),
    launchedAt: str(o, "launched_at", w, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/ }),
    commit: optStr(o, "commit", w, { max: 64, pattern: /^[0-9a-f]{7,64}$/ }),
    handle: optStr(o, "handle", w, { max: 256, pattern: /^[a-z]{1,16}(:[A-Za-z0-9_./:-]{1,200})?$/ }),
    provider: optStr(o, "provider", w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    instanceId: optStr(o, "instance_id", w, { max: 128, pattern: INSTANCE_ID }),
    launchedBy: optStr(o, "launched_by", w, { max: 45, pattern: GITHUB_LOGIN }),
    jump: recordedJump(o, w),
    hourlyPrice: optStr(o, "hourly_price", w, { max: 16, pattern: MONEY }),
    maxHoursS: optInt(o, "max_hours_s", w, { min: 1, max: 366 * 86400 }),
    maxCost: optStr(o, "max_cost", w, { max: 16, pattern: MONEY }),
    ...recoveryOf(o, w),
    ...policyOf(o, w),
    ...parkAfterOf(o, w),
    ...nodesOf(o, w)
  };
  return {
    entry,
    signer: str(o, "signer", w, { max: 50, pattern: FINGERPRINT }),
    sig: str(o, "sig", w, { max: 2048, pattern: /^[A-Za-z0-9+/]+={0,2}$/ })
  };
}
function nodesOf(o, w) {
  if (o["nodes"] === void 0) {
    if (o["on_node_failure"] !== void 0) throw new BoxDataError(`${w}.on_node_failure without nodes`);
    return {};
  }
  const nodes = arr(o, "nodes", w, 16).map((x, i) => {
    const x2 = `${w}.nodes[${i}]`;
    const n = obj(x, x2);
    const rank = int(n, "rank", x2, { min: 0, max: 15 });
    if (rank !== i) throw new BoxDataError(`${x2}.rank is ${rank}, not ${i}`);
    return {
      rank,
      host: str(n, "host", x2, { max: 253, pattern: HOST }),
      port: int(n, "port", x2, { min: 1, max: 65535 }),
      user: str(n, "user", x2, { max: 64, pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/ }),
      hostKeyFingerprint: str(n, "host_key_fingerprint", x2, { max: 50, pattern: FINGERPRINT }),
      runRoot: str(n, "run_root", x2, { max: 1024, pattern: /^[^\u0000-\u001f\u007f]+$/ }),
      instanceId: optStr(n, "instance_id", x2, { max: 128, pattern: INSTANCE_ID })
    };
  });
  if (nodes.length < 2) throw new BoxDataError(`${w}.nodes lists fewer than two nodes`);
  const r0 = nodes[0];
  if (r0.host !== o["host"] || r0.port !== o["port"] || r0.hostKeyFingerprint !== o["host_key_fingerprint"])
    throw new BoxDataError(`${w}.nodes[0] is not the registration's own host`);
  const stop = o["on_node_failure"];
  if (stop !== void 0 && stop !== "stop") throw new BoxDataError(`${w}.on_node_failure is not stop`);
  return { nodes, ...stop === "stop" ? { onNodeFailure: "stop" } : {} };
}
function recordedJump(o, w) {
  const address = optStr(o, "jump_host", w, {
    max: 330,
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}@(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/
  });
  const fp = optStr(o, "jump_host_key_fingerprint", w, { max: 50, pattern: FINGERPRINT });
  if (!address !== !fp) throw new BoxDataError(`${w}: jump_host and jump_host_key_fingerprint come together`);
  return address && fp ? { address, hostKeyFingerprint: fp } : null;
}
function whereRegistered(r) {
  return `${r.user}@${r.host}:${r.port} ${r.hostKeyFingerprint} ${r.runRoot}${r.jump ? ` via ${r.jump.address} ${r.jump.hostKeyFingerprint}` : ""}`;
}
var human = (s) => s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
function renderRegistration(s, code) {
  const e = s.entry;
  return [
    registrationMarker(e.runId),
    `\u{1F6F0}\uFE0F tether run ${code(e.runId)}, attempt ${e.attempt}, launched ${code(e.launchedAt)} on ${code(`${e.user}@${e.host}:${e.port}`)} (host key ${code(e.hostKeyFingerprint)})` + (e.jump ? ` through jump host ${code(e.jump.address)} (host key ${code(e.jump.hostKeyFingerprint)})` : "") + `, run root ${code(e.runRoot)}, backend ${code(e.backend)}` + (e.expectedDurationS ? `, expected ${human(e.expectedDurationS)}` : "") + (e.policy ? `; after a verified collect the patrol will ${e.policy.afterVerified} it, as approved through environment ${code(e.policy.environment)} on workflow run ${code(String(e.policy.approvingRun.id))}` : "") + (e.parkAfterS ? `; the box parks itself ${human(e.parkAfterS)} after its job ends (park-after, opted into at launch)` : "") + ".",
    "",
    `The patrol finds this run here, without a tether.yml. The entry is signed with the SSH key that launched it (${code(s.signer)}): the patrol refuses it if anything in it was edited, and a relaunch re-registers it.`,
    registrationBlock(s)
  ].join("\n");
}

export {
  GITHUB_LOGIN,
  REGISTRATION_PREFIX,
  registrationMarker,
  registrationRunId,
  signedBytes,
  moneyText,
  readRegistration,
  whereRegistered,
  renderRegistration
};
