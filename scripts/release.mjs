// `npm run release [-- --dry-run]`: tags the version in package.json, after proving the tree is what a user
// would get. In order, it refuses unless:
//   1. the working tree is clean (nothing modified, staged or untracked);
//   2. package.json's version is X.Y.Z, CHANGELOG.md has a `## X.Y.Z` section, and tag vX.Y.Z does not exist;
//   3. a fresh `npm run build` leaves dist/ and every action.yml exactly as committed;
//   4. the checks pass: `npm run -s lint` and `npm test` (TETHER_RELEASE_CHECKS replaces them, for the
//      release script's own test only).
// Then it makes one release commit on top of the tested commit, outside any branch: the reusable workflows'
// nested `tether-dev/tether/…@main` refs become `@<tested sha>` (a workflow cannot name its own commit, so a
// user's pin of the release commit then pins everything underneath it), and the examples', docs' and README's
// become `@vX.Y.Z`. Nothing else changes. It tags that commit vX.Y.Z, moves the major tag vX to it, and prints
// the push commands (it never pushes). The branch keeps `@main`. See docs/versions.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dryRun = process.argv.includes('--dry-run');
const unknown = process.argv.slice(2).filter((a) => a !== '--dry-run');
if (unknown.length) fail(`unknown argument(s): ${unknown.join(' ')} (the only one is --dry-run)`);

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function git(args, { allowFail = false, env, input } = {}) {
  const r = spawnSync('git', args, { encoding: 'utf8', env: env ? { ...process.env, ...env } : process.env, input });
  if (r.status !== 0 && !allowFail) fail(`git ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return { ok: r.status === 0, out: (r.stdout ?? '').trim() };
}

function sh(command, what) {
  console.log(`release: ${what}: ${command}`);
  const r = spawnSync('bash', ['-c', command], { stdio: 'inherit' });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal}); nothing was tagged`);
}

// 1. A clean tree: the tag must name exactly what was checked.
const dirty = git(['status', '--porcelain', '--untracked-files=all']).out;
if (dirty) fail(`the working tree is not clean; commit or stash first:\n${dirty}`);

// 2. The version, its changelog section, and a tag that does not exist yet.
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '');
if (!m) fail(`package.json version ${JSON.stringify(version)} is not X.Y.Z`);
const tag = `v${version}`;
const major = `v${m[1]}`;
const changelog = readFileSync('CHANGELOG.md', 'utf8');
if (!new RegExp(`^## ${version.replace(/\./g, '\\.')}(\\s|$)`, 'm').test(changelog)) fail(`CHANGELOG.md has no "## ${version}" section`);
if (git(['rev-parse', '-q', '--verify', `refs/tags/${tag}`], { allowFail: true }).ok) fail(`tag ${tag} already exists; bump the version in package.json`);

// 3. dist/ and the action.yml files are what the sources build to.
sh('npm run -s build', 'rebuild dist/');
const stale = git(['status', '--porcelain', '--untracked-files=all']).out;
if (stale) fail(`a fresh build changed the tree; commit the rebuilt files first:\n${stale}`);

// 4. Green checks.
sh(process.env.TETHER_RELEASE_CHECKS || 'npm run -s lint && npm test', 'checks');

const head = git(['rev-parse', 'HEAD']).out;

// 5. The release commit's files: tether's own `@main` refs pinned (the one rule, for every file it touches).
// Only `uses:` lines (a comment's example call included); prose that names a path is left as it is.
const REF = /(uses: tether-dev\/tether(?:\/[\w./-]+)?)@main\b( # pin: [^\n]*)?/g;
const tracked = git(['ls-files', '-s']).out.split('\n').filter(Boolean);
const rewrites = [];
for (const line of tracked) {
  const [meta, path] = line.split('\t');
  const mode = meta.split(' ')[0];
  const nested = /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
  if (!nested && !/^(examples|docs)\//.test(path) && path !== 'README.md') continue;
  const text = readFileSync(path, 'utf8');
  let count = 0;
  const pinned = text.replace(REF, (_, what) => {
    count++;
    // A nested call of an action names the tested commit; a mention of a reusable workflow itself names the release.
    if (nested && !what.includes('/.github/workflows/')) return `${what}@${head} # ${tag}`;
    return `${what}@${tag} # or its commit, for the strictest pin (docs/versions.md)`;
  });
  if (count) rewrites.push({ path, mode, pinned, count });
}
const nestedCount = rewrites.filter((r) => r.path.startsWith('.github/') && r.pinned.includes(`@${head} `)).length;
if (!nestedCount) fail('the reusable workflows hold no tether-dev/tether/…@main ref to pin: nothing would tie them to this commit');
const summary = rewrites.map((r) => `${r.path} (${r.count})`).join(', ');
if (dryRun) {
  console.log(`release: dry run: would commit ${rewrites.length} files with pinned refs on top of ${head} (${summary}), tag it ${tag} and move ${major} to it`);
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), 'tether-release-'));
let release;
try {
  const env = { GIT_INDEX_FILE: join(scratch, 'index') };
  git(['read-tree', head], { env });
  for (const r of rewrites) {
    const blob = git(['hash-object', '-w', '--stdin'], { input: r.pinned }).out;
    git(['update-index', '--cacheinfo', `${r.mode},${blob},${r.path}`], { env });
  }
  const tree = git(['write-tree'], { env }).out;
  release = git(['commit-tree', tree, '-p', head, '-m', `tether ${version}: pin the reusable workflows' refs to ${head}\n\n${summary}`]).out;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
git(['tag', '-a', tag, '-m', `tether ${version} (tested commit ${head})`, release]);
git(['tag', '-f', '-a', major, '-m', `tether ${major} (currently ${version})`, release]);
console.log(`release: release commit ${release} (on top of the tested ${head}; ${summary})`);
console.log(`release: tagged ${tag} and moved ${major} to ${release}; the branch is unchanged`);
console.log(`release: publish with: git push origin ${tag} && git push --force origin ${major}`);
console.log(`release: then say on the branch what is released (README, "What is released"; docs/versions.md)`);
