import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { teardownPhase } from '../harness/phases.ts';
import { createBox, type Box } from '../harness/box.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { KEYS, ProviderDouble } from '../harness/provider-double.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * Collect against a box that tries to write past its manifest or plant tether's own records, and a
 * proof that is carried to another box or instance. Nothing of it is counted as verified or torn down.
 */
let box: Box;
let other: Box;
let api: ProviderDouble;
let work: string;
const TORCH = `/usr/bin/python3 -c "import torch, os; os.makedirs('ck', exist_ok=True); torch.save({'w': torch.ones(64)}, 'ck/model.pt')"`;

beforeAll(async () => {
  [box, other] = await Promise.all([createBox(), createBox()]);
  api = new ProviderDouble();
  await api.start();
  work = mkdtempSync(join(tmpdir(), 'tether-ch-'));
  // A run whose checkpoint directory also holds files named like tether's records.
  await finishedRun(box, 'plant', `${TORCH} && printf '{"schema":"tether.verified/v1"}' > ck/VERIFIED.json && echo '{}' > ck/manifest.json`, {
    checkpoints: 'ck/*',
  });
  await finishedRun(box, 'grow', `head -c 2000000 /dev/urandom > g.bin; mkdir -p ck; cp g.bin ck/a.bin`, { checkpoints: 'ck/*.bin' });
  await finishedRun(box, 'proof', TORCH);
}, 180_000);

afterAll(async () => {
  await api?.stop();
  box?.destroy();
  other?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every file under `dir` (relative paths). */
function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n), base) : [join(dir, n).slice(base.length + 1)]));
}

describe('the box cannot plant proof or write past its manifest', () => {
  it("checkpoint files named like tether's records are refused; nothing named VERIFIED.json is left; teardown on that directory refuses", async () => {
    const dest = join(work, 'plant');
    const rep = captureReporter();
    // An older proof left in the destination must not survive a failed collect either.
    const runDir = join(dest, 'plant', 'ck');
    await import('node:fs').then((fs) => fs.mkdirSync(runDir, { recursive: true }));
    writeFileSync(join(runDir, 'VERIFIED.json'), '{"schema":"tether.verified/v1","run_id":"plant"}');
    writeFileSync(join(dest, 'plant', 'VERIFIED.json'), '{"schema":"tether.verified/v1","run_id":"plant"}');
    await expect(collectPhase(box.inputs({ 'run-id': 'plant', 'dest-dir': dest }), {}, rep, work)).rejects.toThrow(
      /ck\/(VERIFIED|manifest)\.json, a name tether keeps for its own records/,
    );
    expect(files(dest).filter((f) => /verified\.json/i.test(f))).toEqual([]);
    const td = captureReporter();
    api.add('runpod', 'pod-plant');
    const code = await teardownPhase(
      box.inputs({
        'run-id': 'plant',
        'verified-path': join(dest, 'plant', 'ck'),
        provider: 'runpod',
        'instance-id': 'pod-plant',
        verb: 'destroy',
        'api-key': KEYS.runpod,
        'provider-api-url': api.url('runpod'),
        'dry-run': 'false',
      }),
      {},
      td,
      work,
    );
    expect(code).toBe(1);
    expect(td.outputs['state']).toBe('refused');
    expect(api.calls('runpod')).toEqual([]);
  });

  it('a box that sends more bytes than were asked for fails the pull, never fills the runner, marks nothing verified', async () => {
    const dest = join(work, 'grow');
    // The box's `head` ignores its byte count and keeps sending (a hostile or broken box).
    writeFileSync(`${box.bin}/head`, '#!/bin/sh\nfor a; do f=$a; done\ncat "$f"; exec /usr/bin/head -c 50000000 /dev/zero\n', { mode: 0o755 });
    try {
      const rep = captureReporter();
      expect(await collectPhase(box.inputs({ 'run-id': 'grow', 'dest-dir': dest }), {}, rep, work)).toBe(1);
      expect(rep.errors.join('\n')).toMatch(/the box sent more bytes than were asked for \(after ck\/a\.bin\): nothing past them was written/);
      expect(rep.outputs['verified']).toBe('false');
      const all = files(dest);
      expect(all.filter((f) => /verified\.json/i.test(f))).toEqual([]);
      for (const f of all) expect(statSync(join(dest, f)).size, f).toBeLessThanOrEqual(2_000_000);
      // That destination proves nothing: teardown refuses it and calls no provider.
      api.add('runpod', 'pod-grow');
      const td = captureReporter();
      expect(
        await teardownPhase(
          box.inputs({
            'run-id': 'grow',
            'verified-path': join(dest, 'grow'),
            provider: 'runpod',
            'instance-id': 'pod-grow',
            verb: 'destroy',
            'api-key': KEYS.runpod,
            'provider-api-url': api.url('runpod'),
            'dry-run': 'false',
          }),
          {},
          td,
          work,
        ),
      ).toBe(1);
      expect(td.outputs['state']).toBe('refused');
      expect(api.calls('runpod', /pod-grow/)).toEqual([]);
    } finally {
      rmSync(`${box.bin}/head`, { force: true });
    }
    // With an honest box the same destination collects and verifies.
    const ok = captureReporter();
    expect(await collectPhase(box.inputs({ 'run-id': 'grow', 'dest-dir': dest }), {}, ok, work)).toBe(0);
  });
});

