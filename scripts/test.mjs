// Runs the whole suite under Node 24 and ends with the plain line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`tests need Node 24 (this is ${process.version}); run them through 'npm test', which puts node_modules/.bin/node (node@24) first on PATH`);
  process.exit(2);
}
const missing = [];
if (process.getuid?.() !== 0) missing.push('root (test boxes are network namespaces)');
for (const c of ['ip', 'iptables', 'tmux', 'ssh-keygen', 'flock', 'setsid', 'unshare', 'nsenter', 'rsync']) {
  if (spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0) missing.push(c);
}
if (!existsSync('/usr/sbin/sshd')) missing.push('/usr/sbin/sshd');
if (missing.length) {
  console.error(`missing for the test boxes: ${missing.join(', ')}`);
  console.error('npm test installs them itself when run as root on Debian (scripts/apt-packages.txt); or run bash .ci/run');
  console.log('0 passed, 1 failed');
  process.exit(2);
}
mkdirSync('.tmp', { recursive: true });
const report = '.tmp/vitest-report.json';
rmSync(report, { force: true });
const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const r = spawnSync('vitest', args, { stdio: 'inherit', timeout: 25 * 60_000 });
let passed = 0;
let failed = 1;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = (j.numFailedTests ?? 0) + (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
}
if (r.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
