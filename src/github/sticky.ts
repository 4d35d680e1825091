import { Octokit } from '@octokit/rest';

/** GitHub's REST API for the sticky status comment (issues and PRs share issue comments). */
export interface Repo {
  owner: string;
  repo: string;
}

export function client(token: string, apiUrl: string, timeoutMs = 20_000): Octokit {
  const octokit = new Octokit({ auth: token, baseUrl: apiUrl, userAgent: 'tether' });
  // Every call is bounded: a hanging API must not hang the tick.
  octokit.hook.wrap('request', (request, options) => request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } }));
  return octokit;
}

/** The login that writes our comments: a token's user, or the Actions bot for GITHUB_TOKEN (which cannot read /user). */
export async function whoAmI(octokit: Octokit): Promise<string> {
  try {
    return (await octokit.rest.users.getAuthenticated()).data.login;
  } catch (err) {
    if ((err as { status?: number }).status === 403) return 'github-actions[bot]';
    throw err;
  }
}

interface CommentLite {
  id: number;
  body?: string;
  user: { login: string } | null;
}

/** Our marker comments on an issue or PR, oldest first, across all pages. */
export async function ourComments(octokit: Octokit, r: Repo, issue: number, marker: string, author: string): Promise<CommentLite[]> {
  const all = (await octokit.paginate(octokit.rest.issues.listComments, { ...r, issue_number: issue, per_page: 100 })) as CommentLite[];
  return all.filter((c) => c.user?.login === author && (c.body ?? '').includes(marker)).sort((a, b) => a.id - b.id);
}

/**
 * Exactly one comment: update ours in place, or create it; then look again, and if a concurrent tick
 * also created one, keep the oldest and delete the rest (both racers reach the same choice).
 */
export async function upsertSticky(octokit: Octokit, r: Repo, issue: number, marker: string, author: string, body: string): Promise<{ id: number; url: string; created: boolean; removed: number }> {
  let ours = await ourComments(octokit, r, issue, marker, author);
  let created = false;
  if (ours.length === 0) {
    await octokit.rest.issues.createComment({ ...r, issue_number: issue, body });
    created = true;
    ours = await ourComments(octokit, r, issue, marker, author);
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

/**
 * The tracking issue of a run (created by us, found by its marker): the oldest open one, else the newest
 * closed one (teardown closes it, and the patrol keeps reporting the run as torn down there), else a new one.
 */
export async function trackingIssue(octokit: Octokit, r: Repo, runId: string, author: string): Promise<number> {
  const marker = `<!-- tether:tracking ${runId} -->`;
  const all = (await octokit.paginate(octokit.rest.issues.listForRepo, { ...r, state: 'all', per_page: 100 })) as Array<{ number: number; state?: string; body?: string | null; user: { login: string } | null; pull_request?: unknown }>;
  const ours = all.filter((i) => !i.pull_request && i.user?.login === author && (i.body ?? '').includes(marker));
  const found = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number)[0] ?? ours.sort((a, b) => b.number - a.number)[0];
  if (found) return found.number;
  const created = await octokit.rest.issues.create({ ...r, title: `tether: run ${runId}`, body: `${marker}\nStatus of training run \`${runId}\`, updated by tether's patrol on every tick.` });
  return created.data.number;
}
