import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ec2Double } from '../harness/ec2-double.ts';
import { BOT, HUMAN, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';
import { SpotLab } from '../harness/spot-lab.ts';
import { waitFor } from '../harness/sh.ts';
import { checkedPid, signalPid } from '../harness/pids.ts';

/**
 * The meter stops when the work is done (issue 27 §3): a run launched with `after-verified: destroy` through an
 * environment with required reviewers finishes on a box of the EC2 double; the patrol dispatches its collect, and
 * only once that collect's signed proof (read through the REST API from the collect's own workflow run, the real
 * @actions/artifact client against the service double), a person's approval of the launch's run (GitHub's review
 * log) and the box's files re-hashed on the box all agree does it destroy the instance, polled to terminated.
 */
let ec2: Ec2Double;
let gh: GitHubDouble;
let art: ArtifactDouble;
let work: string;
let lab: SpotLab;
const saved = { ...process.env };
const RUN = 'av-train';
const ENV_LINES = 'STEP_S=0.05\nTOTAL_STEPS=12\nSAVE_EVERY=4';
const LAUNCH_RUN = 555;
const LAUNCH_ENV = {
  GITHUB_RUN_ID: String(LAUNCH_RUN),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW_REF: 'lab/train/.github/workflows/tether-launch.yml@refs/heads/main',
  GITHUB_ACTOR: 'octo-researcher',
};

beforeAll(async () => {
  ec2 = new Ec2Double();
  await ec2.start();
  gh = await startGitHubDouble();
  art = new ArtifactDouble();
  await art.start();
  gh.artifactStore = art.restStore();
  // The patrol's artifact client finds another run's artifacts through the REST API GITHUB_API_URL names.
  process.env['GITHUB_API_URL'] = gh.url;
  process.env['NO_PROXY'] = '127.0.0.1,localhost';
  work = mkdtempSync(join(tmpdir(), 'tether-after-verified-'));
  lab = new SpotLab(ec2, gh, work);
});
afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await ec2?.stop();
  await gh?.close();
  await art?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('after-verified destroy: the patrol stops the meter on its own proof and a person’s approval', () => {
  it('waits for the proof, refuses without an approval or with a newer file, then destroys, once', async () => {
    // Its own tracking issue, which the patrol closes once it destroyed the box (as teardown does).
    const at = 'tracking-issue';
    gh.runs.set(LAUNCH_RUN, { path: '.github/workflows/tether-launch.yml', status: 'completed', conclusion: 'success' });
    const id = await lab.start(RUN, at, {
      code: lab.code('code'),
      command: '/usr/bin/python3 train.py',
      env: ENV_LINES,
      inputs: { 'after-verified': 'destroy', 'approval-environment': 'gpu-approval' },
      launchEnv: LAUNCH_ENV,
    });
    const reg = [...gh.comments.values()].find((c) => c.body.includes(`tether:registration ${RUN} `));
    expect(reg?.body).toContain('the patrol will destroy it, as approved through environment `gpu-approval` on workflow run `555`');
    await waitFor('the run to finish', () => existsSync(`${lab.runDir(id, RUN)}/DONE`), 90_000);

    // It ended: the collect is dispatched; no proof yet, so the policy waits.
    const t1 = await lab.patrol(at, RUN, { collect: true, actions: true });
    expect(t1.v.state, t1.r.errors.join('\n')).toBe('finished');
    expect(t1.policies).toEqual([
      { run_id: RUN, attempt: 1, verb: 'destroy', outcome: 'waiting', why: expect.stringMatching(/^collect run \d+ has no verified records artifact/) },
    ]);
    const dispatched = gh.dispatches.find((d) => d.workflow === 'collect-teardown.yml')!;
    expect(dispatched.inputs).toMatchObject({ 'run-id': RUN, 'instance-id': id });

    // The dispatched collect runs as its own workflow run: verified, uploaded with VERIFIED.mac among the records.
    const { code, r: c } = await lab.collectAs(dispatched, art);
    expect(code, c.errors.join('\n')).toBe(0);
    const records = art.finalized().find((a) => a.name.endsWith('-records'));
    expect(records?.runId).toBe(String(dispatched.runId));

    // A proof, but nobody approved the launch's run in the environment: refused, shown, nothing done.
    const t2 = await lab.patrol(at, RUN, { collect: true, actions: true });
    expect(t2.policies[0]).toMatchObject({ outcome: 'refused', why: expect.stringMatching(/no person's approval in environment gpu-approval/) });
    expect(t2.body).toMatch(/⛔ `av-train`: after-verified destroy \*\*refused\*\*/);
    // A bot's approval is no person's.
    gh.approvals.set(LAUNCH_RUN, [{ state: 'approved', environment: 'gpu-approval', by: BOT }]);
    expect((await lab.patrol(at, RUN, { collect: true, actions: true })).policies[0]).toMatchObject({ outcome: 'refused' });
    expect(lab.box(id).state).toBe('running');

    // Approved, but the box holds a checkpoint the proof does not: refused until it is gone.
    gh.approvals.set(LAUNCH_RUN, [{ state: 'approved', environment: 'gpu-approval', by: HUMAN, comment: 'go' }]);
    const found = spawnSync('find', [lab.box(id).box!.home, '-path', '*/ckpt/step_12.pt'], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')[0]!;
    expect(found).toMatch(/step_12\.pt$/);
    const extra = join(dirname(found), 'step_99.pt');
    copyFileSync(found, extra);
    const t3 = await lab.patrol(at, RUN, { collect: true, actions: true });
    expect(t3.policies[0]).toMatchObject({ outcome: 'refused', why: expect.stringMatching(/changed since verification \(new: ckpt\/step_99\.pt\)/) });
    expect(lab.box(id).state).toBe('running');
    rmSync(extra);

    // Everything holds: destroyed, polled to terminated, the run torn down in the status.
    const t4 = await lab.patrol(at, RUN, { collect: true, actions: true });
    expect(t4.policies, t4.r.errors.join('\n')).toEqual([{ run_id: RUN, attempt: 1, verb: 'destroy', outcome: 'done' }]);
    expect(lab.box(id).state).toBe('terminated');
    expect(t4.v.state).toBe('torn-down');
    expect(t4.body).toMatch(/✅ `av-train`: destroyed by the patrol after a verified collect \(.*\), approved by @octo-researcher at launch/);
    const terminates = ec2.actions.filter((a) => a === 'TerminateInstances');
    expect(terminates).toHaveLength(1);

    const tracking = [...gh.issues.values()].find((i) =>
      [...gh.comments.values()].some((c) => c.issue === i.number && c.body.includes(`tether:registration ${RUN} `)),
    )!;
    expect(tracking.state).toBe('closed');
    expect([...gh.comments.values()].filter((c) => c.issue === tracking.number).at(-1)?.body).toMatch(
      /^🏁 `av-train` destroyed by the patrol after a verified collect/,
    );

    // The next tick does not patrol it (torn down by tether, its issue closed) or act again.
    const t5 = await lab.patrol(at, RUN, { collect: true, actions: true });
    expect(t5.policies).toEqual([]);
    expect(t5.v).toBeUndefined();
    expect(ec2.actions.filter((a) => a === 'TerminateInstances')).toHaveLength(1);
    // The GitHub double's own answers followed GitHub's published description.
    expect(gh.responseErrors).toEqual([]);
  }, 240_000);
});

describe('park-after: the box parks itself after its job, with no account key on it', () => {
  const HARNESS = join(import.meta.dirname, '..', 'harness');
  /** The metadata double on the box's own loopback (never 169.254.169.254), answering this life cycle; its PID. */
  const imdsOn = (id: string, life: string) => {
    const box = lab.box(id).box!;
    return checkedPid(
      box.sh(`nohup /usr/bin/python3 ${join(HARNESS, 'imds-double.py')} 18081 ${box.home}/no-notice ${life} </dev/null >/dev/null 2>&1 & echo $!`),
      'the metadata double',
    );
  };
  const stop = (pid: number) => void signalPid(pid, 'SIGTERM');
  const job = { command: '/usr/bin/python3 train.py', env: 'STEP_S=0.05\nTOTAL_STEPS=4\nSAVE_EVERY=2' };

  it('an on-demand EC2 box shuts itself down park-after its job ended, and EC2 says stopped (its disk kept)', async () => {
    const at = `issue:${gh.addIssue('Park after')}`;
    const id = await lab.start('pa-demand', at, {
      code: lab.code('pa1'),
      ...job,
      spot: false,
      inputs: { 'park-after': '10s', 'metadata-address': '127.0.0.1:18081' },
    });
    const pid = imdsOn(id, 'on-demand');
    try {
      const reg = [...gh.comments.values()].find((c) => c.body.includes('tether:registration pa-demand '));
      expect(reg?.body).toContain('the box parks itself 10s after its job ends (park-after, opted into at launch)');
      const dir = lab.runDir(id, 'pa-demand');
      await waitFor('the job to finish', () => existsSync(`${dir}/DONE`), 60_000);
      const ended = Date.now();
      expect(readFileSync(`${dir}/attempts/1/park_after`, 'utf8')).toBe('10 ec2-shutdown 127.0.0.1:18081\n');
      await waitFor('the park timer to start', () => existsSync(`${dir}/attempts/1/self_park`), 10_000).catch((e) => {
        throw new Error(
          `${e}: ${spawnSync('ls', ['-la', `${dir}/attempts/1`], { encoding: 'utf8' }).stdout} ${existsSync(`${dir}/attempts/1/park_err`) ? readFileSync(`${dir}/attempts/1/park_err`, 'utf8') : ''}`,
        );
      });
      expect(JSON.parse(readFileSync(`${dir}/attempts/1/self_park`, 'utf8'))).toMatchObject({ state: 'waiting', how: 'ec2-shutdown' });
      const power = `${lab.box(id).box!.home}/.tether-power`;
      await waitFor('the box to shut itself down', () => existsSync(power), 40_000);
      // Not before park-after had passed since the job ended.
      expect(Date.now() - ended).toBeGreaterThanOrEqual(8_000);
      expect(readFileSync(power, 'utf8')).toContain('shutdown -h now');
      expect(JSON.parse(readFileSync(`${dir}/attempts/1/self_park`, 'utf8'))).toMatchObject({ state: 'parking', how: 'ec2-shutdown' });
      expect(readFileSync(`${dir}/attempts/1/log`, 'utf8')).toMatch(/park-after: the job ended 10 s ago; parking this on-demand instance/);
      // The patrol's next description of it: EC2 stopped it as its shutdown behavior says (tether's provision set stop).
      const t = await lab.patrol(at, 'pa-demand');
      expect(lab.box(id).state).toBe('stopped');
      expect(t.body).toMatch(/📟 `pa-demand`: `aws` says instance `i-[0-9a-f]+` is stopped/);
    } finally {
      stop(pid);
    }
  }, 120_000);

  it('a spot box is never shut down (a shutdown could terminate it): the box records the refusal', async () => {
    const at = `issue:${gh.addIssue('Park after, spot')}`;
    const id = await lab.start('pa-spot', at, { code: lab.code('pa2'), ...job, inputs: { 'park-after': '10s', 'metadata-address': '127.0.0.1:18081' } });
    const pid = imdsOn(id, 'spot');
    try {
      const dir = lab.runDir(id, 'pa-spot');
      await waitFor('the job to finish', () => existsSync(`${dir}/DONE`), 60_000);
      await waitFor(
        'the park timer to decide',
        () => existsSync(`${dir}/attempts/1/self_park`) && /refused/.test(readFileSync(`${dir}/attempts/1/self_park`, 'utf8')),
        40_000,
      );
      expect(JSON.parse(readFileSync(`${dir}/attempts/1/self_park`, 'utf8'))).toMatchObject({
        state: 'refused',
        detail: 'the instance metadata says instance-life-cycle spot, not on-demand: a shutdown could terminate it',
      });
      expect(existsSync(`${lab.box(id).box!.home}/.tether-power`)).toBe(false);
      expect(lab.box(id).state).toBe('running');
    } finally {
      stop(pid);
    }
  }, 120_000);
});
