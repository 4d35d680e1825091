import { diskBudget } from '../../src/sync/budget.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSync } from '../../src/config/sync.ts';
import { InputError } from '../../src/config/errors.ts';
import { parseSettled, type BoxCheckpoint } from '../../src/remote/checkpoints.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { judge, stagingDir, standing, stepFromName, toPull, versionDir } from '../../src/sync/plan.ts';
import { emptyRecord, parseRecord, recordText, type SyncEntry } from '../../src/sync/record.ts';
import { syncRun, type SyncDeps } from '../../src/sync/sync.ts';
import { syncLine } from '../../src/patrol/render.ts';
import { LIB as SCRIPT_LIB } from '../../src/remote/scripts.ts';

const H = (c: string) => c.repeat(64);
const file = (path: string, mtime: number, over: Partial<BoxCheckpoint> = {}): BoxCheckpoint => ({
  path,
  cell: null,
  bytes: 100,
  mtime,
  mtimeExact: `${mtime}.000000000`,
  ...over,
});
const entry = (path: string, mtime: number, status: SyncEntry['status'], over: Partial<SyncEntry> = {}): SyncEntry => ({
  path,
  cell: null,
  bytes: 100,
  mtime,
  sha256: H((mtime % 10).toString(16)),
  status,
  why: status === 'bad' ? 'NaN' : null,
  syncedAt: '2026-11-23T10:00:00.000Z',
  writtenAt: '2026-11-23T10:00:00.000Z',
  step: null,
  ...over,
});

describe('the sync plan (pure)', () => {
  it('pulls only files the runner has not judged as that same file (path, cell, size, mtime)', () => {
    const rec = { ...emptyRecord('r'), entries: [entry('ck/a.pt', 1, 'verified'), entry('ck/b.pt', 2, 'bad'), entry('ck/d.pt', 4, 'pruned')] };
    const listed = [file('ck/a.pt', 1), file('ck/b.pt', 2), file('ck/c.pt', 3), file('ck/d.pt', 4), file('ck/a.pt', 5), file('ck/b.pt', 2, { bytes: 101 })];
    expect(toPull(listed, rec).map((f) => `${f.path}@${f.mtime}/${f.bytes}`)).toEqual(['ck/c.pt@3/100', 'ck/a.pt@5/100', 'ck/b.pt@2/101']);
  });

  it('keeps the newest `keep` verified versions per cell; bad and pruned ones stay remembered, newest first', () => {
    const rec = { ...emptyRecord('r'), entries: [entry('x/1.pt', 1, 'verified', { cell: 'a' }), entry('x/2.pt', 2, 'verified', { cell: 'b' })] };
    const { record, prune } = judge(rec, [entry('x/3.pt', 3, 'verified', { cell: 'a' }), entry('x/4.pt', 4, 'bad', { cell: 'a' })], 1);
    expect(prune.map((p) => p.path)).toEqual(['x/1.pt']);
    expect(record.entries.map((e) => `${e.path}:${e.status}`)).toEqual(['x/4.pt:bad', 'x/3.pt:verified', 'x/2.pt:verified', 'x/1.pt:pruned']);
    // The run's standing: its newest good one, and cell a's newer bad one.
    expect(standing(record)).toMatchObject({ newest: { path: 'x/3.pt' }, bad: { path: 'x/4.pt' } });
    expect(standing(judge(record, [entry('x/5.pt', 5, 'verified', { cell: 'a' })], 1).record)).toMatchObject({ newest: { path: 'x/5.pt' }, bad: null });
  });

  it('names a version by when it was written, its hash and its path; reads the step from a file name', () => {
    const v = versionDir({ mtime: 1795449735, sha256: 'ab'.repeat(32), path: 'ck/a.pt' });
    expect(v).toMatch(/^20261123T160215Z-abababababab-[0-9a-f]{8}$/);
    // The same bytes at the same time under another path (a copy, a rename into a folder of that name) are another version.
    expect(versionDir({ mtime: 1795449735, sha256: 'ab'.repeat(32), path: 'ck/a.pt/b.pt' })).not.toBe(v);
    // Staged before its hash is known: by the listing's exact mtime, size and path.
    const s = stagingDir(file('ck/a.pt', 1795449735, { mtimeExact: '1795449735.250000000' }));
    expect(s).toMatch(/^20261123T160215Z-250000000-100-[0-9a-f]{8}$/);
    expect(stagingDir(file('ck/a.pt', 1795449735, { mtimeExact: '1795449735.250000001' }))).not.toBe(s);
    expect(stagingDir(file('ck/a.pt', 1795449735, { mtimeExact: '1795449735.250000000', bytes: 99 }))).not.toBe(s);
    expect(
      ['ck/step_1200.pt', 'ckpt-300.safetensors', 'iter=40/model.pt', 'out/000120.pt', 'global_step77.ckpt', 'model.pt', 'epoch3.pt'].map(stepFromName),
    ).toEqual([1200, 300, null, 120, 77, null, null]);
  });
});

