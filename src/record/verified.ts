import { createHash } from 'node:crypto';
import type { Manifest } from './manifest.ts';
import type { RunState } from './run-state.ts';

export const VERIFIED_SCHEMA = 'tether.verified/v1';

export function manifestSha256(manifestText: string): string {
  return createHash('sha256').update(manifestText).digest('hex');
}

/**
 * sha256 over the sorted (path, bytes, sha256) list: what the checkpoints are, independent of when the
 * manifest was written. Two manifests with the same files have the same value; teardown compares it.
 */
export function filesSha256(m: Pick<Manifest, 'files'>): string {
  const lines = [...m.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${f.path}\0${f.bytes}\0${f.sha256}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Which box a proof is for: teardown refuses a proof of another box or instance. */
export interface ProvenBox {
  host: string;
  port: number;
  host_key_fingerprint: string;
  provider: string | null;
  instance_id: string | null;
}

/** `tether.verified/v1` (VERIFIED.json): the proof the teardown gate demands, with the run's state when it was collected. Written only when every file passed. Pure. */
export function verifiedJson(m: Manifest, manifestText: string, at: Date, box: ProvenBox, verifiers: Record<string, number>, runState: RunState): string {
  const doc = {
    box: Object.fromEntries(Object.entries(box).sort(([a], [b]) => a.localeCompare(b))),
    bytes: m.total_bytes,
    file_count: m.file_count,
    files_sha256: filesSha256(m),
    manifest_sha256: manifestSha256(manifestText),
    run_id: m.run_id,
    // The run as collect saw it: teardown refuses a live run, and trusts this only when the box cannot be looked at.
    run_state: runState,
    attempt: m.attempt,
    latest_only: m.latest_only,
    schema: VERIFIED_SCHEMA,
    verified_at: at.toISOString(),
    verifiers,
    ...(m.cells ? { cells: m.cells } : {}),
  };
  return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b))), null, 2) + '\n';
}

/** The parts of VERIFIED.json the gate relies on. */
export interface VerifiedDoc {
  schema: string;
  run_id: string;
  attempt: number;
  manifest_sha256: string;
  files_sha256: string;
  file_count: number;
  bytes: number;
  latest_only: boolean;
  verified_at: string;
  /** The run's state at collect time (absent from an older tether's proof). */
  run_state?: unknown;
  /** A sweep's proof: the cells it covers. */
  cells?: string[];
  box?: { host?: unknown; port?: unknown; host_key_fingerprint?: unknown; provider?: unknown; instance_id?: unknown };
}
