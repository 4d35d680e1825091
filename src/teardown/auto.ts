/**
 * The effects of the patrol's after-verified act (after-verified.ts holds the order and the refusals): the collect
 * run's proof through the Actions API, the approval of the launch's workflow run, one read-only look at the box
 * (look-box.ts), and the provider's verb polled to a terminal state (drive). The patrol is handed this step by
 * the registry (src/phases.ts), so it imports none of it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionConfig, Inputs } from '../config/connection.ts';
import type { PatrolPhaseConfig } from '../config/patrol.ts';
import { InputError } from '../config/errors.ts';
import type { ActionsApi } from '../ports/types.ts';
import type { Reporter } from '../report/reporter.ts';
import type { Credential } from '../ssh/keys.ts';
import { GITHUB_LOGIN, type PolicyTerms, type Registration } from '../registry/entry.ts';
import { verifiedMacOk, VERIFIED_MAC } from '../record/verified.ts';
import type { ProviderName } from '../record/names.ts';
import type { PolicyOutcome, PolicyWanted } from '../patrol/policy.ts';
import { providerModule } from '../providers/index.ts';
import { drive } from '../providers/drive.ts';
import type { ProviderContext, ProviderSettings } from '../providers/types.ts';
import { afterVerified, type AfterVerifiedDeps } from './after-verified.ts';
import { lookAtBox } from './look-box.ts';

export interface AfterVerifiedInput {
  entry: Registration;
  /** The box as the patrol reaches it (the registration's pins), and the patrol's key. */
  conn: ConnectionConfig;
  cred: Credential;
  /** The patrol's MAC key (its own SSH key): the proof must carry tether's MAC under it. */
  macKey: Buffer | null;
  rent: PatrolPhaseConfig['rent'];
  env: Inputs;
  actions: ActionsApi | null;
  reporter: Reporter;
  timeoutS?: number;
  pollMs?: number;
}