describe('one run’s sync (deps in, outcome out)', () => {
  const deps = (over: Partial<SyncDeps> = {}) => {
    const log: string[] = [];
    const d: SyncDeps = {
      pull: async (f) => (log.push(`pull ${f.path}`), { moved: f.bytes, sha256: H((f.mtime % 10).toString(16)) }),
      verify: async (f) => (log.push(`verify ${f.path}`), f.path.includes('bad') ? '1 NaN/Inf in w' : null),
      promote: (f) => void log.push(`promote ${f.path}`),
      discard: (f, _v, staged) => void log.push(`discard ${f.path}${staged ? ' staged' : ''}`),
      now: () => new Date('2026-11-23T12:00:00Z'),
      ...over,
    };
    return { d, log };
  };

  it('verifies before it keeps; a bad file is discarded and recorded; written-at comes from the box’s own clock', async () => {
    const { d, log } = deps();
    const r = await syncRun([file('ck/step_2.pt', 1000), file('ck/bad_3.pt', 1100)], 1160, emptyRecord('r'), 2, 9, d);
    expect(log).toEqual([
      'pull ck/bad_3.pt',
      'verify ck/bad_3.pt',
      'discard ck/bad_3.pt staged',
      'pull ck/step_2.pt',
      'verify ck/step_2.pt',
      'promote ck/step_2.pt',
    ]);
    expect(r.newest).toMatchObject({ path: 'ck/step_2.pt', step: 2, writtenAt: '2026-11-23T11:57:20.000Z' });
    expect(r.bad).toMatchObject({ path: 'ck/bad_3.pt', step: 9, why: '1 NaN/Inf in w' });
    expect(r.moved).toBe(200);
  });

  it('a file that could not be pulled is not recorded at all; a dark box stops the rest', async () => {
    const { d, log } = deps({ pull: async (f) => (log.push(`pull ${f.path}`), { error: 'ssh exited 255', network: true }) });
    const r = await syncRun([file('a.pt', 1), file('b.pt', 2)], 10, emptyRecord('r'), 2, null, d);
    expect(log).toEqual(['pull b.pt']);
    expect(r).toMatchObject({ judged: [], newest: null, error: 'ssh exited 255' });
    expect(r.record.entries).toEqual([]);
  });
});

