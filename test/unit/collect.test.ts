import { describe, expect, it } from 'vitest';
import { collect, type CollectDeps } from '../../src/collect/collect.ts';
import { decide } from '../../src/collect/decision.ts';
import type { Listing } from '../../src/record/manifest.ts';
import type { ByteSource } from '../../src/verify/verifiers/types.ts';
import { npy } from '../harness/craft.ts';
import { createHash } from 'node:crypto';
import type { RunState } from '../../src/record/run-state.ts';
import { parseRunState } from '../../src/record/run-state.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8));
const nan = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Buffer.from([0, 0, 0xc0, 0x7f]));
const listingOf = (files: Record<string, Buffer>): Listing => ({
  run_id: 'r1',
  attempt: 1,
  created_at: '2026-11-23T00:00:00Z',
  latest_only: false,
  workdir: '/w',
  files: Object.entries(files).map(([path, b]) => ({ path, bytes: b.length, mtime: '1795459622.789249373' })),
  total_bytes: Object.values(files).reduce((a, b) => a + b.length, 0),
});
const BOX = { host: '10.0.0.2', port: 22, host_key_fingerprint: 'SHA256:x', provider: null, instance_id: null };
// The listing's files are from 1795459622 (2026-11-23T18:47:02Z): a run that ended after them.
const FINISHED: RunState = {
  state: 'finished',
  cls: null,
  attempt: 1,
  step: 9,
  checkpoint_age_s: 30,
  finished_at: '2026-11-23T18:48:00Z',
  observed_at: '2026-11-23T18:50:00Z',
};

/**
 * Deps over an in-memory destination: the pull "delivers" `local` in order (each file in `local` arrives with the
 * hash of its bytes), records land in `written`, and `log` shows how arrivals and verification interleave.
 */
function fakeDeps(
  l: Listing,
  local: Record<string, Buffer>,
  opts: { pullFails?: string; trusted?: (p: string) => string | null; deliver?: string[]; hashOf?: (p: string) => string; runState?: RunState } = {},
) {
  const written: Record<string, string> = {};
  const log: string[] = [];
  const deps: CollectDeps = {
    look: async () => opts.runState ?? FINISHED,
    list: async () => l,
    pull: async (_l, arrived) => {
      for (const p of opts.deliver ?? Object.keys(local)) {
        log.push(`arrived ${p}`);
        arrived({ path: p, bytes: (local[p] as Buffer).length, sha256: opts.hashOf?.(p) ?? sha(local[p] as Buffer) });
        await new Promise((r) => setTimeout(r, 5)); // the next file is "on the wire"
      }
      log.push('pull done');
      return opts.pullFails ?? null;
    },
    writeRecord: (name, text) => void (written[name] = text),
    listLocal: () => Object.entries(local).map(([path, b]) => ({ path, bytes: b.length })),
    open: async (p) => {
      const b = local[p] as Buffer;
      log.push(`verify ${p}`);
      const src: ByteSource & { close(): Promise<void> } = { size: b.length, read: async (o, n) => b.subarray(o, o + n), close: async () => undefined };
      return src;
    },
    ...(opts.trusted ? { trustedLoad: async (p: string) => (opts.trusted as (p: string) => string | null)(p) } : {}),
    now: () => new Date('2026-11-23T01:00:00Z'),
  };
  return { deps, written, log };
}

describe('collect (deps in, outcome out)', () => {
  it('verifies a complete, loadable set and writes manifest.json with the hashes, then VERIFIED.json naming the box', async () => {
    const files = { 'ck/b.npy': good, 'ck/a.npy': good };
    const { deps, written } = fakeDeps(listingOf(files), files);
    const o = await collect(BOX, deps);
    expect(o.verified).toBe(true);
    expect(Object.keys(written)).toEqual(['manifest.json', 'VERIFIED.json']);
    const m = JSON.parse(written['manifest.json']!);
    // The manifest carries what arrived, sorted, in manifest.sh's key order: teardown's rebuilt manifest compares to it unchanged.
    expect(Object.keys(m)).toEqual(['attempt', 'created_at', 'file_count', 'files', 'latest_only', 'run_id', 'schema', 'total_bytes', 'workdir']);
    expect(m.files).toEqual([
      { bytes: good.length, path: 'ck/a.npy', sha256: sha(good) },
      { bytes: good.length, path: 'ck/b.npy', sha256: sha(good) },
    ]);
    const v = JSON.parse(written['VERIFIED.json']!);
    expect(v).toMatchObject({ run_id: 'r1', file_count: 2, box: BOX, verified_at: '2026-11-23T01:00:00.000Z' });
    expect(v.manifest_sha256).toBe(sha(Buffer.from(written['manifest.json']!)));
  });

  it('verifies each file as it arrives, while the next one is still moving', async () => {
    const files = { 'ck/a.npy': good, 'ck/b.npy': good, 'ck/c.npy': good };
    const { deps, log } = fakeDeps(listingOf(files), files);
    await collect(BOX, deps);
    expect(log).toEqual(['arrived ck/a.npy', 'verify ck/a.npy', 'arrived ck/b.npy', 'verify ck/b.npy', 'arrived ck/c.npy', 'verify ck/c.npy', 'pull done']);
  });

  it('a stopped pull writes no record at all', async () => {
    const files = { 'ck/a.npy': good, 'ck/b.npy': good };
    const { deps, written } = fakeDeps(listingOf(files), { 'ck/a.npy': good }, { pullFails: 'ssh exited 255' });
    const o = await collect(BOX, deps);
    expect(o).toMatchObject({ verified: false, pullFailure: 'ssh exited 255', reasons: ['ssh exited 255'] });
    expect(written).toEqual({});
  });

  it('a pull that says it is done without every listed file is a failure naming them, never a smaller manifest', async () => {
    const files = { 'ck/a.npy': good, 'ck/b.npy': good };
    const { deps, written } = fakeDeps(listingOf(files), { 'ck/a.npy': good });
    const o = await collect(BOX, deps);
    expect(o).toMatchObject({ verified: false, pullFailure: 'the transfer ended without 1 listed files (ck/b.npy)' });
    expect(written).toEqual({});
  });

  it('an arrival the listing did not name is never in the manifest, and is caught as an extra on disk', async () => {
    const files = { 'ck/a.npy': good };
    const { deps, written } = fakeDeps(listingOf(files), { 'ck/a.npy': good, 'ck/planted.npy': good });
    const o = await collect(BOX, deps);
    expect(o.verified).toBe(false);
    expect(o.reasons).toEqual(['ck/planted.npy not in the manifest']);
    expect(JSON.parse(written['manifest.json']!).files.map((f: { path: string }) => f.path)).toEqual(['ck/a.npy']);
  });

  it('an extra file, a NaN and a failing trusted loader each keep VERIFIED.json from being written, each with its reason', async () => {
    const { deps, written } = fakeDeps(
      listingOf({ 'ck/a.npy': good, 'ck/n.npy': nan }),
      { 'ck/a.npy': good, 'ck/n.npy': nan, 'ck/extra.npy': good },
      { trusted: (p) => (p === 'ck/a.npy' ? 'trusted-load-command failed (exit 1): boom' : null), deliver: ['ck/n.npy', 'ck/a.npy'] },
    );
    const o = await collect(BOX, deps);
    expect(o.verified).toBe(false);
    expect(o.reasons).toEqual(['ck/extra.npy not in the manifest', 'ck/a.npy: trusted-load-command failed (exit 1): boom', 'ck/n.npy: 1 NaN/Inf in array']);
    expect(Object.keys(written)).toEqual(['manifest.json']);
  });
});

