import { Octokit } from '@octokit/rest';
import { mac, macOk } from '../record/mac.ts';
import { RUN_ID } from '../record/grammar.ts';

/** GitHub's REST API for the sticky status comment (issues and PRs share issue comments). */
export interface Repo {
  owner: string;
  repo: string;
}

export function client(token: string, apiUrl: string, timeoutMs = 20_000): Octokit {
  // Octokit would also print each failed request ("GET /user - 403 …", an expected answer for an app token)
  // to stderr; failures reach tether as exceptions, which it reports in its own words.
  const quiet = () => undefined;
  const log = { debug: quiet, info: quiet, warn: (m: string) => console.warn(m), error: quiet };
  const octokit = new Octokit({ auth: token, baseUrl: apiUrl, userAgent: 'tether', log });
  octokit.hook.wrap('request', async (request, options) => {
    for (let attempt = 1; ; attempt++) {
      try {
        // Every call is bounded: a hanging API must not hang the tick.
        return await request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } });
      } catch (err) {
        if (attempt >= CONNECTION_ATTEMPTS || !REPEATABLE.has(String(options.method).toUpperCase()) || !connectionBroke(err)) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  });
  return octokit;
}

/**
 * A connection that broke before any answer (a reset keep-alive socket, most often) is asked again, at most
 * twice more, for a request that means the same when repeated. A POST (a comment, an issue, a dispatch that
 * starts a recovery) is never repeated: the first may have landed, and a second would be a second action.
 * A timeout is not repeated either: it already spent the call's whole bound.
 */
