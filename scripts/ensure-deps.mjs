// Runs before `npm run demo` and `npm test`: installs the npm dependencies on a fresh clone
// (Node 24 arrives as the node@24 dev dependency), so those two commands work right away.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/.bin/node') || !existsSync('node_modules/ssh2')) {
  console.error('tether: installing npm dependencies (npm ci) ...');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('tether: npm ci failed; see the lines above');
    process.exit(1);
  }
}
