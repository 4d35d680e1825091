import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  renderTeardownMark,
  statusMarker
} from "./chunk-KIY6ULV3.js";
import "./chunk-XUWSLT73.js";
import {
  Octokit,
  legacyRestEndpointMethods,
  paginateRest,
  requestLog
} from "./chunk-V37UE6HX.js";
import {
  REGISTRATION_PREFIX,
  registrationMarker,
  registrationRunId
} from "./chunk-S3AZRZ43.js";
import "./chunk-XIZ5IFT7.js";
import {
  parseHeader,
  parseReportTo
} from "./chunk-ZE2VK2AB.js";
import "./chunk-XEWP4ND2.js";
import "./chunk-TYTTAG5H.js";
import {
  code,
  inert
} from "./chunk-OZVI5RZM.js";
import {
  InputError
} from "./chunk-TZTO3P3G.js";
import "./chunk-6CFQCFA3.js";
import "./chunk-IUTVNWSE.js";
import "./chunk-R3K6G2KB.js";

// node_modules/@octokit/rest/dist-src/version.js
var VERSION = "22.0.1";

// node_modules/@octokit/rest/dist-src/index.js
var Octokit2 = Octokit.plugin(requestLog, legacyRestEndpointMethods, paginateRest).defaults(
  {
    userAgent: `octokit-rest.js/${VERSION}`
  }
);

// src/github/sticky.ts
function client(token, apiUrl, timeoutMs = 2e4) {
  const quiet = () => void 0;
  const log = { debug: quiet, info: quiet, warn: (m) => console.warn(m), error: quiet };
  const octokit = new Octokit2({ auth: token, baseUrl: apiUrl, userAgent: "tether", log });
  octokit.hook.wrap("request", (request, options) => request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } }));
  return octokit;
}
async function whoAmI(octokit) {
  try {
    return { login: (await octokit.rest.users.getAuthenticated()).data.login };
  } catch (err) {
    if (err.status === 403) return { login: null };
    throw err;
  }
}
function mine(list, who, has, order) {
  const marked = list.filter(has).sort(order);
  if (who.login === null) {
    const bot = marked.find((x) => x.user?.type === "Bot");
    if (!bot) return [];
    who.login = bot.user?.login ?? null;
  }
  return marked.filter((x) => x.user?.login === who.login);
}
async function ourComments(octokit, r, issue, marker, who) {
  const all = await octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: issue, per_page: 100 });
  return mine(
    all,
    who,
    (c) => (c.body ?? "").includes(marker),
    (a, b) => a.id - b.id
  );
}
async function upsertSticky(octokit, r, issue, marker, who, body) {
  let ours = await ourComments(octokit, r, issue, marker, who);
  let created = false;
  if (ours.length === 0) {
    const res2 = await octokit.rest.issues.createComment({ ...r, issue_number: issue, body });
    who.login ??= res2.data.user?.login ?? null;
    created = true;
    ours = await ourComments(octokit, r, issue, marker, who);
  }
  const [keep, ...extra] = ours;
  if (!keep) throw new Error(`the status comment on #${issue} vanished right after it was written`);
  let removed = 0;
  for (const c of extra) {
    try {
      await octokit.rest.issues.deleteComment({ ...r, comment_id: c.id });
      removed++;
    } catch (err) {
      if (err.status !== 404) throw err;
    }
  }
  const res = await octokit.rest.issues.updateComment({ ...r, comment_id: keep.id, body });
  return { id: keep.id, url: res.data.html_url, created, removed };
}
var TRACKING_PAGES_MAX = 10;
var TRACKING_LABEL = "tether-tracking";
async function trackingIssue(octokit, r, runId, who, hint) {
  const marker = `<!-- tether:tracking ${runId} -->`;
  const isOurs = (i) => !i.pull_request && (i.body ?? "").includes(marker);
  if (hint) {
    try {
      const { data } = await octokit.rest.issues.get({ ...r, issue_number: hint });
      if (mine([data], who, isOurs, () => 0).length) return hint;
    } catch (err) {
      if (err.status !== 404 && err.status !== 410) throw err;
    }
  }
  const lookups = [{ labels: TRACKING_LABEL }, who.login ? { creator: who.login } : {}];
  for (const filter of lookups) {
    const list = [];
    let pages = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...r,
      state: "all",
      per_page: 100,
      sort: "created",
      direction: "desc",
      ...filter
    })) {
      list.push(...page.data);
      if (++pages >= TRACKING_PAGES_MAX) break;
    }
    const ours = mine(list, who, isOurs, (a, b) => a.number - b.number);
    const found = ours.find((i) => i.state === "open") ?? ours[ours.length - 1];
    if (found) return found.number;
  }
  const created = await octokit.rest.issues.create({
    ...r,
    title: `tether: run ${runId}`,
    labels: [TRACKING_LABEL],
    body: `${marker}
Status of training run \`${runId}\`, updated by tether's patrol on every tick.`
  });
  who.login ??= created.data.user?.login ?? null;
  return created.data.number;
}
async function openTrackingIssues(octokit, r, who) {
  const list = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...r,
    state: "open",
    labels: TRACKING_LABEL,
    per_page: 100,
    sort: "created",
    direction: "desc"
  })) {
    list.push(...page.data);
    if (++pages >= TRACKING_PAGES_MAX) break;
  }
  const runIdOf = (i) => /<!-- tether:tracking ([A-Za-z0-9._-]{1,64}) -->/.exec(i.body ?? "")?.[1];
  const out = [];
  for (const i of mine(
    list,
    who,
    (x) => !x.pull_request && runIdOf(x) !== void 0,
    (a, b) => b.number - a.number
  )) {
    const runId = runIdOf(i);
    if (!out.some((o) => o.runId === runId)) out.push({ number: i.number, runId });
  }
  return out;
}