describe('what crosses from the box and the runner’s record are read strictly', () => {
  const asked = new Set(['r1', 'r2']);
  const ok = {
    id: 'r1',
    workdir: '/w',
    files: [{ path: 'ck/a.pt', cell: null, bytes: 1, mtime: '5.000000001' }],
    unsettled: 0,
    skipped: 0,
    too_large: 0,
    held: [],
  };

  it('a broken run is that run’s error; a run not asked about, or a broken envelope, is the host’s', () => {
    const out = parseSettled(
      {
        now: 10,
        runs: [ok, { ...ok, id: 'r2', files: [{ ...ok.files[0], path: '../etc/shadow' }] }],
      },
      asked,
    );
    expect(out.runs[0]).toMatchObject({ id: 'r1', error: null, files: [{ path: 'ck/a.pt', mtime: 5, mtimeExact: '5.000000001' }] });
    expect(out.runs[1]).toMatchObject({ id: 'r2', error: expect.stringMatching(/unexpected form/) });
    // The cells a sweep's listing holds back are names, or that run's error.
    expect(parseSettled({ now: 10, runs: [{ ...ok, held: ['a', 'b'] }] }, asked).runs[0]).toMatchObject({ error: null, held: ['a', 'b'] });
    expect(parseSettled({ now: 10, runs: [{ ...ok, held: ['a b'] }] }, asked).runs[0]).toMatchObject({
      error: expect.stringMatching(/held\[0\] is not a cell name/),
    });
    for (const bad of [
      { now: 10, runs: [{ ...ok, id: 'r3' }] },
      { now: 'x', runs: [] },
      { now: 1, runs: 'nope' },
    ])
      expect(() => parseSettled(bad, asked)).toThrow(BoxDataError);
    // A file named like tether's own records, a duplicate, an mtime that is not stat's exact one, a bad size: that run's error.
    for (const f of [
      { ...ok.files[0], path: 'ck/VERIFIED.json' },
      { ...ok.files[0], mtime: 5 },
      { ...ok.files[0], mtime: '5.1' },
      { ...ok.files[0], mtime: '9999999999999.000000000' },
      { ...ok.files[0], bytes: -1 },
    ]) {
      expect(parseSettled({ now: 10, runs: [{ ...ok, files: [f] }] }, asked).runs[0]!.error).toBeTruthy();
    }
    expect(parseSettled({ now: 10, runs: [{ ...ok, files: [ok.files[0], ok.files[0]] }] }, asked).runs[0]!.error).toMatch(/listed twice/);
  });

  it('the record round-trips; a hand-broken one is refused with its field named', () => {
    const rec = { ...emptyRecord('r1'), entries: [entry('ck/a.pt', 1, 'verified', { step: 3 })] };
    expect(parseRecord(recordText(rec), 'r1')).toEqual(rec);
    expect(() => parseRecord(recordText(rec), 'r2')).toThrow(/another run/);
    expect(() => parseRecord(recordText(rec).replace('"verified"', '"trusted"'), 'r1')).toThrow(/status/);
    expect(() => parseRecord('{', 'r1')).toThrow(BoxDataError);
  });

  it('the status line escapes what it shows', () => {
    const line = syncLine(
      {
        newest: null,
        bad: { path: 'ck/a.pt', cell: null, writtenAt: '2026-11-23T11:59:00Z', why: '<img src=x> `x` [link](http://e)' },
        at: '2026-11-23T11:59:30Z',
        error: null,
      },
      new Date('2026-11-23T12:00:00Z'),
    );
    expect(line).toMatch(/^no verified checkpoint synced yet; ⚠️ newer `ck\/a\.pt` \(written 60 s ago\) failed verification: /);
    expect(line).not.toMatch(/<img|\]\(http/);
  });
});

