import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scriptStdin } from '../../src/remote/invoke.ts';
import { parseProbe } from '../../src/remote/probe-parse.ts';

// probe.sh reads every run's new log bytes and tail, and every live cell's window, in one process each
// (read_ranges). Run here with bash on a run root in a temporary folder, as the box would.
const root = mkdtempSync(join(tmpdir(), 'tether-probe-logs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const text = (n: number, seed: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7 + seed) % 26))).join('');

function run(id: string, logs: Array<string | 'fifo' | null>) {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'spec.json'), '{}');
  logs.forEach((log, i) => {
    const a = join(dir, 'attempts', String(i + 1));
    mkdirSync(a, { recursive: true });
    if (log === 'fifo') execFileSync('mkfifo', [join(a, 'log')]);
    else if (log !== null) writeFileSync(join(a, 'log'), log);
  });
  return dir;
}

function probe(lines: string[]) {
  const r = spawnSync('bash', ['-s', '--', root], { input: scriptStdin('probe', `${lines.join('\n')}\nend\n`), encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return parseProbe(JSON.parse(r.stdout.trim().split('\n').at(-1)!), root);
}

describe("the probe's log reads, all runs in one process", () => {
  it('each run gets exactly its new bytes (from the last offset, at most 64 KiB) and its last 8 KiB', () => {
    const big = text(100_000, 1);
    const mid = text(5000, 2);
    const second = text(3000, 3);
    run('new-attempt', [big]);
    run('from-offset', [mid]);
    run('caught-up', [mid]);
    run('truncated', [mid]);
    run('next-attempt', [text(9000, 4), second]);
    run('empty', ['']);
    run('fifo', ['fifo']);
    run('no-log', [null]);
    const h = probe([
      'run new-attempt 0 0',
      'run from-offset 1 1000',
      'run caught-up 1 5000',
      'run truncated 1 9999',
      'run next-attempt 1 8000',
      'run empty 1 0',
      'run fifo 1 0',
      'run no-log 0 0',
    ]);
    const by = Object.fromEntries(h.runs.map((r) => [r.id, r]));
    expect(by['new-attempt']).toMatchObject({ logSize: 100_000, deltaFrom: 100_000 - 65_536, delta: big.slice(-65_536), tail: big.slice(-8192) });
    expect(by['from-offset']).toMatchObject({ deltaFrom: 1000, delta: mid.slice(1000), tail: mid });
    expect(by['caught-up']).toMatchObject({ deltaFrom: 5000, delta: '', tail: mid });
    expect(by['truncated']).toMatchObject({ deltaFrom: 0, delta: mid, tail: mid });
    expect(by['next-attempt']).toMatchObject({ attempt: 2, deltaFrom: 0, delta: second, tail: second });
    expect(by['empty']).toMatchObject({ logSize: 0, delta: '', tail: '' });
    // A FIFO planted as the log is never opened (it would block the probe): nothing is read from it.
    expect(by['fifo']).toMatchObject({ delta: '', tail: '' });
    expect(by['no-log']).toMatchObject({ logSize: 0, delta: '', tail: '' });
  });

  it("a sweep's live cells get one window each: their new bytes and their last 4 KiB in one read", () => {
    const dir = run('sweep', []);
    writeFileSync(join(dir, 'cells.list'), 'a\nb\n');
    const logs = { a: text(30_000, 5), b: text(1200, 6) };
    for (const [c, log] of Object.entries(logs)) {
      mkdirSync(join(dir, 'cells', c, 'attempts', '1'), { recursive: true });
      writeFileSync(join(dir, 'cells', c, 'attempts', '1', 'log'), log);
      // The cell record launch writes (a name without one was never launched, and is refused).
      writeFileSync(join(dir, 'cells', c, 'spec.json'), '{}\n');
    }
    const h = probe(['run sweep 0 0', 'cell sweep a 1 5000 0', 'cell sweep b 0 0 0']);
    const cells = Object.fromEntries((h.runs[0]!.cells ?? []).map((c) => [c.id, c]));
    // a: from its offset, at most 16 KiB before the end; b: a new attempt, from 0.
    expect(cells['a']).toMatchObject({ deltaFrom: 30_000 - 16_384, delta: logs.a.slice(-16_384), tail: logs.a.slice(-4096) });
    expect(cells['b']).toMatchObject({ deltaFrom: 0, delta: logs.b, tail: logs.b });
  });
});
