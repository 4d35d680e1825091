import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Inputs } from '../config/connection.ts';
import { parseTeardown, type TeardownConfig } from '../config/teardown.ts';
import { buildManifest } from '../remote/manifest.ts';
import type { Reporter } from '../report/reporter.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { TransportError } from '../ssh/errors.ts';
import { renderCard } from './card.ts';
import { renderTeardown, type TeardownSummary } from './render.ts';
import { FACTS } from './facts.ts';
import { checkBox, checkConfirm, checkHostKey, checkProof, checkRebuilt, type Gate } from './gate.ts';
import { awsProvider } from './providers/aws.ts';
import { commandProvider } from './providers/command.ts';
import { drive } from './providers/drive.ts';
import { lambdaProvider } from './providers/lambda.ts';
import { runpodProvider } from './providers/runpod.ts';
import { sshProvider } from './providers/ssh.ts';
import { slurmProvider } from './providers/slurm.ts';
import { ProviderError, type Provider, type ProviderContext } from './providers/types.ts';
import { InputError } from '../config/errors.ts';
import { vastaiProvider } from './providers/vastai.ts';

export interface TeardownDeps {
  /** Downloads a workflow artifact into a directory (the action passes the artifact client). */
  fetchArtifact?: (name: string, dir: string) => Promise<unknown>;
  /** Called after a teardown that really happened (the action updates the sticky status and tracking issue). */
  afterTeardown?: (state: 'torn-down' | 'parked', summary: string) => Promise<void>;
  now?: () => Date;
  pollMs?: number;
}

type ProofFiles = { verifiedText: string; manifestText: string | null } | null;

/** VERIFIED.json and the manifest.json beside it, or null when there is no VERIFIED.json. */
function readProof(file: string): ProofFiles {
  if (!existsSync(file)) return null;
  const manifest = join(dirname(file), 'manifest.json');
  return { verifiedText: readFileSync(file, 'utf8'), manifestText: existsSync(manifest) ? readFileSync(manifest, 'utf8') : null };
}

