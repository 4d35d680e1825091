import { DEFAULT_RUN_ROOT } from './audit.ts';
import type { Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';

export interface CollectConfig {
  runId: string;
  runRoot: string;
  destDir: string;
  latestOnly: boolean;
  roster: string[];
  parallel: number;
  trustedLoadCommand: string | undefined;
}

export function parseCollect(inputs: Inputs): CollectConfig {
  const dest = (inputs['dest-dir'] ?? '').trim();
  if (!dest) throw new InputError('dest-dir', 'is required: a directory on the runner for the checkpoints (on a self-hosted runner, your durable copy)');
  if (/[\u0000-\u001f]/.test(dest)) throw new InputError('dest-dir', 'contains a control character');
  const roster = v.splitList(inputs['roster'] ?? '');
  for (const cell of roster) if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(cell)) throw new InputError('roster', `${v.show(cell)} is not a cell directory name`);
  const parallel = v.number('parallel', inputs['parallel'], 4, 1, 32);
  if (!Number.isInteger(parallel)) throw new InputError('parallel', 'must be a whole number');
  return {
    runId: v.runId('run-id', inputs['run-id']),
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    destDir: dest,
    latestOnly: v.bool('latest-only', inputs['latest-only'], false),
    roster,
    parallel,
    trustedLoadCommand: v.command('trusted-load-command', inputs['trusted-load-command'], false),
  };
}
