/**
 * The GitHub composition root: the ports every phase gets when it runs as an action. The artifact
 * client and the REST client are loaded only when a phase first uses them (an action that never uploads
 * never evaluates @actions/artifact).
 */
import type { ArtifactUploader } from '../collect/artifacts.ts';
import type { StoreSpec } from '../config/patrol.ts';
import type { ActionsApi, Ports } from '../ports/types.ts';
import { fileStore, readConfigFile } from '../ports/files.ts';
import type { StatusStore } from '../report/reporter.ts';
import { artifactServiceMissing } from './artifact-env.ts';
import { refuseUnsafeContext } from './context.ts';
import { commentEvent } from './comment-event.ts';
import { InputError } from '../config/errors.ts';
import type { ChatOpsApi } from '../chatops/phase.ts';
import type { KeySource } from '../config/connection.ts';
import { loadCredential } from '../ssh/keys.ts';
import { macKeyOf } from '../ssh/sign.ts';
import type { Credential } from '../ssh/keys.ts';
import { REGISTRATION_PREFIX } from '../registry/entry.ts';
import { verifiedRegistration } from '../registry/hosts.ts';

type Env = Record<string, string | undefined>;

/** The artifact service, its client created on the first upload. */
function lazyArtifacts(env: NodeJS.ProcessEnv): ArtifactUploader {
  let real: Promise<ArtifactUploader> | undefined;
  const get = () => (real ??= import('./artifacts.ts').then((m) => m.githubArtifacts(env)));
  return {
    unavailable: () => artifactServiceMissing(env),
    upload: async (plan, retentionDays) => (await get()).upload(plan, retentionDays),
  };
}

/** The sticky-comment store a phase's `report-to` asks for (its token was masked by the runner), its REST client created on first use. */
function lazyStore(spec: StoreSpec, env: Env): StatusStore {
  // Hints given before the client exists are handed over when it is created; after that, directly.
  const hints: Array<[string, number, number | undefined]> = [];
  let store: StatusStore | undefined;
  let real: Promise<StatusStore> | undefined;
  const get = () =>
    (real ??= import('./status-store.ts').then((m) => {
      store = m.githubStore(spec.reportTo, env, spec.token, spec.header, keyOf(spec.signingKey), provesOf(spec.signingKey));
      for (const [id, n, c] of hints) store.hint?.(id, n, c);
      return store;
    }));
  return {
    load: async (ids) => (await get()).load(ids),
    save: async (ids, render) => (await get()).save(ids, render),
    hint: (id, n, c) => (store ? store.hint?.(id, n, c) : void hints.push([id, n, c])),
    known: () => store?.known?.() ?? {},
    knownComments: () => store?.knownComments?.() ?? {},
    register: async (id, body) => (await get()).register!(id, body),
    registered: async () => (await get()).registered!(),
    reopen: async (id, n, why) => (await get()).reopen!(id, n, why),
  };
}

/** A registration comment signed with our SSH key proves its author is tether (how an older tether's items are found). */
export function provesOf(key: KeySource | null): ((body: string) => boolean) | undefined {
  if (!key) return undefined;
  let cred: Credential;
  try {
    cred = loadCredential(key);
  } catch {
    return undefined;
  }
  if (!('privateKey' in cred)) return undefined;
  return (body) => body.includes(REGISTRATION_PREFIX) && 'entry' in verifiedRegistration(body, cred);
}

/** The MAC key tether signs its GitHub items with (null without ssh-key or ssh-key-path). */
export const keyOf = (key: KeySource | null): Buffer | null => macKeyOf(key);

export function githubPorts(env: NodeJS.ProcessEnv = process.env): Ports {
  return {
    workspace: env['GITHUB_WORKSPACE'] ?? process.cwd(),
    statusMode: 'markdown',
    checkContext: (use) => refuseUnsafeContext(env, use),
    stateStore: fileStore,
    readConfig: readConfigFile,
    artifacts: () => lazyArtifacts(env),
    statusStore: (spec) => lazyStore(spec, env),
    fetchArtifact: async (name, dir) => (await import('./artifacts.ts')).fetchArtifact(name, dir),
    chatops: (token) => {
      const found = commentEvent(env);
      if (!found) return null;
      if (!token) throw new InputError('github-token', 'is empty; chatops needs a token that may read permissions, react, comment and dispatch workflows');
      // @octokit/rest is loaded on the first call, as for the status store.
      let real: Promise<ChatOpsApi> | undefined;
      const get = () => (real ??= import('./chatops-api.ts').then((m) => m.chatopsApi(env, token)));
      const api: ChatOpsApi = {
        role: async (login) => (await get()).role(login),
        fromFork: async (n) => (await get()).fromFork(n),
        react: async (id, c) => (await get()).react(id, c),
        reply: async (n, b) => (await get()).reply(n, b),
        dispatch: async (w, r, i) => (await get()).dispatch(w, r, i),
        refusedLately: async (n, l, ms) => (await get()).refusedLately!(n, l, ms),
      };
      return { ...found, api };
    },
    dispatcher: (token) => {
      if (!token) return null;
      let real: Promise<ChatOpsApi> | undefined;
      const get = () => (real ??= import('./chatops-api.ts').then((m) => m.chatopsApi(env, token)));
      return { dispatch: async (w, r, i) => (await get()).dispatch(w, r, i) };
    },
    actionsApi: (token) => {
      if (!token) return null;
      let real: Promise<ActionsApi> | undefined;
      const get = () => (real ??= import('./actions-api.ts').then((m) => m.actionsApi(env, token)));
      return {
        workflowRun: async (id) => (await get()).workflowRun(id),
        approvals: async (id) => (await get()).approvals(id),
        downloadRunArtifact: async (...a) => (await get()).downloadRunArtifact(...a),
      };
    },
    afterTeardown: async (spec, runId, reporter, state, reason) =>
      (await import('./status-store.ts')).teardownDone(spec, runId, env, reporter, state, reason, keyOf(spec.signingKey)),
  };
}
