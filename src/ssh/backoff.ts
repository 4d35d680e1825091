/** Capped exponential backoff: delay before attempt n (1-based; attempt 1 has none). */
export function backoffDelayMs(attempt: number, baseMs = 1000, capMs = 8000): number {
  if (attempt <= 1) return 0;
  return Math.min(capMs, baseMs * 2 ** (attempt - 2));
}

/** Runs `fn` up to `attempts` times while `retryable(err)` holds, sleeping the backoff in between. */
export async function withBackoff<T>(
  attempts: number,
  fn: (attempt: number) => Promise<T>,
  retryable: (err: unknown) => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const delay = backoffDelayMs(attempt);
    if (delay) await sleep(delay);
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      if (!retryable(err)) throw err;
    }
  }
  throw last;
}
