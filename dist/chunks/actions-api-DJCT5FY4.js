import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  client
} from "./chunk-IPACUKH7.js";
import "./chunk-V37UE6HX.js";
import "./chunk-YYRHL6YM.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-FHK73RDK.js";
import "./chunk-R3K6G2KB.js";

// src/github/actions-api.ts
function actionsApi(env, token) {
  const [owner, repo] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  if (!owner || !repo) throw new InputError("github-token", "the patrol needs GITHUB_REPOSITORY (owner/repo), which the runner sets");
  const octokit = client(token, env["GITHUB_API_URL"] ?? "https://api.github.com");
  const r = { owner, repo };
  const findBy = (workflowRunId) => ({ token, workflowRunId, repositoryOwner: owner, repositoryName: repo });
  return {
    workflowRun: async (id) => {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...r, run_id: id });
      return { path: String(data.path ?? ""), status: data.status ?? null, conclusion: data.conclusion ?? null };
    },
    approvals: async (id) => {
      const { data } = await octokit.rest.actions.getReviewsForRun({ ...r, run_id: id });
      return data.slice(0, 100).map((a) => ({
        state: String(a.state),
        environments: (a.environments ?? []).map((e) => String(e.name ?? "")),
        login: String(a.user?.login ?? ""),
        type: String(a.user?.type ?? "")
      }));
    },
    downloadRunArtifact: async (runId, match, dir, maxBytes) => {
      const { DefaultArtifactClient } = await import("./artifact-BTTFKDKY.js");
      const artifacts = new DefaultArtifactClient();
      const { artifacts: list } = await artifacts.listArtifacts({ findBy: findBy(runId) });
      const found = list.filter((a2) => match.test(a2.name));
      if (found.length === 0) return null;
      if (found.length > 1)
        throw new Error(`workflow run ${runId} has ${found.length} artifacts named like ${match.source}: which one is the proof is not clear`);
      const a = found[0];
      if (a.size > maxBytes) throw new Error(`artifact ${a.name} is ${a.size} bytes, more than a proof's ${maxBytes}`);
      if (!a.digest) throw new Error(`artifact ${a.name} has no digest recorded by GitHub: its bytes cannot be checked`);
      const got = await artifacts.downloadArtifact(a.id, { path: dir, findBy: findBy(runId), expectedHash: a.digest });
      if (got.digestMismatch) throw new Error(`artifact ${a.name} (id ${a.id}) downloaded with a different sha256 than GitHub recorded`);
      return { name: a.name, id: a.id };
    }
  };
}
export {
  actionsApi
};
