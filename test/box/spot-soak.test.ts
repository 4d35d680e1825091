import { describe, expect, it } from 'vitest';
import { renderSpotSoak, runSpotSoak, SPOT_FAULTS, SPOT_INVARIANTS } from '../soak/spot.ts';

// The spot soak with a fixed seed and every fault kind (the long one: npm run soak:spot -- --faults 20 --seed N).
const SEED = 20261202;

describe('spot soak (seeded, bounded)', () => {
  it(`preemptions and provider flaps on one spot run keep every invariant (seed ${SEED})`, async () => {
    const lines: string[] = [];
    const r = await runSpotSoak({ seed: SEED, faults: 4, log: (l) => lines.push(l) });
    const table = renderSpotSoak(r);
    console.log(`${lines.join('\n')}\n\n${table}`);
    expect(new Set(r.faults)).toEqual(new Set(SPOT_FAULTS));
    for (const k of SPOT_INVARIANTS) expect(r.counts[k], `${k}\n${table}`).toBe(0);
    expect(r.recoveries).toBe(r.faults.filter((f) => f !== 'provider-flap').length);
  }, 600_000);
});