// src/github/status-store.ts
var REGISTRATIONS_MAX = 64;
function githubStore(target, env, token, header = "") {
  const marker = statusMarker(header);
  const [owner, repo] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  if (!owner || !repo) throw new InputError("report-to", "needs GITHUB_REPOSITORY (owner/repo), which the runner sets");
  if (!token) throw new InputError("github-token", "is empty; report-to needs a token with issues: write (the default is the workflow's GITHUB_TOKEN)");
  const r = { owner, repo };
  const octokit = client(token, env["GITHUB_API_URL"] ?? "https://api.github.com");
  let who;
  const me = async () => who ??= await whoAmI(octokit);
  const issues = /* @__PURE__ */ new Map();
  const hints = /* @__PURE__ */ new Map();
  const issueOf = async (runId) => {
    if (target.kind !== "tracking-issue") return target.number;
    if (!issues.has(runId)) issues.set(runId, await trackingIssue(octokit, r, runId, await me(), hints.get(runId)));
    return issues.get(runId);
  };
  return {
    hint: (runId, issue) => void hints.set(runId, issue),
    known: () => Object.fromEntries(issues),
    load: async (runIds) => {
      const ids = target.kind === "tracking-issue" ? runIds : [runIds[0] ?? ""];
      const bodies = [];
      for (const id of ids) {
        const found = await ourComments(octokit, r, await issueOf(id), marker, await me());
        if (found[0]?.body) bodies.push(found[0].body);
      }
      return bodies;
    },
    save: async (runIds, render) => {
      const urls = [];
      const groups = target.kind === "tracking-issue" ? runIds.map((id) => [id]) : [runIds];
      for (const ids of groups) {
        const res = await upsertSticky(octokit, r, await issueOf(ids[0] ?? ""), marker, await me(), render(ids));
        urls.push(res.url);
      }
      return urls;
    },
    register: async (runId, body) => (await upsertSticky(octokit, r, await issueOf(runId), registrationMarker(runId), await me(), body)).url,
    registered: async () => {
      const places = target.kind === "tracking-issue" ? (await openTrackingIssues(octokit, r, await me())).map((t) => (issues.set(t.runId, t.number), { issue: t.number, runId: t.runId })) : [{ issue: target.number }];
      const found = [];
      for (const p of places) {
        for (const c of await ourComments(octokit, r, p.issue, REGISTRATION_PREFIX, await me())) {
          const id = registrationRunId(c.body ?? "");
          if (id && (!p.runId || p.runId === id) && !found.some((f) => f.runId === id)) found.push({ runId: id, body: c.body ?? "" });
          if (found.length >= REGISTRATIONS_MAX) return found;
        }
      }
      return found;
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
async function teardownDone(inputs, env, reporter, state, reason) {
  const target = parseReportTo(inputs["report-to"]);
  if (!target) return;
  const runId = inputs["run-id"] ?? "";
  const token = inputs["github-token"] ?? "";
  if (token) reporter.mask(token);
  try {
    const header = parseHeader(inputs["header"]);
    const store = githubStore(target, env, token, header);
    const [old] = await store.load([runId]);
    const body = renderTeardownMark(old ?? "", runId, { state, reason, at: (/* @__PURE__ */ new Date()).toISOString() }, statusMarker(header));
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