const CONNECTION_ATTEMPTS = 3;
const REPEATABLE = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
export function connectionBroke(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || ('response' in err && (err as { response?: unknown }).response !== undefined)) return false;
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    if (BROKEN.has(String((e as { code?: unknown }).code))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Who writes our comments. A user token can say (GET /user); a GitHub App token or the workflow's
 * GITHUB_TOKEN cannot (403), so the login is learnt from the comments and issues tether itself created:
 * from the answer to our own create, or, before that, from the oldest marker comment by a Bot account
 * (a person cannot post as a Bot, so a person's copy of the marker is never taken for ours).
 */
export interface Identity {
  login: string | null;
  /** The MAC key tether signs its items with (src/ssh/sign.ts macKey); null where none can be derived. */
  key: Buffer | null;
  /** Whether a body is tether's own beyond doubt in another way: a registration whose SSH signature verifies with our key. */
  proves?: (body: string) => boolean;
}

export async function whoAmI(octokit: Octokit, key: Buffer | null = null, proves?: (body: string) => boolean): Promise<Identity> {
  const extra = proves ? { proves } : {};
  try {
    return { login: (await octokit.rest.users.getAuthenticated()).data.login, key, ...extra };
  } catch (err) {
    if ((err as { status?: number }).status === 403) return { login: null, key, ...extra };
    throw err;
  }
}

/** Whether an item is tether's beyond doubt: its signed tag, or a registration signed with our SSH key. */
const proven = (who: Identity, body: string) => signedItem(body, who.key) || (who.proves?.(body) ?? false);

const OURS = '<!-- tether:ours ';
const OURS_LABEL = 'tether github item v1';
const firstLine = (body: string) => body.slice(0, Math.max(0, body.indexOf('\n')) || body.length);

/**
 * Signs an item tether writes (a comment, a tracking issue): a MAC over its first line (its marker) under
 * the runner's key, appended to the body. Another bot or a person cannot make one, so an item is
 * recognised as tether's by this, never by being "the first bot". Any old tag is replaced.
 */
export function signItem(body: string, key: Buffer | null): string {
  const bare = body.replace(/\n?<!-- tether:ours [0-9a-f]{64} -->\n?$/, '');
  return key ? `${bare}\n${OURS}${mac(key, OURS_LABEL, firstLine(bare))} -->` : bare;
}

/** Whether a body carries tether's tag for its first line under this key. */
export function signedItem(body: string, key: Buffer | null): boolean {
  if (!key) return false;
  const m = /<!-- tether:ours ([0-9a-f]{64}) -->\n?$/.exec(body);
  return m !== null && macOk(key, OURS_LABEL, firstLine(body), m[1] as string);
}

interface CommentLite {
  id: number;
  body?: string;
  user: { login: string; type?: string } | null;
}

/**
 * Ours: by the known login, or (login still unknown: an app token or GITHUB_TOKEN) by the oldest marked item
 * that carries tether's signed tag, whose author's login is then learnt. Another bot's issue with tether's
 * label, or a person's copy of a marker, never teaches the login. Without a key (an ssh agent) only the old
 * rule is left, the oldest marked item by a Bot.
 */
function mine<T extends { user: { login: string; type?: string } | null; body?: string | null }>(
  list: T[],
  who: Identity,
  has: (x: T) => boolean,
  order: (a: T, b: T) => number,
): T[] {
  const marked = list.filter(has).sort(order);
  if (who.login === null) {
    // Any proven item in the list teaches the login (an older tether's status comment beside its registration).
    const proof = who.key || who.proves ? [...list].sort(order).find((x) => proven(who, x.body ?? '')) : marked.find((x) => x.user?.type === 'Bot');
    if (!proof) return [];
    who.login = proof.user?.login ?? null;
  }
  return marked.filter((x) => x.user?.login === who.login);
}

/** Pages of comments read at most on one issue or PR (100 each): a stranger's flood of comments is not read to its end. */
export const COMMENT_PAGES_MAX = 10;

/**
 * Our marker comments on an issue or PR, oldest first, from at most COMMENT_PAGES_MAX pages (`truncated`: more
 * were left unread). `first`: stop at the first page that holds one (a load needs only the oldest); `since`:
 * only comments updated since then (tether updates its status every tick, a stranger's old flood is skipped).
 */
export async function ourComments(
  octokit: Octokit,
  r: Repo,
  issue: number,
  marker: string,
  who: Identity,
  opts: { first?: boolean; since?: string } = {},
): Promise<CommentLite[] & { truncated?: boolean }> {
  const all: CommentLite[] = [];
  let pages = 0;
  let truncated = false;
  let out: CommentLite[] & { truncated?: boolean } = [];
  const pick = () =>
    mine(
      all,
      who,
      (c) => (c.body ?? '').includes(marker),
      (a, b) => a.id - b.id,
    );
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...r,
    issue_number: issue,
    per_page: 100,
    ...(opts.since ? { since: opts.since } : {}),
  })) {
    all.push(...(page.data as CommentLite[]));
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

/**
 * A status comment remembered by id (the state file's signed memory), fetched with one request: taken only
 * when it is still on that issue, holds the marker and is ours (our login, or our signed tag). Null otherwise
 * (gone, moved, edited away, or another's), and the caller lists as before.
 */
export async function rememberedComment(
  octokit: Octokit,
  r: Repo,
  issue: number,
  marker: string,
  who: Identity,
  id: number | undefined,
): Promise<CommentLite | null> {
  if (!id) return null;
  let c: CommentLite & { issue_url?: string };
  try {
    c = (await octokit.rest.issues.getComment({ ...r, comment_id: id })).data as CommentLite & { issue_url?: string };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return null;
    throw err;
  }
  if (!(c.issue_url ?? '').endsWith(`/issues/${issue}`) || !(c.body ?? '').includes(marker)) return null;
  return (
    mine(
      [c],
      who,
      () => true,
      () => 0,
    )[0] ?? null
  );
}

/** The oldest of our marker comments: first among those updated in the last two days, else from the bounded full listing. */
export async function ourComment(octokit: Octokit, r: Repo, issue: number, marker: string, who: Identity): Promise<CommentLite | undefined> {
  const since = new Date(Date.now() - 2 * 86_400_000).toISOString();
  return (
    (await ourComments(octokit, r, issue, marker, who, { first: true, since }))[0] ?? (await ourComments(octokit, r, issue, marker, who, { first: true }))[0]
  );
}

/**
 * Exactly one comment: update ours in place, or create it; then look again, and if a concurrent tick
 * also created one, keep the oldest and delete the rest (both racers reach the same choice).
 */
export async function upsertSticky(
  octokit: Octokit,
  r: Repo,
  issue: number,
  marker: string,
  who: Identity,
  body: string,
  known?: number,
): Promise<{ id: number; url: string; created: boolean; removed: number }> {
  const signed = signItem(body, who.key);
  // The comment found earlier in this tick is updated directly: nothing is listed twice.
  if (known) {
    try {
      const res = await octokit.rest.issues.updateComment({ ...r, comment_id: known, body: signed });
      return { id: known, url: res.data.html_url, created: false, removed: 0 };
    } catch (err) {
      if ((err as { status?: number }).status !== 404) throw err; // deleted since: look again
    }
  }
  let ours = await ourComments(octokit, r, issue, marker, who);
  let created = false;
  if (ours.length === 0) {
    if (ours.truncated)
      throw new Error(
        `no tether comment among the first ${COMMENT_PAGES_MAX * 100} comments of #${issue}: not creating a second status comment (a flood of comments hides it); report to another issue`,
      );
    const res = await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: signed });
    who.login ??= res.data.user?.login ?? null;
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
      if ((err as { status?: number }).status !== 404) throw err; // the other tick deleted it first
    }
  }
  const res = await octokit.rest.issues.updateComment({ ...r, comment_id: keep.id, body: signed });
  return { id: keep.id, url: res.data.html_url, created, removed };
}

/** Pages of issues read at most per lookup when a run's tracking issue number is not known (newest first). */
export const TRACKING_PAGES_MAX = 10;
/** The label tether's tracking issues carry, so they are listed without reading the whole repository. */
export const TRACKING_LABEL = 'tether-tracking';

interface IssueLite {
  number: number;
  state?: string;
  body?: string | null;
  user: { login: string; type?: string } | null;
  pull_request?: unknown;
}

