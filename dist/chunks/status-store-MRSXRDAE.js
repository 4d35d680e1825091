import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  client,
  ourComment,
  ourComments,
  rememberedComment,
  trackingIssue,
  trackingIssues,
  upsertSticky,
  whoAmI
} from "./chunk-IPACUKH7.js";
import "./chunk-V37UE6HX.js";
import {
  renderTeardownMark,
  statusMarker
} from "./chunk-DWPUCMVE.js";
import "./chunk-XUWSLT73.js";
import "./chunk-4EKRVZSS.js";
import "./chunk-SOYMSDNQ.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import {
  REGISTRATION_PREFIX,
  registrationMarker,
  registrationRunId
} from "./chunk-4U6B6A5Q.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-R3K6G2KB.js";

// src/github/status-store.ts
var REGISTRATIONS_MAX = 64;
function githubStore(target, env, token, header = "", key = null, proves) {
  const marker = statusMarker(header);
  const [owner, repo] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  if (!owner || !repo) throw new InputError("report-to", "needs GITHUB_REPOSITORY (owner/repo), which the runner sets");
  if (!token) throw new InputError("github-token", "is empty; report-to needs a token with issues: write (the default is the workflow's GITHUB_TOKEN)");
  const r = { owner, repo };
  const octokit = client(token, env["GITHUB_API_URL"] ?? "https://api.github.com");
  let who;
  const me = async () => who ??= await whoAmI(octokit, key, proves);
  const found = /* @__PURE__ */ new Map();
  const commentHints = /* @__PURE__ */ new Map();
  const byRun = /* @__PURE__ */ new Map();
  const issues = /* @__PURE__ */ new Map();
  const hints = /* @__PURE__ */ new Map();
  const issueOf = async (runId) => {
    if (target.kind !== "tracking-issue") return target.number;
    if (!issues.has(runId)) issues.set(runId, await trackingIssue(octokit, r, runId, await me(), hints.get(runId)));
    return issues.get(runId);
  };
  return {
    hint: (runId, issue, comment) => {
      if (issue > 0) hints.set(runId, issue);
      if (comment && comment > 0) commentHints.set(runId, comment);
    },
    known: () => Object.fromEntries(issues),
    knownComments: () => Object.fromEntries([...byRun].filter(([, issue]) => found.has(issue)).map(([id, issue]) => [id, found.get(issue)])),
    load: async (runIds) => {
      const ids = target.kind === "tracking-issue" ? runIds : [runIds[0] ?? ""];
      const bodies = [];
      for (const id of ids) {
        const issue = await issueOf(id);
        byRun.set(id, issue);
        const direct = await rememberedComment(octokit, r, issue, marker, await me(), found.get(issue) ?? commentHints.get(id));
        if (direct) {
          found.set(issue, direct.id);
          bodies.push(direct.body ?? "");
          continue;
        }
        const mine = await ourComment(octokit, r, issue, marker, await me());
        if (mine) found.set(issue, mine.id);
        if (mine?.body) bodies.push(mine.body);
      }
      return bodies;
    },
    save: async (runIds, render) => {
      const urls = [];
      const groups = target.kind === "tracking-issue" ? runIds.map((id) => [id]) : [runIds];
      for (const ids of groups) {
        const issue = await issueOf(ids[0] ?? "");
        for (const id of ids) byRun.set(id, issue);
        const res = await upsertSticky(octokit, r, issue, marker, await me(), render(ids), found.get(issue));
        found.set(issue, res.id);
        urls.push(res.url);
      }
      return urls;
    },
    notify: async (runIds, body) => {
      const res = await octokit.rest.issues.createComment({ ...r, issue_number: await issueOf(runIds[0] ?? ""), body });
      return res.data.html_url;
    },
    register: async (runId, body) => (await upsertSticky(octokit, r, await issueOf(runId), registrationMarker(runId), await me(), body)).url,
    registered: async () => registrations(octokit, r, target, await me(), issues),
    reopen: async (runId, issue, why) => {
      await octokit.rest.issues.update({ ...r, issue_number: issue, state: "open" });
      await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: `\u26A0\uFE0F tether reopened this tracking issue: ${inert(why)}` });
      issues.set(runId, issue);
    },
    /** Comments and closes the run's tracking issue; null when the status lives elsewhere. */
    closeTracking: async (runId, comment) => {
      if (target.kind !== "tracking-issue") return null;
      const issue = await issueOf(runId);
      await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: comment });
      await octokit.rest.issues.update({ ...r, issue_number: issue, state: "closed", state_reason: "completed" });
      return issue;
    }
  };
}
async function registrations(octokit, r, target, me, issues) {
  const places = target.kind === "tracking-issue" ? (await trackingIssues(octokit, r, me)).map((t) => (issues.set(t.runId, t.number), { issue: t.number, runId: t.runId, closed: t.closed })) : [{ issue: target.number }];
  const regs = [];
  for (const p of places) {
    for (const c of await ourComments(octokit, r, p.issue, REGISTRATION_PREFIX, me)) {
      const id = registrationRunId(c.body ?? "");
      if (id && (!p.runId || p.runId === id) && !regs.some((f) => f.runId === id))
        regs.push({ runId: id, body: c.body ?? "", ...p.closed ? { closedIssue: p.issue } : {} });
      if (regs.length >= REGISTRATIONS_MAX) return regs;
    }
  }
  return regs;
}
async function teardownDone(spec, runId, env, reporter, state, reason, key) {
  const { reportTo: target, header, token } = spec;
  try {
    const store = githubStore(target, env, token, header, key);
    const [old] = await store.load([runId]);
    const body = renderTeardownMark(old ?? "", runId, { state, reason, at: (/* @__PURE__ */ new Date()).toISOString() }, statusMarker(header), key);
    const [url] = await store.save([runId], () => body);
    reporter.info(`teardown: status updated at ${url}`);
    if (state === "torn-down") {
      const closed = await store.closeTracking(runId, `\u{1F3C1} ${code(runId)} torn down after verification: ${inert(reason)}. Closing this tracking issue.`);
      if (closed !== null) reporter.info(`teardown: closed tracking issue #${closed}`);
    }
  } catch (err) {
    reporter.warn(`teardown: done, but the status could not be updated (${err.message})`);
  }
}
export {
  REGISTRATIONS_MAX,
  githubStore,
  teardownDone
};
