import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/collect/progress.ts';

describe("collect's progress line", () => {
  it('never shows a rate or an ETA for a small file, a first instant, or bytes already on the runner', () => {
    expect(progressLine({ bytesDone: 0, bytesTotal: 0, bytesThisRun: 0, elapsedS: 0.01 })).toBe('collect: 0% 0.0 MB of 0.0 MB');
    expect(progressLine({ bytesDone: 20_000, bytesTotal: 20_000, bytesThisRun: 20_000, elapsedS: 0.2 })).toBe('collect: 100% 0.0 MB of 0.0 MB');
    expect(progressLine({ bytesDone: 5e8, bytesTotal: 1e9, bytesThisRun: 5e8, elapsedS: 0.5 })).toBe('collect: 50% 500.0 MB of 1000.0 MB');
    // Resumed: everything was already here, nothing moved this run.
    expect(progressLine({ bytesDone: 1e9, bytesTotal: 1e9, bytesThisRun: 0, elapsedS: 3 })).toBe('collect: 100% 1000.0 MB of 1000.0 MB, 0.0 MB moved this run');
    for (const p of [
      { bytesDone: 0, bytesTotal: 0, bytesThisRun: 0, elapsedS: 0 },
      { bytesDone: 900, bytesTotal: 1000, bytesThisRun: 900, elapsedS: 5 },
      { bytesDone: 1000, bytesTotal: 1000, bytesThisRun: 1000, elapsedS: 5 },
    ])
      expect(progressLine(p)).not.toMatch(/MB\/s|ETA/);
  });

  it('shows the rate and the ETA while a large pull runs, and how long it took at the end', () => {
    expect(progressLine({ bytesDone: 4e8, bytesTotal: 1e9, bytesThisRun: 4e8, elapsedS: 4 })).toBe('collect: 40% 400.0 MB of 1000.0 MB, 100 MB/s, ETA 6 s');
    expect(progressLine({ bytesDone: 6e6, bytesTotal: 1.2e7, bytesThisRun: 6e6, elapsedS: 2 })).toBe('collect: 50% 6.0 MB of 12.0 MB, 3.0 MB/s, ETA 2 s');
    expect(progressLine({ bytesDone: 1e9, bytesTotal: 1e9, bytesThisRun: 1e9, elapsedS: 10 })).toBe('collect: 100% 1000.0 MB of 1000.0 MB in 10.0 s, 100 MB/s');
  });
});
