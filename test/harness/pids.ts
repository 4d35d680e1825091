// The only way tests signal processes. process.kill(0, …) and process.kill(-0, …) signal the caller's own
// process group — vitest, npm and the CI script with them — so a pid read from a file a daemon has created
// but not yet written (Number('') is 0) once took a whole CI run down with SIGTERM. Every pid is checked here.
import { readFileSync } from 'node:fs';
import { waitFor } from './sh.ts';

/** A pid from text or a number: a whole number above 1, or an error naming what it was for. */
export function checkedPid(raw: string | number | undefined, what: string): number {
  const text = String(raw ?? '').trim();
  const pid = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new Error(`not a process id for ${what}: ${JSON.stringify(text.slice(0, 40))}`);
  return pid;
}

/** Signals one process (or, with group, its process group); a process already gone is not an error. */
export function signalPid(pid: number, sig: NodeJS.Signals | 0, opts: { group?: boolean } = {}): boolean {
  const p = checkedPid(pid, 'a signal');
  try {
    process.kill(opts.group ? -p : p, sig);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Reads a pid file, waiting until it holds a whole pid (a daemon creates it before it writes it). */
export function readPidNow(path: string): number {
  return checkedPid(readFileSync(path, 'utf8'), path);
}

export async function readPidFile(path: string, what: string, timeoutMs = 10_000): Promise<number> {
  let pid = 0;
  await waitFor(
    `${what} pid file`,
    () => {
      try {
        pid = readPidNow(path);
        return true;
      } catch {
        return false;
      }
    },
    timeoutMs,
    20,
  );
  return pid;
}
