/**
 * Runs `each` over `items`, at most `limit` at once, taking them in order; `stop()` (from inside `each`)
 * starts no further item. Resolves when every started item is done; a throw rejects at once. Pure.
 */
export async function eachLimit<T>(items: readonly T[], limit: number, each: (item: T, index: number, stop: () => void) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  const stop = () => void (stopped = true);
  const worker = async () => {
    for (let i = next++; i < items.length && !stopped; i = next++) await each(items[i] as T, i, stop);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
