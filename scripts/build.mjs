// Bundles each action entry and the CLI into one ESM file under dist/ (committed; CI rebuilds and diffs).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const entries = {
  'launch/index': 'src/actions/launch.ts',
  'audit/index': 'src/actions/audit.ts',
  'patrol/index': 'src/actions/patrol.ts',
  'collect/index': 'src/actions/collect.ts',
  'teardown/index': 'src/actions/teardown.ts',
  'main/index': 'src/actions/main.ts',
  'cli/index': 'src/cli/index.ts',
};

/** `import text from './x.sh?raw'` → the file's text (vite does the same in tests). */
const rawText = {
  name: 'raw-text',
  setup(b) {
    // Paths relative to the repository root, so the bundle does not depend on where it was built.
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: relative(process.cwd(), resolve(args.resolveDir, args.path.replace(/\?raw$/, ''))), namespace: 'raw' }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

// ssh2 and its deps are CommonJS and use require/__dirname; give the ESM bundle both.
const banner = [
  "import { createRequire as __tether_cr } from 'node:module';",
  "import { fileURLToPath as __tether_fu } from 'node:url';",
  "import { dirname as __tether_dn } from 'node:path';",
  'const require = __tether_cr(import.meta.url);',
  'const __filename = __tether_fu(import.meta.url);',
  'const __dirname = __tether_dn(__filename);',
].join('\n');

for (const [out, entry] of Object.entries(entries)) {
  await build({
    entryPoints: [entry],
    outfile: `dist/${out}.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // The native ssh2 binding is Node-ABI specific; the bundle uses ssh2's pure-JS crypto (control plane only).
    external: ['*.node'],
    banner: { js: (out.startsWith('cli') ? '#!/usr/bin/env node\n' : '') + banner },
    plugins: [rawText],
    legalComments: 'none',
    logLevel: 'warning',
  });
}
console.log(`built ${Object.keys(entries).length} bundles into dist/`);
