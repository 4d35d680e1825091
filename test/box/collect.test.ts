import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { createBox, type Box } from '../harness/box.ts';

let box: Box;
const dests: string[] = [];
const TRAIN = `/usr/bin/python3 -c "
import torch, os
os.makedirs('ck', exist_ok=True)
m = torch.nn.Linear(16, 4)
for s in (1, 2):
    torch.save({'model': m.state_dict(), 'step': s}, f'ck/step{s}.pt')
torch.save({'w': torch.tensor([1.0, float('nan')])}, 'ck/bad.pt') if os.environ.get('PLANT_NAN') else None
"`;
beforeAll(async () => {
  box = await createBox();
  for (const [id, env] of [
    ['good', ''],
    ['nanrun', 'PLANT_NAN=1'],
  ] as const)
    await finishedRun(box, id, TRAIN, { env });
});
afterAll(() => {
  box?.destroy();
  for (const d of dests) rmSync(d, { recursive: true, force: true });
});

const newDest = () => {
  const d = mkdtempSync(join(tmpdir(), 'tether-collect-'));
  dests.push(d);
  return d;
};

describe('collect through the built action', () => {
  it('pulls, verifies and writes VERIFIED.json over a manifest whose hashes are the box files; nothing is written on the box', async () => {
    const dest = newDest();
    const r = await runBuiltAction(
      'collect',
      box.inputs({
        'run-id': 'good',
        'dest-dir': dest,
        'trusted-load-command': `/usr/bin/python3 -c "import torch,sys; torch.load(sys.argv[1], weights_only=True)"`,
      }),
    );
    removeWorkspace(r);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['verified']).toBe('true');
    const verified = JSON.parse(readFileSync(join(dest, 'good', 'VERIFIED.json'), 'utf8'));
    const manifestText = readFileSync(join(dest, 'good', 'manifest.json'));
    expect(verified).toMatchObject({
      schema: 'tether.verified/v1',
      run_id: 'good',
      attempt: 1,
      file_count: 2,
      manifest_sha256: createHash('sha256').update(manifestText).digest('hex'),
    });
    // The hashes in the manifest are the files' on the box (teardown's rebuild with sha256sum there compares to them).
    for (const f of JSON.parse(manifestText.toString()).files as Array<{ path: string; sha256: string }>)
      expect(f.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(`${box.home}/good/${f.path}`))
          .digest('hex'),
      );
    expect(existsSync(`${box.home}/.tether/runs/good/manifest.json`)).toBe(false);
    expect(r.outputs['manifest-sha256']).toBe(verified.manifest_sha256);
    expect(readFileSync(join(dest, 'good', 'ck', 'step2.pt')).equals(readFileSync(`${box.home}/good/ck/step2.pt`))).toBe(true);
    expect(r.summary).toMatch(/\| `ck\/step1.pt` \| \d+ \| `[0-9a-f]{12}` \| torch-zip \| 2 \| ✅ \|/);
  });

  it('a planted NaN fails verification with its tensor named, and nothing is marked verified', async () => {
    const dest = newDest();
    const r = await runBuiltAction('collect', box.inputs({ 'run-id': 'nanrun', 'dest-dir': dest }));
    removeWorkspace(r);
    expect(r.code).toBe(1);
    expect(r.outputs['verified']).toBe('false');
    expect(existsSync(join(dest, 'nanrun', 'VERIFIED.json'))).toBe(false);
    expect(r.stdout).toMatch(/::error::collect: not verified, nothing marked verified: .*ck\/bad.pt: 1 NaN\/Inf in w/);
  });

  it("an extra local file fails completeness; a trusted loader runs without the step's secrets", async () => {
    const dest = newDest();
    const first = await runBuiltAction('collect', box.inputs({ 'run-id': 'good', 'dest-dir': dest }));
    removeWorkspace(first);
    expect(first.code).toBe(0);
    box.sh(`echo stray > ${dest}/good/ck/stray.pt`);
    const again = await runBuiltAction(
      'collect',
      box.inputs({ 'run-id': 'good', 'dest-dir': dest, 'trusted-load-command': `env > ${dest}/loader-env.txt; true` }),
      { HF_TOKEN: 'hf_secret_canary_value' },
    );
    removeWorkspace(again);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/ck\/stray.pt not in the manifest/);
    expect(existsSync(join(dest, 'good', 'VERIFIED.json'))).toBe(false);
    expect(readFileSync(join(dest, 'loader-env.txt'), 'utf8')).not.toMatch(/hf_secret_canary_value|INPUT_|GITHUB_/);
  });

  it('bad inputs fail before any connection', async () => {
    const r = await runBuiltAction('collect', box.inputs({ 'run-id': '../x', 'dest-dir': '/tmp/x' }));
    removeWorkspace(r);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/::error::input 'run-id'/);
    const noDest = await runBuiltAction('collect', box.inputs({ 'run-id': 'good' }));
    removeWorkspace(noDest);
    expect(noDest.stdout).toMatch(/::error::input 'dest-dir': is required/);
  });
});
