import type { Octokit } from '@octokit/rest';
import { InputError } from '../config/errors.ts';
import { parseReportTo, type ReportTo } from '../config/patrol.ts';
import { client, ourComments, trackingIssue, upsertSticky, whoAmI, type Repo } from './sticky.ts';

import type { Reporter, StatusStore } from '../report/reporter.ts';
import { STATUS_MARKER } from '../report/patrol.ts';
import { fitMemory, memoryBlock, readMemory, type RunMemory } from '../patrol/memory.ts';

export function githubStore(target: ReportTo, env: Record<string, string | undefined>, token: string): StatusStore {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) throw new InputError('report-to', 'needs GITHUB_REPOSITORY (owner/repo), which the runner sets');
  if (!token) throw new InputError('github-token', "is empty; report-to needs a token with issues: write (the default is the workflow's GITHUB_TOKEN)");
  const r: Repo = { owner, repo };
  const octokit: Octokit = client(token, env['GITHUB_API_URL'] ?? 'https://api.github.com');
  let author: string | undefined;
  const me = async () => (author ??= await whoAmI(octokit));
  const issues = new Map<string, number>();
  const issueOf = async (runId: string) => {
    if (target.kind !== 'tracking-issue') return target.number;
    if (!issues.has(runId)) issues.set(runId, await trackingIssue(octokit, r, runId, await me()));
    return issues.get(runId) as number;
  };
  return {
    load: async (runIds) => {
      const ids = target.kind === 'tracking-issue' ? runIds : [runIds[0] ?? ''];
      const bodies: string[] = [];
      for (const id of ids) {
        const found = await ourComments(octokit, r, await issueOf(id), STATUS_MARKER, await me());
        if (found[0]?.body) bodies.push(found[0].body);
      }
      return bodies;
    },
    save: async (runIds, render) => {
      const urls: string[] = [];
      const groups = target.kind === 'tracking-issue' ? runIds.map((id) => [id]) : [runIds];
      for (const ids of groups) {
        const res = await upsertSticky(octokit, r, await issueOf(ids[0] ?? ''), STATUS_MARKER, await me(), render(ids));
        urls.push(res.url);
      }
      return urls;
    },
  };
}

/** The sticky-comment store a patrol's `report-to` asks for (token masked first), or none. */
export function storeFromInputs(inputs: Record<string, string | undefined>, env: Record<string, string | undefined>, reporter: Reporter): StatusStore | undefined {
  const target = parseReportTo(inputs['report-to']);
  const token = inputs['github-token'] ?? '';
  if (token) reporter.mask(token);
  return target ? githubStore(target, env, token) : undefined;
}

/**
 * After a real teardown: the run's tick memory in its sticky status is marked torn down (so the patrol
 * stops probing it and reports it as such), the status says so at the top, and a tracking issue is
 * closed with the final line. Failures here are warnings: the instance is already gone.
 */
export async function teardownDone(inputs: Record<string, string | undefined>, env: Record<string, string | undefined>, reporter: Reporter, state: 'torn-down' | 'parked', reason: string): Promise<void> {
  const target = parseReportTo(inputs['report-to']);
  if (!target) return;
  const runId = inputs['run-id'] ?? '';
  const token = inputs['github-token'] ?? '';
  if (token) reporter.mask(token);
  try {
    const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
    if (!owner || !repo || !token) throw new Error('GITHUB_REPOSITORY and github-token are needed to update the status');
    const r: Repo = { owner, repo };
    const octokit = client(token, env['GITHUB_API_URL'] ?? 'https://api.github.com');
    const me = await whoAmI(octokit);
    const issue = target.kind === 'tracking-issue' ? await trackingIssue(octokit, r, runId, me) : target.number;
    const old = (await ourComments(octokit, r, issue, STATUS_MARKER, me))[0]?.body ?? '';
    const memory = readMemory(old);
    const at = new Date().toISOString();
    const prev = memory.runs[runId];
    memory.runs[runId] = { ...(prev ?? blankRun()), teardown: { state, reason, at } };
    const visible = old.replace(STATUS_MARKER, '').replace(/<!-- tether:memory [\s\S]*?-->/g, '').trim();
    const body = `${STATUS_MARKER}\n### 🏁 \`${runId}\` ${state} at ${at}\n\n${reason}\n\n${visible}\n\n${memoryBlock(fitMemory(memory, 24_000))}\n`;
    const res = await upsertSticky(octokit, r, issue, STATUS_MARKER, me, body);
    reporter.info(`teardown: status updated at ${res.url}`);
    if (target.kind === 'tracking-issue' && state === 'torn-down') {
      await octokit.rest.issues.createComment({ ...r, issue_number: issue, body: `🏁 \`${runId}\` torn down after verification: ${reason}. Closing this tracking issue.` });
      await octokit.rest.issues.update({ ...r, issue_number: issue, state: 'closed', state_reason: 'completed' });
      reporter.info(`teardown: closed tracking issue #${issue}`);
    }
  } catch (err) {
    reporter.warn(`teardown: done, but the status could not be updated (${(err as Error).message})`);
  }
}

function blankRun(): RunMemory {
  return { attempt: 0, offset: 0, state: 'finished', cls: null, since: new Date().toISOString(), lastKnown: null, unreachableSince: null, unreachableTicks: 0, oomKills: null, step: null, epoch: null, metrics: {}, history: [] };
}