describe('the run state in the proof', () => {
  it('VERIFIED.json records the state collect saw: a finished run with its end, a live one as running', async () => {
    const done = fakeDeps(listingOf({ 'ck/a.npy': good }), { 'ck/a.npy': good });
    const o = await collect(BOX, done.deps);
    expect(o.verified).toBe(true);
    expect(parseRunState(JSON.parse(done.written['VERIFIED.json']!).run_state)).toEqual(FINISHED);
    const live: RunState = { ...FINISHED, state: 'running', step: 4, finished_at: 'running' };
    const mid = fakeDeps(listingOf({ 'ck/a.npy': good }), { 'ck/a.npy': good }, { runState: live });
    const m = await collect(BOX, mid.deps);
    expect(m.verified).toBe(true); // mid-run results still verify
    expect(JSON.parse(mid.written['VERIFIED.json']!).run_state).toMatchObject({ state: 'running', step: 4, finished_at: 'running' });
  });

  it("files newer than the run's end are named as foreign; a live run has none by definition", async () => {
    const early: RunState = { ...FINISHED, finished_at: '2026-11-23T18:40:00Z' };
    const o = await collect(BOX, fakeDeps(listingOf({ 'ck/a.npy': good, 'ck/b.npy': good }), { 'ck/a.npy': good, 'ck/b.npy': good }, { runState: early }).deps);
    expect(o.foreign).toEqual(['ck/a.npy', 'ck/b.npy']);
    // Within the slack of the marker's write: the run's own last save.
    const near: RunState = { ...FINISHED, finished_at: '2026-11-23T18:47:00Z' };
    expect((await collect(BOX, fakeDeps(listingOf({ 'ck/a.npy': good }), { 'ck/a.npy': good }, { runState: near }).deps)).foreign).toEqual([]);
    const live: RunState = { ...FINISHED, state: 'running', finished_at: 'running' };
    expect((await collect(BOX, fakeDeps(listingOf({ 'ck/a.npy': good }), { 'ck/a.npy': good }, { runState: live }).deps)).foreign).toEqual([]);
  });

  it('a recorded state is read strictly: contradictions and hostile values are refused', () => {
    expect(() => parseRunState({ ...FINISHED, finished_at: 'running' })).toThrow(/contradicts state finished/);
    expect(() => parseRunState({ ...FINISHED, state: 'running' })).toThrow(/contradicts state running/);
    expect(() => parseRunState({ ...FINISHED, state: 'Finished<script>' })).toThrow(/unexpected form/);
    expect(() => parseRunState({ ...FINISHED, finished_at: 'yesterday' })).toThrow(/neither a time nor "running"/);
    expect(() => parseRunState({ ...FINISHED, cells: { total: 1, not_ended: new Array(21).fill({ name: 'c', state: 'running' }), more: 0 } })).toThrow(
      /not_ended is not a list of at most 20/,
    );
  });
});

describe('decide', () => {
  const ok = { ok: true, missing: [], extra: [], sizeMismatch: [], hashMismatch: [] };
  const rep = (path: string, okv: boolean, trusted: string | null = null) => ({
    path,
    bytes: 1,
    sha256: 'x',
    trusted,
    result: { format: 'npy', ok: okv, problems: okv ? [] : ['bad header'], tensors: [], nonFinite: [] },
  });
  it('verified only when complete and every file passed', () => {
    expect(decide(ok, [rep('a', true)])).toEqual({ verified: true, reasons: [] });
    expect(decide(ok, [rep('a', false)])).toEqual({ verified: false, reasons: ['a: bad header'] });
    expect(decide(ok, [rep('a', true, 'loader failed')]).verified).toBe(false);
    expect(decide({ ...ok, ok: false, missing: ['m'], hashMismatch: ['h'] }, []).reasons).toEqual(['m missing', 'h sha256 differs']);
  });
});
