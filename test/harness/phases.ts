/**
 * The phases as the tests call them: raw inputs in, the registry's one parser (src/config), then the phase's
 * typed run with ports made of what the test hands over. No defaults are filled in and only the first bad
 * input is thrown, as a phase called directly always did; runPhase (defaults, every error at once, context
 * checks) is tested on its own.
 */
import type { Inputs } from '../../src/config/connection.ts';
import { maskSecrets, patrolSteps, PHASES } from '../../src/phases.ts';
import { fileStore, readConfigFile } from '../../src/ports/files.ts';
import type { ArtifactUploader } from '../../src/collect/artifacts.ts';
import type { ChatOpsDeps } from '../../src/chatops/phase.ts';
import type { PhaseContext, Ports } from '../../src/ports/types.ts';
import type { Reporter, StatusStore } from '../../src/report/reporter.ts';
import type { PatrolSteps } from '../../src/patrol/phase.ts';
import type { TeardownOptions } from '../../src/teardown/phase.ts';
import type { Registered } from '../../src/registry/hosts.ts';

/** The phase's config, its secrets masked first as the runner does. */
function parsed<P extends keyof typeof PHASES>(name: P, inputs: Inputs, env: Inputs, reporter: Reporter): ReturnType<(typeof PHASES)[P]['parse']> {
  maskSecrets(PHASES[name], inputs, reporter);
  return PHASES[name].parse(inputs, env) as ReturnType<(typeof PHASES)[P]['parse']>;
}

function ctx(env: Inputs, reporter: Reporter, ports: Partial<Ports>): PhaseContext {
  return {
    env,
    reporter,
    ports: { workspace: process.cwd(), statusMode: 'markdown', checkContext: () => undefined, stateStore: fileStore, readConfig: readConfigFile, ...ports },
  };
}

export async function auditPhase(inputs: Inputs, env: Inputs, reporter: Reporter): Promise<number> {
  return PHASES.audit.run(parsed('audit', inputs, env, reporter), ctx(env, reporter, {}));
}

export async function launchPhase(
  inputs: Inputs,
  env: Inputs,
  reporter: Reporter,
  workspace: string,
  store?: StatusStore,
  fetchArtifact?: (name: string, dir: string) => Promise<unknown>,
): Promise<number> {
  const cfg = parsed('launch', inputs, env, reporter);
  return PHASES.launch.run(cfg, ctx(env, reporter, { workspace, ...(store ? { statusStore: () => store } : {}), ...(fetchArtifact ? { fetchArtifact } : {}) }));
}

export interface PatrolDeps {
  probe: PatrolSteps['probeHost'];
  probeOn?: PatrolSteps['probeOn'];
  /** The real registeredHosts (the patrol uses it itself; kept so the tests read as before). */
  registered?: (...args: never[]) => Registered;
  mode?: 'markdown' | 'text';
  remote?: StatusStore | undefined;
  workspace?: string;
  artifacts?: ArtifactUploader | undefined;
  /** The recovery dispatch (the real @octokit/rest against the GitHub double, as the action builds it). */
  dispatcher?: Ports['dispatcher'];
  /** The Actions API (after-verified: approvals and another run's artifact), the real clients against the doubles. */
  actionsApi?: Ports['actionsApi'];
}

export async function patrolPhase(inputs: Inputs, env: Inputs, reporter: Reporter, deps: PatrolDeps): Promise<number> {
  const cfg = parsed('patrol', inputs, env, reporter);
  const { patrolPhase: run } = await import('../../src/patrol/phase.ts');
  return run(
    cfg,
    ctx(env, reporter, {
      ...(deps.workspace ? { workspace: deps.workspace } : {}),
      ...(deps.mode ? { statusMode: deps.mode } : {}),
      ...(deps.remote ? { statusStore: () => deps.remote! } : {}),
      ...(deps.artifacts ? { artifacts: () => deps.artifacts! } : {}),
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
      ...(deps.actionsApi ? { actionsApi: deps.actionsApi } : {}),
    }),
    { ...(await patrolSteps()), probeHost: deps.probe, ...(deps.probeOn ? { probeOn: deps.probeOn } : {}) },
  );
}

export async function collectPhase(inputs: Inputs, env: Inputs, reporter: Reporter, workspace: string, artifacts?: ArtifactUploader): Promise<number> {
  const cfg = parsed('collect', inputs, env, reporter);
  return PHASES.collect.run(cfg, ctx(env, reporter, { workspace, ...(artifacts ? { artifacts: () => artifacts } : {}) }));
}

export async function teardownPhase(
  inputs: Inputs,
  env: Inputs,
  reporter: Reporter,
  workspace: string,
  deps: TeardownOptions & { fetchArtifact?: (name: string, dir: string) => Promise<unknown>; store?: StatusStore } = {},
): Promise<number> {
  const cfg = parsed('teardown', inputs, env, reporter);
  const { fetchArtifact, store, ...opts } = deps;
  const { teardownPhase: run } = await import('../../src/teardown/phase.ts');
  return run(cfg, ctx(env, reporter, { workspace, ...(fetchArtifact ? { fetchArtifact } : {}), ...(store ? { statusStore: () => store } : {}) }), opts);
}

export async function chatopsPhase(inputs: Inputs, reporter: Reporter, deps: ChatOpsDeps): Promise<number> {
  const cfg = parsed('chatops', inputs, {}, reporter);
  const { chatopsPhase: run } = await import('../../src/chatops/phase.ts');
  return run(cfg, reporter, deps);
}

/** provision with its polls shortened for a test; `over` changes the parsed config (a deadline under the parser's 30 s floor). */
export async function provisionPhase(
  inputs: Inputs,
  env: Inputs,
  reporter: Reporter,
  workspace: string,
  over: Partial<ReturnType<(typeof PHASES)['provision']['parse']>> = {},
  store?: StatusStore,
): Promise<number> {
  const cfg = { ...parsed('provision', inputs, env, reporter), ...over };
  const { provisionPhase: run } = await import('../../src/provision/phase.ts');
  return run(cfg, ctx(env, reporter, { workspace, ...(store ? { statusStore: () => store } : {}) }), {
    pollMs: 200,
    callTimeoutMs: 10_000,
    destroyDeadlineMs: 20_000,
  });
}

/** recover with provision's polls shortened and no waiting between the provider's two readings beyond `confirm`. */
export async function recoverPhase(inputs: Inputs, env: Inputs, reporter: Reporter, workspace: string, store: StatusStore): Promise<number> {
  const cfg = parsed('recover', inputs, env, reporter);
  const { recoverPhase: run } = await import('../../src/recover/phase.ts');
  return run(cfg, ctx(env, reporter, { workspace, statusStore: () => store }), {
    provision: { pollMs: 200, callTimeoutMs: 10_000, destroyDeadlineMs: 20_000 },
  });
}
