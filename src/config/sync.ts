import type { Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';
import { DEFAULT_ARTIFACT_BUDGET, retention } from './collect.ts';

export const SYNC_MODES = ['none', 'latest', 'all'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

/** Patrol's checkpoint sync while runs train (`sync`, `sync-dest`, …), and the stale-checkpoint flag. */
export interface SyncConfig {
  /** none; latest: the newest settled checkpoint of each run (or cell); all: the newest `keep` of them. */
  mode: SyncMode;
  /** Where on the runner the synced checkpoints live, one directory per run. */
  dest: string;
  /** Verified checkpoints kept per run or cell on the runner; older ones are deleted there (never on the box). */
  keep: number;
  /** A file is settled when unchanged for this long (and while it is hashed). */
  settleS: number;
  /** Upload the newest verified checkpoint of each run as an artifact. */
  artifact: boolean;
  artifactBudgetBytes: number;
  retentionDays: number | undefined;
  /** How often the run writes a checkpoint: a running run whose newest is older than 1.5× this is flagged. */
  checkpointEveryS: number | null;
  trustedLoadCommand: string | undefined;
}

export function parseSync(inputs: Inputs): SyncConfig {
  const mode = v.oneOf('sync', inputs['sync'], SYNC_MODES, 'none');
  const dest = (inputs['sync-dest'] ?? '').trim();
  v.plainPath('sync-dest', dest);
  if (mode !== 'none' && !dest)
    throw new InputError(
      'sync-dest',
      `is required with sync: ${mode}: a directory on the self-hosted runner that outlives the job (not under a workspace that checkout cleans)`,
    );
  const keep = v.number('sync-keep', inputs['sync-keep'], 2, 1, 16);
  if (!Number.isInteger(keep)) throw new InputError('sync-keep', 'must be a whole number from 1 to 16');
  const settleS = v.duration('sync-settle', inputs['sync-settle'], 5) ?? 5;
  if (settleS < 1 || settleS > 3600) throw new InputError('sync-settle', `${v.show(inputs['sync-settle'] ?? '')} is outside 1s to 1h`);
  const artifact = v.bool('sync-artifact', inputs['sync-artifact'], false);
  if (artifact && mode === 'none') throw new InputError('sync-artifact', 'needs sync: latest or all (it uploads the newest synced checkpoint)');
  const every = v.duration('checkpoint-every', inputs['checkpoint-every'], undefined);
  if (every !== undefined && (every < 1 || every > 30 * 86400))
    throw new InputError('checkpoint-every', `${v.show(inputs['checkpoint-every'] ?? '')} is outside 1s to 30d`);
  return {
    mode,
    dest,
    keep,
    settleS,
    artifact,
    artifactBudgetBytes: v.size('artifact-budget', inputs['artifact-budget'], DEFAULT_ARTIFACT_BUDGET),
    retentionDays: retention(inputs['retention-days']),
    checkpointEveryS: every ?? null,
    trustedLoadCommand: v.command('trusted-load-command', inputs['trusted-load-command'], false),
  };
}
