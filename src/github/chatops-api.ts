import type { Octokit } from '@octokit/rest';
import { InputError } from '../config/errors.ts';
import type { ChatOpsApi } from '../chatops/phase.ts';
import { roleOf } from '../chatops/gate.ts';
import { client } from './sticky.ts';

type Env = Record<string, string | undefined>;

/** ChatOps through the real @octokit/rest: roles, reactions, replies and workflow dispatches. */
export function chatopsApi(env: Env, token: string): ChatOpsApi {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) throw new InputError('github-token', 'chatops needs GITHUB_REPOSITORY (owner/repo), which the runner sets');
  if (!token) throw new InputError('github-token', 'is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows');
  const octokit: Octokit = client(token, env['GITHUB_API_URL'] ?? 'https://api.github.com');
  const r = { owner, repo };
  return {
    role: async (username) => {
      try {
        return roleOf((await octokit.rest.repos.getCollaboratorPermissionLevel({ ...r, username })).data);
      } catch (err) {
        // A login that is no collaborator (or no user) has no role here.
        if ((err as { status?: number }).status === 404) return 'none';
        throw err;
      }
    },
    fromFork: async (n) => {
      const pr = (await octokit.rest.pulls.get({ ...r, pull_number: n })).data;
      return Boolean(pr.head.repo?.fork) || pr.head.repo?.full_name !== `${owner}/${repo}`;
    },
    react: async (id, content) => {
      await octokit.rest.reactions.createForIssueComment({ ...r, comment_id: id, content });
    },
    reply: async (n, body) => (await octokit.rest.issues.createComment({ ...r, issue_number: n, body })).data.html_url,
    // One page of the comments updated since then (bounded): tether's own refusal replies naming this login.
    refusedLately: async (n, login, sinceMs) => {
      const { data } = await octokit.rest.issues.listComments({ ...r, issue_number: n, since: new Date(Date.now() - sinceMs).toISOString(), per_page: 100 });
      return data.filter((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith('👎') && (c.body ?? '').replace(/\u200b/g, '').includes(`@${login} `))
        .length;
    },
    dispatch: async (workflow, ref, inputs) => {
      const res = await octokit.rest.actions.createWorkflowDispatch({ ...r, workflow_id: workflow, ref, inputs, return_run_details: true });
      const url = (res.data as { html_url?: unknown } | undefined)?.html_url;
      const base = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '');
      return typeof url === 'string' && /^https?:\/\/[^\s<>()]+$/.test(url) ? url : `${base}/${owner}/${repo}/actions/workflows/${workflow}`;
    },
  };
}
