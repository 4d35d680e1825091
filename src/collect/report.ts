import { code, inert } from '../report/markdown.ts';
import type { Manifest } from '../record/manifest.ts';
import type { Completeness } from './manifest.ts';
import type { VerifyResult } from '../verify/verifiers/types.ts';

export interface FileReport {
  path: string;
  bytes: number;
  sha256: string;
  result: VerifyResult;
  trusted: string | null;
}

/** The collect job summary: every file with size, hash prefix, verifier result and tensor count. Pure. */
export function renderCollect(runId: string, m: Manifest, files: FileReport[], c: Completeness, verifiedPath: string | null): string {
  const lines = [
    `### ${verifiedPath ? '✅' : '❌'} tether collect — ${code(runId)}: ${verifiedPath ? 'verified' : 'NOT verified'}`,
    '',
    `${m.file_count} files, ${(m.total_bytes / 1e6).toFixed(1)} MB, attempt ${m.attempt}${m.latest_only ? ', latest checkpoint only' : ''}.${verifiedPath ? ` Proof: ${code(verifiedPath)}.` : ''}`,
    '',
    '| file | size | sha256 | verifier | tensors | result |',
    '|---|---|---|---|---|---|',
    ...files.map((f) => {
      const bad = [...f.result.problems, ...f.result.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`), ...(f.trusted ? [f.trusted] : [])];
      return `| ${code(f.path)} | ${f.bytes} | \`${f.sha256.slice(0, 12)}\` | ${f.result.format} | ${f.result.tensors.length || '—'} | ${bad.length ? `❌ ${inert(bad.join('; '))}` : `✅${f.result.note ? ` ${inert(f.result.note)}` : ''}`} |`;
    }),
    '',
  ];
  for (const [label, list] of [
    ['missing', c.missing],
    ['not in the manifest', c.extra],
    ['size differs', c.sizeMismatch],
    ['sha256 differs', c.hashMismatch],
  ] as const) {
    if (list.length) lines.push(`- ❌ ${label}: ${list.map((p) => code(p)).join(', ')}`);
  }
  return lines.join('\n');
}

/** The summary of a collect whose pull stopped: nothing verified, and how a rerun resumes. Pure. */
export function renderPullFailure(runId: string, why: string): string {
  return `### ❌ tether collect — ${code(runId)}: NOT verified\n\nThe pull stopped: ${inert(why)}\n\nNothing was marked verified. Files that arrived whole are kept; partial ones stay as \`.part\` and a rerun resumes them.`;
}