/** Reads the proof from a path (file or directory) or a downloaded artifact; a failed download is the refusal's reason. */
async function loadProof(cfg: TeardownConfig, workspace: string, fetchArtifact: TeardownDeps['fetchArtifact']): Promise<ProofFiles | string> {
  if (cfg.verifiedPath) {
    const p = resolve(workspace, cfg.verifiedPath);
    return readProof(existsSync(p) && statSync(p).isDirectory() ? join(p, 'VERIFIED.json') : p);
  }
  if (!cfg.verifiedArtifact || !fetchArtifact) return null;
  const dir = mkdtempSync(join(tmpdir(), 'tether-proof-'));
  try {
    await fetchArtifact(cfg.verifiedArtifact, dir);
    return readProof(join(dir, 'VERIFIED.json'));
  } catch (err) {
    return `the proof artifact ${cfg.verifiedArtifact} could not be downloaded: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function providerFor(cfg: TeardownConfig, ctx: ProviderContext, env: Inputs): Provider {
  switch (cfg.provider) {
    case 'lambda':
      return lambdaProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl);
    case 'runpod':
      return runpodProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl);
    case 'vastai':
      return vastaiProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl);
    case 'aws':
      return awsProvider(
        ctx,
        {
          region: cfg.awsRegion ?? '',
          accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
          secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
          sessionToken: env['AWS_SESSION_TOKEN'],
        },
        cfg.apiUrl,
      );
    case 'command':
      return commandProvider(ctx, cfg.teardownCommand ?? '', env as NodeJS.ProcessEnv, cfg.timeoutS * 1000);
    case 'ssh': {
      const conn = cfg.connection;
      if (!conn) throw new ProviderError('provider ssh needs the connection inputs', false);
      return sshProvider(ctx, conn, loadCredential(conn.key));
    }
    case 'slurm': {
      const conn = cfg.connection;
      if (!conn) throw new ProviderError('provider slurm needs the connection inputs of the login node', false);
      return slurmProvider(ctx, conn, loadCredential(conn.key), cfg.runRoot);
    }
  }
}

/**
 * Teardown: refuse unless the proof holds (VERIFIED.json of this run whose manifest hash matches, and,
 * when the box still answers, the same files on it now); show the card; then ask the provider and
 * prove the result by polling to a terminal state. Outputs `state` and `reason`.
 */
export async function teardownPhase(inputs: Inputs, env: Inputs, reporter: Reporter, workspace: string, deps: TeardownDeps = {}): Promise<number> {
  const cfg = parseTeardown(inputs, env);
  if (cfg.verifiedArtifact && !deps.fetchArtifact)
    throw new InputError('verified-artifact', "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  for (const secret of [cfg.apiKey, inputs['ssh-key'], env['AWS_SECRET_ACCESS_KEY'], env['AWS_SESSION_TOKEN']]) if (secret) reporter.mask(secret);
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

  const loaded = await loadProof(cfg, workspace, deps.fetchArtifact);
  const gate: Gate =
    typeof loaded === 'string'
      ? { ok: false, reason: loaded }
      : cfg.provider === 'slurm' && !loaded
        ? { ok: true, proof: null, notes: ["Slurm's cancel and hold delete no file: the run record and its checkpoints stay on the shared filesystem"] }
        : checkProof(cfg.runId, cfg.verb, loaded, cfg.allowParkUnverified);
  const proof = gate.ok ? gate.proof : null;
  const card = renderCard({
    provider: cfg.provider,
    instanceId: cfg.instanceId,
    verb: cfg.verb,
    runId: cfg.runId,
    verified: proof ? { files: proof.verified.file_count, bytes: proof.verified.bytes } : null,
    now: now(),
  });
  const target = { provider: cfg.provider, instanceId: cfg.instanceId, box: cfg.connection ? { host: cfg.connection.host, port: cfg.connection.port } : null };
  const refused = gate.ok
    ? (proof && checkBox(proof.verified, target)) || checkConfirm(cfg.verb, cfg.instanceId, cfg.confirm, cfg.approval === 'confirm')
    : gate.reason;
  if (refused) return finish('refused', refused, 1, { kind: 'refused', runId, reason: refused, notes: [], card });

  // The box may have written more since verification: rebuild its manifest and compare, when it answers.
  const notes = gate.ok ? [...gate.notes] : [];
  if (proof && cfg.connection) {
    try {
      const { session } = await openPinned({ conn: cfg.connection, cred: loadCredential(cfg.connection.key) }, reporter, { attempts: 1 });
      try {
        const otherBox = checkHostKey(proof.verified, session.hostFingerprint);
        if (otherBox) return finish('refused', otherBox, 1, { kind: 'refused', runId, reason: otherBox, notes: [], card });
        const { manifest } = await buildManifest(session, cfg.runRoot, cfg.runId, { latestOnly: false, roster: [], cells: proof.manifest.cells ?? [] });
        const changed = checkRebuilt(proof.manifest, manifest);
        if (changed) return finish('refused', changed, 1, { kind: 'refused', runId, reason: changed, notes: [], card });
        notes.push(`the box still answers: its ${manifest.file_count} checkpoint files are exactly the verified ones`);
      } finally {
        session.close();
      }
    } catch (err) {
      // Only silence counts as "the box is gone"; a different host key or a refused key is another machine
      // or a changed one: never a reason to go ahead.
      if (!(err instanceof TransportError) || err.kind === 'host_key_mismatch' || err.kind === 'auth_failed') {
        const reason = `could not rebuild the manifest on the box to compare: ${(err as Error).message}`;
        return finish('refused', reason, 1, { kind: 'refused', runId, reason, notes: [], card });
      }
      notes.push(`the box does not answer (${err.kind}); relying on VERIFIED.json from ${proof.verified.verified_at}`);
    }
  }
  for (const n of notes) reporter.info(`teardown: ${n}`);

  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish('dry-run', reason, 0, { kind: 'dry-run', runId, reason, notes, card });
  }

  const ctx: ProviderContext = {
    instanceId: cfg.instanceId,
    runId: cfg.runId,
    verb: cfg.verb,
    callTimeoutMs: Math.min(60_000, Math.max(1000, Math.round((cfg.timeoutS * 1000) / 3))),
    log: (l) => reporter.info(l),
  };
  const provider = providerFor(cfg, ctx, env);
  let result;
  try {
    result = await drive(provider, cfg.verb, ctx, { deadlineMs: cfg.timeoutS * 1000, pollMs: deps.pollMs ?? 5000, attempts: 3 });
  } catch (err) {
    const reason = (err as Error).message;
    return finish('failed', reason, 1, { kind: 'failed', runId, reason, notes, card });
  }
  if (!result.ok) return finish('failed', result.detail, 1, { kind: 'unconfirmed', runId, detail: result.detail, notes, card });

  // A cancel ends the run as a destroy ends a box: the patrol stops probing it either way.
  const state = cfg.verb === 'park' ? 'parked' : 'torn-down';
  const verbFacts = FACTS[cfg.provider][cfg.verb];
  let leftovers: string[] | { error: string } | null = null;
  if (provider.leftovers) {
    try {
      leftovers = await provider.leftovers();
      for (const l of leftovers) reporter.warn(`teardown: still billing: ${l}`);
    } catch (err) {
      leftovers = { error: (err as Error).message };
    }
  }
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
