// Bundles each action entry and the CLI into one ESM file under dist/ (committed; CI rebuilds and diffs).
import { build, type Plugin } from 'esbuild';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { PHASE_LIST } from '../src/phases.ts';

// One bundle per registry phase (its action), the root action and the CLI.
const entries: Record<string, string> = {
  ...Object.fromEntries(PHASE_LIST.map((p) => [`${p.name}/index`, `src/actions/${p.name}.ts`])),
  'main/index': 'src/actions/main.ts',
  'cli/index': 'src/cli/index.ts',
};

/** `import text from './x.sh?raw'` → the file's text (vite does the same in tests). */
const rawText: Plugin = {
  name: 'raw-text',
  setup(b) {
    // Paths relative to the repository root, so the bundle does not depend on where it was built.
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: relative(process.cwd(), resolve(args.resolveDir, args.path.replace(/\?raw$/, ''))),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

// ssh2 and its deps are CommonJS and use require/__dirname; give every ESM output file both. `var`, not
// `const`: a bundled ESM dependency may declare its own module-level __filename in the same chunk.
const banner = [
  "import { createRequire as __tether_cr } from 'node:module';",
  "import { fileURLToPath as __tether_fu } from 'node:url';",
  "import { dirname as __tether_dn } from 'node:path';",
  'var require = __tether_cr(import.meta.url);',
  'var __filename = __tether_fu(import.meta.url);',
  'var __dirname = __tether_dn(__filename);',
].join('\n');

const common = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node24',
  // The native ssh2 binding is Node-ABI specific; the bundle uses ssh2's pure-JS crypto (control plane only).
  external: ['*.node'],
  plugins: [rawText],
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
};

// The actions share chunks: a phase's code (and @actions/artifact, @octokit) is a chunk loaded only when
// that phase or port runs, so each action starts by evaluating just what it uses.
rmSync('dist/chunks', { recursive: true, force: true });
const actions = Object.fromEntries(Object.entries(entries).filter(([out]) => !out.startsWith('cli')));
await build({ ...common, entryPoints: actions, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]', banner: { js: banner } });
// The CLI is one file (it never loads the GitHub clients).
await build({ ...common, entryPoints: [entries['cli/index'] as string], outfile: 'dist/cli/index.js', banner: { js: `#!/usr/bin/env node\n${banner}` } });
// `npx tether`, `npm link` and ./dist/cli/index.js run it directly.
chmodSync('dist/cli/index.js', 0o755);
console.log(`built ${Object.keys(entries).length} entries into dist/ (actions with shared chunks in dist/chunks/)`);
