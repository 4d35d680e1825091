import { describe, expect, it } from 'vitest';
import { checkBox, checkConfirm, checkHostKey, checkProof, checkRebuilt, checkRunEnded } from '../../src/teardown/gate.ts';
import type { Manifest } from '../../src/record/manifest.ts';
import { verifiedJson } from '../../src/record/verified.ts';
import type { RunState } from '../../src/record/run-state.ts';

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
const ENDED: RunState = {
  state: 'finished',
  cls: null,
  attempt: 1,
  step: 7,
  checkpoint_age_s: 40,
  finished_at: '2026-11-23T00:10:00Z',
  observed_at: '2026-11-23T00:20:00Z',
};
const LIVE: RunState = { ...ENDED, state: 'running', finished_at: 'running' };
const BOX = { host: '10.0.0.2', port: 22, host_key_fingerprint: 'SHA256:k', provider: 'runpod', instance_id: 'pod-1' };
const proof = (over: Partial<Manifest> = {}, box: Record<string, unknown> = BOX) => ({
  verifiedText: verifiedJson({ ...m, ...over }, text, new Date(0), box as typeof BOX, { 'torch-zip': 2 }, ENDED),
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

describe('teardown: the run must have ended (pure)', () => {
  const seen = (state: RunState) => ({ kind: 'seen' as const, state });
  const blind = { kind: 'not-seen' as const, why: 'the box does not answer: unreachable' };
  it('a run seen live on the box is refused; stop-running lets it go and says what it kills', () => {
    for (const state of ['running', 'stalled', 'launching', 'queued', 'requeued', 'probe-error', 'unknown']) {
      const s = { ...LIVE, state };
      const r = checkRunEnded('r', seen(s), ENDED, false);
      expect(r.ok, state).toBe(false);
      if (!r.ok)
        expect(r.reason).toMatch(
          new RegExp(`^run r is ${state} at step 7 \\(attempt 1\\), last checkpoint 40 s ago on the box: tearing down would kill it; .*stop-running: true`),
        );
    }
    const go = checkRunEnded('r', seen(LIVE), ENDED, true);
    expect(go.ok && go.kills).toBe('run r is running at step 7 (attempt 1), last checkpoint 40 s ago: tearing down kills it (stop-running: true)');
  });
  it('each ended state passes; a sweep with a live cell does not', () => {
    for (const state of ['finished', 'failed', 'dead', 'rebooted']) expect(checkRunEnded('r', seen({ ...ENDED, state }), null, false).ok, state).toBe(true);
    const sweep = { ...ENDED, cells: { total: 3, not_ended: [{ name: 'lr-3', state: 'running' }], more: 0 } };
    const r = checkRunEnded('r', seen(sweep), null, false);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/cells not ended: lr-3 \(running\) of 3/);
  });
  it('the box not looked at: only a proof that recorded an ended run goes ahead', () => {
    expect(checkRunEnded('r', blind, ENDED, false).ok).toBe(true);
    const live = checkRunEnded('r', blind, LIVE, false);
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.reason).toMatch(/the proof was collected while run r was running at step 7/);
    expect(checkRunEnded('r', blind, LIVE, true).ok).toBe(true);
    const none = checkRunEnded('r', blind, null, false);
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.reason).toMatch(/cannot tell whether run r has ended/);
    expect(none.shown.state).toBeNull();
  });
  it('a proof with a tampered run state is refused; one without (an older tether) passes the proof gate with a note', () => {
    const p = proof();
    const doc = JSON.parse(p.verifiedText);
    doc.run_state.finished_at = 'running'; // finished + running: a contradiction
    const g = checkProof('r1', 'destroy', { ...p, verifiedText: JSON.stringify(doc) }, false);
    expect(g.ok ? '' : g.reason).toMatch(/contradicts state finished: collect again/);
    delete doc.run_state;
    const old = checkProof('r1', 'destroy', { ...p, verifiedText: JSON.stringify(doc) }, false);
    expect(old.ok && old.proof?.runState).toBeNull();
    expect(old.ok && old.notes[0]).toMatch(/does not record the run's state/);
  });
});
