import type { Manifest } from '../record/manifest.ts';
import { verifiedJson, type ProvenBox } from '../record/verified.ts';
import type { ByteSource } from './verifiers/types.ts';
import { decide } from './decision.ts';
import { completeness, type Completeness, type LocalFile } from './manifest.ts';
import type { FileReport } from './report.ts';
import { VERIFIER_VERSIONS, verifyOne } from './verify-files.ts';

/** Everything collect does to the world, handed in: the box, the transfer, the runner's disk, the loader. */
export interface CollectDeps {
  /** Builds the manifest on the box; its exact text is what VERIFIED.json's hash covers. */
  buildManifest(): Promise<{ manifest: Manifest; text: string }>;
  /** Pulls the manifest's files: null when all arrived whole, else the reason the pull stopped. */
  pull(manifest: Manifest): Promise<string | null>;
  /** Writes one of tether's records next to the files, atomically. */
  writeRecord(name: 'manifest.json' | 'VERIFIED.json', text: string): void;
  /** The files now under the destination (relative paths), tether's records and partial files left out. */
  listLocal(): string[];
  open(path: string): Promise<ByteSource & { close(): Promise<void> }>;
  /** Runs `trusted-load-command` on a file: null when it loaded, else the failure line. */
  trustedLoad?(path: string): string | null;
  now(): Date;
}

export type CollectOutcome = { manifest: Manifest; text: string; reasons: string[] } & (
  | /** The pull stopped: nothing was checked, nothing verified. */ { pullFailure: string; verified: false }
  | { pullFailure: null; reports: FileReport[]; completeness: Completeness; verified: boolean }
);

/**
 * Collect: manifest on the box → pull (hashed as it streams) → bidirectional completeness → structural
 * load-verification (no checkpoint code runs) → VERIFIED.json only when every file passed. Deps in, an
 * outcome out; the shell (phase.ts) does the I/O and the rendering.
 */
export async function collect(box: ProvenBox, deps: CollectDeps): Promise<CollectOutcome> {
  const { manifest, text } = await deps.buildManifest();
  const pullFailure = await deps.pull(manifest);
  if (pullFailure !== null) return { manifest, text, pullFailure, verified: false, reasons: [pullFailure] };
  deps.writeRecord('manifest.json', text);
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  const local: LocalFile[] = [];
  const reports: FileReport[] = [];
  for (const path of deps.listLocal()) {
    const src = await deps.open(path);
    try {
      const want = byPath.get(path);
      // The pull proved each hash as it streamed; here the layout is checked, and extras are caught.
      local.push({ path, bytes: src.size, sha256: want && src.size === want.bytes ? want.sha256 : '' });
      if (!want) continue;
      const result = await verifyOne(path, src);
      const trusted = result.ok && deps.trustedLoad ? deps.trustedLoad(path) : null;
      reports.push({ path, bytes: src.size, sha256: want.sha256, result, trusted });
    } finally {
      await src.close();
    }
  }
  const c = completeness(manifest, local);
  const { verified, reasons } = decide(c, reports);
  if (verified) deps.writeRecord('VERIFIED.json', verifiedJson(manifest, text, deps.now(), box, VERIFIER_VERSIONS));
  return { manifest, text, pullFailure: null, reports, completeness: c, verified, reasons };
}
