import { DefaultArtifactClient } from '@actions/artifact';
import type { ArtifactPlan, ArtifactUploader, UploadedArtifact } from '../collect/artifacts.ts';
import { artifactServiceMissing } from './artifact-env.ts';

/** An upload failure named for the person reading the log. */
export class ArtifactError extends Error {}

/**
 * Uploads through the real @actions/artifact client: stored zips (compressionLevel 0: checkpoints do
 * not compress, and level 6 would cost CPU for nothing), retention as asked. A name that already exists
 * in this workflow run (a re-run of collect) is a 409 from the service; since names carry the manifest
 * hash, the existing artifact holds the same manifest and is kept.
 */
export function githubArtifacts(env: NodeJS.ProcessEnv = process.env): ArtifactUploader {
  const client = new DefaultArtifactClient();
  return {
    unavailable: () => artifactServiceMissing(env),
    async upload(plan: ArtifactPlan, retentionDays: number | undefined): Promise<UploadedArtifact> {
      const files = plan.files.map((f) => `${plan.root}/${f}`);
      try {
        const r = await client.uploadArtifact(plan.name, files, plan.root, { compressionLevel: 0, ...(retentionDays ? { retentionDays } : {}) });
        return { name: plan.name, id: r.id ?? 0, size: r.size ?? 0, digest: r.digest ?? '', reused: false };
      } catch (err) {
        const e = err as Error;
        if (/\(409\)/.test(e.message)) {
          const { artifact } = await client.getArtifact(plan.name);
          return { name: plan.name, id: artifact.id, size: artifact.size, digest: (artifact.digest ?? '').replace(/^sha256:/, ''), reused: true };
        }
        if (e.name === 'UsageError' || /storage quota has been hit/i.test(e.message))
          throw new ArtifactError(
            `artifact ${plan.name}: GitHub's artifact storage quota is used up; the files stay on the runner. Free space by deleting old artifacts, or set artifact: none`,
          );
        if (e.name === 'GHESNotSupportedError')
          throw new ArtifactError(`artifact ${plan.name}: GitHub Enterprise Server does not support this artifact service; set artifact: none`);
        throw new ArtifactError(`artifact ${plan.name} was not uploaded: ${e.message}`);
      }
    },
  };
}

/**
 * Downloads an artifact of this workflow run by name into `dir` through the real client, checking the
 * digest the service recorded at upload. Teardown uses it to fetch VERIFIED.json from the collect job.
 */
export async function fetchArtifact(name: string, dir: string): Promise<{ id: number; digest: string }> {
  const client = new DefaultArtifactClient();
  let found;
  try {
    found = (await client.getArtifact(name)).artifact;
  } catch (err) {
    throw new ArtifactError(`artifact ${name} was not found in this workflow run: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = await client.downloadArtifact(found.id, { path: dir, ...(found.digest ? { expectedHash: found.digest } : {}) });
  if (r.digestMismatch) throw new ArtifactError(`artifact ${name} (id ${found.id}) downloaded with a different sha256 than it was uploaded with`);
  return { id: found.id, digest: found.digest ?? '' };
}
