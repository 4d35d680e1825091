import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TeardownConfig, TeardownPhaseConfig } from './parse.ts';
import type { PhaseContext } from '../ports/types.ts';
import type { Reporter } from '../report/reporter.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { TransportError } from '../ssh/errors.ts';
import { renderCard } from './card.ts';
import { renderTeardown, type Finish, type TeardownSummary } from './render.ts';
import { checkBox, checkConfirm, checkNeverLaunched, checkProof, checkRunEnded, type Gate, type RunSeen } from './gate.ts';
import type { CardRun } from './card.ts';
import { probeOn } from '../remote/probe.ts';
import { FACTS } from '../providers/index.ts';
import { driveVerb } from './act.ts';
import { InputError } from '../config/errors.ts';
import { verifiedProvisioned, verifiedRegistration } from '../registry/hosts.ts';
import { isProvisionRecord, provisionedInstances, type Provisioned } from '../registry/provisioned.ts';
import type { Credential } from '../ssh/keys.ts';
import { proofFilesAt, type ProofFiles } from './proof-files.ts';
import { lookAtBox } from './look-box.ts';
import { teardownNodes } from './nodes.ts';

/** What a test may set: the clock and the provider's poll interval. */
export interface TeardownOptions {
  now?: () => Date;
  pollMs?: number;
}

interface TeardownDeps extends TeardownOptions {
  /** Downloads a workflow artifact into a directory (the action passes the artifact client). */
  fetchArtifact?: (name: string, dir: string) => Promise<unknown>;
  /** Called after a teardown that really happened (the action updates the sticky status and tracking issue). */
  afterTeardown?: (state: 'torn-down' | 'parked', summary: string) => Promise<void>;
  /** The run's registration comment (report-to), when there is one: Slurm's job ids come from there. */
  registration?: (runId: string) => Promise<string | null>;
}

/** The ports teardown uses, from the context: the artifact download, and with report-to the status and registration. */
function depsOf(cfg: TeardownPhaseConfig, ctx: PhaseContext, opts: TeardownOptions): TeardownDeps {
  const { ports, reporter } = ctx;
  const spec = cfg.store;
  const store = spec ? ports.statusStore?.(spec) : undefined;
  return {
    ...opts,
    ...(ports.fetchArtifact ? { fetchArtifact: (name: string, dir: string) => ports.fetchArtifact!(name, dir) } : {}),
    ...(spec && ports.afterTeardown
      ? { afterTeardown: (state: 'torn-down' | 'parked', reason: string) => ports.afterTeardown!(spec, cfg.runId, reporter, state, reason) }
      : {}),
    ...(store?.registered ? { registration: async (runId: string) => (await store.registered!()).find((f) => f.runId === runId)?.body ?? null } : {}),
  };
}

