import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataLines, scriptStdin } from '../../src/remote/invoke.ts';
import { BOX_FILES_SCHEMA, decideListing, ListingRefused, parseBoxFiles, type BoxFiles } from '../../src/record/listing.ts';
import { BoxDataError } from '../../src/record/strict.ts';

// What manifest.sh lists (tether.box-files/v1) and what the runner decides from it (issue 24 §4).
const raw = (over: Record<string, unknown> = {}) => ({
  schema: BOX_FILES_SCHEMA,
  run_id: 'r1',
  attempt: 1,
  created_at: '2026-12-02T00:00:00Z',
  workdir: '/w',
  globs: ['ck/**/*.pt'],
  cells: null,
  files: [
    { path: 'ck/a/1.pt', bytes: 10, mtime: '100.000000001', still: true },
    { path: 'ck/a/2.pt', bytes: 20, mtime: '200.000000000', still: false },
    { path: 'ck/b/1.pt', bytes: 30, mtime: '99.900000000', still: true },
  ],
  skipped_symlinks: { count: 0, names: [] },
  ...over,
});
const box = (over: Record<string, unknown> = {}): BoxFiles => parseBoxFiles(raw(over), 'r1');
const req = (over: Partial<{ latestOnly: boolean; roster: string[]; cells: string[] }> = {}) => ({ latestOnly: false, roster: [], cells: [], ...over });
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return null;
};

const cell = (name: string, o: Record<string, unknown> = {}) => ({
  name,
  listed: true,
  done: true,
  failed: false,
  attempt: 1,
  globs: [`out/${name}/*.pt`],
  ...o,
});
const sweep = (cells: unknown[], files: unknown[]) => box({ globs: ['out/{cell}/*.pt'], cells, files });
const sf = (path: string, cells: string[], mtime = '100.000000000', still: boolean | undefined = undefined) => ({
  path,
  bytes: 1,
  mtime,
  cells,
  ...(still === undefined ? {} : { still }),
});

