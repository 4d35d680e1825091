import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  lookAtBox
} from "./chunk-TXLAFSKC.js";
import "./chunk-T2Y6MVLQ.js";
import "./chunk-OS6SLAAT.js";
import {
  checkBox,
  checkProof,
  checkRunEnded
} from "./chunk-F6D7OO2Z.js";
import {
  VERIFIED_MAC,
  verifiedMacOk
} from "./chunk-65PSXXA3.js";
import "./chunk-D7CFNTPV.js";
import {
  drive
} from "./chunk-NMK2FPDO.js";
import "./chunk-6V3LMIJC.js";
import "./chunk-MWGZB4YN.js";
import "./chunk-GAEFUSNO.js";
import "./chunk-4EKRVZSS.js";
import "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-X5TEVKNF.js";
import "./chunk-BNPK6FFL.js";
import "./chunk-H57H7UT2.js";
import {
  providerModule
} from "./chunk-PFQFTWQV.js";
import "./chunk-6IC2V5YV.js";
import "./chunk-D4LSXUI5.js";
import {
  GITHUB_LOGIN
} from "./chunk-4U6B6A5Q.js";
import "./chunk-U6D75MKF.js";
import "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/teardown/auto.ts
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// src/teardown/after-verified.ts
async function afterVerified(want, entry, deps) {
  const policy = entry.policy;
  const refuse = (why) => ({ kind: "refused", why });
  if (!policy || policy.afterVerified !== want.verb) return refuse("the signed registration holds no such policy");
  if (!entry.provider || !entry.instanceId) return refuse("the signed registration names no provider instance to act on");
  if (want.collectRun === null)
    return { kind: "waiting", why: `no collect was dispatched for attempt ${want.attempt} yet (auto-collect-workflow), or GitHub did not name its run` };
  const files = await deps.proof(want.collectRun);
  if (files === null) return { kind: "waiting", why: `collect run ${want.collectRun} has no verified records artifact (yet)` };
  if (typeof files === "string") return refuse(files);
  if (files.macText === null)
    return refuse("the proof carries no VERIFIED.mac (collected without the runner key, or by an older tether): not known as tether\u2019s own");
  if (!deps.macOk(files.verifiedText, files.macText))
    return refuse("VERIFIED.mac does not verify with this patrol\u2019s key: the proof is not tether\u2019s own (edited, or made with another key)");
  const gate = checkProof(want.runId, want.verb, { verifiedText: files.verifiedText, manifestText: files.manifestText }, false);
  if (!gate.ok) return refuse(gate.reason);
  const proof = gate.proof;
  if (!proof) return refuse("no proof");
  if (proof.verified.attempt !== want.attempt)
    return refuse(`the proof is of attempt ${proof.verified.attempt}, the run is at attempt ${want.attempt}: a newer attempt's files are not proven`);
  const other = checkBox(proof.verified, { provider: entry.provider, instanceId: entry.instanceId, box: { host: entry.host, port: entry.port } });
  if (other) return refuse(other);
  const approved = await deps.approval(policy);
  if ("refused" in approved) return refuse(approved.refused);
  const looked = await deps.look(proof);
  if ("refused" in looked) return refuse(looked.refused);
  if (looked.seen.kind !== "seen") return refuse(`${looked.seen.why}: its files cannot be re-hashed against the proof`);
  const ran = checkRunEnded(want.runId, looked.seen, proof.runState, false);
  if (!ran.ok) return refuse(ran.reason);
  const r = await deps.act(want.verb);
  if (!r.ok) return { kind: "failed", why: r.detail };
  return { kind: "done", verb: want.verb, detail: r.detail, approvedBy: approved.by, at: deps.now().toISOString() };
}

