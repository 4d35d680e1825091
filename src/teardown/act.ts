import type { PhaseContext } from '../ports/types.ts';
import type { Reporter } from '../report/reporter.ts';
import { drive } from '../providers/drive.ts';
import { providerModule } from '../providers/index.ts';
import type { ProviderContext } from '../providers/types.ts';
import type { TeardownConfig } from './parse.ts';

/** What asking the provider for the verb ended in: confirmed (with what still bills), not confirmed, or failed. */
export type Driven =
  | { kind: 'done'; detail: string; already: boolean; leftovers: string[] | { error: string } | null }
  | { kind: 'unconfirmed'; detail: string }
  | { kind: 'failed'; reason: string };

/**
 * The act itself, after every check passed: the provider asked for the verb on `cfg.instanceId` and polled to a
 * terminal state (drive: bounded attempts, a deadline), then asked what still bills. Nothing else is decided here.
 */
export async function driveVerb(
  cfg: TeardownConfig,
  env: PhaseContext['env'],
  reporter: Reporter,
  pollMs: number,
  slurmJobs: string[] | null = null,
): Promise<Driven> {
  const ctx: ProviderContext = {
    instanceId: cfg.instanceId,
    runId: cfg.runId,
    verb: cfg.verb,
    callTimeoutMs: Math.min(60_000, Math.max(1000, Math.round((cfg.timeoutS * 1000) / 3))),
    log: (l) => reporter.info(l),
  };
  const provider = providerModule(cfg.provider).make(ctx, cfg, env, slurmJobs);
  let result;
  try {
    result = await drive(provider, cfg.verb, ctx, { deadlineMs: cfg.timeoutS * 1000, pollMs, attempts: 3 });
  } catch (err) {
    return { kind: 'failed', reason: (err as Error).message };
  }
  if (!result.ok) return { kind: 'unconfirmed', detail: result.detail };
  let leftovers: string[] | { error: string } | null = null;
  if (provider.leftovers) {
    try {
      leftovers = await provider.leftovers();
      for (const l of leftovers) reporter.warn(`teardown: still billing: ${l}`);
    } catch (err) {
      leftovers = { error: (err as Error).message };
    }
  }
  return { kind: 'done', detail: result.detail, already: result.already, leftovers };
}