describe('the listing decided on the runner, not in bash', () => {
  it('a plain run: every file, sizes summed; the roster is the directories under the first glob’s static part', () => {
    const l = decideListing(box(), req());
    expect(l.files.map((f) => f.path)).toEqual(['ck/a/1.pt', 'ck/a/2.pt', 'ck/b/1.pt']);
    expect(l.total_bytes).toBe(60);
    expect(decideListing(box(), req({ roster: ['b', 'a'] })).files).toHaveLength(3);
    expect(refusal(() => decideListing(box(), req({ roster: ['a', 'c'] })))?.message).toBe('roster mismatch: expected [a,c], found [a,b]');
    expect(refusal(() => decideListing(box(), req({ cells: ['a'] })))?.message).toMatch(/is not a sweep; 'cells' is for sweeps/);
  });

  it('latest-only: the newest file that held still (exact mtimes, not their string length), or a refusal', () => {
    expect(decideListing(box(), req({ latestOnly: true })).files.map((f) => f.path)).toEqual(['ck/a/1.pt']);
    const none = box({ files: [{ path: 'x.pt', bytes: 1, mtime: '5.000000000', still: false }] });
    expect(refusal(() => decideListing(none, req({ latestOnly: true })))).toBeInstanceOf(ListingRefused);
    expect(refusal(() => decideListing(none, req({ latestOnly: true })))?.message).toBe('every checkpoint is still being written; try again');
    // A listing that did not measure stillness cannot be cut to its latest file.
    expect(refusal(() => decideListing(box({ files: [{ path: 'x.pt', bytes: 1, mtime: '5.000000000' }] }), req({ latestOnly: true })))).toBeInstanceOf(
      BoxDataError,
    );
  });

  it('no file: says which globs and how many symlinks were skipped', () => {
    const e = refusal(() => decideListing(box({ files: [], skipped_symlinks: { count: 2, names: ['ck/x.pt'] } }), req()));
    expect(e?.message).toBe(
      "no-checkpoints: no file in /w matches the run's checkpoint globs (ck/**/*.pt): check the launch input 'checkpoints' against where the job saves; 2 symlink(s) matched and were skipped (never followed)",
    );
  });

  it('a sweep: the cells asked for, each known and finished (unless latest-only), each with a file; a file two cells match goes to the first asked', () => {
    const cells = [cell('a'), cell('b', { done: false, failed: true }), cell('c', { done: false }), cell('d', { done: false, attempt: 0 }), cell('e')];
    const files = [sf('out/a/1.pt', ['a']), sf('out/shared.pt', ['a', 'e']), sf('out/e/1.pt', ['e'])];
    expect(refusal(() => decideListing(sweep(cells, files), req()))?.message).toBe(
      "cells not finished: b (failed), c (running), d (never started); collect the finished ones with 'cells', or wait",
    );
    const l = decideListing(sweep(cells, files), req({ cells: ['e', 'a'] }));
    expect(l.cells).toEqual(['a', 'e']);
    expect(l.files.map((f) => `${f.cell}:${f.path}`).sort()).toEqual(['a:out/a/1.pt', 'e:out/e/1.pt', 'e:out/shared.pt']);
    expect(refusal(() => decideListing(sweep(cells, files), req({ cells: ['a', 'ghost'] })))?.message).toBe("run r1 has no cell 'ghost'");
    expect(refusal(() => decideListing(sweep([cell('a'), cell('z')], files.slice(0, 1)), req()))?.message).toBe('no checkpoint files for cell(s): z');
    expect(refusal(() => decideListing(sweep(cells, files), req({ roster: ['a'] })))?.message).toMatch(/is a sweep: its roster is its cells/);
    expect(refusal(() => decideListing(sweep([], []), req()))?.message).toBe('run r1 lists no cells');
    // A cell not asked for was not listed: naming it is the same as naming no cell at all.
    expect(refusal(() => decideListing(sweep([cell('a'), { name: 'q', listed: false }], files.slice(0, 1)), req({ cells: ['q'] })))?.message).toBe(
      "run r1 has no cell 'q'",
    );
  });

  it('a sweep, latest-only: per cell the newest still file, unfinished cells allowed', () => {
    const cells = [cell('a', { done: false }), cell('b')];
    const files = [
      sf('out/a/1.pt', ['a'], '100.000000000', true),
      sf('out/a/2.pt', ['a'], '101.000000000', true),
      sf('out/b/1.pt', ['b'], '90.000000000', false),
    ];
    expect(refusal(() => decideListing(sweep(cells, files), req({ latestOnly: true })))?.message).toBe(
      'every checkpoint of cell b is still being written; try again',
    );
    const ok = decideListing(sweep(cells, [...files, sf('out/b/0.pt', ['b'], '80.000000000', true)]), req({ latestOnly: true }));
    expect(ok.files.map((f) => f.path)).toEqual(['out/a/2.pt', 'out/b/0.pt']);
    expect(ok.latest_only).toBe(true);
  });

  it('what the box says is read strictly: a cell it did not list, a sweep file without a cell, an unknown schema, an unsafe or record-named path', () => {
    expect(() => sweep([cell('a')], [sf('out/b/1.pt', ['b'])])).toThrow(/which it did not list/);
    expect(() => sweep([cell('a')], [sf('out/a/1.pt', [])])).toThrow(/without a cell/);
    expect(() => box({ files: [sf('x.pt', ['a'])] })).toThrow(/not a sweep/);
    expect(() => box({ schema: 'tether.box-files/v2' })).toThrow(/unknown version/);
    expect(() => box({ run_id: 'r2' })).toThrow(/not r1/);
    expect(() => box({ files: [{ path: 'x.pt', bytes: 1, mtime: '5' }] })).toThrow(BoxDataError);
    expect(() => parseBoxFiles({ error: 'no run record at /x' }, 'r1')).toThrow(/manifest refused on the box: no run record/);
    for (const path of ['../etc/shadow', 'ck/VERIFIED.json', 'ck/a.pt.part'])
      expect(() => decideListing(box({ files: [{ path, bytes: 1, mtime: '5.000000000' }] }), req())).toThrow(BoxDataError);
    expect(() => decideListing(box({ files: [raw().files[0], raw().files[0]] }), req())).toThrow(/twice/);
  });
});

