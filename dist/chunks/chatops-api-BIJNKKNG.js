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
import {
  roleOf
} from "./chunk-TGGGXPPT.js";
import "./chunk-YYRHL6YM.js";
import "./chunk-LK26I7RU.js";
import "./chunk-GNV6GGOU.js";
import "./chunk-Y5HP5YFS.js";
import "./chunk-JJDYANJU.js";
import "./chunk-6IC2V5YV.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-R3K6G2KB.js";

// src/github/chatops-api.ts
function chatopsApi(env, token) {
  const [owner, repo] = (env["GITHUB_REPOSITORY"] ?? "").split("/");
  if (!owner || !repo) throw new InputError("github-token", "chatops needs GITHUB_REPOSITORY (owner/repo), which the runner sets");
  if (!token) throw new InputError("github-token", "is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows");
  const octokit = client(token, env["GITHUB_API_URL"] ?? "https://api.github.com");
  const r = { owner, repo };
  return {
    role: async (username) => {
      try {
        return roleOf((await octokit.rest.repos.getCollaboratorPermissionLevel({ ...r, username })).data);
      } catch (err) {
        if (err.status === 404) return "none";
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
      return data.filter((c) => c.user?.type === "Bot" && (c.body ?? "").startsWith("\u{1F44E}") && (c.body ?? "").replace(/\u200b/g, "").includes(`@${login} `)).length;
    },
    dispatch: async (workflow, ref, inputs) => {
      const res = await octokit.rest.actions.createWorkflowDispatch({ ...r, workflow_id: workflow, ref, inputs, return_run_details: true });
      const url = res.data?.html_url;
      const base = (env["GITHUB_SERVER_URL"] ?? "https://github.com").replace(/\/+$/, "");
      return typeof url === "string" && /^https?:\/\/[^\s<>()]+$/.test(url) ? url : `${base}/${owner}/${repo}/actions/workflows/${workflow}`;
    }
  };
}
export {
  chatopsApi
};
