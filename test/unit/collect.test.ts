import { describe, expect, it } from 'vitest';
import { collect, type CollectDeps } from '../../src/collect/collect.ts';
import { decide } from '../../src/collect/decision.ts';
import type { Manifest } from '../../src/record/manifest.ts';
import type { ByteSource } from '../../src/collect/verifiers/types.ts';
import { npy } from '../harness/craft.ts';
import { createHash } from 'node:crypto';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8));
const nan = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Buffer.from([0, 0, 0xc0, 0x7f]));
const manifestOf = (files: Record<string, Buffer>): Manifest => ({
  schema: 'tether.manifest/v1',
  run_id: 'r1',
  attempt: 1,
  created_at: '2026-11-23T00:00:00Z',
  latest_only: false,
  workdir: '/w',
  files: Object.entries(files).map(([path, b]) => ({ path, bytes: b.length, sha256: sha(b) })),
  file_count: Object.keys(files).length,
  total_bytes: Object.values(files).reduce((a, b) => a + b.length, 0),
});
const BOX = { host: '10.0.0.2', port: 22, host_key_fingerprint: 'SHA256:x', provider: null, instance_id: null };

/** Deps over an in-memory destination: what arrives is `local`, records land in `written`. */
function fakeDeps(m: Manifest, local: Record<string, Buffer>, opts: { pullFails?: string; trusted?: (p: string) => string | null } = {}) {
  const written: Record<string, string> = {};
  const deps: CollectDeps = {
    buildManifest: async () => ({ manifest: m, text: `${JSON.stringify(m)}\n` }),
    pull: async () => opts.pullFails ?? null,
    writeRecord: (name, text) => void (written[name] = text),
    listLocal: () => Object.keys(local),
    open: async (p) => {
      const b = local[p] as Buffer;
      const src: ByteSource & { close(): Promise<void> } = { size: b.length, read: async (o, n) => b.subarray(o, o + n), close: async () => undefined };
      return src;
    },
    ...(opts.trusted ? { trustedLoad: opts.trusted } : {}),
    now: () => new Date('2026-11-23T01:00:00Z'),
  };
  return { deps, written };
}

describe('collect (deps in, outcome out)', () => {
  it('verifies a complete, loadable set and writes manifest.json, then VERIFIED.json naming the box', async () => {
    const files = { 'ck/a.npy': good, 'ck/b.npy': good };
    const { deps, written } = fakeDeps(manifestOf(files), files);
    const o = await collect(BOX, deps);
    expect(o.verified).toBe(true);
    expect(Object.keys(written)).toEqual(['manifest.json', 'VERIFIED.json']);
    expect(JSON.parse(written['VERIFIED.json']!)).toMatchObject({ run_id: 'r1', file_count: 2, box: BOX, verified_at: '2026-11-23T01:00:00.000Z' });
  });

  it('a stopped pull writes no record at all', async () => {
    const files = { 'ck/a.npy': good };
    const { deps, written } = fakeDeps(manifestOf(files), {}, { pullFails: 'ssh exited 255' });
    const o = await collect(BOX, deps);
    expect(o).toMatchObject({ verified: false, pullFailure: 'ssh exited 255', reasons: ['ssh exited 255'] });
    expect(written).toEqual({});
  });

  it('an extra file, a NaN and a failing trusted loader each keep VERIFIED.json from being written, each with its reason', async () => {
    const m = manifestOf({ 'ck/a.npy': good, 'ck/n.npy': nan });
    const { deps, written } = fakeDeps(
      m,
      { 'ck/a.npy': good, 'ck/n.npy': nan, 'ck/extra.npy': good },
      { trusted: (p) => (p === 'ck/a.npy' ? 'trusted-load-command failed (exit 1): boom' : null) },
    );
    const o = await collect(BOX, deps);
    expect(o.verified).toBe(false);
    expect(o.reasons).toEqual(['ck/extra.npy not in the manifest', 'ck/a.npy: trusted-load-command failed (exit 1): boom', 'ck/n.npy: 1 NaN/Inf in array']);
    expect(Object.keys(written)).toEqual(['manifest.json']);
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
