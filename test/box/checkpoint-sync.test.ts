import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { stagingDir } from '../../src/sync/plan.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';

/**
 * `sync` on patrol ticks against a real box and a real PyTorch job: each checkpoint the job writes is pulled,
 * verified and kept on the runner while the job trains; a NaN checkpoint is flagged and never the newest good
 * one; a box that goes dark for good leaves the runner with its last verified checkpoint.
 */

// Writes checkpoint i when the test drops go/<i> (go/<i>.nan: with a NaN in it), so every tick sees a known state.
const TRAIN = `import os, sys, time, torch
os.makedirs('ck', exist_ok=True)
for i in range(1, 40):
    while not os.path.exists(f'go/{i}'):
        if not os.path.isdir('go'): sys.exit(0)
        time.sleep(0.1)
    w = torch.randn(20000)
    if os.path.exists(f'go/{i}.nan'): w[7] = float('nan')
    torch.save({'w': w, 'step': i}, f'ck/step_{i}.pt')
    print(f'step {i} loss {1.0 / i:.4f}', flush=True)
`;

let box: Box;
let dest: string;
const state = `/tmp/tether-ckpt-sync-state-${process.pid}.md`;
beforeAll(async () => {
  box = await createBox();
  dest = mkdtempSync(join(tmpdir(), 'tether-sync-dest-'));
});
afterAll(() => {
  for (const id of ['cs-1', 'cs-2', 'cs-3', 'cs-sweep']) rmSync(`${box?.home}/w-${id}/go`, { recursive: true, force: true }); // the jobs see no go/ and stop
  box?.destroy();
  rmSync(dest, { recursive: true, force: true });
  rmSync(state, { force: true });
});

/** Each run's own workdir (its own job, its own go/ files). */
const W = (id: string) => `${box.home}/w-${id}`;
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
/** The staging folder a sync pulls the box's file at `p` into (its exact mtime, size and path, as the box lists it). */
const stagingOf = (p: string, path: string) => {
  const ns = statSync(p, { bigint: true }).mtimeNs;
  const mtime = Number(ns / 1_000_000_000n);
  return stagingDir({ path, bytes: statSync(p).size, mtime, mtimeExact: `${mtime}.${String(ns % 1_000_000_000n).padStart(9, '0')}` });
};

async function launch(id: string) {
  mkdirSync(`${W(id)}/go`, { recursive: true });
  writeFileSync(`${W(id)}/train.py`, TRAIN);
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command: '/usr/bin/python3 -u train.py',
      workdir: `~/w-${id}`,
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': `/tmp/tether-${process.pid}-${id}.json`,
      checkpoints: 'ck/*.pt',
    }),
    {},
    r,
    '/tmp',
  );
  rmSync(`/tmp/tether-${process.pid}-${id}.json`, { force: true });
  expect(code, r.errors.join('\n')).toBe(0);
}

/** Lets the job write checkpoint i, and waits until it is on disk and settled (older than sync-settle). */
async function checkpoint(id: string, i: number, opts: { nan?: boolean } = {}) {
  if (opts.nan) writeFileSync(`${W(id)}/go/${i}.nan`, '');
  writeFileSync(`${W(id)}/go/${i}`, '');
  const p = `${W(id)}/ck/step_${i}.pt`;
  await waitFor(`checkpoint ${i}`, () => existsSync(p) && statSync(p).size > 80_000, 30_000, 50);
  await waitFor(`checkpoint ${i} to settle`, () => Date.now() - statSync(p).mtimeMs > 2100, 5000, 100);
}

type Synced = Record<string, { newest: string | null; step: number | null; bad: string | null; judged: number; moved: number; error: string | null }>;

async function tick(id: string, extra: Record<string, string> = {}, env: Record<string, string> = { RUNNER_NAME: 'runner-a' }) {
  const r = captureReporter();
  const code = await patrolPhase(
    box.inputs({
      'run-ids': id,
      'stall-after': '10m',
      'connect-timeout': '2',
      'state-file': state,
      sync: 'latest',
      'sync-dest': dest,
      'sync-settle': '1s',
      ...extra,
    }),
    env,
    r,
    { probe: probeHost, workspace: '/' },
  );
  return {
    code,
    r,
    states: JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; flags: string[] }>,
    synced: JSON.parse(r.outputs['synced'] ?? '{}') as Synced,
    body: readFileSync(state, 'utf8'),
  };
}

