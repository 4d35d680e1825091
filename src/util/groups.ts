/** Up to n groups of about equal bytes (largest file first into the lightest group), each in path order. */
export function groups<F extends { path: string; bytes: number }>(files: F[], n: number): F[][] {
  const out: Array<{ bytes: number; files: F[] }> = Array.from({ length: Math.max(1, Math.min(n, files.length)) }, () => ({ bytes: 0, files: [] }));
  for (const f of [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))) {
    const g = out.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    g.bytes += f.bytes;
    g.files.push(f);
  }
  return out.map((g) => g.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))).filter((g) => g.length);
}
