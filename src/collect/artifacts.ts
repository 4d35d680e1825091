import { human } from '../report/bytes.ts';
import type { ArtifactPlan, ArtifactUploader, UploadedArtifact } from '../ports/types.ts';

export type { ArtifactPlan, ArtifactUploader, UploadedArtifact };

/** What collect uploads as workflow artifacts, and under which names. Pure; the upload itself is src/github/artifacts.ts. */

/**
 * Names carry the run id and the hash of the file list (paths, sizes, sha256s), so collects of different
 * checkpoints in one workflow run never collide (names are unique per run and artifacts immutable), and
 * the same name always means the same bytes: a re-run that finds its name taken keeps that artifact
 * instead of paying for a second copy. An unverified upload says so in its name.
 */
export function planArtifacts(
  runId: string,
  filesSha256: string,
  root: string,
  files: { path: string; bytes: number }[],
  records: { path: string; bytes: number }[],
  verified: boolean,
): ArtifactPlan[] {
  const base = `tether-${runId}-${filesSha256.slice(0, 12)}`;
  return [
    { kind: 'checkpoints', name: `${base}-checkpoints${verified ? '' : '-unverified'}`, root, files: files.map((f) => f.path), bytes: sum(files) },
    { kind: 'records', name: `${base}-records${verified ? '' : '-unverified'}`, root, files: records.map((f) => f.path), bytes: sum(records) },
  ];
}

const sum = (fs: { bytes: number }[]) => fs.reduce((a, f) => a + f.bytes, 0);

/** A warning with the numbers when the upload exceeds the storage budget, else null. */
export function budgetWarning(plans: ArtifactPlan[], budgetBytes: number, retentionDays: number | undefined): string | null {
  const total = sum(plans);
  if (total <= budgetBytes) return null;
  return (
    `artifacts total ${human(total)}, over the artifact-budget of ${human(budgetBytes)}. GitHub includes 500 MB of artifact storage on Free, 1 GB on Pro, 2 GB on Team, 50 GB on Enterprise Cloud ` +
    `(public repositories are free); storage accrues as GB-hours until the artifacts expire (${retentionDays ? `${retentionDays} days` : "the repository's retention"}) and deleting does not refund the month. ` +
    `Uploading anyway: if the quota is hit the upload fails and the files stay on the runner.`
  );
}

/** The summary block listing what was uploaded. Pure. */
export function renderArtifacts(uploaded: UploadedArtifact[], warning: string | null): string {
  const lines = ['#### Artifacts', '', '| artifact | id | size | sha256 (zip) |', '|---|---|---|---|'];
  for (const a of uploaded)
    lines.push(
      `| \`${a.name}\`${a.reused ? ' (kept: the same files were already uploaded in this workflow run)' : ''} | ${a.id} | ${human(a.size)} | \`${a.digest.slice(0, 16)}\` |`,
    );
  if (warning) lines.push('', `> ⚠️ ${warning}`);
  return lines.join('\n');
}
