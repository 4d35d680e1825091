import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  Octokit,
  legacyRestEndpointMethods,
  paginateRest,
  requestLog
} from "./chunk-V37UE6HX.js";

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

export {
  client,
  whoAmI,
  ourComments,
  upsertSticky,
  trackingIssue,
  openTrackingIssues
};
