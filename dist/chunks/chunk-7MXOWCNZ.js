import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  drive
} from "./chunk-NMK2FPDO.js";
import {
  handoffBytes,
  renderHandoff
} from "./chunk-V4MUZUKH.js";
import {
  ProvisionError,
  awsFromEnv,
  providerModule
} from "./chunk-PFQFTWQV.js";
import {
  durationText
} from "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  provisionedBytes,
  renderProvisioned
} from "./chunk-EATFAHHB.js";
import {
  moneyText
} from "./chunk-4U6B6A5Q.js";
import {
  sign
} from "./chunk-DHT7G7Q2.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  connect
} from "./chunk-GAYRDAJD.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";
import {
  fingerprint
} from "./chunk-3ZXXC4EP.js";
import {
  require_lib
} from "./chunk-EPCPIVQ4.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

// src/provision/phase.ts
var import_ssh22 = __toESM(require_lib(), 1);
import { writeFileSync } from "node:fs";
import { join } from "node:path";

// src/ssh/keygen.ts
var import_ssh2 = __toESM(require_lib(), 1);
function ed25519Pair(comment = "") {
  for (let i = 0; i < 8; i++) {
    const pair = import_ssh2.default.utils.generateKeyPairSync("ed25519", comment ? { comment } : {});
    if (wholeEd25519(pair.public)) return pair;
  }
  throw new Error("could not make a whole ed25519 key pair in 8 tries");
}
function wholeEd25519(publicLine) {
  const blob = Buffer.from(publicLine.trim().split(/\s+/)[1] ?? "", "base64");
  return blob.length === 51 && blob.readUInt32BE(0) === 11 && blob.subarray(4, 15).toString() === "ssh-ed25519" && blob.readUInt32BE(15) === 32;
}

// src/provision/hostkey.ts
function newHostKey(comment) {
  const pair = ed25519Pair(comment);
  const blob = Buffer.from(pair.public.trim().split(/\s+/)[1] ?? "", "base64");
  return { privateKey: pair.private, publicKey: pair.public.trim(), fingerprint: fingerprint(blob) };
}
function cloudConfig(k, authorizedKeys = []) {
  const indent = (text) => text.trim().split("\n").map((l) => `    ${l}`).join("\n");
  return [
    "#cloud-config",
    "ssh_deletekeys: true",
    "ssh_genkeytypes: []",
    "ssh_keys:",
    "  ed25519_private: |",
    indent(k.privateKey),
    `  ed25519_public: ${k.publicKey}`,
    // Where the provider has no key registry (EC2 without a key pair): the connection's key, for the image's default user.
    ...authorizedKeys.length ? ["ssh_authorized_keys:", ...authorizedKeys.map((a) => `  - ${a}`)] : [],
    ""
  ].join("\n");
}

