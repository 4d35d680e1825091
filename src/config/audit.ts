import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';

export interface AuditConfig {
  runRoot: string;
  mounts: string[];
  interpreter: string;
  minFreeGb: number;
  minFreeInodes: number;
  checkpointBudgetGb: number;
  requireGpu: boolean;
}

export const DEFAULT_RUN_ROOT = '~/.tether/runs';

export function parseAudit(inputs: Inputs): AuditConfig {
  const mounts = v.splitList(inputs['mounts'] ?? '').map((m) => v.remotePath('mounts', m));
  if (mounts.length > 16) throw new InputError('mounts', `has ${mounts.length} paths; at most 16`);
  const interpreter = (inputs['interpreter'] ?? '').trim() || 'python3';
  if (!/^[A-Za-z0-9_./~+-]{1,256}$/.test(interpreter) || interpreter.startsWith('-')) {
    throw new InputError('interpreter', `${v.show(interpreter)} is not an interpreter path or name (e.g. python3, /opt/conda/bin/python)`);
  }
  return {
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    mounts,
    interpreter,
    minFreeGb: v.number('min-free-gb', inputs['min-free-gb'], 10, 0, 1e6),
    minFreeInodes: v.number('min-free-inodes', inputs['min-free-inodes'], 100000, 0, 1e12),
    checkpointBudgetGb: v.number('checkpoint-budget-gb', inputs['checkpoint-budget-gb'], 0, 0, 1e6),
    requireGpu: v.bool('require-gpu', inputs['require-gpu'], true),
  };
}

/** Everything the audit phase runs with, parsed once. */
export interface AuditPhaseConfig {
  audit: AuditConfig;
  conn: ConnectionConfig;
}

export function parseAuditPhase(inputs: Inputs, env: Inputs): AuditPhaseConfig {
  return { audit: parseAudit(inputs), conn: parseConnection(inputs, env) };
}