describe('checkpoints.sh on a directory (the box side, read-only)', () => {
  // lib.sh as every script gets it: the contract's variables first (src/record/contract.ts).
  const LIB = SCRIPT_LIB;
  const SCRIPT = readFileSync('scripts/remote/checkpoints.sh', 'utf8');
  const list = (root: string, data: string) => {
    const r = spawnSync('bash', ['-s', '--', root, '2', String(1e9)], { input: `${LIB}\n${SCRIPT}\n${data}end\n`, encoding: 'utf8' });
    // The box's raw answer: mtime is still stat's string here (parseSettled splits it).
    return JSON.parse(r.stdout) as {
      now: number;
      runs: Array<{
        id: string;
        files: Array<{ path: string; cell: string | null; bytes: number; mtime: string }>;
        unsettled: number;
        skipped: number;
        error?: string;
      }>;
    };
  };

  it('lists settled files newest first with their exact mtimes, reads none, and leaves out symlinks, *.tmp, fresh files and unsafe names', () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-ck-'));
    try {
      const w = join(root, 'w');
      mkdirSync(join(root, 'runs', 'r1'), { recursive: true });
      mkdirSync(join(w, 'ck'), { recursive: true });
      writeFileSync(join(root, 'runs/r1/spec.json'), '{}');
      writeFileSync(join(root, 'runs/r1/workdir'), w);
      writeFileSync(join(root, 'runs/r1/checkpoints'), 'ck/*\n');
      const old = (name: string, body: string, age: number) => {
        writeFileSync(join(w, 'ck', name), body);
        const t = Date.now() / 1000 - age;
        utimesSync(join(w, 'ck', name), t, t);
      };
      old('a.pt', 'aaa', 60);
      old('b.pt', 'bb', 30);
      old('c.pt.tmp', 'c', 30);
      old('-rf.pt', 'x', 20);
      old('x y.pt', 'x', 20);
      writeFileSync(join(w, 'ck', 'fresh.pt'), 'new');
      symlinkSync('/etc/passwd', join(w, 'ck', 'link.pt'));
      // A sparse 10 TB file: more than the runner can hold, so it is counted, never hashed or listed.
      writeFileSync(join(w, 'ck', 'huge.pt'), '');
      truncateSync(join(w, 'ck', 'huge.pt'), 10e12);
      utimesSync(join(w, 'ck', 'huge.pt'), Date.now() / 1000 - 10, Date.now() / 1000 - 10);
      // The listing reads no file (send.sh reads it, once, when it is pulled): with atime older than mtime,
      // a read moves atime (relatime), as the control file read here shows.
      const atime = (name: string) => statSync(join(w, 'ck', name)).atimeMs;
      const aged = (name: string) =>
        utimesSync(join(w, 'ck', name), statSync(join(w, 'ck', name)).mtimeMs / 1000 - 100, statSync(join(w, 'ck', name)).mtimeMs / 1000);
      for (const n of ['a.pt', 'b.pt', 'c.pt.tmp']) aged(n);
      const before = ['a.pt', 'b.pt'].map(atime);
      aged('x y.pt');
      const control = atime('x y.pt');
      readFileSync(join(w, 'ck', 'x y.pt'));
      const fsRecordsReads = atime('x y.pt') !== control;
      const all = list(join(root, 'runs'), `run r1 all 4\nrun nope latest 1\nrun ../x latest 1\n`);
      expect(all.runs.map((r) => r.id)).toEqual(['r1', 'nope']);
      const r1 = all.runs[0]!;
      const exact = (name: string) => spawnSync('stat', ['-c', '%.9Y', join(w, 'ck', name)], { encoding: 'utf8' }).stdout.trim();
      expect(r1.files.map((f) => [f.path, f.bytes, f.mtime])).toEqual([
        ['ck/b.pt', 2, exact('b.pt')],
        ['ck/a.pt', 3, exact('a.pt')],
      ]);
      expect(exact('a.pt')).toMatch(/^\d+\.\d{9}$/);
      if (fsRecordsReads) expect(['a.pt', 'b.pt'].map(atime)).toEqual(before);
      expect(r1.unsettled).toBe(1);
      // Two unsafe names and the symlink: skipped and counted (the one symlink rule), never followed.
      expect(r1.skipped).toBe(3);
      expect((r1 as unknown as { too_large: number }).too_large).toBe(1);
      expect(all.runs[1]!.error).toBe('no run record');
      expect(list(join(root, 'runs'), 'run r1 latest 2\n').runs[0]!.files.map((f) => f.path)).toEqual(['ck/b.pt']);

      // A sweep: each cell by its own globs, each with its own quota, every file tagged with its cell.
      mkdirSync(join(root, 'runs/sw/cells/a'), { recursive: true });
      mkdirSync(join(root, 'runs/sw/cells/b'), { recursive: true });
      mkdirSync(join(w, 'out/a'), { recursive: true });
      mkdirSync(join(w, 'out/b'), { recursive: true });
      writeFileSync(join(root, 'runs/sw/spec.json'), '{}');
      writeFileSync(join(root, 'runs/sw/workdir'), w);
      writeFileSync(join(root, 'runs/sw/cells.list'), 'a\nb\n../x\n');
      writeFileSync(join(root, 'runs/sw/cells/a/checkpoints'), 'out/a/*.pt\n');
      writeFileSync(join(root, 'runs/sw/cells/b/checkpoints'), 'out/b/*.pt\n');
      for (const [cell, name, age] of [
        ['a', '1.pt', 50],
        ['a', '2.pt', 40],
        ['b', '1.pt', 30],
      ] as const) {
        writeFileSync(join(w, 'out', cell, name), `${cell}${name}`);
        const t = Date.now() / 1000 - age;
        utimesSync(join(w, 'out', cell, name), t, t);
      }
      const sweep = list(join(root, 'runs'), 'run sw latest 1\n').runs[0]!;
      expect(sweep.files.map((f) => [f.cell, f.path])).toEqual([
        ['a', 'out/a/2.pt'],
        ['b', 'out/b/1.pt'],
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('sync inputs', () => {
  it('are checked before anything connects', () => {
    expect(parseSync({})).toMatchObject({ mode: 'none', keep: 2, settleS: 5, artifact: false, checkpointEveryS: null });
    expect(parseSync({ sync: 'latest', 'sync-dest': '/srv/sync', 'checkpoint-every': '30m' })).toMatchObject({ mode: 'latest', checkpointEveryS: 1800 });
    for (const [inputs, name] of [
      [{ sync: 'latest' }, 'sync-dest'],
      [{ sync: 'some' }, 'sync'],
      [{ sync: 'all', 'sync-dest': '/d', 'sync-keep': '0' }, 'sync-keep'],
      [{ sync: 'all', 'sync-dest': '/d', 'sync-keep': '1.5' }, 'sync-keep'],
      [{ 'sync-artifact': 'true' }, 'sync-artifact'],
      [{ 'sync-settle': '0' }, 'sync-settle'],
      [{ 'checkpoint-every': 'soon' }, 'checkpoint-every'],
    ] as const) {
      const err = (() => {
        try {
          parseSync(inputs);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).input).toBe(name);
    }
  });
});

describe('the runner disk budget of one tick (issue 23 §2)', () => {
  it('reserves before each pull across hosts and runs, gives back on failure, and keeps the reserve', () => {
    const b = diskBudget(10_000, 1000);
    expect(b.take(6000)).toBe(true); // box 1's checkpoint
    expect(b.take(6000)).toBe(false); // box 2's does not fit beside it, though it would alone
    expect(b.left()).toBe(3000);
    b.give(6000); // box 1's pull failed
    expect(b.take(6000)).toBe(true);
    expect(diskBudget(500, 1000).take(1)).toBe(false);
    expect(diskBudget(null, 1000).take(1e12)).toBe(true);
  });
});

describe('one runner holds a run’s synced checkpoints', () => {
  it('syncs a run nobody holds or this runner holds; leaves one another runner synced recently; takes over a stale one', async () => {
    const { syncOwnership, SYNC_OWNER_STALE_MS } = await import('../../src/sync/step.ts');
    const now = new Date('2026-12-02T12:00:00Z');
    const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
    const sync = (runner: string | undefined, msAgo: number) => ({ newest: null, bad: null, at: at(msAgo), error: null, ...(runner ? { runner } : {}) });
    const memory = {
      v: 1 as const,
      tick: 3,
      runs: {
        fresh: { sync: sync(undefined, 0) },
        mine: { sync: sync('me', 60_000) },
        theirs: { sync: sync('other', 60_000) },
        stale: { sync: sync('other', SYNC_OWNER_STALE_MS + 1000) },
        never: {},
      },
    } as unknown as Parameters<typeof syncOwnership>[1];
    const r = syncOwnership(['fresh', 'mine', 'theirs', 'stale', 'never'], memory, 'me', now);
    expect(r.mine).toEqual(['fresh', 'mine', 'stale', 'never']);
    expect(r.left).toEqual([{ runId: 'theirs', owner: 'other' }]);
    expect(r.takenOver).toEqual([{ runId: 'stale', owner: 'other', at: at(SYNC_OWNER_STALE_MS + 1000) }]);
  });
});
