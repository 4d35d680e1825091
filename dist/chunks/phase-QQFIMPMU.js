import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  lookAtBox
} from "./chunk-TXLAFSKC.js";
import {
  renderCard,
  renderNodesCard
} from "./chunk-2AWUQYDH.js";
import {
  listBoxFiles,
  lookAtRun,
  stateOfLook
} from "./chunk-T2Y6MVLQ.js";
import "./chunk-OS6SLAAT.js";
import {
  proofFilesAt
} from "./chunk-BMVP3PMN.js";
import {
  checkBox,
  checkConfirm,
  checkNeverLaunched,
  checkNodeEmpty,
  checkProof,
  checkRunEnded
} from "./chunk-F6D7OO2Z.js";
import {
  readVerified
} from "./chunk-65PSXXA3.js";
import "./chunk-D7CFNTPV.js";
import {
  drive
} from "./chunk-NMK2FPDO.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import "./chunk-MWGZB4YN.js";
import "./chunk-GAEFUSNO.js";
import "./chunk-XUWSLT73.js";
import "./chunk-4EKRVZSS.js";
import "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import {
  probeOn
} from "./chunk-X5TEVKNF.js";
import "./chunk-BNPK6FFL.js";
import "./chunk-H57H7UT2.js";
import {
  FACTS,
  providerModule
} from "./chunk-PFQFTWQV.js";
import "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  verifiedProvisioned,
  verifiedRegistration
} from "./chunk-5RTTKOP3.js";
import {
  isProvisionRecord,
  provisionedInstances
} from "./chunk-EATFAHHB.js";
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
import {
  rankDir
} from "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/teardown/phase.ts
import { mkdtempSync as mkdtempSync2, rmSync as rmSync2 } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { join as join2, resolve as resolve2 } from "node:path";

// src/teardown/render.ts
var HEAD = {
  refused: ["\u26D4", "refused"],
  "dry-run": ["\u{1F50D}", "dry run"],
  failed: ["\u274C", "failed"],
  unconfirmed: ["\u274C", "NOT confirmed"]
};
function renderTeardown(s) {
  const head = (icon, what) => `### ${icon} tether teardown \u2014 ${code(s.runId)}: ${what}`;
  const notes = s.notes.map((n) => `- ${inert(n)}`).join("\n");
  let body;
  if (s.kind === "done") {
    body = [head("\u2705", s.state), `${code(s.instanceId)}: ${inert(s.detail)}${s.already ? " (it already was, before anything was asked)" : ""}.`, notes];
    if (s.keepsBilling) body.push(`Still billing after this ${s.verb}: ${s.keepsBilling}.`);
    if (s.leftovers && "error" in s.leftovers) body.push(`Could not list what still bills: ${inert(s.leftovers.error)}`);
    else if (s.leftovers)
      body.push(
        s.leftovers.length ? `#### Still billing (reported, never deleted)

${s.leftovers.map((l) => `- ${inert(l)}`).join("\n")}` : "The provider lists nothing else that bills."
      );
  } else {
    const [icon, what] = HEAD[s.kind];
    const text = s.kind === "unconfirmed" ? `${inert(s.detail)}. The instance may still bill: check the provider console.` : inert(s.reason);
    body = s.kind === "refused" ? [head(icon, what), text] : [head(icon, what), text, notes];
  }
  return [...body, s.card].filter(Boolean).join("\n\n");
}

// src/teardown/act.ts
async function driveVerb(cfg, env, reporter, pollMs, slurmJobs = null) {
  const ctx = {
    instanceId: cfg.instanceId,
    runId: cfg.runId,
    verb: cfg.verb,
    callTimeoutMs: Math.min(6e4, Math.max(1e3, Math.round(cfg.timeoutS * 1e3 / 3))),
    log: (l) => reporter.info(l)
  };
  const provider = providerModule(cfg.provider).make(ctx, cfg, env, slurmJobs);
  let result;
  try {
    result = await drive(provider, cfg.verb, ctx, { deadlineMs: cfg.timeoutS * 1e3, pollMs, attempts: 3 });
  } catch (err) {
    return { kind: "failed", reason: err.message };
  }
  if (!result.ok) return { kind: "unconfirmed", detail: result.detail };
  let leftovers = null;
  if (provider.leftovers) {
    try {
      leftovers = await provider.leftovers();
      for (const l of leftovers) reporter.warn(`teardown: still billing: ${l}`);
    } catch (err) {
      leftovers = { error: err.message };
    }
  }
  return { kind: "done", detail: result.detail, already: result.already, leftovers };
}

