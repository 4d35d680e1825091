// `npm run release [-- --dry-run]`: tags the version in package.json, after proving the tree is what a user
// would get. In order, it refuses unless:
//   1. the working tree is clean (nothing modified, staged or untracked);
//   2. package.json's version is X.Y.Z, CHANGELOG.md has a `## X.Y.Z` section, and tag vX.Y.Z does not exist;
//   3. a fresh `npm run build` leaves dist/ and every action.yml exactly as committed;
//   4. the checks pass: `npm run -s lint` and `npm test` (TETHER_RELEASE_CHECKS replaces them, for the
//      release script's own test only).
// Then it creates the annotated tag vX.Y.Z and moves the major tag vX to the same commit, and prints the
// push commands (it never pushes). Workflows use `@vX`; pinning `@<commit sha>` is the safest.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const dryRun = process.argv.includes('--dry-run');
const unknown = process.argv.slice(2).filter((a) => a !== '--dry-run');
if (unknown.length) fail(`unknown argument(s): ${unknown.join(' ')} (the only one is --dry-run)`);

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function git(args, { allowFail = false } = {}) {
  const r = spawnSync('git', args, { encoding: 'utf8' });
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
if (dryRun) {
  console.log(`release: dry run: would tag ${tag} and move ${major} to ${head}`);
  process.exit(0);
}
git(['tag', '-a', tag, '-m', `tether ${version}`, head]);
git(['tag', '-f', '-a', major, '-m', `tether ${major} (currently ${version})`, head]);
console.log(`release: tagged ${tag} and moved ${major} to ${head}`);
console.log(`release: publish with: git push origin ${tag} && git push --force origin ${major}`);
