import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DefaultArtifactClient
} from "./chunk-F7VKBQ3J.js";
import "./chunk-V37UE6HX.js";
import {
  artifactServiceMissing
} from "./chunk-PH7IAEM6.js";
import "./chunk-J4JGH25V.js";
import "./chunk-R3K6G2KB.js";

// src/github/artifacts.ts
var ArtifactError = class extends Error {
};
function githubArtifacts(env = process.env) {
  const client = new DefaultArtifactClient();
  return {
    unavailable: () => artifactServiceMissing(env),
    async upload(plan, retentionDays) {
      const files = plan.files.map((f) => `${plan.root}/${f}`);
      try {
        const r = await client.uploadArtifact(plan.name, files, plan.root, { compressionLevel: 0, ...retentionDays ? { retentionDays } : {} });
        return { name: plan.name, id: r.id ?? 0, size: r.size ?? 0, digest: r.digest ?? "", reused: false };
      } catch (err) {
        const e = err;
        if (/\(409\)/.test(e.message)) {
          const { artifact } = await client.getArtifact(plan.name);
          return { name: plan.name, id: artifact.id, size: artifact.size, digest: (artifact.digest ?? "").replace(/^sha256:/, ""), reused: true };
        }
        if (e.name === "UsageError" || /storage quota has been hit/i.test(e.message))
          throw new ArtifactError(
            `artifact ${plan.name}: GitHub's artifact storage quota is used up; the files stay on the runner. Free space by deleting old artifacts, or set artifact: none`
          );
        if (e.name === "GHESNotSupportedError")
          throw new ArtifactError(`artifact ${plan.name}: GitHub Enterprise Server does not support this artifact service; set artifact: none`);
        throw new ArtifactError(`artifact ${plan.name} was not uploaded: ${e.message}`);
      }
    }
  };
}
async function fetchArtifact(name, dir) {
  const client = new DefaultArtifactClient();
  let found;
  try {
    found = (await client.getArtifact(name)).artifact;
  } catch (err) {
    throw new ArtifactError(`artifact ${name} was not found in this workflow run: ${err.message.split("\n")[0]}`);
  }
  const r = await client.downloadArtifact(found.id, { path: dir, ...found.digest ? { expectedHash: found.digest } : {} });
  if (r.digestMismatch) throw new ArtifactError(`artifact ${name} (id ${found.id}) downloaded with a different sha256 than it was uploaded with`);
  return { id: found.id, digest: found.digest ?? "" };
}
export {
  ArtifactError,
  fetchArtifact,
  githubArtifacts
};