describe('a proof names its box and instance', () => {
  it('VERIFIED.json records host, port, host key, provider and instance; teardown refuses it for another instance or box', async () => {
    const dest = join(work, 'proof');
    const rep = captureReporter();
    expect(
      await collectPhase(box.inputs({ 'run-id': 'proof', 'dest-dir': dest, provider: 'runpod', 'instance-id': 'pod-a', verb: 'destroy' }), {}, rep, work),
    ).toBe(0);
    const doc = JSON.parse(readFileSync(join(dest, 'proof', 'VERIFIED.json'), 'utf8')) as { box: Record<string, unknown> };
    expect(doc.box).toEqual({ host: box.addr, port: 22, host_key_fingerprint: box.fingerprint, provider: 'runpod', instance_id: 'pod-a' });
    api.add('runpod', 'pod-a');
    api.add('runpod', 'pod-b');
    const td = async (inputs: Record<string, string>) => {
      const r = captureReporter();
      const code = await teardownPhase(
        {
          'run-id': 'proof',
          'verified-path': join(dest, 'proof'),
          provider: 'runpod',
          verb: 'destroy',
          'api-key': KEYS.runpod,
          'provider-api-url': api.url('runpod'),
          'dry-run': 'false',
          'teardown-timeout': '20s',
          ...inputs,
        },
        {},
        r,
        work,
        { pollMs: 100 },
      );
      return { code, state: r.outputs['state'], reason: r.outputs['reason'] ?? '' };
    };
    const wrongInstance = await td({ 'instance-id': 'pod-b' });
    expect(wrongInstance.state).toBe('refused');
    expect(wrongInstance.reason).toMatch(/proves runpod instance "pod-a", not runpod "pod-b"/);
    const wrongBox = await td({ 'instance-id': 'pod-a', ...other.inputs() });
    expect(wrongBox.state).toBe('refused');
    expect(wrongBox.reason).toMatch(new RegExp(`proves the box at ${box.addr}:22, not ${other.addr}:22`));
    expect(api.calls('runpod', /DELETE/)).toEqual([]);
    const right = await td({ 'instance-id': 'pod-a', ...box.inputs() });
    expect(right.state, right.reason).toBe('torn-down');
    expect(api.instances.get('runpod:pod-b')?.status).toBe('running');
  });

  it('provider ssh: a host-key mismatch is never "the box stopped answering"', async () => {
    const rep = captureReporter();
    const wrongPin = 'SHA256:' + 'A'.repeat(43);
    const code = await teardownPhase(
      box.inputs({
        'run-id': 'proof',
        provider: 'ssh',
        verb: 'park',
        'allow-park-unverified': 'true',
        'dry-run': 'false',
        'teardown-timeout': '10s',
        'known-hosts': '',
        'host-key-fingerprint': wrongPin,
      }),
      {},
      rep,
      work,
      { pollMs: 100 },
    );
    expect(code).toBe(1);
    // Refused before the provider is asked: the run could not be looked at on this (other) machine.
    expect(rep.outputs['state']).toBe('refused');
    expect(rep.outputs['reason']).toMatch(/could not look at the run on the box: .*host_key_mismatch/);
    expect(existsSync(`${box.home}/.tether-power`)).toBe(false);
  });
});
