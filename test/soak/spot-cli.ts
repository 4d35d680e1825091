// npm run soak:spot -- --faults 20 --seed N: the long spot soak (test/soak/spot.ts). Prints its invariants;
// exits 1 with the seed to replay when one was broken.
import { parseArgs } from 'node:util';
import { renderSpotSoak, runSpotSoak } from './spot.ts';

const { values } = parseArgs({ options: { faults: { type: 'string', default: '12' }, seed: { type: 'string' } } });
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const faults = Number(values.faults);
if (!Number.isInteger(seed) || seed < 0 || !Number.isInteger(faults) || faults < 1 || faults > 200) {
  console.error('--seed is a whole number ≥ 0 and --faults one from 1 to 200');
  process.exit(2);
}
console.log(`spot soak: seed ${seed}, ${faults} faults (replay: npm run soak:spot -- --seed ${seed} --faults ${faults})`);
try {
  const r = await runSpotSoak({ seed, faults, log: (l) => console.log(l) });
  console.log(`\n${renderSpotSoak(r)}`);
  process.exitCode = r.violations.length ? 1 : 0;
} catch (err) {
  console.error(`spot soak stopped (seed ${seed}): ${(err as Error).stack ?? err}`);
  process.exitCode = 1;
}
