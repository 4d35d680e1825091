import { createHash } from 'node:crypto';
import { mac, macOk } from './mac.ts';
import type { Manifest } from './manifest.ts';
import type { RunState } from './run-state.ts';
import { BoxDataError, bool, int, obj, str, type Obj } from './strict.ts';

export const VERIFIED_SCHEMA = 'tether.verified/v1';

/**
 * VERIFIED.mac beside VERIFIED.json: the MAC of its exact text under the runner key's MAC key (src/ssh/sign.ts).
 * The patrol acts on a proof of its own (after-verified, issue 27 §3) only when it holds this MAC: an artifact
 * anyone's workflow uploaded, or an edited VERIFIED.json, is not tether's proof.
 */
export const VERIFIED_MAC = 'VERIFIED.mac';
const MAC_LABEL = 'tether.verified/v1';
export const verifiedMac = (key: Buffer, text: string) => `${mac(key, MAC_LABEL, text)}\n`;
export const verifiedMacOk = (key: Buffer, text: string, tag: string) => macOk(key, MAC_LABEL, text, tag.trim());

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

/** VERIFIED.json is small: anything larger is not ours. */
const VERIFIED_MAX = 1 << 20;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * VERIFIED.json read strictly, for the run it must prove (the reader beside its writer, verifiedJson): every
 * field the gate relies on checked for type and form; anything else is a BoxDataError whose message is the
 * refusal. The box is kept only when every field of it is well-formed (the gate refuses a proof of no box).
 */
export function readVerified(text: string, runId: string): VerifiedDoc {
  let raw: unknown;
  try {
    raw = text.length > VERIFIED_MAX ? undefined : JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (raw === undefined) throw new BoxDataError('VERIFIED.json is not JSON');
  const o = obj(raw, 'VERIFIED.json');
  if (o['schema'] !== VERIFIED_SCHEMA) throw new BoxDataError(`VERIFIED.json has schema ${JSON.stringify(o['schema'])}, expected ${VERIFIED_SCHEMA}`);
  if (o['run_id'] !== runId) throw new BoxDataError(`VERIFIED.json is for run ${JSON.stringify(o['run_id'])}, not ${runId}`);
  if (typeof o['manifest_sha256'] !== 'string' || !HEX64.test(o['manifest_sha256']) || typeof o['files_sha256'] !== 'string' || !HEX64.test(o['files_sha256']))
    throw new BoxDataError('VERIFIED.json lacks manifest_sha256 or files_sha256');
  const w = 'VERIFIED.json';
  const cells =
    o['cells'] === undefined ? undefined : Array.isArray(o['cells']) && o['cells'].every((c) => typeof c === 'string') ? (o['cells'] as string[]) : null;
  if (cells === null) throw new BoxDataError(`${w}.cells is not a list of cell names`);
  return {
    schema: VERIFIED_SCHEMA,
    run_id: runId,
    attempt: int(o, 'attempt', w, { min: 0, max: 1_000_000 }),
    manifest_sha256: o['manifest_sha256'],
    files_sha256: o['files_sha256'],
    file_count: int(o, 'file_count', w),
    bytes: int(o, 'bytes', w),
    latest_only: bool(o, 'latest_only', w),
    verified_at: str(o, 'verified_at', w, { max: 40, pattern: /^\d{4}-\d\d-\d\dT[\d:.]+Z$/ }),
    ...(o['run_state'] !== undefined ? { run_state: o['run_state'] } : {}),
    ...(cells ? { cells } : {}),
    ...(wellFormedBox(o['box']) ? { box: o['box'] as VerifiedDoc['box'] } : {}),
  };
}

function wellFormedBox(b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const x = b as Obj;
  const optional = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.length <= 200);
  return (
    typeof x['host'] === 'string' &&
    x['host'].length <= 253 &&
    typeof x['port'] === 'number' &&
    Number.isInteger(x['port']) &&
    typeof x['host_key_fingerprint'] === 'string' &&
    x['host_key_fingerprint'].length <= 100 &&
    optional(x['provider']) &&
    optional(x['instance_id'])
  );
}
