import type { Completeness } from './manifest.ts';
import type { FileReport } from './report.ts';
import { problemsText } from '../verify/verify-files.ts';

export { problemsText };

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
