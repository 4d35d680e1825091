import { describe, expect, it } from 'vitest';
import { completeness } from '../../src/collect/manifest.ts';
import { parseManifest, type Manifest } from '../../src/record/manifest.ts';

const H = (c: string) => c.repeat(64);
const good = (): Manifest => ({
  schema: 'tether.manifest/v1',
  run_id: 'r1',
  attempt: 1,
  created_at: '2026-11-22T00:00:00Z',
  latest_only: false,
  file_count: 2,
  total_bytes: 30,
  workdir: '/root/code',
  files: [
    { path: 'ck/a.pt', bytes: 10, sha256: H('a') },
    { path: 'ck/b.pt', bytes: 20, sha256: H('b') },
  ],
});

describe('manifest', () => {
  it('accepts a well-formed manifest of the run', () => {
    expect(parseManifest(good(), 'r1').files).toHaveLength(2);
  });

  it.each<[string, (m: Manifest) => unknown, RegExp]>([
    ['an unknown schema version', (m) => ({ ...m, schema: 'tether.manifest/v2' }), /refusing an unknown version/],
    ['another run', (m) => m, /not r2/],
    ['no files', (m) => ({ ...m, files: [], file_count: 0, total_bytes: 0 }), /lists no files/],
    ['a path escaping with ..', (m) => ({ ...m, files: [{ ...m.files[0]!, path: '../etc/passwd' }, m.files[1]] }), /unsafe path/],
    ['an absolute path', (m) => ({ ...m, files: [{ ...m.files[0]!, path: '/etc/passwd' }, m.files[1]] }), /unsafe path/],
    ['a duplicate path', (m) => ({ ...m, files: [m.files[0], m.files[0]], total_bytes: 20 }), /twice/],
    ['a bad hash', (m) => ({ ...m, files: [{ ...m.files[0]!, sha256: 'xyz' }, m.files[1]] }), /not a sha256/],
    ['totals that do not add up', (m) => ({ ...m, total_bytes: 31 }), /totals do not match/],
    ['an error from the box', () => ({ error: 'roster mismatch' }), /refused on the box: roster mismatch/],
  ])('refuses %s', (_name, mutate, error) => {
    expect(() => parseManifest(mutate(good()), _name === 'another run' ? 'r2' : 'r1')).toThrow(error);
  });

  it('completeness is bidirectional and never trusts size alone', () => {
    const m = good();
    expect(
      completeness(m, [
        { path: 'ck/a.pt', bytes: 10, sha256: H('a') },
        { path: 'ck/b.pt', bytes: 20, sha256: H('b') },
      ]).ok,
    ).toBe(true);
    const c = completeness(m, [
      { path: 'ck/a.pt', bytes: 10, sha256: H('c') },
      { path: 'ck/extra.pt', bytes: 1, sha256: H('d') },
    ]);
    expect(c).toEqual({ ok: false, missing: ['ck/b.pt'], extra: ['ck/extra.pt'], sizeMismatch: [], hashMismatch: ['ck/a.pt'] });
    expect(
      completeness(m, [
        { path: 'ck/a.pt', bytes: 9, sha256: H('a') },
        { path: 'ck/b.pt', bytes: 20, sha256: H('b') },
      ]).sizeMismatch,
    ).toEqual(['ck/a.pt']);
  });
});

describe("a sweep's manifest", () => {
  const sweep = (): Manifest => ({
    ...good(),
    cells: ['a', 'b'],
    files: [
      { path: 'ck/a.pt', bytes: 10, sha256: H('a'), cell: 'a' },
      { path: 'ck/b.pt', bytes: 20, sha256: H('b'), cell: 'b' },
    ],
  });
  it('keeps each file with its cell and the roster', () => {
    const m = parseManifest(sweep(), 'r1');
    expect(m.cells).toEqual(['a', 'b']);
    expect(m.files.map((f) => f.cell)).toEqual(['a', 'b']);
    expect(parseManifest(good(), 'r1').cells).toBeUndefined();
  });

  it.each<[string, (m: Manifest) => unknown, RegExp]>([
    ['a file without its cell', (m) => ({ ...m, files: [{ ...m.files[0]!, cell: undefined }, m.files[1]] }), /files\[0\]\.cell/],
    ['a file of a cell not in the roster', (m) => ({ ...m, files: [{ ...m.files[0]!, cell: 'z' }, m.files[1]] }), /cell z, which is not in its cells/],
    ['a cell without a file', (m) => ({ ...m, cells: ['a', 'b', 'c'] }), /no file for cell\(s\) c/],
    ['a cell twice', (m) => ({ ...m, cells: ['a', 'b', 'a'] }), /lists a cell twice/],
    ['a traversal cell name', (m) => ({ ...m, cells: ['a', '..'] }), /manifest\.cells\[1\]/],
    ['a cell tag without a roster', (m) => ({ ...m, cells: undefined }), /tags ck\/a\.pt with a cell, but lists no cells/],
    ['an empty roster', (m) => ({ ...m, cells: [] }), /lists no cells|not in its cells/],
  ])('refuses %s', (_, mutate, re) => {
    expect(() => parseManifest(JSON.parse(JSON.stringify(mutate(sweep()))), 'r1')).toThrow(re);
  });
});
