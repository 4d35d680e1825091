import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';

let a: Box;
let b: Box;
const config = `/tmp/tether-multi-${process.pid}.yml`;
beforeAll(async () => {
  [a, b] = await Promise.all([createBox(), createBox()]);
  for (const [box, id] of [
    [a, 'm-a'],
    [b, 'm-b'],
  ] as const) {
    box.sh(`mkdir -p ${box.home}/code`);
    await launchPhase(
      box.inputs({
        'run-id': id,
        command: 'echo "step 42 loss 0.25"; sleep 300',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': `/tmp/tether-multi-${id}.json`,
      }),
      {},
      captureReporter(),
      '/tmp',
    );
    rmSync(`/tmp/tether-multi-${id}.json`, { force: true });
  }
  writeFileSync(
    config,
    [
      'defaults:',
      '  user: root',
      '  connect-timeout: 3',
      'hosts:',
      ...[a, b].map((box, i) =>
        [
          `  - name: box-${i}`,
          `    host: ${box.addr}`,
          `    ssh-key-path: ${box.clientKeyPath}`,
          `    known-hosts: "${box.hostKeyLine}"`,
          `    runs: [m-${i === 0 ? 'a' : 'b'}]`,
        ].join('\n'),
      ),
      '',
    ].join('\n'),
  );
});
afterAll(() => {
  a?.destroy();
  b?.destroy();
  rmSync(config, { force: true });
});

const connections = (box: Box) => (readFileSync(`${box.dir}/sshd.log`, 'utf8').match(/Connection from/g) ?? []).length;

describe('patrol over hosts from tether.yml', () => {
  it('tether status probes each host once and prints one table; a dark host does not hide the other', () => {
    const before = [connections(a), connections(b)];
    const cli = spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', 'status', '--config', config, '--stall-after', '1h'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect([connections(a) - before[0]!, connections(b) - before[1]!]).toEqual([1, 1]);
    const lines = cli.stdout.split('\n');
    // A title, then the aligned table (header first): no markdown, no colour through a pipe.
    expect(lines[0]).toMatch(/^tether status — \d{4}-/);
    expect(lines[2]).toMatch(/^run\s+host\s+state\s+step/);
    expect(cli.stdout).not.toMatch(/\||\u001b|###|`/);
    expect(lines.find((l) => l.startsWith('m-a'))).toMatch(/^m-a\s+box-0\s+🟢 running\s+42\s/);
    expect(lines.find((l) => l.startsWith('m-b'))).toMatch(/^m-b\s+box-1\s+🟢 running\s+42\s/);

    b.blackhole();
    try {
      const t0 = Date.now();
      const dark = spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', 'status', '--config', config, '--fail-on', 'unreachable'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(Date.now() - t0).toBeLessThan(6000);
      expect(dark.status).toBe(1);
      expect(dark.stdout).toMatch(/^m-a\s+box-0\s+🟢 running/m);
      expect(dark.stdout).toMatch(/^m-b\s+box-1\s+📡 unreachable/m);
      expect(dark.stderr).toMatch(/error: patrol: m-b is unreachable/);
    } finally {
      b.clearFirewall();
    }
  });

  it('refuses config together with run-ids', () => {
    const cli = spawnSync(resolve('node_modules/.bin/node'), ['dist/cli/index.js', 'status', '--config', config, '--run-ids', 'x'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/^error: --run-ids: give either --config /m);
  });
});