// src/provision/provision.ts
var RETRY = ["transient", "rate-limit"];
var where = (c) => `${c.instanceType}${c.offer ? ` (offer ${c.offer})` : ""} ${c.region ? `in ${c.region}` : "(any region)"}`;
var label = (c) => `${where(c)}${c.hourlyPrice !== null ? ` ($${c.hourlyPrice.toFixed(2)}/h)` : ""}`;
async function provision(plan, deps) {
  const end = deps.now() + plan.timeoutMs;
  const left = () => Math.max(0, end - deps.now());
  const tried = [];
  const failed = (kind, why) => ({
    result: "failed",
    why,
    kind,
    instanceId: null,
    candidate: null,
    destroyed: null,
    tried
  });
  const patiently = async (what, fn) => {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof ProvisionError) || !RETRY.includes(err.kind) || i >= plan.tries || left() === 0) throw err;
        const wait = Math.min(plan.pollMs * 2 ** (i - 1), left());
        deps.log(`provision: ${what}: ${err.message}; asking again in ${durationText(wait / 1e3)} (${i}/${plan.tries})`);
        await deps.sleep(wait);
      }
    }
  };
  let keyRef;
  let offered;
  try {
    keyRef = await patiently("registering the key", () => deps.provisioner.prepareKey(plan.publicKey));
    offered = await patiently("reading capacity", () => deps.provisioner.candidates(plan.types, plan.regions));
  } catch (err) {
    if (err instanceof ProvisionError) return failed(err.kind, err.message);
    throw err;
  }
  tried.push(...offered.skipped);
  const affordable = offered.candidates.filter((c) => {
    if (plan.maxHourlyPrice === null || c.hourlyPrice === null || c.hourlyPrice <= plan.maxHourlyPrice) return true;
    tried.push(`${label(c)}: over max-hourly-price $${plan.maxHourlyPrice}`);
    return false;
  });
  let instanceId = null;
  let chosen = null;
  let lastKind = "capacity";
  for (const c of affordable) {
    if (left() === 0) break;
    try {
      instanceId = await patiently(`creating ${label(c)}`, () => deps.provisioner.create(c, { ...plan.spec, keyRef }));
      chosen = c;
      break;
    } catch (err) {
      if (!(err instanceof ProvisionError)) throw err;
      tried.push(`${label(c)}: ${err.message}`);
      if (err.kind === "capacity" || RETRY.includes(err.kind)) {
        lastKind = err.kind;
        deps.log(`provision: ${label(c)}: ${err.message}; trying the next candidate`);
        continue;
      }
      return failed(err.kind, err.message);
    }
  }
  if (!instanceId || !chosen)
    return failed(
      affordable.length && left() === 0 ? "timeout" : lastKind,
      affordable.length ? `no candidate could be created: ${tried.join("; ")}` : `no candidate to ask for: ${tried.join("; ") || "nothing matched"}`
    );
  await deps.created(instanceId, chosen);
  deps.log(`provision: created ${instanceId} (${label(chosen)}); it bills from now. Waiting for SSH with the pinned host key ${plan.hostKeyFingerprint}`);
  return upOrDestroyed(plan, deps, instanceId, chosen, tried, left);
}
async function upOrDestroyed(plan, deps, instanceId, chosen, tried, left) {
  let last = "not described yet";
  let kind = "timeout";
  while (left() > 0) {
    let s;
    try {
      s = await deps.provisioner.describe(instanceId);
    } catch (err) {
      if (!(err instanceof ProvisionError)) throw err;
      last = err.message;
      await deps.sleep(Math.min(plan.pollMs, left()));
      continue;
    }
    last = s.detail;
    if (s.phase === "gone") {
      kind = "gone";
      break;
    }
    if (s.phase === "failed" || s.phase === "stopped") {
      kind = "never-running";
      break;
    }
    if (s.phase === "running" && s.host) {
      const r = await deps.reach(s.host, s.port, plan.hostKeyFingerprint);
      if (r.ok) {
        await deps.provisioner.release?.(instanceId);
        return {
          result: "ready",
          instanceId,
          candidate: chosen,
          host: s.host,
          port: s.port,
          hostKeyFingerprint: plan.hostKeyFingerprint,
          hostKeySource: "generated",
          tried
        };
      }
      last = r.why;
      if (r.otherHostKey && r.presented && deps.provisioner.consoleHostKeys) {
        const rescued = await byConsole(deps, instanceId, s.host, s.port, r.presented, r.why);
        if (rescued.ok) {
          await deps.provisioner.release?.(instanceId);
          return {
            result: "ready",
            instanceId,
            candidate: chosen,
            host: s.host,
            port: s.port,
            hostKeyFingerprint: r.presented,
            hostKeySource: "console",
            tried
          };
        }
        kind = "host-key";
        last = rescued.why;
        if (rescued.final) break;
      } else if (r.otherHostKey) {
        kind = "host-key";
        if (!plan.hostKeySettles) break;
      } else kind = "timeout";
    }
    await deps.sleep(Math.min(plan.pollMs, left()));
  }
  const why = kind === "gone" ? `${instanceId} disappeared while it came up (${last})` : kind === "never-running" ? `${instanceId} reached a state that never leads to running (${last})` : kind === "host-key" ? `${instanceId} answered SSH with a host key other than the one tether generated for it (${last}): it is not the box asked for, and nothing was sent to it` : `${instanceId} did not answer SSH with its pinned host key within ${durationText(plan.timeoutMs / 1e3)} (last: ${last})`;
  if (kind === "gone") {
    await deps.provisioner.release?.(instanceId);
    return { result: "failed", why, kind, instanceId, candidate: chosen, destroyed: true, tried };
  }
  deps.log(`provision: ${why}; destroying it (no job ever ran on it)`);
  const d = await deps.destroy(instanceId);
  await deps.provisioner.release?.(instanceId);
  return {
    result: "failed",
    why: d.ok ? `${why}; destroyed it (${d.detail})` : `${why}; destroying it FAILED (${d.detail}): ${instanceId} may still bill${chosen.hourlyPrice !== null ? ` $${chosen.hourlyPrice.toFixed(2)}/h` : ""}; destroy it in the provider's console`,
    kind,
    instanceId,
    candidate: chosen,
    destroyed: d.ok,
    tried
  };
}
async function byConsole(deps, instanceId, host, port, presented, why) {
  const listed = await deps.provisioner.consoleHostKeys(instanceId).catch(() => null);
  if (!listed) return { ok: false, final: false, why: `${why}; its console output lists no host key yet` };
  if (!listed.includes(presented)) return { ok: false, final: true, why: `${why}; its console output lists ${listed.join(", ") || "no key"}` };
  const again = await deps.reach(host, port, presented);
  if (!again.ok) return { ok: false, final: false, why: again.why };
  deps.log(
    `provision: ${instanceId} ignored the host key tether sent; its console output lists ${presented}, which it answered with: pinned that (the provider's word, rank 2)`
  );
  return { ok: true };
}

