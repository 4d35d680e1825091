/** A read started ahead of need: if the caller stops early, its failure must not surface as unhandled. */
export function prefetch<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
