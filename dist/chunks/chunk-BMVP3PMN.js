import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/teardown/proof-files.ts
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
function proofFilesAt(path) {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "VERIFIED.json") : path;
  if (!existsSync(file)) return null;
  const manifest = join(dirname(file), "manifest.json");
  return { verifiedText: readFileSync(file, "utf8"), manifestText: existsSync(manifest) ? readFileSync(manifest, "utf8") : null };
}

export {
  proofFilesAt
};
