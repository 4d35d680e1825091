import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  SYNC_RECORD,
  newestPerCell,
  parseRecord,
  standing,
  versionDir
} from "./chunk-B6YJUWHD.js";
import "./chunk-D7CFNTPV.js";
import {
  provisionPhase
} from "./chunk-7MXOWCNZ.js";
import "./chunk-NMK2FPDO.js";
import {
  describeTwice
} from "./chunk-KKGS4ANM.js";
import {
  launchPhase,
  packRelease
} from "./chunk-44T4N7QQ.js";
import "./chunk-ZFPQ7UQN.js";
import "./chunk-OTLRCFSB.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-BNPK6FFL.js";
import {
  parseLaunchPhase,
  parseProvision,
  withProvision
} from "./chunk-6BPONR2H.js";
import "./chunk-GNV6GGOU.js";
import "./chunk-V4MUZUKH.js";
import {
  awsFromEnv,
  providerModule
} from "./chunk-PFQFTWQV.js";
import "./chunk-NMJRNFZE.js";
import {
  PHASE_INPUTS,
  parseSweep,
  withDefaults
} from "./chunk-Y5HP5YFS.js";
import "./chunk-JJDYANJU.js";
import "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  verifiedRegistration
} from "./chunk-5RTTKOP3.js";
import "./chunk-EATFAHHB.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-4U6B6A5Q.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/recover/phase.ts
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
var Refusal = class extends Error {
};
async function recoverPhase(cfg, ctx, tuning = {}) {
  const { reporter } = ctx;
  const t0 = Date.now();
  try {
    const sleep = tuning.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const { reg, terms } = await recoveryTerms(cfg, ctx);
    if (terms.onPreempt === "restart-instance") return await restartInstance(cfg, ctx, reg, terms, sleep, t0);
    const plan = await planRecovery(cfg, ctx, sleep, { reg, terms });
    reporter.info(`recover: ${plan.said}; rent a box of the same spec at ${plan.reg.provider}`);
    const provisioned = await provisionPhase(plan.provision, ctx, tuning.provision ?? {});
    if (provisioned !== 0) {
      reporter.output("result", "failed");
      reporter.error(`recover: no new box for ${cfg.runId} (provision's own errors above); the run stays preempted`);
      return provisioned;
    }
    const launch = parseLaunchPhase(withProvision(plan.launchInputs, ctx.env), ctx.env);
    launch.recovery = plan.recovery;
    launch.policy = plan.reg.policy ?? null;
    const launched = await launchPhase(launch, ctx);
    if (launched !== 0) {
      reporter.output("result", "failed");
      reporter.error(
        `recover: ${launch.launch.provider} instance ${launch.launch.instanceId} was rented for ${cfg.runId}, but the job did not start there (above): it bills with nothing behind it; tear it down, or run recover again`
      );
      return launched;
    }
    reporter.output("result", "recovered");
    reporter.output("recover-ms", String(Date.now() - t0));
    reporter.summary(
      `### \u{1FA82} tether recovered ${code(cfg.runId)} onto a new box

${inert(plan.said)}. Attempt ${plan.recovery.attemptFloor + 1} runs ${plan.reg.recovery?.sweep ? "the same cells" : "the identical command"} on ${code(launch.launch.provider ?? "")} instance ${code(launch.launch.instanceId ?? "")}` + restoredText(plan.recovery.restore, plan.recovery.doneCells) + ` Recovery ${plan.recovery.recoveries} of ${plan.max}. The preempted instance ${code(plan.reg.instanceId ?? "")} is listed, never destroyed here.`
    );
    return 0;
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    reporter.output("result", "refused");
    reporter.summary(`### \u26D4 tether recover of ${code(cfg.runId)}: not recovered

${inert(err.message)}`);
    reporter.error(`recover refused: ${err.message}`);
    return 1;
  }
}
async function planRecovery(cfg, ctx, sleep, { reg, terms }) {
  const { ports, env } = ctx;
  if (!cfg.syncDest)
    throw new InputError("sync-dest", "is required for a replace: the patrol's sync directory on this runner, where the run's verified checkpoints are");
  const provInputs = withDefaults("provision", { ...pick(cfg.inputs, PROVISION_KEYS), "run-id": cfg.runId });
  const provision = { ...parseProvision(provInputs, env), store: null };
  if (provision.provider !== reg.provider)
    throw new InputError("provider", `is ${provision.provider}, but ${cfg.runId} was rented at ${reg.provider}: a recovery rents the same spec`);
  const word = await providerSays(reg, provision, env, cfg.confirmMs, sleep);
  const names = (xs) => [...xs].sort().join(", ") || "none";
  if (names(cfg.env.map(([n]) => n)) !== names(terms.envNames))
    throw new InputError("env", `names ${names(cfg.env.map(([n]) => n))}; ${cfg.runId} launched with ${names(terms.envNames)}`);
  if (names(cfg.secretNames) !== names(terms.secretNames))
    throw new InputError("secrets", `names ${names(cfg.secretNames)}; ${cfg.runId} launched with ${names(terms.secretNames)}`);
  const release = packRelease(terms.syncDir, terms.syncMode, ports.workspace);
  if (release.id !== terms.release)
    throw new Refusal(
      `${terms.syncDir} packs to release ${release.id}, but ${cfg.runId} launched with ${terms.release}: check out commit ${reg.commit ?? "(not recorded)"} and recover again`
    );
  const launchInputs = launchInputsOf(cfg, reg, terms, ports.workspace);
  parseLaunchPhase(
    {
      ...launchInputs,
      "from-provision": "",
      host: "192.0.2.1",
      "host-key-fingerprint": `SHA256:${"A".repeat(43)}`,
      provider: reg.provider,
      "instance-id": reg.instanceId
    },
    env
  );
  const restore = restoreSet(resolve(ports.workspace, cfg.syncDest, cfg.runId), cfg.runId, terms);
  return {
    reg,
    said: `${reg.provider} says it preempted instance ${reg.instanceId} (${word.preempted}; read twice), now ${word.phase}`,
    max: terms.maxRecoveries,
    provision,
    launchInputs,
    recovery: {
      attemptFloor: reg.attempt,
      ...restore,
      recoveries: terms.recoveries + 1,
      previous: [...terms.previous, { provider: reg.provider, instanceId: reg.instanceId, attempt: reg.attempt }].slice(-20)
    }
  };
}
var RESTART_DEADLINE_MS = 10 * 6e4;
var RESTART_POLL_MS = 3e3;
async function restartInstance(cfg, ctx, reg, terms, sleep, t0) {
  const { reporter, env } = ctx;
  const provInputs = withDefaults("provision", { ...pick(cfg.inputs, PROVISION_KEYS), "run-id": cfg.runId });
  const provision = { ...parseProvision(provInputs, env), store: null };
  if (provision.provider !== reg.provider)
    throw new InputError("provider", `is ${provision.provider}, but ${cfg.runId} was rented at ${reg.provider}: a restart asks the same provider`);
  const word = await providerSays(reg, provision, env, cfg.confirmMs, sleep);
  const price = reg.hourlyPrice ? Number(reg.hourlyPrice) : NaN;
  const bid = provision.maxHourlyPrice ?? (Number.isFinite(price) ? Math.round(price * 1.25 * 1e4) / 1e4 : null);
  if (bid === null) throw new Refusal(`restarting ${reg.instanceId} needs a bid: give max-hourly-price (the registration records no hourly price)`);
  const p = providerModule(reg.provider).provision.make({
    apiKey: provision.apiKey,
    aws: null,
    apiUrl: provision.apiUrl,
    callTimeoutMs: 2e4,
    log: (l) => reporter.info(`recover: ${l}`)
  });
  if (!p.restart) throw new Refusal(`${reg.provider} cannot be asked to start instance ${reg.instanceId} again`);
  reporter.info(`recover: ${reg.provider} says it preempted ${reg.instanceId} (${word.preempted}); bidding $${bid}/h and starting it again`);
  await p.restart(reg.instanceId, bid);
  const end = Date.now() + RESTART_DEADLINE_MS;
  let state = await p.describe(reg.instanceId);
  while (!(state.phase === "running" && state.host) && state.phase !== "gone" && Date.now() < end) {
    await sleep(RESTART_POLL_MS);
    state = await p.describe(reg.instanceId);
  }
  if (!(state.phase === "running" && state.host)) {
    reporter.output("result", "failed");
    reporter.error(`recover: ${reg.instanceId} did not run again (${state.phase}: ${state.detail}); the run stays preempted, its disk kept at ${reg.provider}`);
    return 1;
  }
  const inputs = strings(
    withDefaults("launch", {
      ...pick(cfg.inputs, ["ssh-key", "ssh-key-path", "connect-timeout", "report-to", "github-token", "secrets", "env", "audit", "require-gpu"]),
      host: state.host,
      port: String(state.port),
      user: reg.user,
      // The disk kept its host key: the pin the registration signed must still hold.
      "host-key-fingerprint": reg.hostKeyFingerprint,
      provider: reg.provider,
      "instance-id": reg.instanceId,
      "run-id": cfg.runId,
      backend: reg.backend,
      "run-root": reg.runRoot,
      resume: "true",
      command: "",
      commit: reg.commit ?? "",
      "expected-duration": reg.expectedDurationS ? String(reg.expectedDurationS) : "",
      "max-hours": reg.maxHoursS ? String(reg.maxHoursS) : "",
      ...reg.maxCost && reg.hourlyPrice ? { "max-cost": reg.maxCost } : {},
      "hourly-price": String(bid),
      ...reg.parkAfterS ? { "park-after": String(reg.parkAfterS) } : {},
      "on-preempt": "restart-instance",
      "max-recoveries": String(terms.maxRecoveries),
      ...cfg.confirmTimeout ? { "confirm-timeout": cfg.confirmTimeout } : {}
    })
  );
  const launch = parseLaunchPhase(inputs, env);
  const pinned = await answersPinned(launch.conn, reporter, end, sleep);
  if (pinned) throw new Refusal(`${reg.instanceId} runs again at ${state.host}:${state.port}, but ${pinned}: nothing is resumed there`);
  launch.recovery = { attemptFloor: reg.attempt, restore: [], doneCells: [], recoveries: terms.recoveries + 1, previous: terms.previous };
  launch.policy = reg.policy ?? null;
  const launched = await launchPhase(launch, ctx);
  if (launched !== 0) {
    reporter.output("result", "failed");
    reporter.error(`recover: ${reg.instanceId} runs again, but the job did not resume there (above): it bills; resume it, or tear it down`);
    return launched;
  }
  reporter.output("result", "recovered");
  reporter.output("instance-id", reg.instanceId);
  reporter.output("recover-ms", String(Date.now() - t0));
  reporter.summary(
    `### \u{1FA82} tether restarted ${code(cfg.runId)} on the same instance

${inert(`${reg.provider} says it preempted instance ${reg.instanceId} (${word.preempted}; read twice), now ${word.phase}`)}. Bid $${bid}/h and started again at ${code(`${state.host}:${state.port}`)} with the pinned host key; attempt ${reg.attempt + 1} resumes the recorded work from its own disk. Recovery ${terms.recoveries + 1} of ${terms.maxRecoveries}.`
  );
  return 0;
}
async function answersPinned(conn, reporter, end, sleep) {
  let last;
  for (; ; ) {
    try {
      const { session } = await openPinned({ conn, cred: loadCredential(conn.key) }, reporter, { attempts: 1 });
      session.close();
      return null;
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      last = err.kind === "host_key_mismatch" ? `it answers with another host key than the pinned one (${err.message.slice(0, 200)})` : `it does not answer (${err.kind})`;
    }
    if (Date.now() >= end) return last;
    await sleep(RESTART_POLL_MS);
  }
}
async function recoveryTerms(cfg, ctx) {
  const store = ctx.ports.statusStore?.(cfg.store);
  if (!store?.registered || !store.register) throw new InputError("report-to", "needs the GitHub API, which only the action has");
  const cred = loadCredential(cfg.store.signingKey);
  const found = (await store.registered()).filter((f) => f.runId === cfg.runId);
  if (!found.length) throw new Refusal(`${cfg.runId} is not registered where report-to points`);
  const v = verifiedRegistration(found[0].body, cred);
  if ("why" in v) throw new Refusal(`the registration of ${cfg.runId} is refused: ${v.why}`);
  const reg = v.entry;
  const terms = reg.recovery;
  if (!terms) throw new Refusal(`${cfg.runId} launched with on-preempt: wait; it is shown as preempted and not recovered (relaunch it by hand)`);
  if (terms.recoveries >= terms.maxRecoveries)
    throw new Refusal(`${cfg.runId} was recovered ${terms.recoveries} times, its max-recoveries: it stays preempted`);
  if (!reg.provider || !reg.instanceId) throw new Refusal(`the registration of ${cfg.runId} names no provider instance to ask about`);
  return { reg, terms };
}
async function providerSays(reg, provision, env, confirmMs, sleep) {
  const p = providerModule(reg.provider).provision.make({
    apiKey: provision.apiKey,
    aws: provision.awsRegion ? awsFromEnv(provision.awsRegion, env, provision.subnet, provision.securityGroup) : null,
    apiUrl: provision.apiUrl,
    callTimeoutMs: 2e4,
    log: () => void 0
  });
  const word = await describeTwice(p, reg.instanceId, confirmMs, sleep);
  if (!word.preempted)
    throw new Refusal(
      `${reg.provider} does not say it preempted instance ${reg.instanceId} (${word.unconfirmed ?? `${word.phase}: ${word.detail}`}): nothing is recovered on a guess`
    );
  if (word.phase === "running")
    throw new Refusal(
      `${reg.provider} says it is taking instance ${reg.instanceId} (${word.preempted}) but it still runs: the job may still be saving; recover once the provider has taken it`
    );
  return { preempted: word.preempted, phase: word.phase };
}
function launchInputsOf(cfg, reg, terms, workspace) {
  return strings(
    withDefaults("launch", {
      ...pick(cfg.inputs, [
        "ssh-key",
        "ssh-key-path",
        "connect-timeout",
        "report-to",
        "github-token",
        "secrets",
        "env",
        "audit",
        "require-gpu",
        "preempt-signal",
        "metadata-address"
      ]),
      "from-provision": join(workspace, `tether-provision-${cfg.runId}.json`),
      "run-id": cfg.runId,
      command: terms.command,
      // A sweep: the same cells and queue settings, from the signed terms.
      ...terms.sweep ? {
        cells: terms.sweep.cells,
        "gpus-per-cell": String(terms.sweep.gpusPerCell),
        "max-parallel": terms.sweep.maxParallel ? String(terms.sweep.maxParallel) : "",
        "on-cell-failure": terms.sweep.onCellFailure
      } : {},
      then: terms.then ?? "",
      checkpoints: terms.checkpoints.join("\n"),
      "sync-dir": terms.syncDir,
      "sync-mode": terms.syncMode,
      backend: reg.backend,
      "run-root": reg.runRoot,
      resume: "true",
      commit: reg.commit ?? "",
      "expected-duration": reg.expectedDurationS ? String(reg.expectedDurationS) : "",
      "max-hours": reg.maxHoursS ? String(reg.maxHoursS) : "",
      // The cost budget goes on at the price the run was launched with (a budget needs a price to count against).
      ...reg.maxCost && reg.hourlyPrice ? { "max-cost": reg.maxCost, "hourly-price": reg.hourlyPrice } : {},
      // The box parks itself after the job as the first launch opted in (a recorded opt-in goes on with the run).
      ...reg.parkAfterS ? { "park-after": String(reg.parkAfterS) } : {},
      "on-preempt": "replace",
      "max-recoveries": String(terms.maxRecoveries),
      ...cfg.confirmTimeout ? { "confirm-timeout": cfg.confirmTimeout } : {}
    })
  );
}
var PROVISION_KEYS = PHASE_INPUTS.provision.filter(
  (n) => PHASE_INPUTS.recover.includes(n) && n !== "report-to" && n !== "github-token"
);
var strings = (o) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k, x ?? ""]));
var pick = (inputs, keys) => Object.fromEntries(keys.filter((k) => (inputs[k] ?? "") !== "").map((k) => [k, inputs[k]]));
function restoreSet(dir, runId, terms) {
  const file = join(dir, SYNC_RECORD);
  if (!existsSync(file)) return { restore: [], doneCells: [] };
  let record;
  try {
    record = parseRecord(readFileSync(file, "utf8"), runId);
  } catch (err) {
    throw new Refusal(`the sync record ${file} is unreadable (${err.message}): the restore source cannot be trusted`);
  }
  const cells = terms.sweep ? new Set(parseSweep({ cells: terms.sweep.cells }).cells.map((c) => c.name)) : null;
  const newest = standing(record).newest;
  const entries = cells ? newestPerCell(record).filter((e) => e.cell !== null && cells.has(e.cell)) : newest ? [newest] : [];
  const restore = entries.map((e) => {
    const source = join(dir, versionDir(e), e.path);
    if (!existsSync(source)) throw new Refusal(`the sync record names ${e.path} (verified) but ${source} is not on this runner`);
    return { source, path: e.path, cell: e.cell, bytes: e.bytes, sha256: e.sha256, step: e.step };
  });
  const doneCells = cells ? record.done.filter((c) => cells.has(c) && restore.some((f) => f.cell === c)) : [];
  return { restore, doneCells };
}
function restoredText(files, done) {
  if (!files.length) return ", from scratch: the patrol had synced no verified checkpoint of it.";
  if (files.length === 1 && !files[0].cell) {
    const f = files[0];
    return `, from ${code(f.path)} (step ${f.step ?? "unknown"}, sha256 ${code(f.sha256.slice(0, 12))}\u2026), restored from this runner's sync.`;
  }
  const shown = files.slice(0, 20).map((f) => `${code(f.cell ?? "")} ${code(f.path)} (step ${f.step ?? "unknown"})`);
  return `, each cell from its newest checkpoint restored from this runner's sync: ${shown.join(", ")}${files.length > 20 ? `, and ${files.length - 20} more` : ""}.` + (done.length ? ` ${done.length} cell(s) had finished (${done.slice(0, 20).map((c) => code(c)).join(", ")}): recorded done, not run again.` : "");
}
export {
  recoverPhase
};
