import { createHash } from 'node:crypto';
import type { LaunchConfig } from '../config/launch.ts';

/**
 * `tether.spec/v1` (spec.json, written once by launch) and the run's identity. Pure.
 */

/** What identifies a run's work: resume must run exactly this again. */
export function identity(cfg: Pick<LaunchConfig, 'command' | 'then' | 'workdir'>): string {
  return createHash('sha256')
    .update(`${cfg.command}\u0000${cfg.then ?? ''}\u0000${cfg.workdir}`)
    .digest('hex');
}

/** JSON with keys sorted at every level, so records are reproducible and diffable (runbook R7). */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

/** spec.json: env and secret NAMES only, never values. */
export function buildSpec(cfg: LaunchConfig, createdAt: Date): string {
  return sortedJson({
    schema: 'tether.spec/v1',
    run_id: cfg.runId,
    command: cfg.command,
    then: cfg.then ?? null,
    workdir: cfg.workdir,
    env: cfg.env.map(([n]) => n),
    secrets: cfg.secretNames,
    checkpoints: cfg.checkpoints,
    expected_duration_s: cfg.expectedDurationS ?? null,
    commit: cfg.commit ?? null,
    backend: cfg.backend,
    created_at: createdAt.toISOString(),
    identity: identity(cfg),
  });
}

/** The expected duration a spec.json from the box declares (seconds), or null when it declares none or is unreadable. */
export function specExpectedDuration(text: string): number | null {
  try {
    const v = (JSON.parse(text) as { expected_duration_s?: unknown } | null)?.expected_duration_s;
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}
