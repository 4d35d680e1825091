import { describe, expect, it } from 'vitest';
import { completeness } from '../../src/collect/manifest.ts';
import { manifestFromListing, parseListing, parseManifest, type Manifest } from '../../src/record/manifest.ts';
import { groups } from '../../src/transfer/stream.ts';

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

describe("collect's listing (names, sizes, mtimes) and the manifest made from it", () => {
  const listing = () => ({
    schema: 'tether.listing/v1',
    run_id: 'r1',
    attempt: 2,
    created_at: '2026-11-23T00:00:00Z',
    latest_only: false,
    workdir: '/root/code',
    files: [
      { bytes: 20, mtime: '1795459622.789249373', path: 'ck/b.pt' },
      { bytes: 10, mtime: '1795459600', path: 'ck/a.pt' },
    ],
  });

  it('is read as strictly as a manifest, with an mtime where a manifest has a hash', () => {
    expect(parseListing(listing(), 'r1').total_bytes).toBe(30);
    const bad: Array<[unknown, RegExp]> = [
      [{ ...listing(), schema: 'tether.manifest/v1' }, /listing schema is "tether.manifest\/v1", expected tether.listing\/v1/],
      [{ ...listing(), files: [{ bytes: 1, path: 'ck/a.pt' }] }, /listing mtime of ck\/a.pt is not a time/],
      [{ ...listing(), files: [{ bytes: 1, mtime: '1; rm -rf /', path: 'ck/a.pt' }] }, /not a time/],
      [{ ...listing(), files: [{ bytes: 1, mtime: '1', path: 'ck/VERIFIED.json' }] }, /a name tether keeps for its own records/],
      [{ ...listing(), files: [listing().files[0], listing().files[0]] }, /lists ck\/b.pt twice/],
      [{ ...listing(), files: [{ bytes: -1, mtime: '1', path: 'ck/a.pt' }] }, /size of ck\/a.pt is not a byte count/],
      [{ ...listing(), files: [{ bytes: 2 ** 53, mtime: '1', path: 'ck/a.pt' }] }, /not a byte count/],
      [{ ...listing(), run_id: 'r2' }, /listing is for run "r2", not r1/],
    ];
    for (const [raw, re] of bad) expect(() => parseListing(raw, 'r1')).toThrow(re);
  });

  it('becomes the manifest manifest.sh writes (sorted, same key order), with the hashes that arrived; a file without one is an error', () => {
    const l = parseListing(listing(), 'r1');
    const { manifest, text } = manifestFromListing(
      l,
      new Map([
        ['ck/a.pt', H('a')],
        ['ck/b.pt', H('b')],
      ]),
    );
    expect(text).toBe(
      `{"attempt":2,"created_at":"2026-11-23T00:00:00Z","file_count":2,"files":[{"bytes":10,"path":"ck/a.pt","sha256":"${H('a')}"},{"bytes":20,"path":"ck/b.pt","sha256":"${H('b')}"}],"latest_only":false,"run_id":"r1","schema":"tether.manifest/v1","total_bytes":30,"workdir":"/root/code"}\n`,
    );
    expect(manifest.files.map((f) => f.path)).toEqual(['ck/a.pt', 'ck/b.pt']);
    expect(() => manifestFromListing(l, new Map([['ck/a.pt', H('a')]]))).toThrow(/no hash for ck\/b.pt/);
    expect(() =>
      manifestFromListing(
        l,
        new Map([
          ['ck/a.pt', H('a')],
          ['ck/b.pt', 'not-a-hash'],
        ]),
      ),
    ).toThrow(/sha256 of ck\/b.pt is not a sha256/);
  });
});

describe('stream groups', () => {
  it('splits files into at most n groups of about equal bytes, each in path order, and never an empty one', () => {
    const f = (path: string, bytes: number) => ({ path, bytes, mtime: '1' });
    const gs = groups([f('a', 100), f('b', 10), f('c', 60), f('d', 50), f('e', 1)], 2);
    expect(gs.map((g) => g.map((x) => x.path))).toEqual([
      ['a', 'b', 'e'],
      ['c', 'd'],
    ]); // 111 and 110 bytes
    expect(groups([f('a', 1)], 4)).toEqual([[f('a', 1)]]);
    expect(groups([], 4)).toEqual([]);
  });
});
