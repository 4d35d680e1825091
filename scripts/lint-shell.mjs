// shellcheck over the on-box scripts (they run under bash on boxes we do not control) and the composite
// actions' scripts.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const files = [
  ...readdirSync('scripts/remote')
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `scripts/remote/${f}`),
  ...readdirSync('actions').flatMap((d) =>
    readdirSync(`actions/${d}`)
      .filter((f) => f.endsWith('.sh'))
      .map((f) => `actions/${d}/${f}`),
  ),
];
const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', ...files], { stdio: 'inherit' });
if (r.error) {
  console.error(`shellcheck is not installed (apt-get install shellcheck): ${r.error.message}`);
  process.exit(2);
}
if (r.status === 0) console.log(`shellcheck: ${files.length} scripts clean`);
process.exit(r.status ?? 1);
