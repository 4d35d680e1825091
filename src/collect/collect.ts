import { manifestFromListing, type Listing, type Manifest } from '../record/manifest.ts';
import { FOREIGN_SLACK_S, type RunState } from '../record/run-state.ts';
import { verifiedJson, type ProvenBox } from '../record/verified.ts';
import type { Arrived } from '../transfer/stream.ts';
import type { ByteSource } from '../verify/verifiers/types.ts';
import type { StreamScans } from '../verify/verifiers/zip-stream.ts';
import { decide } from './decision.ts';
import { completeness, type Completeness, type LocalFile } from './manifest.ts';
import type { FileReport } from './report.ts';
import { VERIFIER_VERSIONS, verifyOne } from '../verify/verify-files.ts';

/** Everything collect does to the world, handed in: the box, the transfer, the runner's disk, the loader. */
export interface CollectDeps {
  /** Looks at the run on the box (one read-only probe): its state now, recorded in VERIFIED.json. */
  look(): Promise<RunState>;
  /** Lists the run's files on the box: names, sizes, mtimes (nothing read yet). */
  list(): Promise<Listing>;
  /**
   * Pulls the listed files, each hashed at both ends as it moves: null when all arrived whole, else the reason
   * it stopped. `arrived` is called for each file as soon as it is in (with what the pass over its bytes computed),
   * while the others still move.
   */
  pull(listing: Listing, arrived: (f: Arrived, scans?: StreamScans) => void): Promise<string | null>;
  /** Writes one of tether's records next to the files, atomically. */
  writeRecord(name: 'manifest.json' | 'VERIFIED.json', text: string): void;
  /** The files now under the destination (relative paths, with sizes), tether's records and partial files left out. */
  listLocal(): Array<{ path: string; bytes: number }>;
  open(path: string): Promise<ByteSource & { close(): Promise<void> }>;
  /** Runs `trusted-load-command` on a file: null when it loaded, else the failure line. */
  trustedLoad?(path: string): Promise<string | null>;
  now(): Date;
}

export type CollectOutcome = { listing: Listing; reasons: string[]; runState: RunState; foreign: string[] } & (
  | /** The pull stopped: nothing verified, no record written. */ { pullFailure: string; verified: false }
  | { pullFailure: null; manifest: Manifest; text: string; reports: FileReport[]; completeness: Completeness; verified: boolean }
);

/**
 * Collect: listing on the box → pull, each file hashed by the box as it sends and by the runner as it lands →
 * each file load-verified (structurally; no checkpoint code runs) as soon as it is in, while the next one moves
 * → manifest.json with the hashes → bidirectional completeness → VERIFIED.json only when every file passed.
 * Deps in, an outcome out; the shell (phase.ts) does the I/O and the rendering.
 */
export async function collect(box: ProvenBox, deps: CollectDeps): Promise<CollectOutcome> {
  // The state first: a run seen ended before the listing wrote everything the listing shows.
  const runState = await deps.look();
  const listing = await deps.list();
  const foreign = foreignFiles(listing, runState);
  const listed = new Set(listing.files.map((f) => f.path));
  const reports = new Map<string, FileReport>();
  const sha = new Map<string, string>();
  // One file verified at a time, in arrival order: file N is checked while N+1 is still on the wire.
  let queue: Promise<void> = Promise.resolve();
  const arrived = (f: Arrived, scans?: StreamScans) => {
    if (!listed.has(f.path) || sha.has(f.path)) return;
    sha.set(f.path, f.sha256);
    queue = queue.then(async () => {
      reports.set(f.path, await verifyFile(deps, f, scans));
    });
  };
  const pullFailure = await deps.pull(listing, arrived);
  await queue;
  if (pullFailure !== null) return { listing, runState, foreign, pullFailure, verified: false, reasons: [pullFailure] };
  const missing = listing.files.filter((f) => !sha.has(f.path)).map((f) => f.path);
  if (missing.length) {
    const why = `the transfer ended without ${missing.length} listed files (${missing.slice(0, 5).join(', ')})`;
    return { listing, runState, foreign, pullFailure: why, verified: false, reasons: [why] };
  }
  const { manifest, text } = manifestFromListing(listing, sha);
  deps.writeRecord('manifest.json', text);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  // What is in the destination now, against the manifest: extras (planted or left over) are caught here.
  const local: LocalFile[] = deps.listLocal().map(({ path, bytes }) => {
    const want = byPath.get(path);
    return { path, bytes, sha256: want && bytes === want.bytes ? want.sha256 : '' };
  });
  const c = completeness(manifest, local);
  const ordered = manifest.files.map((f) => reports.get(f.path)).filter((r): r is FileReport => r !== undefined);
  const { verified, reasons } = decide(c, ordered);
  if (verified) deps.writeRecord('VERIFIED.json', verifiedJson(manifest, text, deps.now(), box, VERIFIER_VERSIONS, runState));
  return { listing, runState, foreign, pullFailure: null, manifest, text, reports: ordered, completeness: c, verified, reasons };
}

/**
 * Files written after the run ended (by its marker's time): another run writing into the same folder,
 * or something else on the box. Named, never silently counted as this run's. Pure.
 */
export function foreignFiles(listing: Listing, s: RunState): string[] {
  if (s.finished_at === 'running') return [];
  const end = Date.parse(s.finished_at) / 1000;
  if (!Number.isFinite(end)) return [];
  return listing.files.filter((f) => Number(f.mtime) > end + FOREIGN_SLACK_S).map((f) => f.path);
}

async function verifyFile(deps: CollectDeps, f: Arrived, scans?: StreamScans): Promise<FileReport> {
  let src;
  try {
    src = await deps.open(f.path);
  } catch (err) {
    const problem = `it cannot be read back on the runner (${(err as Error).message.slice(0, 200)})`;
    return {
      path: f.path,
      bytes: f.bytes,
      sha256: f.sha256,
      result: { format: 'unreadable', ok: false, problems: [problem], tensors: [], nonFinite: [] },
      trusted: null,
    };
  }
  try {
    const result = await verifyOne(f.path, src, scans);
    const trusted = result.ok && deps.trustedLoad ? await deps.trustedLoad(f.path) : null;
    return { path: f.path, bytes: src.size, sha256: f.sha256, result, trusted };
  } finally {
    await src.close();
  }
}
