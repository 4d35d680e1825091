import type { Octokit } from '@octokit/rest';
import { InputError } from '../config/errors.ts';
import type { ReportTo, StoreSpec } from '../config/patrol.ts';
import { client, ourComment, ourComments, rememberedComment, trackingIssue, trackingIssues, upsertSticky, whoAmI, type Identity, type Repo } from './sticky.ts';
import { REGISTRATION_PREFIX, registrationMarker, registrationRunId } from '../registry/entry.ts';

import type { Reporter, StatusStore } from '../report/reporter.ts';
import { code, inert } from '../report/markdown.ts';
import { renderTeardownMark, statusMarker } from '../patrol/render.ts';

/** Runs the patrol takes from the registry at most (the same bound as run-ids on one host). */
export const REGISTRATIONS_MAX = 64;

export function githubStore(
  target: ReportTo,
  env: Record<string, string | undefined>,
  token: string,
  header = '',
  key: Buffer | null = null,
  proves?: (body: string) => boolean,
): StatusStore & { closeTracking(runId: string, comment: string): Promise<number | null> } {
  const marker = statusMarker(header);
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) throw new InputError('report-to', 'needs GITHUB_REPOSITORY (owner/repo), which the runner sets');
  if (!token) throw new InputError('github-token', "is empty; report-to needs a token with issues: write (the default is the workflow's GITHUB_TOKEN)");
  const r: Repo = { owner, repo };
  const octokit: Octokit = client(token, env['GITHUB_API_URL'] ?? 'https://api.github.com');
  let who: Identity | undefined;
  const me = async () => (who ??= await whoAmI(octokit, key, proves));
  // The status comment found by load, per issue: save updates it directly, so nothing is listed twice a tick.
  const found = new Map<number, number>();
  // Comment ids remembered from earlier ticks (the state file's signed memory), by run: fetched directly.
  const commentHints = new Map<string, number>();
  const byRun = new Map<string, number>();
  const issues = new Map<string, number>();
  const hints = new Map<string, number>();
  const issueOf = async (runId: string) => {
    if (target.kind !== 'tracking-issue') return target.number;
    if (!issues.has(runId)) issues.set(runId, await trackingIssue(octokit, r, runId, await me(), hints.get(runId)));
    return issues.get(runId) as number;
  };
  return {
    hint: (runId, issue, comment) => {
      if (issue > 0) hints.set(runId, issue);
      if (comment && comment > 0) commentHints.set(runId, comment);
    },
    known: () => Object.fromEntries(issues),
    knownComments: () => Object.fromEntries([...byRun].filter(([, issue]) => found.has(issue)).map(([id, issue]) => [id, found.get(issue) as number])),
    load: async (runIds) => {
      const ids = target.kind === 'tracking-issue' ? runIds : [runIds[0] ?? ''];
      const bodies: string[] = [];
      for (const id of ids) {
        const issue = await issueOf(id);
        byRun.set(id, issue);
        const direct = await rememberedComment(octokit, r, issue, marker, await me(), found.get(issue) ?? commentHints.get(id));
        if (direct) {
          found.set(issue, direct.id);
          bodies.push(direct.body ?? '');
          continue;
        }
        const mine = await ourComment(octokit, r, issue, marker, await me());
        if (mine) found.set(issue, mine.id);
        if (mine?.body) bodies.push(mine.body);
      }
      return bodies;
    },
    save: async (runIds, render) => {
      const urls: string[] = [];
      const groups = target.kind === 'tracking-issue' ? runIds.map((id) => [id]) : [runIds];
      for (const ids of groups) {
        const issue = await issueOf(ids[0] ?? '');
        for (const id of ids) byRun.set(id, issue);
        const res = await upsertSticky(octokit, r, issue, marker, await me(), render(ids), found.get(issue));
        found.set(issue, res.id);
        urls.push(res.url);
      }
      return urls;
    },
    notify: async (runIds, body) => {
      const res = await octokit.rest.issues.createComment({ ...r, issue_number: await issueOf(runIds[0] ?? ''), body });
      return res.data.html_url;
    },
    register: async (runId, body) => (await upsertSticky(octokit, r, await issueOf(runId), registrationMarker(runId), await me(), body)).url,
    registered: async () => registrations(octokit, r, target, await me(), issues),
    reopen: async (runId, issue, why) => {
      await octokit.rest.issues.update({ ...r, issue_number: issue, state: 'open' });
      await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: `⚠️ tether reopened this tracking issue: ${inert(why)}` });
      issues.set(runId, issue);
    },
    /** Comments and closes the run's tracking issue; null when the status lives elsewhere. */
    closeTracking: async (runId, comment) => {
      if (target.kind !== 'tracking-issue') return null;
      const issue = await issueOf(runId);
      await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: comment });
      await octokit.rest.issues.update({ ...r, issue_number: issue, state: 'closed', state_reason: 'completed' });
      return issue;
    },
  };
}

/**
 * Where launch registered: the one issue or PR, or each tracking issue (teardown closes them), at most
 * REGISTRATIONS_MAX. A closed tracking issue is not an ended run (anyone can close an issue): its run is still
 * taken, and the patrol reopens it unless tether's signed teardown mark says the run ended. The tracking
 * issues found are remembered in `issues`.
 */
async function registrations(
  octokit: Octokit,
  r: Repo,
  target: ReportTo,
  me: Identity,
  issues: Map<string, number>,
): Promise<Array<{ runId: string; body: string; closedIssue?: number }>> {
  const places: Array<{ issue: number; runId?: string; closed?: boolean }> =
    target.kind === 'tracking-issue'
      ? (await trackingIssues(octokit, r, me)).map((t) => (issues.set(t.runId, t.number), { issue: t.number, runId: t.runId, closed: t.closed }))
      : [{ issue: target.number }];
  const regs: Array<{ runId: string; body: string; closedIssue?: number }> = [];
  for (const p of places) {
    for (const c of await ourComments(octokit, r, p.issue, REGISTRATION_PREFIX, me)) {
      const id = registrationRunId(c.body ?? '');
      // In a tracking issue only that run's registration counts.
      if (id && (!p.runId || p.runId === id) && !regs.some((f) => f.runId === id))
        regs.push({ runId: id, body: c.body ?? '', ...(p.closed ? { closedIssue: p.issue } : {}) });
      if (regs.length >= REGISTRATIONS_MAX) return regs;
    }
  }
  return regs;
}

/**
 * After a real teardown: the run's sticky status is marked (the patrol stops probing it and reports it
 * torn down), and a tracking issue is closed with the final line. Failures here are warnings: the
 * instance is already gone.
 */
export async function teardownDone(
  spec: StoreSpec,
  runId: string,
  env: Record<string, string | undefined>,
  reporter: Reporter,
  state: 'torn-down' | 'parked',
  reason: string,
  key: Buffer | null,
): Promise<void> {
  const { reportTo: target, header, token } = spec;
  try {
    const store = githubStore(target, env, token, header, key);
    const [old] = await store.load([runId]);
    const body = renderTeardownMark(old ?? '', runId, { state, reason, at: new Date().toISOString() }, statusMarker(header), key);
    const [url] = await store.save([runId], () => body);
    reporter.info(`teardown: status updated at ${url}`);
    if (state === 'torn-down') {
      const closed = await store.closeTracking(runId, `🏁 ${code(runId)} torn down after verification: ${inert(reason)}. Closing this tracking issue.`);
      if (closed !== null) reporter.info(`teardown: closed tracking issue #${closed}`);
    }
  } catch (err) {
    reporter.warn(`teardown: done, but the status could not be updated (${(err as Error).message})`);
  }
}
