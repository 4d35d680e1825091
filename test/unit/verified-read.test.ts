import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/record/manifest.ts';
import { readVerified, verifiedJson } from '../../src/record/verified.ts';
import { checkBox, checkProof } from '../../src/teardown/gate.ts';

const m: Manifest = {
  schema: 'tether.manifest/v1',
  run_id: 'r1',
  attempt: 1,
  created_at: 'x',
  latest_only: false,
  file_count: 1,
  total_bytes: 3,
  workdir: '/w',
  files: [{ path: 'a.pt', bytes: 3, sha256: 'a'.repeat(64) }],
};
const text = `${JSON.stringify(m)}\n`;
const BOX = { host: '10.0.0.2', port: 22, host_key_fingerprint: 'SHA256:k', provider: 'runpod', instance_id: 'pod-1' };
const RUN = {
  state: 'finished',
  cls: null,
  attempt: 1,
  step: 7,
  checkpoint_age_s: 40,
  finished_at: '2026-11-23T00:10:00Z',
  observed_at: '2026-11-23T00:20:00Z',
} as const;
const good = () => JSON.parse(verifiedJson(m, text, new Date(0), BOX, { 'torch-zip': 1 }, RUN)) as Record<string, unknown>;
const refusal = (doc: unknown) => {
  const g = checkProof('r1', 'destroy', { verifiedText: typeof doc === 'string' ? doc : JSON.stringify(doc), manifestText: text }, false);
  return g.ok ? null : g.reason;
};

describe('VERIFIED.json is read strictly where teardown acts on it (record/verified.ts readVerified)', () => {
  it('reads what collect wrote, field for field', () => {
    const v = readVerified(JSON.stringify(good()), 'r1');
    expect(v).toMatchObject({ run_id: 'r1', attempt: 1, file_count: 1, bytes: 3, latest_only: false, verified_at: '1970-01-01T00:00:00.000Z' });
    expect(v.box).toEqual(BOX);
    expect(refusal(good())).toBeNull();
  });

  it('refuses a field of the wrong type or form, each with a line naming it', () => {
    expect(refusal({ ...good(), file_count: '1' })).toBe('VERIFIED.json.file_count is not an integer');
    expect(refusal({ ...good(), bytes: -1 })).toMatch(/^VERIFIED.json.bytes is out of range/);
    expect(refusal({ ...good(), latest_only: 'no' })).toBe('VERIFIED.json.latest_only is not true/false');
    expect(refusal({ ...good(), verified_at: 'yesterday' })).toBe('VERIFIED.json.verified_at has an unexpected form');
    expect(refusal({ ...good(), cells: [1] })).toBe('VERIFIED.json.cells is not a list of cell names');
    expect(refusal([good()])).toBe('VERIFIED.json is not a JSON object');
    expect(refusal(' '.repeat(2 << 20))).toBe('VERIFIED.json is not JSON');
  });

  it('keeps the box only when every field of it is well-formed: a proof of a malformed box proves no box', () => {
    const bad = readVerified(JSON.stringify({ ...good(), box: { ...BOX, port: '22' } }), 'r1');
    expect(bad.box).toBeUndefined();
    expect(checkBox(bad, { provider: 'runpod', instanceId: 'pod-1', box: null })).toMatch(/does not say which box it proves/);
  });
});
