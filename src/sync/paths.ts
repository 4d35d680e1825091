import { join, resolve } from 'node:path';
import type { SyncConfig } from '../config/sync.ts';

/** The run's sync directory on the runner: `sync-dest/<run-id>` (relative to the workspace). */
export function runSyncDir(cfg: SyncConfig, workspace: string, runId: string): string {
  return join(resolve(workspace, cfg.dest), runId);
}
