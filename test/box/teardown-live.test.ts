import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { launchPhase } from '../harness/phases.ts';
import { teardownPhase } from '../harness/phases.ts';
import { createBox, type Box } from '../harness/box.ts';
import { KEYS, ProviderDouble } from '../harness/provider-double.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';
import { existsSync } from 'node:fs';

// Issue 23 §1: a run that is still training is never torn down by accident. The job saves a real torch
// checkpoint, then keeps "training" (printing steps) until a file tells it to stop.
let box: Box;
let api: ProviderDouble;
let work: string;
const TRAIN = `/usr/bin/python3 -u -c "
import torch, os, time
os.makedirs('ck', exist_ok=True)
torch.save({'w': torch.ones(8)}, 'ck/model.pt')
for step in range(1, 100000):
    print(f'step {step} loss 0.5', flush=True)
    if os.path.exists('stop-now'):
        break
    time.sleep(0.5)
"`;

beforeAll(async () => {
  box = await createBox();
  api = new ProviderDouble();
  await api.start();
  work = mkdtempSync(join(tmpdir(), 'tether-tdl-'));
  box.sh(`mkdir -p ${box.home}/live`);
  const rep = captureReporter();
  const code = await launchPhase(
    box.inputs({ 'run-id': 'live', command: TRAIN, workdir: '~/live', audit: 'false', 'confirm-timeout': '1', checkpoints: 'ck/*.pt' }),
    {},
    rep,
    work,
  );
  expect(code, rep.errors.join('\n')).toBe(0);
  await waitFor('the first checkpoint', () => existsSync(`${box.home}/live/ck/model.pt`), 60_000);
  await waitFor('a step in the log', () => /step 3/.test(box.sh(`cat ${box.home}/.tether/runs/live/attempts/1/log 2>/dev/null || true`)), 30_000);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  box?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function collectNow(dest: string) {
  const rep = captureReporter();
  const code = await collectPhase(box.inputs({ 'run-id': 'live', 'dest-dir': join(work, dest) }), {}, rep, work);
  return { code, rep, dir: rep.outputs['dest']!, summary: rep.summaries.join('\n') };
}

async function teardown(dir: string, extra: Record<string, string> = {}) {
  const rep = captureReporter();
  const code = await teardownPhase(
    box.inputs({
      'run-id': 'live',
      'verified-path': dir,
      provider: 'runpod',
      'instance-id': 'pod-live',
      verb: 'destroy',
      'api-key': KEYS.runpod,
      'provider-api-url': api.url('runpod'),
      'dry-run': 'false',
      'teardown-timeout': '20s',
      ...extra,
    }),
    {},
    rep,
    work,
    { pollMs: 100 },
  );
  // The markdown escapes punctuation (\( \)): read it as a person would.
  return { code, rep, state: rep.outputs['state'], reason: rep.outputs['reason'] ?? '', summary: rep.summaries.join('\n').replace(/\\/g, '') };
}

describe('a live run is never torn down by accident', () => {
  let midRun = '';
  it('collect of a running run verifies mid-run results, says loudly that the run is live, and records it as running', async () => {
    const c = await collectNow('mid');
    expect(c.code, c.rep.errors.join('\n')).toBe(0);
    midRun = c.dir;
    expect(c.rep.warnings.join('\n')).toMatch(/run live is live \(running at step \d+ \(attempt 1\), last checkpoint \d+ s ago\): these are mid-run results/);
    expect(c.summary).toMatch(/⚠️ \*\*run live is live/);
    const v = JSON.parse(readFileSync(join(midRun, 'VERIFIED.json'), 'utf8'));
    expect(v.run_state).toMatchObject({ state: 'running', attempt: 1, finished_at: 'running' });
    expect(v.run_state.step).toBeGreaterThan(0);
  }, 60_000);

  it('teardown with that proof looks at the box and refuses while the run runs; the card shows the run', async () => {
    api.add('runpod', 'pod-live');
    const r = await teardown(midRun);
    expect(r.code).toBe(1);
    expect(r.state).toBe('refused');
    expect(r.reason).toMatch(
      /^run live is running at step \d+ \(attempt 1\), last checkpoint \d+ s ago on the box: tearing down would kill it; wait for it to end, or set stop-running: true/,
    );
    expect(r.summary).toMatch(/\| run \| running at step \d+ \(attempt 1\), last checkpoint \d+ s ago — seen on the box at /);
    expect(api.calls('runpod')).toEqual([]);
    expect(api.instances.get('runpod:pod-live')?.status).toBe('running');
  }, 60_000);

  it('the box not answering: a proof recorded while the run was live needs stop-running', async () => {
    box.blackhole();
    try {
      const r = await teardown(midRun, { 'connect-timeout': '2' });
      expect(r.state).toBe('refused');
      expect(r.reason).toMatch(/the box cannot be looked at \(the box does not answer: unreachable\) and the proof was collected while run live was running/);
      expect(r.summary).toMatch(/\| run \| running at step \d+ .* — as VERIFIED.json recorded it at/);
      expect(api.calls('runpod')).toEqual([]);
    } finally {
      box.clearFirewall();
    }
  }, 60_000);

  it('stop-running: true goes ahead, and the card and the summary say what is killed', async () => {
    const r = await teardown(midRun, { 'dry-run': 'true', 'stop-running': 'true' });
    expect(r.state, r.reason).toBe('dry-run');
    expect(r.summary).toMatch(
      /\| kills \| \*\*run live is running at step \d+ \(attempt 1\), last checkpoint \d+ s ago: tearing down kills it \(stop-running: true\)\*\* \|/,
    );
    expect(r.rep.warnings.join('\n')).toMatch(/tearing down kills it/);
    expect(api.calls('runpod')).toEqual([]);
  }, 60_000);

  it('once the run ended, a proof of the ended run passes on the box and, with the box silent, on its own record', async () => {
    box.sh(`touch ${box.home}/live/stop-now`);
    await waitFor('live DONE', () => existsSync(`${box.home}/.tether/runs/live/DONE`), 30_000);
    // The mid-run proof is still good for files that did not change: the box says the run ended now.
    const dry = await teardown(midRun, { 'dry-run': 'true' });
    expect(dry.state, dry.reason).toBe('dry-run');
    expect(dry.summary).toMatch(/\| run \| finished at step \d+ \(attempt 1\), last checkpoint .* — seen on the box at /);
    const c = await collectNow('after');
    expect(c.code).toBe(0);
    expect(c.rep.warnings.join('\n')).not.toMatch(/is live/);
    expect(JSON.parse(readFileSync(join(c.dir, 'VERIFIED.json'), 'utf8')).run_state).toMatchObject({ state: 'finished' });
    box.blackhole();
    try {
      const r = await teardown(c.dir, { 'connect-timeout': '2' });
      expect(r.state, r.reason).toBe('torn-down');
      expect(r.rep.lines.join('\n')).toMatch(/the proof recorded run live as ended: finished/);
      expect(api.instances.get('runpod:pod-live')?.status).toBe('gone');
    } finally {
      box.clearFirewall();
    }
  }, 90_000);
});