/** Reads the proof from a path (file or directory) or a downloaded artifact; a failed download is the refusal's reason. */
async function loadProof(cfg: TeardownConfig, workspace: string, fetchArtifact: TeardownDeps['fetchArtifact']): Promise<ProofFiles | string> {
  if (cfg.verifiedPath) {
    return proofFilesAt(resolve(workspace, cfg.verifiedPath));
  }
  if (!cfg.verifiedArtifact || !fetchArtifact) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tether-proof-'));
  try {
    await fetchArtifact(cfg.verifiedArtifact, dir);
    return proofFilesAt(join(dir, 'VERIFIED.json'));
  } catch (err) {
    return `the proof artifact ${cfg.verifiedArtifact} could not be downloaded: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Slurm job ids the run's signed registration carries (null when there is no registration, or it names
 * no Slurm job); a registration that does not verify with this key is a refusal, never a fallback.
 */
function jobsFromRegistration(runId: string, body: string | null, cred: Credential): { jobs: string[] | null } | { refused: string } {
  if (!body) return { jobs: null };
  const checked = verifiedRegistration(body, cred);
  if ('why' in checked) return { refused: `run ${runId}'s registration is not to be trusted (${checked.why}): not cancelling anything on its word` };
  if (checked.entry.runId !== runId)
    return { refused: `the registration found for run ${runId} is run ${checked.entry.runId}'s: not cancelling anything on its word` };
  const m = /^slurm:(\d{1,12})(_\d+)?$/.exec(checked.entry.handle ?? '');
  return { jobs: m ? [m[1] as string] : null };
}

/**
 * The run's provision record where report-to points, verified with this teardown's key: null when the run has
 * none (a launched run's registration replaced it), a refusal when it does not verify.
 */
async function provisionRecord(
  cfg: TeardownPhaseConfig,
  deps: TeardownDeps,
  reporter: Reporter,
): Promise<{ record: Provisioned } | { refused: string } | null> {
  const key = cfg.store?.signingKey ?? cfg.connection?.key;
  if (!deps.registration || !key) return null;
  const body = await deps.registration(cfg.runId).catch((err: Error) => {
    reporter.warn(`teardown: the run's registration comment could not be read (${err.message})`);
    return null;
  });
  if (!body || !isProvisionRecord(body)) return null;
  const checked = verifiedProvisioned(body, loadCredential(key));
  if ('why' in checked) return { refused: `run ${cfg.runId}'s provision record is not to be trusted (${checked.why}): nothing is destroyed on its word` };
  if (checked.entry.runId !== cfg.runId) return { refused: `the provision record found for run ${cfg.runId} is run ${checked.entry.runId}'s` };
  // A multi-node provision's record names every instance: the one this teardown is for, when it is among them.
  const all = provisionedInstances(checked.entry);
  return { record: all.find((p) => p.instanceId === cfg.instanceId) ?? all[0]! };
}

/** A scheduler's job ids, from the run's signed registration (sbatch's own answer at launch; a job can rewrite its handle file, never the registration). */
async function schedulerJobs(cfg: TeardownPhaseConfig, deps: TeardownDeps, reporter: Reporter): Promise<{ jobs: string[] | null } | { refused: string }> {
  if (!FACTS[cfg.provider].scheduler || !cfg.connection || !deps.registration) return { jobs: null };
  const body = await deps.registration(cfg.runId).catch((err: Error) => {
    reporter.warn(
      `teardown: the run's registration could not be read (${err.message}); Slurm's job ids come from the run record, checked by squeue's name, comment and user`,
    );
    return null;
  });
  const found = jobsFromRegistration(cfg.runId, body, loadCredential(cfg.connection.key));
  if ('jobs' in found && found.jobs)
    reporter.info(`teardown: Slurm job ${found.jobs.join(', ')} from the run's signed registration (sbatch's own answer at launch)`);
  return found;
}

/**
 * Teardown: refuse unless the proof holds (VERIFIED.json of this run whose manifest hash matches, and,
 * when the box still answers, the same files on it now); show the card; then ask the provider and
 * prove the result by polling to a terminal state. Outputs `state` and `reason`.
 */
export async function teardownPhase(cfg: TeardownPhaseConfig, phaseCtx: PhaseContext, opts: TeardownOptions = {}): Promise<number> {
  const { env, reporter } = phaseCtx;
  const workspace = phaseCtx.ports.workspace;
  const deps = depsOf(cfg, phaseCtx, opts);
  if (cfg.verifiedArtifact && !deps.fetchArtifact)
    throw new InputError('verified-artifact', "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  // The inputs of kind secret (api-key, ssh-key, github-token) were masked by the runner; the environment's are masked here.
  for (const secret of [env['AWS_SECRET_ACCESS_KEY'], env['AWS_SESSION_TOKEN']]) if (secret) reporter.mask(secret);
  const now = deps.now ?? (() => new Date());
  const finish = (state: string, reason: string, exit: number, summary: TeardownSummary) => {
    reporter.output('state', state);
    reporter.output('reason', reason);
    reporter.summary(renderTeardown(summary));
    if (exit) reporter.error(`teardown ${state}: ${reason}`);
    else reporter.info(`teardown ${state}: ${reason}`);
    return exit;
  };
  const runId = cfg.runId;
  if (cfg.nodes)
    return teardownNodes(
      { ...cfg, nodes: cfg.nodes },
      phaseCtx,
      {
        now,
        ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
        ...(deps.afterTeardown ? { afterTeardown: deps.afterTeardown } : {}),
        ...(deps.fetchArtifact ? { fetchArtifact: deps.fetchArtifact } : {}),
      },
      finish,
    );

  const loaded = await loadProof(cfg, workspace, deps.fetchArtifact);
  const target = { provider: cfg.provider, instanceId: cfg.instanceId, box: cfg.connection ? { host: cfg.connection.host, port: cfg.connection.port } : null };
  // No proof at all: an instance provision rented and no run was launched on has its signed record instead.
  const unlaunched = loaded === null && !FACTS[cfg.provider].scheduler ? await provisionRecord(cfg, deps, reporter) : null;
  const gate: Gate =
    typeof loaded === 'string'
      ? { ok: false, reason: loaded }
      : FACTS[cfg.provider].scheduler && !loaded
        ? { ok: true, proof: null, notes: ["Slurm's cancel and hold delete no file: the run record and its checkpoints stay on the shared filesystem"] }
        : unlaunched && 'refused' in unlaunched
          ? { ok: false, reason: unlaunched.refused }
          : unlaunched
            ? checkNeverLaunched(cfg.runId, unlaunched.record, target, cfg.verb)
            : checkProof(cfg.runId, cfg.verb, loaded, cfg.allowParkUnverified);
  const proof = gate.ok ? gate.proof : null;
  const cardOf = (run: CardRun, kills: string | null = null) =>
    renderCard({
      provider: cfg.provider,
      instanceId: cfg.instanceId,
      verb: cfg.verb,
      runId: cfg.runId,
      verified: proof ? { files: proof.verified.file_count, bytes: proof.verified.bytes } : null,
      run,
      kills,
      now: now(),
    });
  const recorded = proof?.runState ?? null;
  const unlooked: CardRun = recorded
    ? { state: recorded, source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box was not looked at)` }
    : { state: null, source: 'the box was not looked at' };
  const refuseWith = (reason: string, run: CardRun = unlooked) =>
    finish('refused', reason, 1, { kind: 'refused', runId, reason, notes: [], card: cardOf(run) });
  const refused = gate.ok
    ? (proof && checkBox(proof.verified, target)) || checkConfirm(cfg.verb, cfg.instanceId, cfg.confirm, cfg.approval === 'confirm')
    : gate.reason;
  if (refused) return refuseWith(refused);

  // One read-only look at the box: the run must have ended there, and the box may have written more since
  // verification (its manifest is rebuilt and compared).
  const notes = gate.ok ? [...gate.notes] : [];
  if (unlaunched && 'record' in unlaunched) return destroyUnlaunched(cfg, unlaunched.record, env, deps, reporter, finish, notes, cardOf, refuseWith);
  const looked = cfg.connection ? await lookAtBox(cfg, cfg.connection, proof, reporter, now, notes, unlooked) : null;
  if (looked && 'refused' in looked) return refuseWith(looked.refused, looked.run);
  const seen: RunSeen = looked ? looked.seen : { kind: 'not-seen', why: 'no connection was given (host)' };
  const ran = checkRunEnded(runId, seen, recorded, cfg.stopRunning);
  if (!ran.ok) return refuseWith(ran.reason, ran.shown);
  notes.push(ran.note);
  if (ran.kills) reporter.warn(`teardown: ${ran.kills}`);
  const card = cardOf(ran.shown, ran.kills);
  for (const n of notes) reporter.info(`teardown: ${n}`);

  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish('dry-run', reason, 0, { kind: 'dry-run', runId, reason, notes, card });
  }

  return act(cfg, env, deps, reporter, finish, notes, card);
}

/**
 * The never-launched path: when the box still answers, it must be the box provision made (the host key in the
 * record) and hold no record of this run (one there means it ran after all, and its results come first).
 */
async function destroyUnlaunched(
  cfg: TeardownPhaseConfig,
  record: Provisioned,
  env: PhaseContext['env'],
  deps: TeardownDeps,
  reporter: Reporter,
  finish: Finish,
  notes: string[],
  cardOf: (run: CardRun) => string,
  refuseWith: (reason: string, run?: CardRun) => number,
): Promise<number> {
  let source = 'the box was not looked at (no connection was given)';
  if (cfg.connection) {
    try {
      const { session } = await openPinned({ conn: cfg.connection, cred: loadCredential(cfg.connection.key) }, reporter, { attempts: 1 });
      try {
        if (session.hostFingerprint !== record.hostKeyFingerprint)
          return refuseWith(
            `the box answering has host key ${session.hostFingerprint}, the one provision made for ${record.instanceId} is ${record.hostKeyFingerprint}: another machine`,
          );
        // The patrol's own probe (probe.sh) says whether a record of this run exists: no shell built here.
        const obs = await probeOn(session, cfg.runRoot, [{ id: cfg.runId, attempt: 0, offset: 0 }], 20_000);
        if (obs.runs.find((r) => r.id === cfg.runId)?.exists !== false)
          return refuseWith(`run ${cfg.runId} has a run record on the box: it was launched there after all; collect it and tear down with its VERIFIED.json`);
        source = 'the box answers with the host key provision made, and holds no record of this run';
      } finally {
        session.close();
      }
    } catch (err) {
      if (!(err instanceof TransportError) || err.kind === 'host_key_mismatch' || err.kind === 'auth_failed')
        return refuseWith(`could not look at the box: ${(err as Error).message}`);
      source = `the box does not answer (${err.kind})`;
    }
  }
  notes.push(source);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  const card = cardOf({ state: null, source });
  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish('dry-run', reason, 0, { kind: 'dry-run', runId: cfg.runId, reason, notes, card });
  }
  return act(cfg, env, deps, reporter, finish, notes, card);
}

/**
 * The act itself, after every check passed: the provider asked for the verb and polled to a terminal state
 * (drive), what still bills reported, the outputs written, and the run's status marked.
 */
async function act(
  cfg: TeardownPhaseConfig,
  env: PhaseContext['env'],
  deps: TeardownDeps,
  reporter: Reporter,
  finish: Finish,
  notes: string[],
  card: string,
): Promise<number> {
  const runId = cfg.runId;
  const jobs = await schedulerJobs(cfg, deps, reporter);
  if ('refused' in jobs) return finish('refused', jobs.refused, 1, { kind: 'refused', runId, reason: jobs.refused, notes, card });
  const result = await driveVerb(cfg, env, reporter, deps.pollMs ?? 5000, jobs.jobs);
  if (result.kind === 'failed') return finish('failed', result.reason, 1, { kind: 'failed', runId, reason: result.reason, notes, card });
  if (result.kind === 'unconfirmed') return finish('failed', result.detail, 1, { kind: 'unconfirmed', runId, detail: result.detail, notes, card });

  // A cancel ends the run as a destroy ends a box: the patrol stops probing it either way.
  const state = cfg.verb === 'park' ? 'parked' : 'torn-down';
  const verbFacts = FACTS[cfg.provider][cfg.verb];
  const leftovers = result.leftovers;
  const reason = `${cfg.instanceId} ${state} (${result.detail})`;
  const exit = finish(state, reason, 0, {
    kind: 'done',
    runId,
    state,
    instanceId: cfg.instanceId,
    detail: result.detail,
    already: result.already,
    verb: cfg.verb,
    keepsBilling: verbFacts?.keepsBilling ?? null,
    leftovers,
    notes,
    card,
  });
  if (deps.afterTeardown) await deps.afterTeardown(state, reason);
  return exit;
}
