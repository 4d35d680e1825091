import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ec2Double } from '../harness/ec2-double.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { logged, readIf, SpotLab, TRAIN } from '../harness/spot-lab.ts';
import { waitFor } from '../harness/sh.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { loadCredential } from '../../src/ssh/keys.ts';

/**
 * A spot run that survives preemption (issue 27 §2): a real PyTorch job on a spot box of the EC2 double, its
 * checkpoints synced by the patrol, preempted twice (EC2 takes the box as it reports it), recovered each time by
 * the patrol's dispatch and tether recover onto a new box from the newest verified checkpoint, finishes on its
 * third box; its loss curve is the one an uninterrupted run logs, step for step.
 */
let ec2: Ec2Double;
let gh: GitHubDouble;
let work: string;
let lab: SpotLab;
const RUN = 'spot-train';
const ENV_LINES = 'STEP_S=0.3\nTOTAL_STEPS=40\nSAVE_EVERY=4';
const COMMIT = 'c0ffee0123456789abcdef0123456789abcdef01';

beforeAll(async () => {
  ec2 = new Ec2Double();
  await ec2.start();
  gh = await startGitHubDouble();
  work = mkdtempSync(join(tmpdir(), 'tether-recover-'));
  lab = new SpotLab(ec2, gh, work);
});
afterAll(async () => {
  await ec2?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('a spot run preempted twice finishes on its third box, its loss curve unbroken', () => {
  it('patrol syncs, EC2 takes the box, the patrol dispatches once, recover resumes from the newest verified checkpoint', async () => {
    const at = `issue:${gh.addIssue('Spot training')}`;
    const first = await lab.start(RUN, at, { code: lab.code('code'), command: '/usr/bin/python3 train.py', env: ENV_LINES, commit: COMMIT });
    const logs: string[] = [];
    const restored: number[] = [];
    let id = first;
    for (let round = 1; round <= 2; round++) {
      const log = () => readIf(`${lab.runDir(id, RUN)}/attempts/${round}/log`);
      // Train a while; the patrol syncs a settled checkpoint (verified on the runner) on its tick.
      await waitFor(`attempt ${round} to checkpoint`, () => logged(log()).length >= 10, 60_000);
      await new Promise((r) => setTimeout(r, 1500));
      const tick = await lab.patrol(at, RUN);
      expect(tick.v, tick.r.errors.join('\n')).toMatchObject({ state: 'running', attempt: round });
      // EC2 takes the box back: the log it wrote is kept here (the box goes with it).
      logs.push(log());
      ec2.preempt(id, 'terminate');
      const seen = await lab.patrol(at, RUN);
      expect(seen.v.state).toBe('preempted');
      expect(seen.recoveries).toEqual([{ run_id: RUN, attempt: round, action: 'dispatched', url: expect.any(String) }]);
      expect(lab.dispatchesOf(RUN)).toHaveLength(round);
      expect(gh.dispatches.at(-1)).toMatchObject({ workflow: 'tether-launch.yml', ref: 'main', inputs: { recover: RUN, 'recover-commit': COMMIT } });
      // A second tick dispatches nothing more for the same attempt.
      expect((await lab.patrol(at, RUN)).recoveries[0]).toMatchObject({ action: 'dispatched' });
      expect(lab.dispatchesOf(RUN)).toHaveLength(round);

      // The dispatched launch workflow runs recover on the same runner.
      const r = await lab.recover(at, RUN, ENV_LINES);
      expect(r.code, r.text).toBe(0);
      expect(r.r.outputs).toMatchObject({ result: 'recovered', attempt: String(round + 1) });
      const step = Number(/restored ckpt\/step_(\d+)\.pt/.exec(r.r.lines.join('\n'))?.[1]);
      expect(step).toBeGreaterThan(restored.at(-1) ?? 0);
      restored.push(step);
      expect(r.r.summaries.join('\n')).toContain(`Recovery ${round} of 20`);
      id = r.r.outputs['instance-id']!;
      expect(id).not.toBe(first);
      // The new box held the restored checkpoint before the job started, and the job says it resumed from it.
      const next = () => readIf(`${lab.runDir(id, RUN)}/attempts/${round + 1}/log`);
      await waitFor('the new attempt to log its resume', () => /resumed from step/.test(next()), 30_000);
      expect(next()).toContain(`resumed from step ${step} (ckpt/step_${step}.pt)`);
    }
    await waitFor('the third attempt to finish', () => existsSync(`${lab.runDir(id, RUN)}/DONE`), 90_000);
    logs.push(readFileSync(`${lab.runDir(id, RUN)}/attempts/3/log`, 'utf8'));
    const fin = await lab.patrol(at, RUN, { collect: true });
    expect(fin.v).toMatchObject({ state: 'finished', attempt: 3 });
    // It ended: its collect is dispatched once, to the box its registration names now (issue 27 §3).
    const collects = gh.dispatches.filter((d) => d.workflow === 'collect-teardown.yml');
    expect(collects).toEqual([
      expect.objectContaining({
        inputs: expect.objectContaining({ 'run-id': RUN, 'requested-by': 'tether-patrol', provider: 'aws', 'instance-id': id, host: lab.box(id).box!.addr }),
      }),
    ]);
    await lab.patrol(at, RUN, { collect: true });
    expect(gh.dispatches.filter((d) => d.workflow === 'collect-teardown.yml')).toHaveLength(1);
    expect(fin.v.flags).not.toContain('restarted-from-zero');

    // Each attempt starts right after the checkpoint it was given, counts up by one, and loses at most two
    // checkpoint intervals (the newest one may not have settled for the sync before EC2 took the box).
    const attempts = logs.map(logged);
    for (const [k, a] of attempts.entries()) {
      expect(a.map(([s]) => s)).toEqual(a.map((_, i) => a[0]![0] + i));
      if (k > 0) {
        expect(a[0]![0]).toBe(restored[k - 1]! + 1);
        expect(attempts[k - 1]!.at(-1)![0] - restored[k - 1]!).toBeLessThanOrEqual(8);
      }
    }
    expect(attempts.at(-1)!.at(-1)![0]).toBe(40);
    // The loss curve is an uninterrupted run's, step for step (the batches are seeded by step).
    const ref = mkdtempSync(join(tmpdir(), 'tether-recover-ref-'));
    const plain = spawnSync('/usr/bin/python3', [TRAIN], {
      cwd: ref,
      env: { ...process.env, STEP_S: '0', TOTAL_STEPS: '40' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    rmSync(ref, { recursive: true, force: true });
    const reference = new Map(logged(plain.stdout));
    expect(reference.size).toBe(40);
    for (const a of attempts) for (const [s, loss] of a) expect(loss, `step ${s}`).toBe(reference.get(s));

    // The registration names the third box, counts two recoveries and lists the two boxes EC2 took.
    const body = [...gh.comments.values()].find((c) => c.body.includes(`<!-- tether:registration ${RUN} -->`))!.body;
    const reg = verifiedRegistration(body, loadCredential({ kind: 'content', text: lab.account.private }));
    expect('entry' in reg && reg.entry).toMatchObject({ instanceId: id, attempt: 3, recovery: { recoveries: 2, restored: { step: restored[1] } } });
    expect('entry' in reg && reg.entry.recovery?.previous.map((x) => x.attempt)).toEqual([1, 2]);
    expect(fin.body).toMatch(
      /📦 `spot-train`: its attempt 1 ran on `aws` instance `i-[0-9a-f]+`, which the provider preempted; EC2 terminated it: its EBS volumes are gone unless DeleteOnTermination was false/,
    );
    expect(JSON.parse(fin.r.outputs['orphans'] ?? '[]')).toEqual([]);
    // Nothing was destroyed by tether: the only terminations were EC2's own preemptions.
    expect(ec2.actions.filter((a) => a === 'TerminateInstances')).toEqual([]);
  });
});

describe('recover refuses on any doubt, before anything is rented', () => {
  it('not preempted, still running, other env names, other code, an unregistered run: refused, nothing rented', async () => {
    const at = `issue:${gh.addIssue('Refusals')}`;
    const run = 'spot-refuse';
    const code = lab.code('code2');
    const id = await lab.start(run, at, { code, command: 'sleep 300', env: 'A=1' });
    const rents = () => ec2.actions.filter((a) => a === 'RunInstances').length;
    const before = rents();
    const healthy = await lab.recover(at, run, 'A=1');
    expect(healthy.code).toBe(1);
    expect(healthy.r.outputs['result']).toBe('refused');
    expect(healthy.text).toMatch(
      new RegExp(`aws does not say it preempted instance ${id} \\(running: instance state running\\): nothing is recovered on a guess`),
    );
    ec2.preempt(id, 'notice');
    expect((await lab.recover(at, run, 'A=1')).text).toMatch(/says it is taking instance .* but it still runs: the job may still be saving/);
    ec2.preempt(id, 'terminate');
    await expect(lab.recover(at, run, 'B=1')).rejects.toThrow(/input 'env': names B; spot-refuse launched with A/);
    writeFileSync(join(code, 'train.py'), '# edited after launch\n');
    expect((await lab.recover(at, run, 'A=1')).text).toMatch(/packs to release [0-9a-f]{20}, but spot-refuse launched with [0-9a-f]{20}: check out commit/);
    expect((await lab.recover(at, run, 'A=1', { recover: 'never-launched' })).text).toMatch(/never-launched is not registered where report-to points/);
    expect(rents()).toBe(before);
  });
});