describe('manifest.sh on a directory (the box side: it lists and measures, decides nothing)', () => {
  // Exactly what the runner sends: lib.sh with the contract, the script, then the data lines.
  const run = (root: string, id: string, still: 0 | 1, data: Record<string, string> = {}) =>
    spawnSync('bash', ['-s', '--', root, id, String(still)], { input: scriptStdin('manifest', dataLines(data)), encoding: 'utf8', timeout: 20_000 });

  it('lists every matched file with its exact mtime and, asked, whether it held still; a sweep with every cell’s markers and each file’s cells', () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-mf-'));
    try {
      const w = join(root, 'w');
      const r = join(root, 'runs', 'sw');
      for (const d of ['cells/a', 'cells/b', 'cells/c']) mkdirSync(join(r, d), { recursive: true });
      for (const d of ['out/a', 'out/b']) mkdirSync(join(w, d), { recursive: true });
      writeFileSync(join(r, 'spec.json'), '{}');
      writeFileSync(join(r, 'workdir'), w);
      writeFileSync(join(r, 'checkpoints'), 'out/{cell}/*.pt\n');
      writeFileSync(join(r, 'cells.list'), 'a\nb\nc\n../x\n');
      writeFileSync(join(r, 'cells/a/checkpoints'), 'out/a/*.pt\nout/*.pt\n');
      writeFileSync(join(r, 'cells/b/checkpoints'), 'out/b/*.pt\nout/*.pt\n');
      writeFileSync(join(r, 'cells/c/checkpoints'), 'out/c/*.pt\n');
      writeFileSync(join(r, 'cells/a/DONE'), '{}');
      mkdirSync(join(r, 'cells/b/attempts/1'), { recursive: true });
      writeFileSync(join(r, 'cells/b/FAILED'), '{}');
      writeFileSync(join(w, 'out/a/1.pt'), 'a1');
      writeFileSync(join(w, 'out/b/growing.pt'), 'b');
      writeFileSync(join(w, 'out/shared.pt'), 's');
      // One file grows while the listing waits: it did not hold still.
      const bg = spawnSync('bash', ['-c', `( sleep 0.4; printf more >> ${join(w, 'out/b/growing.pt')} ) >/dev/null 2>&1 & disown`]);
      expect(bg.status).toBe(0);
      const out = run(join(root, 'runs'), 'sw', 1);
      expect(out.status, out.stderr).toBe(0);
      const b = parseBoxFiles(JSON.parse(out.stdout), 'sw');
      expect(b.cells?.map((c) => [c.name, c.done, c.failed, c.attempt])).toEqual([
        ['a', true, false, 0],
        ['b', false, true, 1],
        ['c', false, false, 0],
      ]);
      expect(b.files.map((f) => [f.path, f.cells.join('+'), f.still])).toEqual([
        ['out/a/1.pt', 'a', true],
        ['out/b/growing.pt', 'b', false],
        ['out/shared.pt', 'a+b', true],
      ]);
      const exact = spawnSync('stat', ['-c', '%.9Y', join(w, 'out/a/1.pt')], { encoding: 'utf8' }).stdout.trim();
      expect(b.files[0]?.mtime).toBe(exact);
      // Asked for some cells: only theirs are walked; the others are named, not read.
      const some = parseBoxFiles(JSON.parse(run(join(root, 'runs'), 'sw', 0, { cells: 'b' }).stdout), 'sw');
      expect(some.cells?.map((c) => `${c.name}:${c.listed}`)).toEqual(['a:false', 'b:true', 'c:false']);
      expect(some.files.map((f) => [f.path, f.cells.join('+'), f.still])).toEqual([
        ['out/b/growing.pt', 'b', null],
        ['out/shared.pt', 'b', null],
      ]);
      // No run record, an unsafe name: refused on the box, said why.
      expect(JSON.parse(run(join(root, 'runs'), 'nope', 0).stdout).error).toMatch(/no run record/);
      writeFileSync(join(w, 'out/a/-rf.pt'), 'x');
      expect(JSON.parse(run(join(root, 'runs'), 'sw', 0).stdout).error).toMatch(/unsafe file name/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
