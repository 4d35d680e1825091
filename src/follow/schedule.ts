/**
 * When a follow looks again at a host: at once on an event, but never more often than once per `debounceMs`
 * (an event inside that window is kept and served at its end, so the latest state is always looked at),
 * and at least every `refreshMs` without events (a frozen job sends none, yet must turn `stalled`). Pure:
 * times are handed in.
 */
export interface HostClock {
  /** When the host was last looked at (ms), or null. */
  lastAt: number | null;
  /** An event is waiting for the next look. */
  pending: boolean;
}

export function idle(): HostClock {
  return { lastAt: null, pending: false };
}

/** When the host's next look is due (ms): an event's, after the debounce; or the refresh. */
export function dueAt(c: HostClock, debounceMs: number, refreshMs: number): number {
  if (c.lastAt === null) return 0;
  return c.pending ? c.lastAt + debounceMs : c.lastAt + refreshMs;
}

/** The hosts to look at now, and how long to wait (ms) before asking again when there are none. */
export function plan(clocks: ReadonlyMap<string, HostClock>, now: number, debounceMs: number, refreshMs: number): { due: string[]; waitMs: number } {
  const due: string[] = [];
  let next = Infinity;
  for (const [host, c] of clocks) {
    const at = dueAt(c, debounceMs, refreshMs);
    if (at <= now) due.push(host);
    else next = Math.min(next, at);
  }
  return { due, waitMs: due.length ? 0 : Math.max(0, Math.min(next - now, refreshMs)) };
}

/**
 * Whether the status is worth writing again: what it shows changed (state, class, flags, attempt, step of
 * any run), or it has not been written for `quietMs` ("last checked" must not go stale). Pure.
 */
export function worthWriting(prevShown: string | null, shown: string, lastWriteAt: number | null, now: number, quietMs: number): boolean {
  return prevShown !== shown || lastWriteAt === null || now - lastWriteAt >= quietMs;
}

/** A follower that ran this long was working: its end starts the reconnect backoff afresh. */
export const STEADY_MS = 30_000;

/**
 * The reconnect backoff after a follower's connection ended or could not be made: `failures` so far (0
 * after a follower that lived `STEADY_MS`; a follower that ends at once, broken or hostile, counts as a
 * failure, so it is reconnected ever more slowly, not every `firstMs` for the whole follow) and the wait. Pure.
 */
export function reconnect(failures: number, livedMs: number | null, [firstMs, maxMs]: [number, number]): { failures: number; waitMs: number } {
  const n = (livedMs !== null && livedMs >= STEADY_MS ? 0 : failures) + 1;
  return { failures: n, waitMs: Math.min(maxMs, firstMs * 2 ** Math.min(n - 1, 10)) };
}
