/** The TS side of scripts/remote/logs.sh: one bounded read of a run's log, read strictly (the box may be hostile). */
import type { Session } from '../ssh/client.ts';
import { ATTEMPT_MAX } from '../record/grammar.ts';
import { bool, BoxDataError, int, obj, str } from '../record/strict.ts';
import { parseJsonLine, runScript } from './invoke.ts';

import { LOG_READ_MAX } from '../config/logs.ts';

export { LOG_READ_MAX };

export interface LogRead {
  attempt: number;
  /** The log's size now. */
  size: number;
  /** Where the bytes read start. */
  from: number;
  bytes: Buffer;
  /** The run (or this attempt) has ended: no more bytes will come. */
  ended: boolean;
  alive: boolean;
}

/** Strict reading of logs.sh's answer: the bytes are at most what was asked for, and start where they say. Pure. */
export function parseLogRead(raw: unknown, max: number): LogRead {
  const where = "logs.sh's result";
  const o = obj(raw, where);
  if ('error' in o) throw new BoxDataError(`logs: ${str(o, 'message', where, { max: 600 })}`);
  const data = str(o, 'data', where, { max: Math.ceil((max * 4) / 3) + 4, pattern: /^[A-Za-z0-9+/]*={0,2}$/ });
  const bytes = Buffer.from(data, 'base64');
  const size = int(o, 'size', where, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const from = int(o, 'from', where, { min: 0, max: size });
  if (bytes.length > max || from + bytes.length > size)
    throw new BoxDataError(`logs: the box sent ${bytes.length} bytes from ${from} of a ${size}-byte log, more than asked`);
  return { attempt: int(o, 'attempt', where, { min: 1, max: ATTEMPT_MAX }), size, from, bytes, ended: bool(o, 'ended', where), alive: bool(o, 'alive', where) };
}

/** One read of a run's log: `offset` -1 is "the last `max` bytes"; attempt 0 is the newest attempt. */
export async function readLog(session: Session, runDir: string, attempt: number, offset: number, max: number): Promise<LogRead> {
  const r = await runScript(session, 'logs', [runDir, String(attempt), String(offset), String(max)], {
    timeoutMs: 60_000,
    maxOutput: Math.ceil((max * 4) / 3) + 4096,
  });
  return parseLogRead(parseJsonLine('logs', r), max);
}