/** A records artifact is small (VERIFIED.json, manifest.json, VERIFIED.mac): anything larger is not a proof. */
const PROOF_MAX = 8 << 20;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const readBounded = (p: string, max: number): string | null => {
  try {
    if (statSync(p).size > max) return null;
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

/** The collect run's verified records artifact, read into memory (the downloaded files are removed at once). */
async function proofOf(actions: ActionsApi | null, runId: string, collectRun: number): ReturnType<AfterVerifiedDeps['proof']> {
  if (!actions) return 'reading the collect run’s proof needs the GitHub API and a token (github-token)';
  const dir = mkdtempSync(join(tmpdir(), 'tether-auto-proof-'));
  try {
    // The verified records only: an `-unverified` artifact never matches.
    const got = await actions.downloadRunArtifact(collectRun, new RegExp(`^tether-${escapeRe(runId)}-[0-9a-f]{12}-records$`), dir, PROOF_MAX);
    if (!got) return null;
    const verifiedText = readBounded(join(dir, 'VERIFIED.json'), 1 << 20);
    if (verifiedText === null) return `artifact ${got.name} of collect run ${collectRun} holds no VERIFIED.json (of at most 1 MiB)`;
    return { verifiedText, manifestText: readBounded(join(dir, 'manifest.json'), PROOF_MAX), macText: readBounded(join(dir, VERIFIED_MAC), 256) };
  } catch (err) {
    return `the proof of collect run ${collectRun} could not be read (${(err as Error).message.split('\n')[0]!.slice(0, 300)}); tried again next tick`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * GitHub's own record that a person approved the launch's workflow run in the named environment: the run must
 * be of the recorded workflow file, no review of that environment rejected it, and one approved it (a bot's
 * review is no person's).
 */
export async function approvalOf(actions: ActionsApi | null, p: PolicyTerms): Promise<{ by: string } | { refused: string }> {
  if (!actions) return { refused: 'checking the approval needs the GitHub API and a token (github-token) that may read actions' };
  const id = p.approvingRun.id;
  let reviews;
  try {
    const run = await actions.workflowRun(id);
    if (run.path !== p.approvingRun.workflow)
      return { refused: `workflow run ${id} is of ${run.path || 'no workflow file'}, not ${p.approvingRun.workflow} as the registration says` };
    reviews = await actions.approvals(id);
  } catch (err) {
    return { refused: `the approvals of workflow run ${id} could not be read (${(err as Error).message.split('\n')[0]!.slice(0, 200)})` };
  }
  const mine = reviews.filter((r) => r.environments.includes(p.environment));
  const rejected = mine.find((r) => r.state === 'rejected');
  if (rejected) return { refused: `@${rejected.login.slice(0, 45)} rejected workflow run ${id} in environment ${p.environment}` };
  const ok = mine.find((r) => r.state === 'approved' && r.type === 'User' && GITHUB_LOGIN.test(r.login) && !r.login.endsWith('[bot]'));
  if (!ok)
    return {
      refused: `workflow run ${id} has no person's approval in environment ${p.environment} (the environment needs required reviewers, and the launch's job must run in it: environment: ${p.environment})`,
    };
  return { by: ok.login };
}

/** The provider's settings for the patrol's act: its credentials as the patrol holds them (its inputs for the provider it names, else the environment). */
function settingsOf(entry: Registration, verb: 'park' | 'destroy', a: AfterVerifiedInput): ProviderSettings {
  const provider = entry.provider as ProviderName;
  const m = providerModule(provider);
  const same = a.rent.provider === provider;
  const envKey = m.provision ? (a.env[m.provision.apiKeyEnv] ?? '').trim() : '';
  const s: ProviderSettings = {
    runId: entry.runId,
    runRoot: entry.runRoot,
    instanceId: entry.instanceId as string,
    verb,
    apiKey: (same ? a.rent.apiKey : '') || envKey || undefined,
    apiUrl: same ? a.rent.apiUrl : undefined,
    awsRegion: a.rent.awsRegion,
    teardownCommand: undefined,
    timeoutS: a.timeoutS ?? 600,
    connection: null,
  };
  if (m.facts.credentials === 'api-key' && !s.apiKey)
    throw new InputError(
      'api-key',
      `the patrol holds no ${provider} API key (api-key with provider ${provider}, or ${m.provision?.apiKeyEnv ?? 'its variable'})`,
    );
  m.check?.(s, { instanceId: s.instanceId }, a.env);
  return s;
}

/** The patrol's after-verified act for one run: every effect real, the order and refusals after-verified.ts's. */
export async function afterVerifiedStep(want: PolicyWanted, a: AfterVerifiedInput): Promise<PolicyOutcome> {
  const { entry, reporter } = a;
  let settings: ProviderSettings;
  try {
    settings = settingsOf(entry, want.verb, a);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { kind: 'refused', why: `the patrol cannot act at ${entry.provider}: ${err.message}` };
  }
  const deps: AfterVerifiedDeps = {
    proof: (run) => proofOf(a.actions, want.runId, run),
    macOk: (text, tag) => a.macKey !== null && verifiedMacOk(a.macKey, text, tag),
    approval: (p) => approvalOf(a.actions, p),
    look: async (proof) => {
      const notes: string[] = [];
      const r = await lookAtBox({ runId: want.runId, runRoot: entry.runRoot }, a.conn, proof, reporter, () => new Date(), notes, { state: null, source: '' });
      return 'refused' in r ? { refused: r.refused } : { seen: r.seen, note: notes.join('; ') };
    },
    act: async (verb) => {
      const ctx: ProviderContext = {
        instanceId: settings.instanceId,
        runId: want.runId,
        verb,
        callTimeoutMs: 20_000,
        log: (l) => reporter.info(`patrol: after-verified: ${l}`),
      };
      try {
        const p = providerModule(entry.provider as ProviderName).make(ctx, settings, a.env, null);
        const r = await drive(p, verb, ctx, { deadlineMs: settings.timeoutS * 1000, pollMs: a.pollMs ?? 5000, attempts: 3 });
        return { ok: r.ok, detail: r.detail };
      } catch (err) {
        return { ok: false, detail: (err as Error).message.slice(0, 300) };
      }
    },
    now: () => new Date(),
  };
  return afterVerified(want, entry, deps);
}
