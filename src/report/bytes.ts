/** Byte counts for people: kB, MB or GB (decimal, as disks and GitHub's quotas count). Pure. */
export function human(b: number): string {
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`;
}
