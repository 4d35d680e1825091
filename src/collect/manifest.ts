import type { Manifest } from '../record/manifest.ts';

export interface LocalFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Completeness {
  ok: boolean;
  missing: string[];
  extra: string[];
  sizeMismatch: string[];
  hashMismatch: string[];
}

/** Bidirectional check of what arrived against the manifest; size alone is never proof (R52). */
export function completeness(m: Manifest, local: LocalFile[]): Completeness {
  const have = new Map(local.map((f) => [f.path, f]));
  const want = new Map(m.files.map((f) => [f.path, f]));
  const missing = m.files.filter((f) => !have.has(f.path)).map((f) => f.path);
  const extra = local.filter((f) => !want.has(f.path)).map((f) => f.path);
  const sizeMismatch: string[] = [];
  const hashMismatch: string[] = [];
  for (const f of m.files) {
    const l = have.get(f.path);
    if (!l) continue;
    if (l.bytes !== f.bytes) sizeMismatch.push(f.path);
    else if (l.sha256 !== f.sha256) hashMismatch.push(f.path);
  }
  return { ok: !missing.length && !extra.length && !sizeMismatch.length && !hashMismatch.length, missing, extra, sizeMismatch, hashMismatch };
}
