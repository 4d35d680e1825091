import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { DEFAULT_RUN_ROOT } from './audit.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';

/** At most this many bytes of log per read (and per `log-bytes`). */
export const LOG_READ_MAX = 1 << 20;

/** `tether logs`: which run's log, how much of it, and whether to keep reading. */
export interface LogsPhaseConfig {
  conn: ConnectionConfig;
  runId: string;
  runRoot: string;
  /** 0: the newest attempt. */
  attempt: number;
  bytes: number;
  tail: boolean;
}

export function parseLogsPhase(inputs: Inputs, env: Inputs): LogsPhaseConfig {
  const attemptRaw = (inputs['attempt'] ?? '').trim();
  if (attemptRaw && !/^[1-9][0-9]{0,5}$/.test(attemptRaw)) throw new InputError('attempt', `${v.show(attemptRaw)} is not an attempt number (1 to 999999)`);
  const bytes = v.size('log-bytes', inputs['log-bytes'], 64 * 1024);
  if (bytes < 1 || bytes > LOG_READ_MAX) throw new InputError('log-bytes', `${v.show(inputs['log-bytes'] ?? '')} is not from 1 byte to 1MiB`);
  return {
    conn: parseConnection(inputs, env),
    runId: v.runId('run-id', inputs['run-id']),
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    attempt: attemptRaw ? Number(attemptRaw) : 0,
    bytes,
    tail: v.bool('tail', inputs['tail'], false),
  };
}