// src/teardown/auto.ts
var PROOF_MAX = 8 << 20;
var escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
var readBounded = (p, max) => {
  try {
    if (statSync(p).size > max) return null;
    return readFileSync(p, "utf8");
  } catch {
    return null;
  }
};
async function proofOf(actions, runId, collectRun) {
  if (!actions) return "reading the collect run\u2019s proof needs the GitHub API and a token (github-token)";
  const dir = mkdtempSync(join(tmpdir(), "tether-auto-proof-"));
  try {
    const got = await actions.downloadRunArtifact(collectRun, new RegExp(`^tether-${escapeRe(runId)}-[0-9a-f]{12}-records$`), dir, PROOF_MAX);
    if (!got) return null;
    const verifiedText = readBounded(join(dir, "VERIFIED.json"), 1 << 20);
    if (verifiedText === null) return `artifact ${got.name} of collect run ${collectRun} holds no VERIFIED.json (of at most 1 MiB)`;
    return { verifiedText, manifestText: readBounded(join(dir, "manifest.json"), PROOF_MAX), macText: readBounded(join(dir, VERIFIED_MAC), 256) };
  } catch (err) {
    return `the proof of collect run ${collectRun} could not be read (${err.message.split("\n")[0].slice(0, 300)}); tried again next tick`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
async function approvalOf(actions, p) {
  if (!actions) return { refused: "checking the approval needs the GitHub API and a token (github-token) that may read actions" };
  const id = p.approvingRun.id;
  let reviews;
  try {
    const run = await actions.workflowRun(id);
    if (run.path !== p.approvingRun.workflow)
      return { refused: `workflow run ${id} is of ${run.path || "no workflow file"}, not ${p.approvingRun.workflow} as the registration says` };
    reviews = await actions.approvals(id);
  } catch (err) {
    return { refused: `the approvals of workflow run ${id} could not be read (${err.message.split("\n")[0].slice(0, 200)})` };
  }
  const mine = reviews.filter((r) => r.environments.includes(p.environment));
  const rejected = mine.find((r) => r.state === "rejected");
  if (rejected) return { refused: `@${rejected.login.slice(0, 45)} rejected workflow run ${id} in environment ${p.environment}` };
  const ok = mine.find((r) => r.state === "approved" && r.type === "User" && GITHUB_LOGIN.test(r.login) && !r.login.endsWith("[bot]"));
  if (!ok)
    return {
      refused: `workflow run ${id} has no person's approval in environment ${p.environment} (the environment needs required reviewers, and the launch's job must run in it: environment: ${p.environment})`
    };
  return { by: ok.login };
}
function settingsOf(entry, verb, a) {
  const provider = entry.provider;
  const m = providerModule(provider);
  const same = a.rent.provider === provider;
  const envKey = m.provision ? (a.env[m.provision.apiKeyEnv] ?? "").trim() : "";
  const s = {
    runId: entry.runId,
    runRoot: entry.runRoot,
    instanceId: entry.instanceId,
    verb,
    apiKey: (same ? a.rent.apiKey : "") || envKey || void 0,
    apiUrl: same ? a.rent.apiUrl : void 0,
    awsRegion: a.rent.awsRegion,
    teardownCommand: void 0,
    timeoutS: a.timeoutS ?? 600,
    connection: null
  };
  if (m.facts.credentials === "api-key" && !s.apiKey)
    throw new InputError(
      "api-key",
      `the patrol holds no ${provider} API key (api-key with provider ${provider}, or ${m.provision?.apiKeyEnv ?? "its variable"})`
    );
  m.check?.(s, { instanceId: s.instanceId }, a.env);
  return s;
}
async function afterVerifiedStep(want, a) {
  const { entry, reporter } = a;
  let settings;
  try {
    settings = settingsOf(entry, want.verb, a);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { kind: "refused", why: `the patrol cannot act at ${entry.provider}: ${err.message}` };
  }
  const deps = {
    proof: (run) => proofOf(a.actions, want.runId, run),
    macOk: (text, tag) => a.macKey !== null && verifiedMacOk(a.macKey, text, tag),
    approval: (p) => approvalOf(a.actions, p),
    look: async (proof) => {
      const notes = [];
      const r = await lookAtBox({ runId: want.runId, runRoot: entry.runRoot }, a.conn, proof, reporter, () => /* @__PURE__ */ new Date(), notes, { state: null, source: "" });
      return "refused" in r ? { refused: r.refused } : { seen: r.seen, note: notes.join("; ") };
    },
    act: async (verb) => {
      const ctx = {
        instanceId: settings.instanceId,
        runId: want.runId,
        verb,
        callTimeoutMs: 2e4,
        log: (l) => reporter.info(`patrol: after-verified: ${l}`)
      };
      try {
        const p = providerModule(entry.provider).make(ctx, settings, a.env, null);
        const r = await drive(p, verb, ctx, { deadlineMs: settings.timeoutS * 1e3, pollMs: a.pollMs ?? 5e3, attempts: 3 });
        return { ok: r.ok, detail: r.detail };
      } catch (err) {
        return { ok: false, detail: err.message.slice(0, 300) };
      }
    },
    now: () => /* @__PURE__ */ new Date()
  };
  return afterVerified(want, entry, deps);
}
export {
  afterVerifiedStep,
  approvalOf
};