/** The versions kept on the runner for run `id` (folders other than staging). */
const versions = (id: string) =>
  existsSync(join(dest, id))
    ? readdirSync(join(dest, id))
        .filter((n) => n !== 'sync.json' && n !== '.incoming')
        .sort()
    : [];

describe('sync: latest on ticks, a real PyTorch job on a real box', () => {
  it('each new checkpoint arrives verified; unchanged runs move 0 bytes; keep prunes on the runner only; a NaN checkpoint is flagged; a dark box leaves the last good one', async () => {
    const ID = 'cs-1';
    await launch(ID);
    await checkpoint(ID, 1);
    let t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ step: 1, judged: 1, bad: null, error: null });
    const first = t.synced['cs-1']!.newest!;
    expect(first).toMatch(/\/cs-1\/\d{8}T\d{6}Z-[0-9a-f]{12}-[0-9a-f]{8}\/ck\/step_1\.pt$/);
    expect(sha(first)).toBe(sha(`${W(ID)}/ck/step_1.pt`));
    expect(t.synced['cs-1']!.moved).toBe(statSync(`${W(ID)}/ck/step_1.pt`).size);
    expect(t.body).toMatch(/newest verified checkpoint: `ck\/step_1\.pt`, step 1, written \d+ s ago, on runner `runner-a` at `/);

    // Nothing new: nothing hashed twice on the box, nothing pulled.
    t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ judged: 0, moved: 0, step: 1 });

    // Two checkpoints between ticks: latest pulls only the newest; the older one is never fetched.
    await checkpoint(ID, 2);
    await checkpoint(ID, 3);
    t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ judged: 1, step: 3 });
    expect(versions('cs-1')).toHaveLength(2);

    // A NaN in the newest checkpoint: flagged, and the newest good one stays step 3.
    await checkpoint(ID, 4, { nan: true });
    t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ judged: 1, step: 3, bad: 'ck/step_4.pt' });
    expect(t.states['cs-1']!.flags).toContain('bad-checkpoint');
    expect(t.body).toMatch(/newer `ck\/step_4\.pt` \(written \d+ s ago\) failed verification: 1 NaN\/Inf in w/);
    expect(existsSync(join(dest, 'cs-1', '.incoming'))).toBe(false); // the bad bytes are not kept
    // The flag stays while nothing newer is judged (it is not re-pulled).
    t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ judged: 0, moved: 0, bad: 'ck/step_4.pt' });
    expect(t.states['cs-1']!.flags).toContain('bad-checkpoint');

    // A good one after it clears the flag; keep 2 deletes the oldest version on the runner, never on the box.
    await checkpoint(ID, 5);
    t = await tick('cs-1');
    expect(t.synced['cs-1']).toMatchObject({ step: 5, bad: null });
    expect(t.states['cs-1']!.flags).not.toContain('bad-checkpoint');
    expect(versions('cs-1')).toHaveLength(2);
    expect(existsSync(first)).toBe(false);
    expect(existsSync(`${W(ID)}/ck/step_1.pt`)).toBe(true);
    const last = t.synced['cs-1']!.newest!;
    const record = JSON.parse(readFileSync(join(dest, 'cs-1', 'sync.json'), 'utf8')) as { entries: Array<{ path: string; status: string }> };
    expect(Object.fromEntries(record.entries.map((e) => [e.path, e.status]))).toEqual({
      'ck/step_5.pt': 'verified',
      'ck/step_4.pt': 'bad',
      'ck/step_3.pt': 'verified',
      'ck/step_1.pt': 'pruned',
    });

    // A sync is never a proof for teardown: nothing under sync-dest is named like collect's records.
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [e.name]));
    expect(walk(dest).filter((n) => /^(verified|manifest)\.json$/i.test(n))).toEqual([]);

    // The post-mortem: the box goes dark for good. The runner keeps the last verified checkpoint, and the
    // status says which it is and when it was written.
    box.blackhole();
    try {
      t = await tick('cs-1');
      expect(t.states['cs-1']!.state).toBe('unreachable');
      expect(t.synced['cs-1']).toBeUndefined();
      expect(sha(last)).toBe(sha(`${W(ID)}/ck/step_5.pt`));
      expect(t.body).toMatch(/newest verified checkpoint: `ck\/step_5\.pt`, step 5, written \d+ s ago/);
    } finally {
      box.clearFirewall();
    }
  }, 180_000);

  it('a run another runner syncs is left to it: its checkpoints live in one place, and the status says which runner', async () => {
    const ID = 'cs-own';
    await launch(ID);
    await checkpoint(ID, 1);
    const a = await tick(ID);
    expect(a.synced[ID]).toMatchObject({ step: 1, judged: 1 });
    expect(a.body).toMatch(/on runner `runner-a` at `/);
    await checkpoint(ID, 2);
    // A cron patrol on another runner beside runner-a's follow: it reads runner-a's sync in the status and pulls nothing.
    const b = await tick(ID, {}, { RUNNER_NAME: 'runner-b' });
    expect(b.synced[ID]).toEqual({ synced_by: 'runner-a' });
    expect(b.r.lines.join('\n')).toMatch(/sync: cs-own: synced by runner runner-a, which holds its checkpoints; not synced here/);
    expect(versions(ID)).toHaveLength(1);
    expect(b.body).toMatch(/newest verified checkpoint: `ck\/step_1\.pt`, step 1, .*on runner `runner-a` at `/);
    // runner-a goes on syncing it.
    const again = await tick(ID);
    expect(again.synced[ID]).toMatchObject({ step: 2 });
  });

  it('a partial file left by a sync that was cut off resumes (only the rest crosses); damaged partial bytes are never verified', async () => {
    const ID = 'cs-2';
    await launch(ID);
    await checkpoint(ID, 1);
    const box1 = `${W(ID)}/ck/step_1.pt`;
    const size = statSync(box1).size;
    const staged = join(dest, 'cs-2', '.incoming', stagingOf(box1, 'ck/step_1.pt'), 'ck');
    mkdirSync(staged, { recursive: true });
    writeFileSync(join(staged, 'step_1.pt.part'), readFileSync(box1).subarray(0, 30_000));
    let t = await tick('cs-2');
    expect(t.synced['cs-2']).toMatchObject({ judged: 1, moved: size - 30_000, step: 1 });
    expect(sha(t.synced['cs-2']!.newest!)).toBe(sha(box1));

    // A partial whose bytes are not the file's: the box's hash over the whole file disagrees with the runner's,
    // so the damaged bytes are never verified; the stream fetches the file whole once, in the same sync.
    await checkpoint(ID, 2);
    const box2 = `${W(ID)}/ck/step_2.pt`;
    const v2 = join(dest, 'cs-2', '.incoming', stagingOf(box2, 'ck/step_2.pt'), 'ck');
    mkdirSync(v2, { recursive: true });
    writeFileSync(join(v2, 'step_2.pt.part'), Buffer.alloc(30_000, 0x41));
    t = await tick('cs-2');
    const size2 = statSync(box2).size;
    expect(t.synced['cs-2']).toMatchObject({ judged: 1, step: 2, moved: size2 - 30_000 + size2, error: null });
    expect(sha(t.synced['cs-2']!.newest!)).toBe(sha(box2));

    // A newer checkpoint whose name tether does not take is not synced, and the tick says so.
    writeFileSync(`${W(ID)}/ck/step 3.pt`, readFileSync(box2));
    await waitFor('the odd name to settle', () => Date.now() - statSync(`${W(ID)}/ck/step 3.pt`).mtimeMs > 2100, 5000, 100);
    t = await tick('cs-2');
    expect(t.synced['cs-2']).toMatchObject({ judged: 0, step: 2 });
    expect(t.r.warnings.join('\n')).toMatch(/sync: cs-2: 1 newer checkpoint file\(s\) are symlinks or have names tether does not take/);
  }, 120_000);

  it('sync-artifact, through the built action: one artifact per new checkpoint (named by run and content), none for an unchanged one; older ones listed with their size', async () => {
    const ID = 'cs-3';
    await launch(ID);
    await checkpoint(ID, 1);
    const svc = new ArtifactDouble();
    await svc.start();
    const stateFile = `/tmp/tether-ckpt-sync-art-${process.pid}.md`;
    try {
      const tickAction = async (workflowRun: string) => {
        const r = await runBuiltAction(
          'patrol',
          box.inputs({
            'run-ids': ID,
            'state-file': stateFile,
            sync: 'latest',
            'sync-dest': dest,
            'sync-settle': '1s',
            'sync-artifact': 'true',
            'retention-days': '2',
          }),
          svc.env(workflowRun, 'job-patrol'),
        );
        removeWorkspace(r);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        return { r, synced: JSON.parse(r.outputs['synced'] ?? '{}')[ID] as { artifact: string | null; newest: string } };
      };
      const one = await tickAction('run-11');
      const name1 = `tether-sync-${ID}-${sha(`${W(ID)}/ck/step_1.pt`).slice(0, 12)}`;
      expect(one.synced.artifact).toBe(name1);
      expect(svc.finalized().map((a) => a.name)).toEqual([name1]);
      expect(one.r.summary).toContain(`artifact \`${name1}\``);
      // The next cron tick (another workflow run) with nothing new uploads nothing.
      const two = await tickAction('run-12');
      expect(two.synced.artifact).toBe(name1);
      expect(svc.finalized()).toHaveLength(1);
      await checkpoint(ID, 2);
      const three = await tickAction('run-13');
      const name2 = `tether-sync-${ID}-${sha(`${W(ID)}/ck/step_2.pt`).slice(0, 12)}`;
      expect(three.synced.artifact).toBe(name2);
      expect(svc.finalized().map((a) => a.name)).toEqual([name1, name2]);
      expect(three.r.summary).toMatch(new RegExp(`older sync artifacts \\(yours to delete when no longer needed\\): \`${name1}\` \\d+\\.\\d kB`));
      // The artifact holds exactly the verified checkpoint.
      expect(svc.finalized(name2)[0]!.bytes!.includes(readFileSync(`${W(ID)}/ck/step_2.pt`))).toBe(true);
    } finally {
      await svc.stop();
      rmSync(stateFile, { force: true });
    }
  }, 120_000);

  it('a sweep: each cell synced by its own globs and kept per cell; a cell whose newest checkpoint has a NaN is named', async () => {
    const ID = 'cs-sweep';
    mkdirSync(`${W(ID)}/go`, { recursive: true });
    const save = (cell: string, nan: boolean) =>
      `/usr/bin/python3 -c "import torch; w = torch.randn(1000); w[0] = float('nan') if ${nan ? 'True' : 'False'} else w[0]; torch.save({'w': w}, 'out/${cell}/step_1.pt')"`;
    const r = captureReporter();
    const code = await launchPhase(
      box.inputs({
        'run-id': ID,
        cells: [`a: mkdir -p out/a && ${save('a', false)} && sleep 120`, `b: mkdir -p out/b && ${save('b', true)} && sleep 120`].join('\n'),
        'gpus-per-cell': '0',
        'max-parallel': '2',
        workdir: `~/w-${ID}`,
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': `/tmp/tether-${process.pid}-${ID}.json`,
        checkpoints: 'out/{cell}/*.pt',
      }),
      {},
      r,
      '/tmp',
    );
    expect(code, r.errors.join('\n')).toBe(0);
    for (const c of ['a', 'b']) {
      const p = `${W(ID)}/out/${c}/step_1.pt`;
      await waitFor(`cell ${c}'s checkpoint`, () => existsSync(p) && Date.now() - statSync(p).mtimeMs > 2100, 60_000, 100);
    }
    const t = await tick(ID);
    expect(t.synced[ID]).toMatchObject({ judged: 2, bad: 'out/b/step_1.pt' });
    const rec = JSON.parse(readFileSync(join(dest, ID, 'sync.json'), 'utf8')) as { entries: Array<{ cell: string; status: string }> };
    expect(Object.fromEntries(rec.entries.map((e) => [e.cell, e.status]))).toEqual({ a: 'verified', b: 'bad' });
    expect(t.body).toMatch(/newest verified checkpoint: `out\/a\/step_1\.pt` \(cell `a`\)/);
    expect(t.body).toMatch(/newer `out\/b\/step_1\.pt` \(cell `b`\) \(written \d+ s ago\) failed verification: 1 NaN\/Inf in w/);
  }, 120_000);
});
