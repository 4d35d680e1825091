import { Octokit } from '@octokit/rest';

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
  // Every call is bounded: a hanging API must not hang the tick.
  octokit.hook.wrap('request', (request, options) => request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } }));
  return octokit;
}

/**
 * Who writes our comments. A user token can say (GET /user); a GitHub App token or the workflow's
 * GITHUB_TOKEN cannot (403), so the login is learnt from the comments and issues tether itself created:
 * from the answer to our own create, or, before that, from the oldest marker comment by a Bot account
 * (a person cannot post as a Bot, so a person's copy of the marker is never taken for ours).
 */
export interface Identity {
  login: string | null;
}

export async function whoAmI(octokit: Octokit): Promise<Identity> {
  try {
    return { login: (await octokit.rest.users.getAuthenticated()).data.login };
  } catch (err) {
    if ((err as { status?: number }).status === 403) return { login: null };
    throw err;
  }
}

interface CommentLite {
  id: number;
  body?: string;
  user: { login: string; type?: string } | null;
}

/** Ours: by the known login, or (login still unknown) by a Bot, whose login is then learnt. */
function mine<T extends { user: { login: string; type?: string } | null }>(
  list: T[],
  who: Identity,
  has: (x: T) => boolean,
  order: (a: T, b: T) => number,
): T[] {
  const marked = list.filter(has).sort(order);
  if (who.login === null) {
    const bot = marked.find((x) => x.user?.type === 'Bot');
    if (!bot) return [];
    who.login = bot.user?.login ?? null;
  }
  return marked.filter((x) => x.user?.login === who.login);
}

/** Our marker comments on an issue or PR, oldest first, across all pages. */
export async function ourComments(octokit: Octokit, r: Repo, issue: number, marker: string, who: Identity): Promise<CommentLite[]> {
  const all = (await octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: issue, per_page: 100 })) as CommentLite[];
  return mine(
    all,
    who,
    (c) => (c.body ?? '').includes(marker),
    (a, b) => a.id - b.id,
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
): Promise<{ id: number; url: string; created: boolean; removed: number }> {
  let ours = await ourComments(octokit, r, issue, marker, who);
  let created = false;
  if (ours.length === 0) {
    const res = await octokit.rest.issues.createComment({ ...r, issue_number: issue, body });
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
  const res = await octokit.rest.issues.updateComment({ ...r, comment_id: keep.id, body });
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
    const ours = mine(list, who, isOurs, (a, b) => a.number - b.number);
    const found = ours.find((i) => i.state === 'open') ?? ours[ours.length - 1];
    if (found) return found.number;
  }
  const created = await octokit.rest.issues.create({
    ...r,
    title: `tether: run ${runId}`,
    labels: [TRACKING_LABEL],
    body: `${marker}\nStatus of training run \`${runId}\`, updated by tether's patrol on every tick.`,
  });
  who.login ??= created.data.user?.login ?? null;
  return created.data.number;
}

/**
 * The open tracking issues by tether's identity, with their run ids, newest first: at most
 * TRACKING_PAGES_MAX pages of the label's listing (a closed one is a torn-down run).
 */
export async function openTrackingIssues(octokit: Octokit, r: Repo, who: Identity): Promise<Array<{ number: number; runId: string }>> {
  const list: IssueLite[] = [];
  let pages = 0;
  for await (const page of octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
    ...r,
    state: 'open',
    labels: TRACKING_LABEL,
    per_page: 100,
    sort: 'created',
    direction: 'desc',
  })) {
    list.push(...(page.data as IssueLite[]));
    if (++pages >= TRACKING_PAGES_MAX) break;
  }
  const runIdOf = (i: IssueLite) => /<!-- tether:tracking ([A-Za-z0-9._-]{1,64}) -->/.exec(i.body ?? '')?.[1];
  const out: Array<{ number: number; runId: string }> = [];
  for (const i of mine(
    list,
    who,
    (x) => !x.pull_request && runIdOf(x) !== undefined,
    (a, b) => b.number - a.number,
  )) {
    const runId = runIdOf(i)!;
    if (!out.some((o) => o.runId === runId)) out.push({ number: i.number, runId });
  }
  return out;
}
