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
import {
  mac,
  macOk
} from "./chunk-YYRHL6YM.js";
import {
  RUN_ID
} from "./chunk-FHK73RDK.js";

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
  octokit.hook.wrap("request", async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } });
      } catch (err) {
        if (attempt >= CONNECTION_ATTEMPTS || !REPEATABLE.has(String(options.method).toUpperCase()) || !connectionBroke(err)) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  });
  return octokit;
}
var CONNECTION_ATTEMPTS = 3;
var REPEATABLE = /* @__PURE__ */ new Set(["GET", "HEAD", "PUT", "PATCH", "DELETE"]);
var BROKEN = /* @__PURE__ */ new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
function connectionBroke(err) {
  if (typeof err !== "object" || err === null || "response" in err && err.response !== void 0) return false;
  let e = err;
  for (let depth = 0; depth < 5 && typeof e === "object" && e !== null; depth++) {
    if (BROKEN.has(String(e.code))) return true;
    e = e.cause;
  }
  return false;
}
async function whoAmI(octokit, key = null, proves) {
  const extra = proves ? { proves } : {};
  try {
    return { login: (await octokit.rest.users.getAuthenticated()).data.login, key, ...extra };
  } catch (err) {
    if (err.status === 403) return { login: null, key, ...extra };
    throw err;
  }
}
var proven = (who, body) => signedItem(body, who.key) || (who.proves?.(body) ?? false);
var OURS = "<!-- tether:ours ";
var OURS_LABEL = "tether github item v1";
var firstLine = (body) => body.slice(0, Math.max(0, body.indexOf("\n")) || body.length);
function signItem(body, key) {
  const bare = body.replace(/\n?<!-- tether:ours [0-9a-f]{64} -->\n?$/, "");
  return key ? `${bare}
${OURS}${mac(key, OURS_LABEL, firstLine(bare))} -->` : bare;
}
function signedItem(body, key) {
  if (!key) return false;
  const m = /<!-- tether:ours ([0-9a-f]{64}) -->\n?$/.exec(body);
  return m !== null && macOk(key, OURS_LABEL, firstLine(body), m[1]);
}
function mine(list, who, has, order) {
  const marked = list.filter(has).sort(order);
  if (who.login === null) {
    const proof = who.key || who.proves ? [...list].sort(order).find((x) => proven(who, x.body ?? "")) : marked.find((x) => x.user?.type === "Bot");
    if (!proof) return [];
    who.login = proof.user?.login ?? null;
  }
  return marked.filter((x) => x.user?.login === who.login);
}
var COMMENT_PAGES_MAX = 10;
async function ourComments(octokit, r, issue, marker, who, opts = {}) {
  const all = [];
  let pages = 0;
  let truncated = false;
  let out = [];
  const pick = () => mine(
    all,
    who,
    (c) => (c.body ?? "").includes(marker),
    (a, b) => a.id - b.id
  );
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...r,
    issue_number: issue,
    per_page: 100,
    ...opts.since ? { since: opts.since } : {}
  })) {
    all.push(...page.data);
    if (opts.first && (out = pick()).length) break;
    if (++pages >= COMMENT_PAGES_MAX) {
      truncated = page.data.length === 100;
      break;
    }
  }
  if (!out.length) out = pick();
  out.truncated = truncated;
  return out;
}
async function rememberedComment(octokit, r, issue, marker, who, id) {
  if (!id) return null;
  let c;
  try {
    c = (await octokit.rest.issues.getComment({ ...r, comment_id: id })).data;
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
  if (!(c.issue_url ?? "").endsWith(`/issues/${issue}`) || !(c.body ?? "").includes(marker)) return null;
  return mine(
    [c],
    who,
    () => true,
    () => 0
  )[0] ?? null;
}
async function ourComment(octokit, r, issue, marker, who) {
  const since = new Date(Date.now() - 2 * 864e5).toISOString();
  return (await ourComments(octokit, r, issue, marker, who, { first: true, since }))[0] ?? (await ourComments(octokit, r, issue, marker, who, { first: true }))[0];
}
async function upsertSticky(octokit, r, issue, marker, who, body, known) {
  const signed = signItem(body, who.key);
  if (known) {
    try {
      const res2 = await octokit.rest.issues.updateComment({ ...r, comment_id: known, body: signed });
      return { id: known, url: res2.data.html_url, created: false, removed: 0 };
    } catch (err) {
      if (err.status !== 404) throw err;
    }
  }
  let ours = await ourComments(octokit, r, issue, marker, who);
  let created = false;
  if (ours.length === 0) {
    if (ours.truncated)
      throw new Error(
        `no tether comment among the first ${COMMENT_PAGES_MAX * 100} comments of #${issue}: not creating a second status comment (a flood of comments hides it); report to another issue`
      );
    const res2 = await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: signed });
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
  const res = await octokit.rest.issues.updateComment({ ...r, comment_id: keep.id, body: signed });
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
    await proveFromComments(octokit, r, who, list.filter(isOurs));
    const ours = mine(list, who, isOurs, (a, b) => a.number - b.number);
    const found = ours.find((i) => i.state === "open") ?? ours[ours.length - 1];
    if (found) return found.number;
  }
  const created = await octokit.rest.issues.create({
    ...r,
    title: `tether: run ${runId}`,
    labels: [TRACKING_LABEL],
    body: signItem(`${marker}
Status of training run \`${runId}\`, updated by tether's patrol on every tick.`, who.key)
  });
  who.login ??= created.data.user?.login ?? null;
  return created.data.number;
}
var CANDIDATES_MAX = 3;
async function proveFromComments(octokit, r, who, issues) {
  if (who.login !== null || !who.proves || issues.some((i) => proven(who, i.body ?? ""))) return;
  const tried = /* @__PURE__ */ new Set();
  for (const i of issues) {
    const login = i.user?.login;
    if (!login || tried.has(login) || tried.size >= CANDIDATES_MAX) continue;
    tried.add(login);
    const { data } = await octokit.rest.issues.listComments({ ...r, issue_number: i.number, per_page: 100 });
    const c = data.find((x) => x.user?.login === login && proven(who, x.body ?? ""));
    if (c) {
      who.login = login;
      return;
    }
  }
}
async function trackingIssues(octokit, r, who) {
  const list = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...r,
    state: "all",
    labels: TRACKING_LABEL,
    per_page: 100,
    sort: "created",
    direction: "desc"
  })) {
    list.push(...page.data);
    if (++pages >= TRACKING_PAGES_MAX) break;
  }
  const runIdOf = (i) => {
    const id = /<!-- tether:tracking (\S{1,64}) -->/.exec(i.body ?? "")?.[1];
    return id && RUN_ID.test(id) ? id : void 0;
  };
  await proveFromComments(
    octokit,
    r,
    who,
    list.filter((x) => !x.pull_request && runIdOf(x) !== void 0)
  );
  const out = [];
  const ours = mine(
    list,
    who,
    (x) => !x.pull_request && runIdOf(x) !== void 0,
    (a, b) => a.number - b.number
  ).reverse();
  for (const i of [...ours.filter((x) => x.state !== "closed"), ...ours.filter((x) => x.state === "closed")]) {
    const runId = runIdOf(i);
    if (!out.some((o) => o.runId === runId)) out.push({ number: i.number, runId, closed: i.state === "closed" });
  }
  return out;
}

export {
  client,
  whoAmI,
  ourComments,
  rememberedComment,
  ourComment,
  upsertSticky,
  trackingIssue,
  trackingIssues
};
