import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { RUNNER_RESERVE } from '../../src/sync/phase.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * Issue 23 §2: sync never takes the patrol down. Two honest boxes whose big checkpoints each fit the runner's
 * free space but not together, on a small runner filesystem (a tmpfs), and a box that renames a synced file
 * into a folder of the same name between ticks: every tick writes status for every run, and each run's
 * trouble is that run's sync error.
 */
let a: Box;
let b: Box;
const small = `/tmp/tether-small-${process.pid}`;
const config = `/tmp/tether-budget-${process.pid}.yml`;
const state = `/tmp/tether-budget-${process.pid}.md`;
// 120 MB each; the tmpfs leaves ~200 MB beyond the reserve: one fits, two do not.
const BIG = 30_000_000;

beforeAll(async () => {
  [a, b] = await Promise.all([createBox(), createBox()]);
  mkdirSync(small, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${RUNNER_RESERVE + 200e6}`, 'tmpfs', small]);
  for (const [box, id] of [
    [a, 'big-a'],
    [b, 'big-b'],
  ] as const) {
    box.sh(`mkdir -p ${box.home}/w`);
    const r = captureReporter();
    const code = await launchPhase(
      box.inputs({
        'run-id': id,
        command: `/usr/bin/python3 -c "import torch, os; os.makedirs('ck', exist_ok=True); torch.save({'w': torch.zeros(${BIG})}, 'ck/big.pt')"; echo step 1 loss 1; sleep 600`,
        workdir: '~/w',
        audit: 'false',
        'confirm-timeout': '1',
        checkpoints: 'ck/*.pt\nck/**/*.pt',
        'run-file': `/tmp/tether-budget-${id}.json`,
      }),
      {},
      r,
      '/tmp',
    );
    expect(code, r.errors.join('\n')).toBe(0);
  }
  for (const box of [a, b])
    await waitFor('the big checkpoint', () => existsSync(`${box.home}/w/ck/big.pt`) && statSync(`${box.home}/w/ck/big.pt`).size > 100e6, 60_000);
  writeFileSync(
    config,
    [
      'defaults:',
      '  user: root',
      '  connect-timeout: 5',
      'hosts:',
      ...[a, b].map((box, i) =>
        [
          `  - name: box-${i}`,
          `    host: ${box.addr}`,
          `    ssh-key-path: ${box.clientKeyPath}`,
          `    known-hosts: "${box.hostKeyLine}"`,
          `    runs: [big-${i === 0 ? 'a' : 'b'}]`,
        ].join('\n'),
      ),
      '',
    ].join('\n'),
  );
}, 180_000);
afterAll(() => {
  try {
    execFileSync('umount', [small]);
  } catch {
    // not mounted
  }
  rmSync(small, { recursive: true, force: true });
  a?.destroy();
  b?.destroy();
  for (const f of [config, state]) rmSync(f, { force: true });
});

async function tick() {
  const r = captureReporter();
  const code = await patrolPhase({ config, 'state-file': state, sync: 'all', 'sync-dest': small, 'sync-settle': '1', 'stall-after': '1h' }, {}, r, {
    probe: probeHost,
  });
  return {
    code,
    r,
    states: JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string }>,
    synced: JSON.parse(r.outputs['synced'] ?? '{}') as Record<string, { newest: string | null; error: string | null }>,
  };
}

describe('sync never takes the patrol down', () => {
  it('two boxes whose checkpoints fit one at a time share one disk budget: one is pulled, the other is its sync error, status for both', async () => {
    // A file still being hashed on a loaded box is not settled yet: a few ticks, each with status for both.
    let refused: Array<[string, { newest: string | null; error: string | null }]> = [];
    for (let i = 0; i < 4 && !refused.length; i++) {
      const t = await tick();
      expect(Object.keys(t.states).sort()).toEqual(['big-a', 'big-b']);
      expect(t.states['big-a']?.state).toBe('running');
      expect(t.states['big-b']?.state).toBe('running');
      const pulled = Object.entries(t.synced).filter(([, s]) => s.newest);
      expect(pulled.length, JSON.stringify(t.synced)).toBeLessThanOrEqual(1);
      refused = Object.entries(t.synced).filter(([, s]) => s.error);
    }
    // At least the run that did not fit is refused for want of room (under load the other's pull may fail too:
    // that is its own sync error, and its status is still written).
    expect(refused.length, JSON.stringify(refused)).toBeGreaterThanOrEqual(1);
    expect(refused.map(([, x]) => x.error).join('\n')).toMatch(
      /ck\/big.pt is 120.0 MB, more than the runner can hold this tick .* kept free\); not pulled|larger than the runner can hold/,
    );
    // The reserve held: the runner's filesystem still has it free.
    const st = execFileSync('df', ['-B1', '--output=avail', small], { encoding: 'utf8' }).trim().split('\n').pop()!;
    expect(Number(st)).toBeGreaterThan(RUNNER_RESERVE);
  }, 120_000);

  it('a box that renames a synced file into a folder of the same name: later ticks still write status, the run keeps its verified version', async () => {
    const t1 = await tick();
    const [id] = Object.entries(t1.synced).find(([, s]) => s.newest)!;
    const box = id === 'big-a' ? a : b;
    // ck/big.pt becomes a folder holding big.pt: the same bytes, the same mtime, another path.
    box.sh(`cd ${box.home}/w/ck && mv big.pt tmp.pt && mkdir big.pt && mv tmp.pt big.pt/big.pt && touch -r big.pt/big.pt big.pt`);
    for (let i = 0; i < 2; i++) {
      const t = await tick();
      expect(Object.keys(t.states).sort()).toEqual(['big-a', 'big-b']);
      expect(t.states[id]?.state).toBe('running');
      expect(t.synced[id]).toBeDefined();
    }
    const dirs = readdirSync(join(small, id)).filter((d) => !d.startsWith('.') && d !== 'sync.json');
    expect(dirs.length).toBeGreaterThanOrEqual(1);
    // The one symlink rule, in the probe too: a symlink the globs match is skipped, counted and warned about.
    box.sh(`ln -s /etc/shadow ${box.home}/w/ck/link.pt`);
    const t = await tick();
    expect(t.r.warnings.join('\n')).toMatch(new RegExp(`${id}: 1 file\\(s\\) its checkpoint globs match are symlinks: skipped, never followed`));
  }, 180_000);
});
