import { describe, expect, it } from 'vitest';
import { checkBox, checkConfirm, checkHostKey, checkProof, checkRebuilt } from '../../src/teardown/gate.ts';
import type { Manifest } from '../../src/record/manifest.ts';
import { verifiedJson } from '../../src/record/verified.ts';

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
const proof = (over: Partial<Manifest> = {}, box: Record<string, unknown> = BOX) => ({
  verifiedText: verifiedJson({ ...m, ...over }, text, new Date(0), box as typeof BOX, { 'torch-zip': 2 }),
  manifestText: text,
});

describe('teardown gate (pure)', () => {
  it('passes a matching proof and refuses each broken one with its reason', () => {
    expect(checkProof('r1', 'destroy', proof(), false).ok).toBe(true);
    const refused = (g: ReturnType<typeof checkProof>) => (g.ok ? '' : g.reason);
    expect(refused(checkProof('r1', 'destroy', null, false))).toMatch(/no VERIFIED.json for run r1/);
    expect(checkProof('r1', 'park', null, true).ok).toBe(true);
    expect(refused(checkProof('r2', 'destroy', proof(), false))).toMatch(/is for run "r1", not r2/);
    expect(refused(checkProof('r1', 'destroy', { ...proof(), manifestText: text.replace('"attempt":1', '"attempt":2') }, false))).toMatch(
      /is not the manifest VERIFIED.json was written for/,
    );
    expect(refused(checkProof('r1', 'destroy', { ...proof(), verifiedText: '{' }, false))).toBe('VERIFIED.json is not JSON');
    const latest = { ...proof(), verifiedText: proof().verifiedText.replace('"latest_only": false', '"latest_only": true') };
    expect(refused(checkProof('r1', 'destroy', latest, false))).toMatch(/latest-only/);
  });

  it('a proof is for one box and instance', () => {
    const g = checkProof('r1', 'destroy', proof(), false);
    if (!g.ok || !g.proof) throw new Error('setup');
    const v = g.proof.verified;
    expect(checkBox(v, { provider: 'runpod', instanceId: 'pod-1', box: null })).toBeNull();
    expect(checkBox(v, { provider: 'runpod', instanceId: 'pod-2', box: null })).toMatch(/proves runpod instance "pod-1", not runpod "pod-2"/);
    expect(checkBox(v, { provider: 'vastai', instanceId: 'pod-1', box: null })).toMatch(/not vastai/);
    expect(checkBox(v, { provider: 'runpod', instanceId: 'pod-1', box: { host: '10.0.0.3', port: 22 } })).toMatch(
      /proves the box at 10.0.0.2:22, not 10.0.0.3:22/,
    );
    expect(checkHostKey(v, 'SHA256:k')).toBeNull();
    expect(checkHostKey(v, 'SHA256:other')).toMatch(/another machine holds this address/);
    const anon = checkProof('r1', 'destroy', proof({}, { ...BOX, provider: null, instance_id: null }), false);
    if (!anon.ok || !anon.proof) throw new Error('setup');
    expect(checkBox(anon.proof.verified, { provider: 'runpod', instanceId: 'pod-1', box: null })).toMatch(/cannot tell that this proof is for this instance/);
    expect(checkBox(anon.proof.verified, { provider: 'runpod', instanceId: 'pod-1', box: { host: '10.0.0.2', port: 22 } })).toBeNull();
    expect(checkBox({ ...v, box: undefined }, { provider: 'runpod', instanceId: 'pod-1', box: null })).toMatch(/does not say which box/);
  });

  it('a rebuilt manifest with new, changed or gone files refuses; confirm must name verb and instance', () => {
    expect(checkRebuilt(m, m)).toBeNull();
    expect(
      checkRebuilt(m, {
        ...m,
        files: [
          { ...m.files[0]!, sha256: 'b'.repeat(64) },
          { path: 'n.pt', bytes: 1, sha256: 'c'.repeat(64) },
        ],
      }),
    ).toMatch(/new: n.pt; changed: a.pt/);
    expect(checkConfirm('destroy', 'pod-1', '', false)).toBeNull();
    expect(checkConfirm('destroy', 'pod-1', 'destroy pod-1', true)).toBeNull();
    expect(checkConfirm('destroy', 'pod-1', 'destroy pod-2', false)).toMatch(/must be exactly "destroy pod-1"/);
    expect(checkConfirm('destroy', 'pod-1', '', true)).toMatch(/approval: confirm/);
  });
});
