/**
 * The ports: every effect a phase may use besides its config, as interfaces. Built in one place for GitHub
 * (src/github/ports.ts) and one for the terminal (src/cli/ports.ts); a phase receives them in its context.
 * Types only, so any folder may name them without importing what implements them.
 */
import type { Role } from '../config/chatops.ts';
import type { Inputs } from '../config/connection.ts';
import type { StoreSpec } from '../config/patrol.ts';
import type { Reporter, StatusStore } from '../report/reporter.ts';

/** What collect uploads as workflow artifacts, and under which names (planned by src/collect/artifacts.ts). */
export interface ArtifactPlan {
  kind: 'checkpoints' | 'records';
  name: string;
  /** Directory the files are relative to (the zip keeps this layout). */
  root: string;
  files: string[];
  bytes: number;
}

export interface UploadedArtifact {
  name: string;
  id: number;
  size: number;
  digest: string;
  /** The name already existed in this workflow run with this manifest, so that artifact was kept. */
  reused: boolean;
}

export interface ArtifactUploader {
  /** Why uploads cannot work here (no Actions runtime), or null. */
  unavailable(): string | null;
  upload(plan: ArtifactPlan, retentionDays: number | undefined): Promise<UploadedArtifact>;
}

/** An issue_comment event as ChatOps reads it (src/github/comment-event.ts). */
export interface CommentEvent {
  /** created, edited or deleted. */
  action: string;
  commentId: number;
  body: string;
  login: string;
  /** User, Bot, Organization, … */
  userType: string;
  issueNumber: number;
  isPullRequest: boolean;
}

export type Reaction = '+1' | '-1' | 'eyes' | 'rocket' | 'confused';

/** What ChatOps does on GitHub, handed in (src/github/chatops-api.ts). */
export interface ChatOpsApi {
  /** The commenter's role on the repository, from GET /repos/{owner}/{repo}/collaborators/{username}/permission. */
  role(login: string): Promise<Role>;
  /** Whether pull request `n` comes from a fork. */
  fromFork(n: number): Promise<boolean>;
  react(commentId: number, content: Reaction): Promise<void>;
  /** Posts a comment on issue or pull request `n`; its URL. */
  reply(n: number, body: string): Promise<string>;
  /** workflow_dispatch of `workflow` on `ref`; the URL of the run it started (or of the workflow, when GitHub does not say). */
  dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<string>;
  /** How many refusals tether replied to this login on this issue in the last `sinceMs` (bounded: one page). */
  refusedLately?(issue: number, login: string, sinceMs: number): Promise<number>;
}

/**
 * What a phase may use besides its config, built in one place for GitHub (src/github/ports.ts) and one for
 * the terminal (src/cli/ports.ts). Every port takes typed values, never raw inputs.
 */
export interface Ports {
  /** Relative paths (dest-dir, verified-path, run-file, sync-dir) resolve against this. */
  workspace: string;
  /** The status table's form: markdown (job summary, comment) or aligned text. */
  statusMode: 'markdown' | 'text';
  /** Refusals before a phase that holds the SSH key runs (a fork's pull request, a key file on a hosted runner). */
  checkContext(use: { keyFile: boolean }): void;
  /** The patrol's `state-file` as a status store (src/ports/files.ts on both roots). */
  stateStore(path: string): StatusStore;
  /** The text of a tether.yml (`config`). */
  readConfig(path: string): string;
  /** The artifact service, when there is one. */
  artifacts?(): ArtifactUploader;
  /** Where the patrol's status and tick memory live (`report-to`), when asked for. */
  statusStore?(spec: StoreSpec): StatusStore;
  /** Downloads a workflow artifact into a directory (teardown's `verified-artifact`). */
  fetchArtifact?(name: string, dir: string): Promise<unknown>;
  /** ChatOps: the issue_comment event this job runs for, and the GitHub API to answer it (the action only). */
  chatops?(token: string): { api: ChatOpsApi; event: CommentEvent; defaultRef: string } | null;
  /** workflow_dispatch with this token (the patrol's recovery dispatch; needs `actions: write`), on GitHub only. */
  dispatcher?(token: string): { dispatch(workflow: string, ref: string, inputs: Record<string, string>): Promise<string> } | null;
  /** GitHub's Actions API with this token (the patrol's after-verified: approvals, the collect run's proof), on GitHub only. */
  actionsApi?(token: string): ActionsApi | null;
  /** After a real teardown: mark the run's status and close its tracking issue. */
  afterTeardown?(spec: StoreSpec, runId: string, reporter: Reporter, state: 'torn-down' | 'parked', reason: string): Promise<void>;
}

/** What the patrol reads of other workflow runs (issue 27 §3), as GitHub answers it: never trusted beyond its own word. */
export interface ActionsApi {
  /** A workflow run's workflow file (`path`), status and conclusion. */
  workflowRun(id: number): Promise<{ path: string; status: string | null; conclusion: string | null }>;
  /** The run's environment review log: each review's state, environments by name, and reviewer. */
  approvals(id: number): Promise<Array<{ state: string; environments: string[]; login: string; type: string }>>;
  /**
   * Downloads into `dir` the one artifact of workflow run `runId` whose name matches, at most `maxBytes`, its sha256
   * checked against the digest GitHub recorded; null when the run has none that matches.
   */
  downloadRunArtifact(runId: number, match: RegExp, dir: string, maxBytes: number): Promise<{ name: string; id: number } | null>;
}

/** What a phase runs with besides its config: the step's environment, where it reports, and the ports. */
export interface PhaseContext {
  env: Inputs;
  reporter: Reporter;
  ports: Ports;
}
