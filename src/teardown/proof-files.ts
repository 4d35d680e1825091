import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** collect's proof as files: VERIFIED.json and the manifest.json beside it (null when it is missing). */
export type ProofFiles = { verifiedText: string; manifestText: string | null } | null;

/** The proof at a path: VERIFIED.json itself, or the folder holding it (teardown and stop read it the same way). */
export function proofFilesAt(path: string): ProofFiles {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'VERIFIED.json') : path;
  if (!existsSync(file)) return null;
  const manifest = join(dirname(file), 'manifest.json');
  return { verifiedText: readFileSync(file, 'utf8'), manifestText: existsSync(manifest) ? readFileSync(manifest, 'utf8') : null };
}
