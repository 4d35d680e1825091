import type { Octokit } from '@octokit/rest';
import { InputError } from '../config/errors.ts';
import type { ActionsApi } from '../ports/types.ts';
import { client } from './sticky.ts';

type Env = Record<string, string | undefined>;

/**
 * The Actions API the patrol's after-verified reads (issue 27 §3), through the real @octokit/rest (a run and its
 * environment reviews) and the real @actions/artifact client (another run's artifact, found by run id: it asks
 * the REST API GitHub's `GITHUB_API_URL` names, and checks the zip's sha256 against the recorded digest).
 */
export function actionsApi(env: Env, token: string): ActionsApi {
  const [owner, repo] = (env['GITHUB_REPOSITORY'] ?? '').split('/');
  if (!owner || !repo) throw new InputError('github-token', 'the patrol needs GITHUB_REPOSITORY (owner/repo), which the runner sets');
  const octokit: Octokit = client(token, env['GITHUB_API_URL'] ?? 'https://api.github.com');
  const r = { owner, repo };
  const findBy = (workflowRunId: number) => ({ token, workflowRunId, repositoryOwner: owner, repositoryName: repo });
  return {
    workflowRun: async (id) => {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...r, run_id: id });
      return { path: String(data.path ?? ''), status: data.status ?? null, conclusion: data.conclusion ?? null };
    },
    approvals: async (id) => {
      const { data } = await octokit.rest.actions.getReviewsForRun({ ...r, run_id: id });
      return data.slice(0, 100).map((a) => ({
        state: String(a.state),
        environments: (a.environments ?? []).map((e) => String(e.name ?? '')),
        login: String(a.user?.login ?? ''),
        type: String(a.user?.type ?? ''),
      }));
    },
    downloadRunArtifact: async (runId, match, dir, maxBytes) => {
      // Loaded here: @actions/github fixes its API base URL (GITHUB_API_URL) when it is first imported.
      const { DefaultArtifactClient } = await import('@actions/artifact');
      const artifacts = new DefaultArtifactClient();
      const { artifacts: list } = await artifacts.listArtifacts({ findBy: findBy(runId) });
      const found = list.filter((a) => match.test(a.name));
      if (found.length === 0) return null;
      if (found.length > 1)
        throw new Error(`workflow run ${runId} has ${found.length} artifacts named like ${match.source}: which one is the proof is not clear`);
      const a = found[0]!;
      if (a.size > maxBytes) throw new Error(`artifact ${a.name} is ${a.size} bytes, more than a proof's ${maxBytes}`);
      if (!a.digest) throw new Error(`artifact ${a.name} has no digest recorded by GitHub: its bytes cannot be checked`);
      const got = await artifacts.downloadArtifact(a.id, { path: dir, findBy: findBy(runId), expectedHash: a.digest });
      if (got.digestMismatch) throw new Error(`artifact ${a.name} (id ${a.id}) downloaded with a different sha256 than GitHub recorded`);
      return { name: a.name, id: a.id };
    },
  };
}