// src/provision/phase.ts
var TUNING = { pollMs: 2e3, callTimeoutMs: 3e4, destroyDeadlineMs: 10 * 6e4 };
function publicHalf(cfg) {
  const cred = loadCredential(cfg.key);
  const parsed = "privateKey" in cred ? import_ssh22.default.utils.parseKey(cred.privateKey) : null;
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!k || k instanceof Error) throw new InputError(cfg.key.kind === "path" ? "ssh-key-path" : "ssh-key", "is not a usable private key");
  return { cred, publicKey: `${k.type} ${k.getPublicSSH().toString("base64")}` };
}
async function rentOne(r, name, created) {
  const { cfg, ctx, t, module, cred, publicKey, user } = r;
  const rent = module.provision;
  const hostKey = newHostKey(`tether-${cfg.runId}`);
  for (const line of hostKey.privateKey.split("\n")) if (line.trim().length > 20) ctx.reporter.mask(line.trim());
  const log = (line) => ctx.reporter.info(line);
  return provision(
    {
      types: cfg.types,
      regions: cfg.regions,
      maxHourlyPrice: cfg.maxHourlyPrice,
      spec: {
        name,
        image: cfg.image,
        diskGb: cfg.diskGb,
        spot: cfg.spot,
        userData: cloudConfig(hostKey, rent.keyInUserData ? [publicKey] : []),
        hostKey: { privateKey: hostKey.privateKey, publicKey: hostKey.publicKey },
        authorizedKey: publicKey
      },
      // A start step may run after the provider's own sshd came up (vast): until it has, another key is expected.
      hostKeySettles: rent.hostKeyChannel === "injected-start-step",
      publicKey,
      hostKeyFingerprint: hostKey.fingerprint,
      timeoutMs: cfg.timeoutS * 1e3,
      pollMs: t.pollMs,
      tries: 4
    },
    {
      provisioner: rent.make({
        apiKey: cfg.apiKey,
        aws: cfg.awsRegion ? awsFromEnv(cfg.awsRegion, ctx.env, cfg.subnet, cfg.securityGroup) : null,
        apiUrl: cfg.apiUrl,
        callTimeoutMs: t.callTimeoutMs,
        log
      }),
      created: (instanceId, c) => created(instanceId, c, hostKey.fingerprint),
      reach: (host, port, fp) => reachBox(cfg, cred, user, host, port, fp),
      destroy: (instanceId) => destroyBox(cfg, module, ctx.env, t, log, instanceId),
      log,
      now: Date.now,
      sleep: (ms) => new Promise((res) => setTimeout(res, ms))
    }
  );
}
async function provisionPhase(cfg, ctx, tuning = {}) {
  const { reporter, ports } = ctx;
  const t = { ...TUNING, ...tuning };
  reporter.mask(cfg.apiKey);
  const module = providerModule(cfg.provider);
  const { cred, publicKey } = publicHalf(cfg);
  const user = cfg.user || module.facts.loginUser || "root";
  const r = { cfg, ctx, t, module, cred, publicKey, user };
  if (cfg.count > 1) return provisionNodes(r);
  const recordFile = join(ports.workspace, `tether-provision-${cfg.runId}.json`);
  let handoff = null;
  const outcome = await rentOne(r, cfg.name, async (instanceId, c, fingerprint2) => {
    reporter.output("instance-id", instanceId);
    reporter.output("provider", cfg.provider);
    await recordOnGitHub(cfg, cred, provisionedOf(cfg, instanceId, c, fingerprint2), ctx);
    handoff = {
      runId: cfg.runId,
      provider: cfg.provider,
      instanceId,
      instanceType: c.instanceType,
      region: c.region,
      hourlyPrice: c.hourlyPrice,
      spot: cfg.spot,
      hostKeyFingerprint: fingerprint2,
      createdAt: (/* @__PURE__ */ new Date()).toISOString(),
      ready: null
    };
    writeHandoff(recordFile, handoff, cred);
  });
  const made = handoff;
  if (outcome.result === "ready" && made) {
    writeHandoff(
      recordFile,
      { ...made, hostKeyFingerprint: outcome.hostKeyFingerprint, ready: { host: outcome.host, port: outcome.port, user, readyAt: (/* @__PURE__ */ new Date()).toISOString() } },
      cred
    );
    reporter.output("provision-file", recordFile);
  }
  return report(cfg, outcome, user, ctx);
}
function provisionedOf(cfg, instanceId, c, fingerprint2) {
  return {
    runId: cfg.runId,
    provider: cfg.provider,
    instanceId,
    instanceType: c.instanceType,
    region: c.region,
    hourlyPrice: c.hourlyPrice === null ? "" : moneyText(c.hourlyPrice),
    hostKeyFingerprint: fingerprint2,
    createdAt: (/* @__PURE__ */ new Date()).toISOString()
  };
}
async function provisionNodes(r) {
  const { cfg, ctx, cred, user } = r;
  const { reporter } = ctx;
  const named = [];
  let writes = Promise.resolve();
  let first = () => void 0;
  const firstNamed = new Promise((res) => first = res);
  const rentRank = (rank) => rentOne(r, `${cfg.name}-${rank}`, async (instanceId, c, fingerprint2) => {
    const { runId: _run, provider: _provider, ...one } = provisionedOf(cfg, instanceId, c, fingerprint2);
    named.push({ rank, ...one });
    reporter.info(`provision: rank ${rank} is ${instanceId}`);
    const { rank: _first, ...top } = named[0];
    const record = { runId: cfg.runId, provider: cfg.provider, ...top, nodes: [...named] };
    writes = writes.then(() => recordOnGitHub(cfg, cred, record, ctx));
    await writes;
    if (rank === 0) first();
  });
  const zero = rentRank(0).finally(() => first());
  await firstNamed;
  const outcomes = await Promise.all([zero, ...Array.from({ length: cfg.count - 1 }, (_, k) => rentRank(k + 1))]);
  await writes;
  const lines = outcomes.map(
    (o, rank) => o.result === "ready" ? `${user}@${o.host}:${o.port} ${o.hostKeyFingerprint} instance-id=${o.instanceId}` : `rank ${rank}: ${o.why}${o.instanceId ? ` (${o.instanceId} ${o.destroyed ? "destroyed" : "may still bill"})` : ""}`
  );
  reporter.output("provider", cfg.provider);
  reporter.output("user", user);
  reporter.output("spot", String(cfg.spot));
  const ready = outcomes.filter((o) => o.result === "ready");
  const rows = outcomes.map(
    (o, rank) => `| ${rank} | ${o.result === "ready" ? `${code(o.instanceId)} | ${code(`${user}@${o.host}:${o.port}`)} | ${code(o.hostKeyFingerprint)}` : `${o.instanceId ? code(o.instanceId) : "\u2014"} | **${o.result}** | ${inert(o.why)}`} |`
  );
  const table = ["| rank | instance | at | host key / why |", "|---|---|---|---|", ...rows].join("\n");
  if (ready.length === outcomes.length) {
    reporter.output("result", "ready");
    reporter.output("reason", `${outcomes.length} boxes ready`);
    reporter.output("nodes", lines.join("\n"));
    reporter.output("instance-ids", JSON.stringify(ready.map((o) => o.instanceId)));
    reporter.summary(
      `### \u{1F6F0}\uFE0F tether provision \u2014 ${code(cfg.runId)}: ${outcomes.length} boxes ready

${table}

Each host key was generated on this runner for its box only and pinned before the first connection; output \`nodes\` is launch's \`nodes\`. They bill until torn down.`
    );
    return 0;
  }
  const left = ready.map((o) => o.result === "ready" ? o.instanceId : "");
  const unsure = outcomes.some((o) => o.result === "failed" && o.instanceId && o.destroyed === false);
  const why = `${outcomes.length - ready.length} of ${outcomes.length} boxes did not come up: ${lines.filter((_, i) => outcomes[i].result !== "ready").join(" | ")}`;
  reporter.output("result", "failed");
  reporter.output("reason", why);
  reporter.output("instance-ids", JSON.stringify(left));
  reporter.error(
    `provision failed: ${why}${left.length ? `; ${left.join(", ")} came up and are left running (recorded; nothing ran on them): launch on them or tear them down` : ""}`
  );
  reporter.summary(
    `### ${left.length || unsure ? "\u{1F6A8}" : "\u26D4"} tether provision \u2014 ${code(cfg.runId)}: ${ready.length} of ${outcomes.length} boxes up

${table}

` + (left.length ? `${left.map((i) => code(i)).join(", ")} came up and bill: nothing ran on them and no person approved a destroy, so they are left for you (the provision record names them; teardown with report-to destroys each behind its approval).` : "")
  );
  return left.length || unsure ? 5 : 1;
}
function writeHandoff(file, h, cred) {
  writeFileSync(file, renderHandoff(h, "privateKey" in cred ? sign(cred, handoffBytes(h)) : null), { mode: 384 });
}
async function recordOnGitHub(cfg, cred, entry, ctx) {
  const store = cfg.store ? ctx.ports.statusStore?.(cfg.store) : void 0;
  if (!store?.register) return;
  const instanceId = entry.nodes ? entry.nodes.map((n) => n.instanceId).join(", ") : entry.instanceId;
  try {
    const url = await store.register(cfg.runId, renderProvisioned(entry, sign(cred, provisionedBytes(entry)), code));
    ctx.reporter.output("record-url", url);
    ctx.reporter.info(`provision: recorded ${instanceId} for the patrol at ${url}`);
  } catch (err) {
    ctx.reporter.warn(
      `provision: recording ${instanceId} on GitHub failed (${err.message}); the patrol will not see it until launch registers the run (tether-provision-${cfg.runId}.json in the workspace names it)`
    );
  }
}
async function reachBox(cfg, cred, user, host, port, fp) {
  const conn = {
    host,
    port,
    user,
    key: cfg.key,
    pin: { kind: "pinned", fingerprints: [fp], revoked: [] },
    connectTimeoutMs: cfg.connectTimeoutMs,
    attempts: 1,
    jump: null
  };
  try {
    (await connect(conn, cred)).close();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    return { ok: false, why: err.message, otherHostKey: err.kind === "host_key_mismatch", ...err.presented ? { presented: err.presented } : {} };
  }
}
async function destroyBox(cfg, module, env, t, log, instanceId) {
  const pctx = { instanceId, runId: cfg.runId, verb: "destroy", callTimeoutMs: t.callTimeoutMs, log };
  const p = module.make(
    pctx,
    {
      runId: cfg.runId,
      runRoot: "",
      instanceId,
      verb: "destroy",
      apiKey: cfg.apiKey,
      apiUrl: cfg.apiUrl,
      awsRegion: cfg.awsRegion,
      teardownCommand: void 0,
      timeoutS: t.destroyDeadlineMs / 1e3,
      connection: null
    },
    env,
    null
  );
  try {
    const d = await drive(p, "destroy", pctx, { deadlineMs: t.destroyDeadlineMs, pollMs: t.pollMs, attempts: 3 });
    return { ok: d.ok, detail: d.ok ? `polled to ${d.state}: ${d.detail}` : d.detail };
  } catch (err) {
    return { ok: false, detail: err.message };
  }
}
function report(cfg, o, user, ctx) {
  const { reporter } = ctx;
  const tried = o.tried.length ? `

Also considered:
${o.tried.map((x) => `- ${inert(x)}`).join("\n")}` : "";
  if (o.result === "ready") {
    const c = o.candidate;
    const fingerprint2 = o.hostKeyFingerprint;
    const fromConsole = o.hostKeySource === "console";
    reporter.output("host-key-source", o.hostKeySource);
    reporter.output("result", "ready");
    reporter.output("reason", where(c));
    reporter.output("host", o.host);
    reporter.output("port", String(o.port));
    reporter.output("user", user);
    reporter.output("host-key-fingerprint", fingerprint2);
    reporter.output("hourly-price", c.hourlyPrice === null ? "" : String(c.hourlyPrice));
    reporter.output("spot", String(cfg.spot));
    reporter.info(
      `provision: ${o.instanceId} is up at ${user}@${o.host}:${o.port}, host key ${fingerprint2} (${fromConsole ? "the one its console output lists: the image ignored the key tether sent" : "generated here, pinned before the first connection"})`
    );
    reporter.summary(
      [
        `### \u{1F6F0}\uFE0F tether provision \u2014 ${code(cfg.runId)}: ready`,
        "",
        `${code(o.instanceId)} at ${cfg.provider}: ${code(c.instanceType)} ${c.region ? `in ${code(c.region)}` : "(any region)"}${c.hourlyPrice !== null ? `, $${c.hourlyPrice.toFixed(2)}/h` : ""}, on ${code(`${user}@${o.host}:${o.port}`)}.`,
        fromConsole ? `Host key ${code(fingerprint2)}: the image ignored the key tether sent, so the key pinned is the one the box reported in its console output, read over the provider's authenticated API (weaker: an image could print anything there).` : `Host key ${code(fingerprint2)}: generated on this runner for this box only, sent in the create call, pinned before the first connection.`,
        "It bills until it is torn down (collect, then teardown behind its approval)."
      ].join("\n") + tried
    );
    return 0;
  }
  reporter.output("result", "failed");
  reporter.output("reason", o.why);
  if (o.instanceId) reporter.output("destroyed", String(o.destroyed));
  reporter.error(`provision failed (${o.kind}): ${o.why}`);
  reporter.summary(`### ${o.destroyed === false ? "\u{1F6A8}" : "\u26D4"} tether provision \u2014 ${code(cfg.runId)}: failed (${o.kind})

${inert(o.why)}${tried}`);
  return o.instanceId && o.destroyed === false ? 5 : 1;
}

export {
  provisionPhase
};
