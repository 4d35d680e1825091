import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VERIFIED_MAC } from '../record/verified.ts';

/** collect's runner-side files: what is under a destination, and clearing old proofs from it. */

/** Files under `dir` (relative paths and sizes), leaving out our own records and partial or temporary files. */
export function listLocal(dir: string, base = dir): Array<{ path: string; bytes: number }> {
  const out: Array<{ path: string; bytes: number }> = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) out.push(...listLocal(p, base));
    else if (!/(\.part|\.tmp)$/.test(name) && !(dir === base && (name === 'manifest.json' || name === 'VERIFIED.json' || name === VERIFIED_MAC)))
      out.push({ path: relative(base, p), bytes: st.size });
  }
  return out;
}

/** Every VERIFIED.json and VERIFIED.mac (any case) under `dir`: a failed collect leaves none anywhere under its destination. */
export function removeProofs(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) removeProofs(p);
    else if (/^verified\.(json|mac)(\.tmp)?$/i.test(name)) rmSync(p, { force: true });
  }
}
