import { execFileSync, spawnSync } from 'node:child_process';

/** Runs a program (no shell), bounded by a timeout; throws with its stderr on failure. */
export function run(cmd: string, args: string[], opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { input: opts.input, timeout: opts.timeoutMs ?? 20_000, encoding: 'utf8' });
  if ((r.status !== 0 || r.error) && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
  }
  return r.stdout ?? '';
}

/** True when the program exits 0. */
export function ok(cmd: string, args: string[], timeoutMs = 20_000): boolean {
  const r = spawnSync(cmd, args, { timeout: timeoutMs, stdio: 'ignore' });
  return r.status === 0;
}

export function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
