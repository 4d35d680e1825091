import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * scripts/release.mjs in a throwaway repository holding this working tree (what `git ls-files` lists, plus
 * new files not ignored), with the real node_modules linked in: every refusal leaves no tag, and a release
 * tags vX.Y.Z and moves vX.
 */
let repo: string;
const PASS = 'true';

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const git = (...args: string[]) => run('git', args).out.trim();
const release = (checks = PASS, ...args: string[]) => run(process.execPath, ['scripts/release.mjs', ...args], { TETHER_RELEASE_CHECKS: checks });
const tags = () => git('tag', '--list').split('\n').filter(Boolean).sort();
const commitAll = (msg: string) => {
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', msg);
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tether-release-'));
  const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(repo, f)), { recursive: true });
    try {
      cpSync(f, join(repo, f), { preserveTimestamps: true });
    } catch {
      // a file deleted in the working tree but still listed: skip it
    }
  }
  // A bind mount, not a symlink: esbuild follows symlinks, and the bundles name their inputs by path, so
  // node_modules must sit inside the copy for its build to match the committed dist/ byte for byte.
  mkdirSync(join(repo, 'node_modules'));
  const m = spawnSync('mount', ['--bind', resolve('node_modules'), join(repo, 'node_modules')], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`mount --bind node_modules (the tests run as root): ${m.stderr}`);
  git('init', '-q', '-b', 'main');
  commitAll('snapshot');
}, 120_000);
afterAll(() => {
  if (!repo) return;
  const u = spawnSync('umount', [join(repo, 'node_modules')], { encoding: 'utf8' });
  // Never delete through a mount that is still there: that would empty the real node_modules.
  if (u.status === 0) rmSync(repo, { recursive: true, force: true });
  else console.error(`left ${repo} in place: umount failed: ${u.stderr}`);
});

describe('npm run release', () => {
  it('refuses a dirty tree before building anything', () => {
    writeFileSync(join(repo, 'stray.txt'), 'x');
    const r = release();
    rmSync(join(repo, 'stray.txt'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/working tree is not clean[\s\S]*stray\.txt/);
    expect(r.out).not.toMatch(/rebuild dist/);
    expect(tags()).toEqual([]);
  });

  it('refuses a version without a CHANGELOG section, and an unknown argument', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ ...pkg, version: '9.9.9' }, null, 2) + '\n');
    commitAll('bump without changelog');
    const r = release();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/CHANGELOG\.md has no "## 9\.9\.9" section/);
    git('reset', '-q', '--hard', 'HEAD~1');
    expect(release(PASS, '--force').out).toMatch(/unknown argument\(s\): --force/);
    expect(tags()).toEqual([]);
  });

  it('refuses when dist/ is not what the sources build to', () => {
    const main = join(repo, 'src/actions/root/main.ts');
    const text = readFileSync(main, 'utf8');
    expect(text).toContain('is not one of: ');
    writeFileSync(main, text.replace('is not one of: ', 'is none of: '));
    commitAll('source changed, dist not rebuilt');
    const r = release();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/a fresh build changed the tree[\s\S]*dist\//);
    git('reset', '-q', '--hard', 'HEAD~1');
    git('clean', '-qfd');
    expect(tags()).toEqual([]);
  }, 120_000);

  it('refuses when the checks fail, and tags nothing', () => {
    const r = release('exit 3');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/checks failed \(exit 3\); nothing was tagged/);
    expect(tags()).toEqual([]);
  }, 120_000);

  it('tags a release commit (refs pinned) vX.Y.Z and moves vX; the same version again is refused; the next one moves vX', () => {
    const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    const major = `v${version.split('.')[0]}`;
    const dry = release(PASS, '--dry-run');
    expect(dry.code, dry.out).toBe(0);
    expect(dry.out).toMatch(/dry run: would commit \d+ files with pinned refs[\s\S]*tether-launch\.yml/);
    expect(tags()).toEqual([]);

    const head = git('rev-parse', 'HEAD');
    const first = release();
    expect(first.code, first.out).toBe(0);
    expect(tags()).toEqual([major, `v${version}`].sort());
    const rel = git('rev-list', '-n1', `v${version}`);
    // The release commit sits on the tested commit, outside the branch, and changes only refs in workflows and docs.
    expect(rel).not.toBe(head);
    expect(git('rev-parse', `${rel}^`)).toBe(head);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('rev-list', '-n1', major)).toBe(rel);
    const changed = git('diff', '--name-only', head, rel).split('\n');
    expect(changed).toContain('.github/workflows/tether-launch.yml');
    expect(changed.filter((p) => !/^(\.github\/workflows\/|examples\/|docs\/|README\.md$)/.test(p))).toEqual([]);
    // The reusable workflows call the actions at the tested commit; examples and docs name the release; no @main is left.
    const launchWf = git('show', `${rel}:.github/workflows/tether-launch.yml`);
    expect(launchWf).toContain(`tether-dev/tether/actions/launch@${head} # v${version}`);
    expect(git('show', `${rel}:.github/workflows/tether-finish.yml`)).toContain(`tether-dev/tether/actions/teardown@${head}`);
    expect(git('show', `${rel}:examples/workflows/lifecycle.yml`)).toContain(`tether-dev/tether/.github/workflows/tether-launch.yml@v${version}`);
    expect(git('grep', '-n', 'uses: tether-dev/tether[^ ]*@main', rel, '--', '.github', 'examples', 'docs', 'README.md')).toBe('');
    expect(git('show', `${head}:.github/workflows/tether-launch.yml`)).toContain('tether-dev/tether/actions/launch@main');
    expect(first.out).toMatch(new RegExp(`git push --force origin ${major}`));
    expect(release().out).toMatch(new RegExp(`tag v${version.replace(/\./g, '\\.')} already exists`));

    const [x, y, z] = version.split('.').map(Number) as [number, number, number];
    const next = `${x}.${y}.${z + 1}`;
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ ...pkg, version: next }, null, 2) + '\n');
    writeFileSync(join(repo, 'CHANGELOG.md'), readFileSync(join(repo, 'CHANGELOG.md'), 'utf8').replace(/^## /m, `## ${next}\n\n- a fix\n\n## `));
    commitAll(`bump to ${next}`);
    // The CLI bundle carries the version (tether --version): a bump is only releasable once dist/ is rebuilt.
    expect(release().out).toMatch(/a fresh build changed the tree[\s\S]*dist\/cli\/index\.js/);
    git('checkout', '-q', '--', 'dist');
    expect(run('npm', ['run', '-s', 'build']).code).toBe(0);
    commitAll(`release ${next}`);
    const head2 = git('rev-parse', 'HEAD');
    const second = release();
    expect(second.code, second.out).toBe(0);
    const rel2 = git('rev-list', '-n1', `v${next}`);
    expect(git('rev-parse', `${rel2}^`)).toBe(head2);
    expect(git('rev-list', '-n1', major)).toBe(rel2);
    expect(git('rev-list', '-n1', `v${version}`)).toBe(rel);
  }, 180_000);
});
