import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ec2Double } from '../harness/ec2-double.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { logged, readIf, SpotLab } from '../harness/spot-lab.ts';
import { waitFor } from '../harness/sh.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { loadCredential } from '../../src/ssh/keys.ts';

/**
 * A sweep on a spot box that survives preemption (issue 27 §2): three CPU cells of a real PyTorch job, one of them
 * finished when EC2 takes the box. The patrol synced each cell's checkpoints and recorded the finished one done;
 * recover restores each cell's newest verified checkpoint onto the new box, records the finished cell done there
 * (it never runs again), and the other two resume from their own checkpoints and finish.
 */
let ec2: Ec2Double;
let gh: GitHubDouble;
let work: string;
let lab: SpotLab;
const RUN = 'spot-sweep';
// Cells b and c run long enough (60 steps of 0.3 s) that a loaded machine's ticks never see them finish first.
const TOTAL = 60;
const ENV_LINES = `STEP_S=0.3\nTOTAL_STEPS=${TOTAL}\nSAVE_EVERY=4`;
const cell = (name: string, steps = '') => `${name}: mkdir -p runs/${name} && cd runs/${name} && ${steps}/usr/bin/python3 ../../train.py`;
const CELLS = [cell('a', 'TOTAL_STEPS=8 '), cell('b'), cell('c')].join('\n');
const SWEEP = { cells: CELLS, 'gpus-per-cell': '0', 'max-parallel': '3', checkpoints: 'runs/{cell}/ckpt/step_*.pt' };

beforeAll(async () => {
  ec2 = new Ec2Double();
  await ec2.start();
  gh = await startGitHubDouble();
  work = mkdtempSync(join(tmpdir(), 'tether-recover-sweep-'));
  lab = new SpotLab(ec2, gh, work);
});
afterAll(async () => {
  await ec2?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a preempted sweep continues on a new box cell by cell', () => {
  it('each cell from its own newest verified checkpoint; the cell that had finished is recorded done, not run again', async () => {
    const at = `issue:${gh.addIssue('Spot sweep')}`;
    const first = await lab.start(RUN, at, { code: lab.code('code'), command: '', env: ENV_LINES, inputs: SWEEP });
    const cellLog = (id: string, c: string, n = 1) => readIf(`${lab.runDir(id, RUN)}/cells/${c}/attempts/${n}/log`);
    await waitFor(
      'cell a to finish and b, c to checkpoint',
      () => existsSync(`${lab.runDir(first, RUN)}/cells/a/DONE`) && ['b', 'c'].every((c) => logged(cellLog(first, c)).length >= 10),
      90_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    // The patrol syncs each cell's newest settled checkpoint; a's last one is home and a is recorded done.
    const synced = join(work, 'synced', RUN, 'sync.json');
    let tick;
    for (let i = 0; i < 5; i++) {
      tick = await lab.patrol(at, RUN);
      expect(tick.v, tick.r.errors.join('\n')).toMatchObject({ state: 'running', attempt: 1 });
      if ((JSON.parse(readIf(synced) || '{"done":[]}') as { done: string[] }).done.includes('a')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const record = JSON.parse(readFileSync(synced, 'utf8')) as { done: string[]; entries: Array<{ cell: string; path: string; status: string }> };
    expect(record.done).toEqual(['a']);
    expect(record.entries.find((e) => e.cell === 'a' && e.status === 'verified')?.path).toBe('runs/a/ckpt/step_8.pt');
    const before = { b: logged(cellLog(first, 'b')), c: logged(cellLog(first, 'c')) };

    ec2.preempt(first, 'terminate');
    const seen = await lab.patrol(at, RUN);
    expect(seen.v.state).toBe('preempted');
    expect(seen.recoveries).toEqual([{ run_id: RUN, attempt: 1, action: 'dispatched', url: expect.any(String) }]);

    const r = await lab.recover(at, RUN, ENV_LINES);
    expect(r.code, r.text).toBe(0);
    const id = r.r.outputs['instance-id']!;
    expect(id).not.toBe(first);
    const lines = r.r.lines.join('\n');
    const restoredStep = (c: string) => Number(new RegExp(`restored runs/${c}/ckpt/step_(\\d+)\\.pt \\(cell ${c}\\)`).exec(lines)?.[1]);
    expect(restoredStep('a')).toBe(8);
    for (const c of ['b', 'c'] as const) expect(restoredStep(c)).toBeGreaterThanOrEqual(4);
    expect(r.r.summaries.join('\n')).toMatch(/1 cell\(s\) had finished \(`a`\): recorded done, not run again/);

    // On the new box: a is done as restored (its attempt ran nothing there), b and c resume from their own checkpoints.
    const dir = lab.runDir(id, RUN);
    expect(JSON.parse(readFileSync(`${dir}/cells/a/DONE`, 'utf8'))).toMatchObject({ attempt: 1, exit_code: 0, stage: 'restored', restored: true });
    for (const c of ['b', 'c'] as const)
      await waitFor(`cell ${c} to resume`, () => cellLog(id, c).includes(`resumed from step ${restoredStep(c)} (ckpt/step_${restoredStep(c)}.pt)`), 30_000);
    await waitFor('the sweep to finish on the new box', () => existsSync(`${dir}/DONE`), 90_000);
    expect(logged(cellLog(id, 'a'))).toEqual([]);
    expect(cellLog(id, 'a')).toMatch(/restored: this cell finished before the box was preempted/);
    expect(readFileSync(`${dir}/attempts/2/log`, 'utf8')).not.toMatch(/cell a attempt \d+ started/);
    for (const c of ['b', 'c'] as const) {
      const after = logged(cellLog(id, c));
      // Steps count on from the restored checkpoint to the end; what the old box logged past it is the only loss.
      expect(after.map(([s]) => s)).toEqual(Array.from({ length: TOTAL - restoredStep(c) }, (_, i) => restoredStep(c) + 1 + i));
      // Each cell got the newest checkpoint of its own the sync verified on the runner, and lost at most what was
      // logged after it: one checkpoint interval (4) and the sync's settle and tick time (as the spot soak allows).
      const verified = (JSON.parse(readFileSync(synced, 'utf8')) as typeof record).entries.filter((e) => e.cell === c && e.status === 'verified');
      expect(restoredStep(c)).toBe(Math.max(...verified.map((e) => Number(/step_(\d+)\.pt$/.exec(e.path)![1]))));
      expect(before[c].at(-1)![0] - restoredStep(c)).toBeLessThanOrEqual(4 + Math.ceil(2.5 / 0.3) + 4);
      // The same losses the old box logged for the steps both ran (the batches are seeded by step).
      const old = new Map(before[c]);
      for (const [s, loss] of after) if (old.has(s)) expect(loss, `cell ${c} step ${s}`).toBe(old.get(s));
    }

    const fin = await lab.patrol(at, RUN);
    expect(fin.v, fin.r.errors.join('\n')).toMatchObject({ state: 'finished', attempt: 2 });
    // The registration signs the cells for the next recovery, and names the new box.
    const body = [...gh.comments.values()].find((c) => c.body.includes(`<!-- tether:registration ${RUN} -->`))!.body;
    const reg = verifiedRegistration(body, loadCredential({ kind: 'content', text: lab.account.private }));
    expect('entry' in reg && reg.entry).toMatchObject({
      instanceId: id,
      attempt: 2,
      recovery: { recoveries: 1, restored: null, sweep: { cells: CELLS, gpusPerCell: 0, maxParallel: 3 } },
    });
    expect(ec2.actions.filter((a) => a === 'TerminateInstances')).toEqual([]);
  }, 240_000);
});
