import type { Completeness } from './manifest.ts';
import type { FileReport } from './report.ts';
import type { VerifyResult } from './verifiers/types.ts';

/**
 * The verify decision: verified only when what arrived is exactly the manifest (bidirectionally, by
 * hash) and every file passed its structural verifier and the trusted loader. Otherwise each reason, one
 * per problem, for the error line. Pure.
 */
export function decide(c: Completeness, reports: FileReport[]): { verified: boolean; reasons: string[] } {
  const failed = reports.filter((r) => !r.result.ok || r.trusted);
  const reasons = [
    ...c.missing.map((p) => `${p} missing`),
    ...c.extra.map((p) => `${p} not in the manifest`),
    ...c.sizeMismatch.map((p) => `${p} size differs`),
    ...c.hashMismatch.map((p) => `${p} sha256 differs`),
    ...failed.map((r) => `${r.path}: ${r.trusted ?? problemsText(r.result)}`),
  ];
  return { verified: c.ok && failed.length === 0, reasons };
}

/** What is wrong with a file, in one line: its verifier's problems and every tensor with NaN/Inf. Pure. */
export function problemsText(r: VerifyResult): string {
  return [...r.problems, ...r.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`)].join('; ');
}
