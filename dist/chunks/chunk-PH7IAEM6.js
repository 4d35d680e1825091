import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/github/artifact-env.ts
function artifactServiceMissing(env) {
  const missing = ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL"].filter((k) => !env[k]);
  return missing.length ? `the Actions artifact service is not reachable from here (${missing.join(" and ")} unset: this is not a GitHub Actions step)` : null;
}

export {
  artifactServiceMissing
};
