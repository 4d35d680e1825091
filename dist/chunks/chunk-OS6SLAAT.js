import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/util/groups.ts
function groups(files, n) {
  const out = Array.from({ length: Math.max(1, Math.min(n, files.length)) }, () => ({ bytes: 0, files: [] }));
  for (const f of [...files].sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))) {
    const g = out.reduce((a, b) => b.bytes < a.bytes ? b : a);
    g.bytes += f.bytes;
    g.files.push(f);
  }
  return out.map((g) => g.files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).filter((g) => g.length);
}

export {
  groups
};