/**
 * The tracking issue of a run (created by us, found by its marker): the remembered number when it still
 * holds our marker (one request), else the oldest open one, else the newest closed one (teardown closes it,
 * and the patrol keeps reporting the run as torn down there), else a new one. The fallback reads at most
 * TRACKING_PAGES_MAX pages of issues, filtered to our login when it is known: never the whole repository.
 */
export async function trackingIssue(octokit: Octokit, r: Repo, runId: string, who: Identity, hint?: number): Promise<number> {
  const marker = `<!-- tether:tracking ${runId} -->`;
  const isOurs = (i: IssueLite) => !i.pull_request && (i.body ?? '').includes(marker);
  if (hint) {
    try {
      const { data } = await octokit.rest.issues.get({ ...r, issue_number: hint });
      if (mine([data as IssueLite], who, isOurs, () => 0).length) return hint;
    } catch (err) {
      if ((err as { status?: number }).status !== 404 && (err as { status?: number }).status !== 410) throw err;
    }
  }
  // First the issues carrying tether's label (GitHub drops labels silently for tokens without push
  // access), then those by our login when known, else the newest issues: each read is bounded.
  const lookups = [{ labels: TRACKING_LABEL }, who.login ? { creator: who.login } : {}];
  for (const filter of lookups) {
    const list: IssueLite[] = [];
    let pages = 0;
    for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...r,
      state: 'all',
      per_page: 100,
      sort: 'created',
      direction: 'desc',
      ...filter,
    })) {
      list.push(...(page.data as IssueLite[]));
      if (++pages >= TRACKING_PAGES_MAX) break;
    }
    await proveFromComments(octokit, r, who, list.filter(isOurs));
    const ours = mine(list, who, isOurs, (a, b) => a.number - b.number);
    const found = ours.find((i) => i.state === 'open') ?? ours[ours.length - 1];
    if (found) return found.number;
  }
  const created = await octokit.rest.issues.create({
    ...r,
    title: `tether: run ${runId}`,
    labels: [TRACKING_LABEL],
    body: signItem(`${marker}\nStatus of training run \`${runId}\`, updated by tether's patrol on every tick.`, who.key),
  });
  who.login ??= created.data.user?.login ?? null;
  return created.data.number;
}

/** Candidate authors whose issues are looked into for a proven comment, at most. */
const CANDIDATES_MAX = 3;

/**
 * When no issue proves tether's login (issues an older tether opened carry no signed tag), the newest issue of
 * each of a few candidate authors is looked into: a registration comment there signed with our SSH key
 * proves that author is tether. One page of comments per candidate, at most CANDIDATES_MAX of them.
 */
async function proveFromComments(octokit: Octokit, r: Repo, who: Identity, issues: IssueLite[]): Promise<void> {
  if (who.login !== null || !who.proves || issues.some((i) => proven(who, i.body ?? ''))) return;
  const tried = new Set<string>();
  for (const i of issues) {
    const login = i.user?.login;
    if (!login || tried.has(login) || tried.size >= CANDIDATES_MAX) continue;
    tried.add(login);
    const { data } = await octokit.rest.issues.listComments({ ...r, issue_number: i.number, per_page: 100 });
    const c = (data as CommentLite[]).find((x) => x.user?.login === login && proven(who, x.body ?? ''));
    if (c) {
      who.login = login;
      return;
    }
  }
}

/**
 * The tracking issues by tether's identity, with their run ids and states, newest first: at most
 * TRACKING_PAGES_MAX pages of the label's listing. A closed one is not an ended run: only tether's signed
 * teardown mark ends a run (a triage user, a stale bot or a merged "Fixes #n" can close an issue too).
 */
export async function trackingIssues(octokit: Octokit, r: Repo, who: Identity): Promise<Array<{ number: number; runId: string; closed: boolean }>> {
  const list: IssueLite[] = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...r,
    state: 'all',
    labels: TRACKING_LABEL,
    per_page: 100,
    sort: 'created',
    direction: 'desc',
  })) {
    list.push(...(page.data as IssueLite[]));
    if (++pages >= TRACKING_PAGES_MAX) break;
  }
  const runIdOf = (i: IssueLite) => {
    const id = /<!-- tether:tracking (\S{1,64}) -->/.exec(i.body ?? '')?.[1];
    return id && RUN_ID.test(id) ? id : undefined;
  };
  await proveFromComments(
    octokit,
    r,
    who,
    list.filter((x) => !x.pull_request && runIdOf(x) !== undefined),
  );
  const out: Array<{ number: number; runId: string; closed: boolean }> = [];
  const ours = mine(
    list,
    who,
    (x) => !x.pull_request && runIdOf(x) !== undefined,
    (a, b) => a.number - b.number,
  ).reverse();
  // One issue per run: an open one before a closed one, then the newest.
  for (const i of [...ours.filter((x) => x.state !== 'closed'), ...ours.filter((x) => x.state === 'closed')]) {
    const runId = runIdOf(i)!;
    if (!out.some((o) => o.runId === runId)) out.push({ number: i.number, runId, closed: i.state === 'closed' });
  }
  return out;
}
