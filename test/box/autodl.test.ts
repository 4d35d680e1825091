import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase, teardownPhase } from '../harness/phases.ts';
import { createBox, type Box } from '../harness/box.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * AutoDL has no API for its ordinary instances (issue 26 §4): teardown keeps the same proof and approval, then
 * shows the console checklist and waits for a person's word (console-done) naming the verb and the instance.
 */
let box: Box;
let work: string;
let proof: string;
const ID = 'autodl-9f3c2a';
beforeAll(async () => {
  box = await createBox();
  work = mkdtempSync(join(tmpdir(), 'tether-autodl-'));
  await finishedRun(box, 'ad', `/usr/bin/python3 -c "import torch, os; os.makedirs('ck', exist_ok=True); torch.save({'w': torch.ones(4)}, 'ck/m.pt')"`);
  const c = captureReporter();
  const code = await collectPhase(
    box.inputs({ 'run-id': 'ad', 'dest-dir': join(work, 'dest'), artifact: 'none', provider: 'autodl', 'instance-id': ID }),
    {},
    c,
    work,
  );
  expect(code, c.errors.join('\n')).toBe(0);
  proof = join(work, 'dest', 'ad');
}, 120_000);
afterAll(() => {
  box?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const teardown = async (extra: Record<string, string>) => {
  const t = captureReporter();
  const code = await teardownPhase(
    {
      'run-id': 'ad',
      provider: 'autodl',
      'instance-id': ID,
      verb: 'destroy',
      'verified-path': proof,
      approval: 'confirm',
      confirm: `destroy ${ID}`,
      'dry-run': 'false',
      ...extra,
    },
    {},
    t,
    work,
    { pollMs: 50 },
  );
  return { code, t };
};

describe('teardown on AutoDL: the console checklist and a person’s word', () => {
  it('the collect card names the console verbs; VERIFIED.json names the instance', () => {
    const v = JSON.parse(readFileSync(join(proof, 'VERIFIED.json'), 'utf8'));
    expect(v.box).toMatchObject({ provider: 'autodl', instance_id: ID });
  });

  it('without console-done: a refusal carrying the checklist; nothing is marked done', async () => {
    const { code, t } = await teardown({});
    expect(code).not.toBe(0);
    const said = [...t.errors, ...t.summaries].join('\n');
    expect(said).toMatch(/AutoDL has no API for this: in the console .*find instance autodl-9f3c2a; 释放实例 \(release\)/);
    expect(said).toMatch(/console-done: "released autodl-9f3c2a"/);
    expect(t.outputs['state']).not.toBe('torn-down');
  });

  it('a word for another verb or instance is refused before anything; the right one ends the teardown', async () => {
    await expect(teardown({ 'console-done': 'released autodl-other' })).rejects.toThrow(/console-done.*must be exactly "released autodl-9f3c2a"/);
    await expect(teardown({ 'console-done': `shut down ${ID}` })).rejects.toThrow(/console-done/);
    const { code, t } = await teardown({ 'console-done': `released ${ID}` });
    expect(code, t.errors.join('\n')).toBe(0);
    expect(t.outputs['state']).toBe('torn-down');
    expect([...t.lines, ...t.summaries].join('\n')).toMatch(/a person says it is done in the AutoDL console/);
  });

  it('the proof is still required: no VERIFIED.json, no checklist', async () => {
    await expect(teardown({ 'verified-path': '', 'console-done': `released ${ID}` })).rejects.toThrow(/teardown needs the proof/);
  });
});
