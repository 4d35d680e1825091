import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { DEFAULT_RUN_ROOT } from './audit.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';

/** `tether stop`: which run to stop, the proof that its results are home, and how long the job gets to checkpoint. */
export interface StopPhaseConfig {
  conn: ConnectionConfig;
  runId: string;
  runRoot: string;
  verifiedPath: string;
  graceS: number;
  confirm: string;
}

export function parseStopPhase(inputs: Inputs, env: Inputs): StopPhaseConfig {
  const verifiedPath = (inputs['verified-path'] ?? '').trim();
  if (!verifiedPath)
    throw new InputError('verified-path', "is required: stopping a run needs its results home first (collect's VERIFIED.json; a collect of a live run works)");
  v.plainPath('verified-path', verifiedPath);
  const graceS = v.duration('stop-grace', inputs['stop-grace'], 120) ?? 120;
  if (graceS > 3600) throw new InputError('stop-grace', 'is at most 1h');
  return {
    conn: parseConnection(inputs, env),
    runId: v.runId('run-id', inputs['run-id']),
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    verifiedPath,
    graceS,
    confirm: (inputs['confirm'] ?? '').trim(),
  };
}
