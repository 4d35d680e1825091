// Runs before `npm run demo` and `npm test`: installs the npm dependencies on a fresh clone (Node 24 arrives as
// the node@24 dev dependency), so those two commands work right away. The install itself runs under Node 24
// (`npm run setup`), so a Node 20 machine sees no engine warnings from dev tools that never run on Node 20.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('node_modules/.bin/node') || !existsSync('node_modules/ssh2')) {
  console.error('tether: installing npm dependencies (npm run setup: npm ci under Node 24) ...');
  const r = spawnSync('npm', ['run', '-s', 'setup'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('tether: npm ci failed; see the lines above');
    process.exit(1);
  }
}
