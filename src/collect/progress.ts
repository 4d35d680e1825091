import type { PullProgress } from '../transfer/types.ts';

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const rateText = (bytesPerS: number) => `${(bytesPerS / 1e6).toFixed(bytesPerS < 1e7 ? 1 : 0)} MB/s`;

/**
 * Collect's progress line. A rate and an ETA only once they mean something (a second and a megabyte into this
 * run's bytes): a small or already-present file never shows "0 MB/s, ETA 0 s". The last line says how long it took.
 */
export function progressLine(p: PullProgress): string {
  const head = `collect: ${Math.round((100 * p.bytesDone) / Math.max(p.bytesTotal, 1))}% ${mb(p.bytesDone)} of ${mb(p.bytesTotal)}`;
  const measured = p.elapsedS >= 1 && p.bytesThisRun >= 1e6;
  const rate = p.bytesThisRun / Math.max(p.elapsedS, 0.001);
  if (p.bytesDone >= p.bytesTotal) {
    const moved = p.bytesThisRun < p.bytesTotal ? `, ${mb(p.bytesThisRun)} moved this run` : '';
    return measured ? `${head} in ${p.elapsedS.toFixed(1)} s, ${rateText(rate)}${moved}` : `${head}${moved}`;
  }
  if (!measured) return head;
  return `${head}, ${rateText(rate)}, ETA ${Math.round((p.bytesTotal - p.bytesDone) / rate)} s`;
}
