// Runs before `npm run demo` and `npm test`: installs what a fresh clone lacks, so those two commands work right
// away. The npm dependencies: `npm run setup` (npm ci under the Node 24 that the node@24 dev dependency brings,
// so a Node 20 machine sees no engine warnings from dev tools that never run on Node 20). The Debian packages of
// scripts/apt-packages.txt (the demo's subset for `npm run demo`): installed with apt-get when this is root on a
// Debian-like system; otherwise the missing ones are named with the command that installs them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const forDemo = process.env.npm_lifecycle_event === 'predemo' || process.argv.includes('--demo');

if (!existsSync('node_modules/.bin/node') || !existsSync('node_modules/ssh2')) {
  console.error('tether: installing npm dependencies (npm run setup: npm ci under Node 24) ...');
  const r = spawnSync('npm', ['run', '-s', 'setup'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('tether: npm ci failed; see the lines above');
    process.exit(1);
  }
}

const wanted = readFileSync('scripts/apt-packages.txt', 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split(/\s+/))
  .filter(([, mark]) => !forDemo || mark === 'demo')
  .map(([name]) => name);
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { stdio: 'ignore' }).status === 0;
if (hasApt) {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...wanted], { encoding: 'utf8' });
  const installed = new Set(
    q.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  const missing = wanted.filter((p) => !installed.has(p));
  if (missing.length) {
    const line = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    if (process.getuid?.() !== 0) {
      console.error(`tether: missing Debian packages: ${missing.join(' ')}; as root: ${line}`);
    } else {
      console.error(`tether: installing the Debian packages the ${forDemo ? 'demo' : 'test boxes'} need: ${missing.join(' ')} ...`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const run = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env, timeout: 30 * 60_000 }).status === 0;
      if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', ...missing])) {
        console.error(`tether: apt-get failed (see above); install them yourself: ${line}`);
        process.exit(1);
      }
    }
  }
}
