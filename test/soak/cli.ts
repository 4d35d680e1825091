// npm run soak -- --faults 100 --seed N [--boxes 3]: the long chaos soak (test/soak/engine.ts). Prints the
// invariants table; exits 1 with the seed to replay when any invariant was broken.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderSoak, runSoak } from './engine.ts';

const { values } = parseArgs({
  options: { faults: { type: 'string', default: '100' }, seed: { type: 'string' }, boxes: { type: 'string', default: '3' } },
});
const num = (name: string, v: string | undefined, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    process.exit(2);
  }
  return n;
};
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : num('seed', values.seed, 0, 2 ** 31 - 1);
const faults = num('faults', values.faults, 1, 10_000);
const boxes = num('boxes', values.boxes, 1, 8);
const work = mkdtempSync(join(tmpdir(), 'tether-soak-'));
console.log(`chaos soak: seed ${seed}, ${faults} faults, ${boxes} boxes (replay: npm run soak -- --seed ${seed} --faults ${faults} --boxes ${boxes})`);
const t0 = Date.now();
try {
  const r = await runSoak({ seed, faults, boxes, work, log: (l) => console.log(l) });
  console.log(`\n${renderSoak(r)}\n\n${Math.round((Date.now() - t0) / 1000)} s`);
  process.exitCode = r.violations.length ? 1 : 0;
} catch (err) {
  console.error(`soak stopped (seed ${seed}): ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
