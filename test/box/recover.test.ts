import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_ENV, EC2_REGION, Ec2Double, type Ec2Instance } from '../harness/ec2-double.ts';
import { launchPhase, patrolPhase, provisionPhase, recoverPhase } from '../harness/phases.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { captureReporter } from '../harness/reporter.ts';
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
const account = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'tether-runner' });
const RUN = 'spot-train';
const TRAIN = join(import.meta.dirname, '..', 'fixtures', 'recover', 'train.py');
const ENV_LINES = 'STEP_S=0.3\nTOTAL_STEPS=40\nSAVE_EVERY=4';

beforeAll(async () => {
  ec2 = new Ec2Double();
  await ec2.start();
  gh = await startGitHubDouble();
  gh.workflows['tether-launch.yml'] = ['recover', 'recover-commit'];
  work = mkdtempSync(join(tmpdir(), 'tether-recover-'));
  mkdirSync(join(work, 'code'));
  cpSync(TRAIN, join(work, 'code', 'train.py'));
  writeFileSync(join(work, 'key'), account.private, { mode: 0o600 });
});
afterAll(async () => {
  await ec2?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

const ghEnv = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const store = (at: string) => githubStore(parseReportTo(at)!, ghEnv(), 'ghs-actions-token');
const rentInputs = {
  provider: 'aws',
  'aws-region': EC2_REGION,
  'provider-api-url': '',
  'instance-types': 'g6.xlarge',
  image: 'ami-0abcdef1234567890',
  subnet: 'subnet-0123456789abcdef0',
  'security-group': 'sg-0123456789abcdef0',
  spot: 'true',
  user: 'root',
  'connect-timeout': '3',
};
const rent = () => ({ ...rentInputs, 'provider-api-url': ec2.url });

async function patrol(at: string) {
  const r = captureReporter();
  const { chatopsApi } = await import('../../src/github/chatops-api.ts');
  const code = await patrolPhase(
    {
      'ssh-key-path': join(work, 'key'),
      'connect-timeout': '2',
      'connect-attempts': '1',
      'report-to': at,
      provider: 'aws',
      'aws-region': EC2_REGION,
      'provider-api-url': ec2.url,
      'preempt-confirm': '1s',
      sync: 'latest',
      'sync-dest': 'synced',
      'sync-settle': '1s',
      'recover-workflow': 'tether-launch.yml',
      'workflow-ref': 'main',
      'github-token': 'ghs-actions-token',
    },
    { ...EC2_ENV, ...ghEnv() },
    r,
    {
      probe: probeHost,
      remote: store(at),
      workspace: work,
      dispatcher: (token) => ({ dispatch: (w, ref, i) => chatopsApi(ghEnv(), token).dispatch(w, ref, i) }),
    },
  );
  const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; attempt: number; step: number | null; flags: string[] }>;
  return { code, r, v: states[RUN]!, body: r.summaries.join('\n') };
}

const boxOf = (id: string): Ec2Instance => ec2.instances.get(id)!;
const runDir = (i: Ec2Instance) => `${i.box!.home}/.tether/runs/${RUN}`;
/** Steps and losses an attempt's log reports, in order. */
function logged(text: string): Array<[number, string]> {
  return [...text.matchAll(/^step (\d+) loss ([0-9.]+)$/gm)].map((m) => [Number(m[1]), m[2]!]);
}

describe('a spot run preempted twice finishes on its third box, its loss curve unbroken', () => {
  it('patrol syncs, EC2 takes the box, the patrol dispatches once, recover resumes from the newest verified checkpoint', async () => {
    const at = `issue:${gh.addIssue('Spot training')}`;
    const p = captureReporter();
    expect(await provisionPhase({ ...rent(), 'run-id': RUN, 'ssh-key-path': join(work, 'key') }, EC2_ENV, p, work), p.errors.join('\n')).toBe(0);
    const l = captureReporter();
    const launched = await launchPhase(
      {
        'from-provision': join(work, `tether-provision-${RUN}.json`),
        'ssh-key-path': join(work, 'key'),
        command: '/usr/bin/python3 train.py',
        'sync-dir': join(work, 'code'),
        checkpoints: 'ckpt/step_*.pt',
        env: ENV_LINES,
        audit: 'false',
        'confirm-timeout': '1',
        'report-to': at,
        'on-preempt': 'replace',
        'max-recoveries': '3',
        'metadata-address': '127.0.0.1:1',
        commit: 'c0ffee0123456789abcdef0123456789abcdef01',
      },
      {},
      l,
      work,
      store(at),
    );
    expect(launched, l.errors.join('\n')).toBe(0);

    const logs: string[] = [];
    const restored: number[] = [];
    let id = p.outputs['instance-id']!;
    for (let round = 1; round <= 2; round++) {
      const inst = boxOf(id);
      // Train a while; the patrol syncs a settled checkpoint (verified on the runner) on its tick.
      await waitFor(
        `attempt ${round} to checkpoint`,
        () => existsSync(`${runDir(inst)}/attempts/${round}/log`) && logged(readFileSync(`${runDir(inst)}/attempts/${round}/log`, 'utf8')).length >= 10,
        60_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      const tick = await patrol(at);
      expect(tick.v, tick.r.errors.join('\n')).toMatchObject({ state: 'running', attempt: round });
      // EC2 takes the box back: the log it wrote is kept here (the box goes with it).
      logs.push(readFileSync(`${runDir(inst)}/attempts/${round}/log`, 'utf8'));
      ec2.preempt(id, 'terminate');
      const seen = await patrol(at);
      expect(seen.v.state).toBe('preempted');
      expect(JSON.parse(seen.r.outputs['recoveries'] ?? '[]')).toEqual([{ run_id: RUN, attempt: round, action: 'dispatched', url: expect.any(String) }]);
      expect(gh.dispatches.filter((d) => d.inputs['recover'] === RUN)).toHaveLength(round);
      expect(gh.dispatches.at(-1)).toMatchObject({
        workflow: 'tether-launch.yml',
        ref: 'main',
        inputs: { recover: RUN, 'recover-commit': 'c0ffee0123456789abcdef0123456789abcdef01' },
      });
      // A second tick dispatches nothing more for the same attempt.
      const again = await patrol(at);
      expect(JSON.parse(again.r.outputs['recoveries'] ?? '[]')[0]).toMatchObject({ action: 'dispatched' });
      expect(gh.dispatches.filter((d) => d.inputs['recover'] === RUN)).toHaveLength(round);

      // The dispatched launch workflow runs recover on the same runner.
      const r = captureReporter();
      const rc = await recoverPhase(
        {
          ...rent(),
          recover: RUN,
          'ssh-key-path': join(work, 'key'),
          env: ENV_LINES,
          'sync-dest': 'synced',
          'report-to': at,
          audit: 'false',
          'metadata-address': '127.0.0.1:1',
          'confirm-timeout': '1',
          'preempt-confirm': '1s',
        },
        { ...EC2_ENV, ...ghEnv() },
        r,
        work,
        store(at),
      );
      expect(rc, r.errors.join('\n')).toBe(0);
      expect(r.outputs['result']).toBe('recovered');
      expect(r.outputs['attempt']).toBe(String(round + 1));
      const step = Number(/restored ckpt\/step_(\d+)\.pt/.exec(r.lines.join('\n'))?.[1]);
      expect(step).toBeGreaterThan(restored.at(-1) ?? 0);
      restored.push(step);
      expect(r.summaries.join('\n')).toContain(`Recovery ${round} of 3`);
      id = r.outputs['instance-id']!;
      expect(id).not.toBe(p.outputs['instance-id']);
      // The new box holds the restored checkpoint before the job started, and the job says it resumed from it.
      await waitFor('the new attempt to log its resume', () => /resumed from step/.test(readIf(`${runDir(boxOf(id))}/attempts/${round + 1}/log`)), 30_000);
      expect(readIf(`${runDir(boxOf(id))}/attempts/${round + 1}/log`)).toContain(`resumed from step ${step} (ckpt/step_${step}.pt)`);
    }
    const last = boxOf(id);
    await waitFor('the third attempt to finish', () => existsSync(`${runDir(last)}/DONE`), 90_000);
    logs.push(readFileSync(`${runDir(last)}/attempts/3/log`, 'utf8'));
    const fin = await patrol(at);
    expect(fin.v).toMatchObject({ state: 'finished', attempt: 3 });
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
    const reg = verifiedRegistration(body, loadCredential({ kind: 'content', text: account.private }));
    expect('entry' in reg && reg.entry).toMatchObject({ instanceId: id, attempt: 3, recovery: { recoveries: 2, restored: { step: restored[1] } } });
    expect('entry' in reg && reg.entry.recovery?.previous.map((x) => x.attempt)).toEqual([1, 2]);
    expect(fin.body).toMatch(/📦 `spot-train`: its attempt 1 ran on `aws` instance/);
    expect(JSON.parse(fin.r.outputs['orphans'] ?? '[]')).toEqual([]);
  });
});

describe('recover refuses on any doubt, before anything is rented', () => {
  it('not preempted, still running, other env names, other code, an unregistered run: refused, nothing rented', async () => {
    const at = `issue:${gh.addIssue('Refusals')}`;
    const run = 'spot-refuse';
    mkdirSync(join(work, 'code2'));
    cpSync(TRAIN, join(work, 'code2', 'train.py'));
    const p = captureReporter();
    expect(await provisionPhase({ ...rent(), 'run-id': run, 'ssh-key-path': join(work, 'key') }, EC2_ENV, p, work), p.errors.join('\n')).toBe(0);
    const l = captureReporter();
    expect(
      await launchPhase(
        {
          'from-provision': join(work, `tether-provision-${run}.json`),
          'ssh-key-path': join(work, 'key'),
          command: 'sleep 300',
          'sync-dir': join(work, 'code2'),
          env: 'A=1',
          audit: 'false',
          'confirm-timeout': '1',
          'report-to': at,
          'on-preempt': 'replace',
          'metadata-address': '127.0.0.1:1',
        },
        {},
        l,
        work,
        store(at),
      ),
      l.errors.join('\n'),
    ).toBe(0);
    const id = p.outputs['instance-id']!;
    const rents = () => ec2.actions.filter((a) => a === 'RunInstances').length;
    const before = rents();
    const recover = async (over: Record<string, string> = {}) => {
      const r = captureReporter();
      const code = await recoverPhase(
        {
          ...rent(),
          recover: run,
          'ssh-key-path': join(work, 'key'),
          env: 'A=1',
          'sync-dest': 'synced',
          'report-to': at,
          audit: 'false',
          'preempt-confirm': '1s',
          ...over,
        },
        { ...EC2_ENV, ...ghEnv() },
        r,
        work,
        store(at),
      );
      return { code, r, text: [...r.errors, ...r.summaries].join('\n') };
    };
    const healthy = await recover();
    expect(healthy.code).toBe(1);
    expect(healthy.r.outputs['result']).toBe('refused');
    expect(healthy.text).toMatch(
      new RegExp(`aws does not say it preempted instance ${id} \\(running: instance state running\\): nothing is recovered on a guess`),
    );
    ec2.preempt(id, 'notice');
    expect((await recover()).text).toMatch(/says it is taking instance .* but it still runs: the job may still be saving/);
    ec2.preempt(id, 'terminate');
    await expect(recover({ env: 'B=1' })).rejects.toThrow(/input 'env': names B; spot-refuse launched with A/);
    writeFileSync(join(work, 'code2', 'train.py'), '# edited after launch\n');
    expect((await recover()).text).toMatch(/packs to release [0-9a-f]{20}, but spot-refuse launched with [0-9a-f]{20}: check out commit/);
    expect((await recover({ recover: 'never-launched' })).text).toMatch(/never-launched is not registered where report-to points/);
    expect(rents()).toBe(before);
  });
});

const readIf = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
