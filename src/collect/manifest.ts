/** The one manifest schema used end to end (runbook R59). Pure. */
export const MANIFEST_SCHEMA = 'tether.manifest/v1';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  run_id: string;
  attempt: number;
  created_at: string;
  latest_only: boolean;
  file_count: number;
  total_bytes: number;
  files: ManifestFile[];
  /** Absolute directory on the box the paths are relative to. */
  workdir: string;
}

const SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** Validates a manifest from the box; unknown versions, unsafe or duplicate paths and bad totals fail closed. */
export function parseManifest(raw: unknown, runId: string): Manifest {
  const m = raw as Partial<Manifest> & { error?: string };
  if (m?.error) throw new Error(`manifest refused on the box: ${m.error}`);
  if (m?.schema !== MANIFEST_SCHEMA) throw new Error(`manifest schema is ${JSON.stringify(m?.schema)}, expected ${MANIFEST_SCHEMA}: refusing an unknown version`);
  if (m.run_id !== runId) throw new Error(`manifest is for run ${JSON.stringify(m.run_id)}, not ${runId}`);
  if (!Array.isArray(m.files) || m.files.length === 0) throw new Error('manifest lists no files');
  const seen = new Set<string>();
  let total = 0;
  for (const f of m.files) {
    if (typeof f.path !== 'string' || !SAFE_PATH.test(f.path)) throw new Error(`manifest has an unsafe path ${JSON.stringify(f.path)}`);
    if (seen.has(f.path)) throw new Error(`manifest lists ${f.path} twice`);
    seen.add(f.path);
    if (!Number.isSafeInteger(f.bytes) || f.bytes < 0) throw new Error(`manifest size of ${f.path} is not a byte count`);
    if (!/^[0-9a-f]{64}$/.test(f.sha256)) throw new Error(`manifest sha256 of ${f.path} is not a sha256`);
    total += f.bytes;
  }
  if (typeof m.workdir !== 'string' || !m.workdir.startsWith('/')) throw new Error('manifest has no absolute workdir');
  if (m.file_count !== m.files.length || m.total_bytes !== total) throw new Error('manifest totals do not match its file list');
  return m as Manifest;
}

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