// src/teardown/nodes.ts
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
var rankProof = (root, rank) => join(root, rankDir(rank));
async function proofsOf(cfg, workspace, fetchArtifact) {
  if (cfg.verifiedPath) {
    const out = /* @__PURE__ */ new Map();
    const root = resolve(workspace, cfg.verifiedPath);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new InputError(
        "verified-path",
        `${root} is not a folder: with nodes it is the run folder collect wrote (its verified-path output), holding rank-<r>/VERIFIED.json`
      );
    for (const n of cfg.nodes) {
      const files = proofFilesAt(rankProof(root, n.rank)) ?? (n.rank === 0 ? proofFilesAt(root) : null);
      if (files) out.set(n.rank, files);
    }
    return out;
  }
  if (!fetchArtifact) throw new InputError("verified-artifact", "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  const names = (cfg.verifiedArtifact ?? "").split(/\s+/).filter(Boolean);
  const tmp = mkdtempSync(join(tmpdir(), "tether-proofs-"));
  try {
    return await artifactProofs(cfg, names, tmp, fetchArtifact);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
async function artifactProofs(cfg, names, tmp, fetchArtifact) {
  const out = /* @__PURE__ */ new Map();
  for (const [i, name] of names.entries()) {
    const dir = join(tmp, String(i));
    try {
      await fetchArtifact(name, dir);
    } catch (err) {
      return `the proof artifact ${name} could not be downloaded: ${err.message.split("\n")[0]}`;
    }
    const files = proofFilesAt(join(dir, "VERIFIED.json"));
    if (!files) return `the artifact ${name} holds no VERIFIED.json`;
    let box;
    try {
      box = readVerified(files.verifiedText, cfg.runId).box;
    } catch (err) {
      return `the artifact ${name}: ${err.message}`;
    }
    const node = cfg.nodes.find((n) => box && n.connection.host === box.host && n.connection.port === box.port);
    if (!node) return `the artifact ${name} proves ${box ? `the box at ${box.host}:${box.port}` : "no box"}, which is no node of run ${cfg.runId}`;
    if (out.has(node.rank)) return `two proof artifacts are for rank ${node.rank}; give each node's once`;
    out.set(node.rank, files);
  }
  return out;
}
async function teardownNodes(cfg, ctx, deps, finish) {
  const { reporter, env } = ctx;
  const ids = cfg.nodes.map((n) => n.instanceId);
  const proofs = await proofsOf(cfg, ctx.ports.workspace, deps.fetchArtifact);
  if (typeof proofs === "string") {
    const reason2 = `nothing was asked of ${cfg.provider} for any of the ${ids.length} nodes: ${proofs}`;
    const card2 = renderNodesCard({
      provider: cfg.provider,
      verb: cfg.verb,
      runId: cfg.runId,
      nodes: cfg.nodes.map((n) => ({ rank: n.rank, instanceId: n.instanceId, verified: null, run: { state: null, source: "the box was not looked at" } })),
      now: deps.now()
    });
    return finish("refused", reason2, 1, { kind: "refused", runId: cfg.runId, reason: reason2, notes: [], card: card2 });
  }
  const gates = await Promise.all(cfg.nodes.map((n) => gateNode(cfg, n, proofs.get(n.rank) ?? null, reporter, deps.now)));
  const card = renderNodesCard({ provider: cfg.provider, verb: cfg.verb, runId: cfg.runId, nodes: gates.map((g) => g.card), now: deps.now() });
  const notes = gates.flatMap((g) => g.notes.map((n) => `rank ${g.rank}: ${n}`));
  const refusals = gates.flatMap((g) => g.ok ? [] : [`rank ${g.rank} (${g.card.instanceId}): ${g.reason}`]);
  const confirm = checkConfirm(cfg.verb, ids.join(" "), cfg.confirm, cfg.approval === "confirm");
  if (confirm) refusals.push(confirm);
  if (refusals.length) {
    const reason2 = `nothing was asked of ${cfg.provider} for any of the ${ids.length} nodes: ${refusals.join(" | ")}`;
    return finish("refused", reason2, 1, { kind: "refused", runId: cfg.runId, reason: reason2, notes, card });
  }
  for (const g of gates) if (g.ok && g.kills) reporter.warn(`teardown: rank ${g.rank}: ${g.kills}`);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  if (cfg.dryRun) {
    const reason2 = `would ${cfg.verb} ${ids.length} instances (${ids.join(", ")}) on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish("dry-run", reason2, 0, { kind: "dry-run", runId: cfg.runId, reason: reason2, notes, card });
  }
  const results = await Promise.all(
    cfg.nodes.map(async (n) => {
      const r = await driveVerb({ ...cfg, instanceId: n.instanceId, connection: n.connection }, env, nodeReporter(reporter, n.rank), deps.pollMs ?? 5e3);
      return { n, r };
    })
  );
  const line = ({ n, r }) => `rank ${n.rank} ${n.instanceId}: ${r.kind === "done" ? `${r.detail}${r.already ? " (already was)" : ""}` : r.kind === "failed" ? `failed: ${r.reason}` : `NOT confirmed: ${r.detail}`}`;
  const bad = results.filter((x) => x.r.kind !== "done");
  if (bad.length) {
    const reason2 = `${bad.length} of ${results.length} nodes not confirmed (the run stays on the patrol): ${results.map(line).join(" | ")}`;
    return finish("failed", reason2, 1, { kind: "failed", runId: cfg.runId, reason: reason2, notes, card });
  }
  const state = cfg.verb === "park" ? "parked" : "torn-down";
  const leftovers = results.flatMap(
    ({ n, r }) => r.kind === "done" && r.leftovers ? "error" in r.leftovers ? [`rank ${n.rank}: could not list what still bills: ${r.leftovers.error}`] : r.leftovers.map((l) => `rank ${n.rank}: ${l}`) : []
  );
  const reason = `${ids.length} nodes ${state}: ${results.map(line).join(" | ")}`;
  const exit = finish(state, reason, 0, {
    kind: "done",
    runId: cfg.runId,
    state,
    instanceId: ids.join(", "),
    detail: results.map(line).join("; "),
    already: results.every(({ r }) => r.kind === "done" && r.already),
    verb: cfg.verb,
    keepsBilling: FACTS[cfg.provider][cfg.verb]?.keepsBilling ?? null,
    leftovers: results.some(({ r }) => r.kind === "done" && r.leftovers) ? leftovers : null,
    notes,
    card
  });
  if (deps.afterTeardown) await deps.afterTeardown(state, reason);
  return exit;
}
function nodeReporter(base, rank) {
  return {
    ...base,
    info: (l) => base.info(`rank ${rank}: ${l}`),
    warn: (l) => base.warn(`rank ${rank}: ${l}`),
    error: (l) => base.error(`rank ${rank}: ${l}`)
  };
}
async function gateNode(cfg, n, files, reporter, now) {
  const refuse = (reason, run, verified2, notes2 = []) => ({
    rank: n.rank,
    ok: false,
    reason,
    notes: notes2,
    card: { rank: n.rank, instanceId: n.instanceId, verified: verified2, run }
  });
  const target = { provider: cfg.provider, instanceId: n.instanceId, box: { host: n.connection.host, port: n.connection.port } };
  const box = { runId: cfg.runId, runRoot: n.runRoot };
  if (!files) return gateUncollected(cfg, n, reporter, now, refuse);
  const gate = checkProof(cfg.runId, cfg.verb, files, false);
  const unlooked = { state: null, source: "the box was not looked at" };
  if (!gate.ok) return refuse(gate.reason, unlooked, null);
  const proof = gate.proof;
  const verified = { files: proof.verified.file_count, bytes: proof.verified.bytes };
  const recorded = proof.runState;
  const shownRecorded = recorded ? { state: recorded, source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box was not looked at)` } : unlooked;
  const wrongBox = checkBox(proof.verified, target);
  if (wrongBox) return refuse(wrongBox, shownRecorded, verified);
  const notes = [...gate.notes];
  const looked = await lookAtBox(box, n.connection, proof, reporter, now, notes, shownRecorded);
  if ("refused" in looked) return refuse(looked.refused, looked.run ?? shownRecorded, verified, notes);
  const ran = checkRunEnded(cfg.runId, looked.seen, recorded, cfg.stopRunning);
  if (!ran.ok) return refuse(ran.reason, ran.shown, verified, notes);
  notes.push(ran.note);
  return { rank: n.rank, ok: true, kills: ran.kills, notes, card: { rank: n.rank, instanceId: n.instanceId, verified, run: ran.shown, kills: ran.kills } };
}
async function gateUncollected(cfg, n, reporter, now, refuse) {
  let seen;
  let listed;
  try {
    const { session } = await openPinned({ conn: n.connection, cred: loadCredential(n.connection.key) }, reporter, { attempts: 1 });
    try {
      const at = now();
      const look = await lookAtRun(cfg.runId, (runs) => probeOn(session, n.runRoot, runs), at);
      seen = look.kind === "blind" ? { kind: "not-seen", why: look.detail } : { kind: "seen", state: stateOfLook(look, at) };
      listed = (await listBoxFiles(session, n.runRoot, cfg.runId, { latestOnly: false, cells: [] })).files.map((f) => f.path);
    } finally {
      session.close();
    }
  } catch (err) {
    const why = err instanceof TransportError ? `it does not answer (${err.kind})` : err.message;
    return refuse(
      `not collected, and it cannot be listed (${why}): nothing shows it holds no checkpoint files; collect with collect-from: all, or bring it back`,
      { state: null, source: `not looked at: ${why}` },
      "uncollected"
    );
  }
  const run = seen.kind === "seen" ? { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` } : { state: null, source: seen.why };
  const empty = checkNodeEmpty(listed);
  if (empty) return refuse(empty, run, "uncollected");
  const ran = checkRunEnded(cfg.runId, seen, null, cfg.stopRunning);
  if (!ran.ok) return refuse(ran.reason, ran.shown, "uncollected");
  const notes = ["not collected (collect-from: rank0); its listing shows no checkpoint files of the run", ran.note];
  return {
    rank: n.rank,
    ok: true,
    kills: ran.kills,
    notes,
    card: { rank: n.rank, instanceId: n.instanceId, verified: "uncollected", run: ran.shown, kills: ran.kills }
  };
}

// src/teardown/phase.ts
function depsOf(cfg, ctx, opts) {
  const { ports, reporter } = ctx;
  const spec = cfg.store;
  const store = spec ? ports.statusStore?.(spec) : void 0;
  return {
    ...opts,
    ...ports.fetchArtifact ? { fetchArtifact: (name, dir) => ports.fetchArtifact(name, dir) } : {},
    ...spec && ports.afterTeardown ? { afterTeardown: (state, reason) => ports.afterTeardown(spec, cfg.runId, reporter, state, reason) } : {},
    ...store?.registered ? { registration: async (runId) => (await store.registered()).find((f) => f.runId === runId)?.body ?? null } : {}
  };
}
async function loadProof(cfg, workspace, fetchArtifact) {
  if (cfg.verifiedPath) {
    return proofFilesAt(resolve2(workspace, cfg.verifiedPath));
  }
  if (!cfg.verifiedArtifact || !fetchArtifact) return null;
  const dir = mkdtempSync2(join2(tmpdir2(), "tether-proof-"));
  try {
    await fetchArtifact(cfg.verifiedArtifact, dir);
    return proofFilesAt(join2(dir, "VERIFIED.json"));
  } catch (err) {
    return `the proof artifact ${cfg.verifiedArtifact} could not be downloaded: ${err.message.split("\n")[0]}`;
  } finally {
    rmSync2(dir, { recursive: true, force: true });
  }
}
function jobsFromRegistration(runId, body, cred) {
  if (!body) return { jobs: null };
  const checked = verifiedRegistration(body, cred);
  if ("why" in checked) return { refused: `run ${runId}'s registration is not to be trusted (${checked.why}): not cancelling anything on its word` };
  if (checked.entry.runId !== runId)
    return { refused: `the registration found for run ${runId} is run ${checked.entry.runId}'s: not cancelling anything on its word` };
  const m = /^slurm:(\d{1,12})(_\d+)?$/.exec(checked.entry.handle ?? "");
  return { jobs: m ? [m[1]] : null };
}
async function provisionRecord(cfg, deps, reporter) {
  const key = cfg.store?.signingKey ?? cfg.connection?.key;
  if (!deps.registration || !key) return null;
  const body = await deps.registration(cfg.runId).catch((err) => {
    reporter.warn(`teardown: the run's registration comment could not be read (${err.message})`);
    return null;
  });
  if (!body || !isProvisionRecord(body)) return null;
  const checked = verifiedProvisioned(body, loadCredential(key));
  if ("why" in checked) return { refused: `run ${cfg.runId}'s provision record is not to be trusted (${checked.why}): nothing is destroyed on its word` };
  if (checked.entry.runId !== cfg.runId) return { refused: `the provision record found for run ${cfg.runId} is run ${checked.entry.runId}'s` };
  const all = provisionedInstances(checked.entry);
  return { record: all.find((p) => p.instanceId === cfg.instanceId) ?? all[0] };
}
async function schedulerJobs(cfg, deps, reporter) {
  if (!FACTS[cfg.provider].scheduler || !cfg.connection || !deps.registration) return { jobs: null };
  const body = await deps.registration(cfg.runId).catch((err) => {
    reporter.warn(
      `teardown: the run's registration could not be read (${err.message}); Slurm's job ids come from the run record, checked by squeue's name, comment and user`
    );
    return null;
  });
  const found = jobsFromRegistration(cfg.runId, body, loadCredential(cfg.connection.key));
  if ("jobs" in found && found.jobs)
    reporter.info(`teardown: Slurm job ${found.jobs.join(", ")} from the run's signed registration (sbatch's own answer at launch)`);
  return found;
}
async function teardownPhase(cfg, phaseCtx, opts = {}) {
  const { env, reporter } = phaseCtx;
  const workspace = phaseCtx.ports.workspace;
  const deps = depsOf(cfg, phaseCtx, opts);
  if (cfg.verifiedArtifact && !deps.fetchArtifact)
    throw new InputError("verified-artifact", "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  for (const secret of [env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]]) if (secret) reporter.mask(secret);
  const now = deps.now ?? (() => /* @__PURE__ */ new Date());
  const finish = (state, reason, exit, summary) => {
    reporter.output("state", state);
    reporter.output("reason", reason);
    reporter.summary(renderTeardown(summary));
    if (exit) reporter.error(`teardown ${state}: ${reason}`);
    else reporter.info(`teardown ${state}: ${reason}`);
    return exit;
  };
  const runId = cfg.runId;
  if (cfg.nodes)
    return teardownNodes(
      { ...cfg, nodes: cfg.nodes },
      phaseCtx,
      {
        now,
        ...deps.pollMs ? { pollMs: deps.pollMs } : {},
        ...deps.afterTeardown ? { afterTeardown: deps.afterTeardown } : {},
        ...deps.fetchArtifact ? { fetchArtifact: deps.fetchArtifact } : {}
      },
      finish
    );
  const loaded = await loadProof(cfg, workspace, deps.fetchArtifact);
  const target = { provider: cfg.provider, instanceId: cfg.instanceId, box: cfg.connection ? { host: cfg.connection.host, port: cfg.connection.port } : null };
  const unlaunched = loaded === null && !FACTS[cfg.provider].scheduler ? await provisionRecord(cfg, deps, reporter) : null;
  const gate = typeof loaded === "string" ? { ok: false, reason: loaded } : FACTS[cfg.provider].scheduler && !loaded ? { ok: true, proof: null, notes: ["Slurm's cancel and hold delete no file: the run record and its checkpoints stay on the shared filesystem"] } : unlaunched && "refused" in unlaunched ? { ok: false, reason: unlaunched.refused } : unlaunched ? checkNeverLaunched(cfg.runId, unlaunched.record, target, cfg.verb) : checkProof(cfg.runId, cfg.verb, loaded, cfg.allowParkUnverified);
  const proof = gate.ok ? gate.proof : null;
  const cardOf = (run, kills = null) => renderCard({
    provider: cfg.provider,
    instanceId: cfg.instanceId,
    verb: cfg.verb,
    runId: cfg.runId,
    verified: proof ? { files: proof.verified.file_count, bytes: proof.verified.bytes } : null,
    run,
    kills,
    now: now()
  });
  const recorded = proof?.runState ?? null;
  const unlooked = recorded ? { state: recorded, source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box was not looked at)` } : { state: null, source: "the box was not looked at" };
  const refuseWith = (reason, run = unlooked) => finish("refused", reason, 1, { kind: "refused", runId, reason, notes: [], card: cardOf(run) });
  const refused = gate.ok ? proof && checkBox(proof.verified, target) || checkConfirm(cfg.verb, cfg.instanceId, cfg.confirm, cfg.approval === "confirm") : gate.reason;
  if (refused) return refuseWith(refused);
  const notes = gate.ok ? [...gate.notes] : [];
  if (unlaunched && "record" in unlaunched) return destroyUnlaunched(cfg, unlaunched.record, env, deps, reporter, finish, notes, cardOf, refuseWith);
  const looked = cfg.connection ? await lookAtBox(cfg, cfg.connection, proof, reporter, now, notes, unlooked) : null;
  if (looked && "refused" in looked) return refuseWith(looked.refused, looked.run);
  const seen = looked ? looked.seen : { kind: "not-seen", why: "no connection was given (host)" };
  const ran = checkRunEnded(runId, seen, recorded, cfg.stopRunning);
  if (!ran.ok) return refuseWith(ran.reason, ran.shown);
  notes.push(ran.note);
  if (ran.kills) reporter.warn(`teardown: ${ran.kills}`);
  const card = cardOf(ran.shown, ran.kills);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish("dry-run", reason, 0, { kind: "dry-run", runId, reason, notes, card });
  }
  return act(cfg, env, deps, reporter, finish, notes, card);
}
async function destroyUnlaunched(cfg, record, env, deps, reporter, finish, notes, cardOf, refuseWith) {
  let source = "the box was not looked at (no connection was given)";
  if (cfg.connection) {
    try {
      const { session } = await openPinned({ conn: cfg.connection, cred: loadCredential(cfg.connection.key) }, reporter, { attempts: 1 });
      try {
        if (session.hostFingerprint !== record.hostKeyFingerprint)
          return refuseWith(
            `the box answering has host key ${session.hostFingerprint}, the one provision made for ${record.instanceId} is ${record.hostKeyFingerprint}: another machine`
          );
        const obs = await probeOn(session, cfg.runRoot, [{ id: cfg.runId, attempt: 0, offset: 0 }], 2e4);
        if (obs.runs.find((r) => r.id === cfg.runId)?.exists !== false)
          return refuseWith(`run ${cfg.runId} has a run record on the box: it was launched there after all; collect it and tear down with its VERIFIED.json`);
        source = "the box answers with the host key provision made, and holds no record of this run";
      } finally {
        session.close();
      }
    } catch (err) {
      if (!(err instanceof TransportError) || err.kind === "host_key_mismatch" || err.kind === "auth_failed")
        return refuseWith(`could not look at the box: ${err.message}`);
      source = `the box does not answer (${err.kind})`;
    }
  }
  notes.push(source);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  const card = cardOf({ state: null, source });
  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish("dry-run", reason, 0, { kind: "dry-run", runId: cfg.runId, reason, notes, card });
  }
  return act(cfg, env, deps, reporter, finish, notes, card);
}
async function act(cfg, env, deps, reporter, finish, notes, card) {
  const runId = cfg.runId;
  const jobs = await schedulerJobs(cfg, deps, reporter);
  if ("refused" in jobs) return finish("refused", jobs.refused, 1, { kind: "refused", runId, reason: jobs.refused, notes, card });
  const result = await driveVerb(cfg, env, reporter, deps.pollMs ?? 5e3, jobs.jobs);
  if (result.kind === "failed") return finish("failed", result.reason, 1, { kind: "failed", runId, reason: result.reason, notes, card });
  if (result.kind === "unconfirmed") return finish("failed", result.detail, 1, { kind: "unconfirmed", runId, detail: result.detail, notes, card });
  const state = cfg.verb === "park" ? "parked" : "torn-down";
  const verbFacts = FACTS[cfg.provider][cfg.verb];
  const leftovers = result.leftovers;
  const reason = `${cfg.instanceId} ${state} (${result.detail})`;
  const exit = finish(state, reason, 0, {
    kind: "done",
    runId,
    state,
    instanceId: cfg.instanceId,
    detail: result.detail,
    already: result.already,
    verb: cfg.verb,
    keepsBilling: verbFacts?.keepsBilling ?? null,
    leftovers,
    notes,
    card
  });
  if (deps.afterTeardown) await deps.afterTeardown(state, reason);
  return exit;
}
export {
  teardownPhase
};
