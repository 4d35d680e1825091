import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase, patrolPhase, provisionPhase, recoverPhase } from '../harness/phases.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { captureReporter } from '../harness/reporter.ts';
import { VAST_KEY, VastDouble } from '../harness/vast-double.ts';
import { waitFor } from '../harness/sh.ts';
import { logged, TRAIN } from '../harness/spot-lab.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { loadCredential } from '../../src/ssh/keys.ts';

/**
 * on-preempt restart-instance (issue 27 §2) on the vast.ai double: a real PyTorch job on an interruptible instance
 * is outbid (vast stops it, its disk kept); the patrol says preempted in vast's words and dispatches recover, which
 * raises the bid, starts the same instance again, finds it answering with the pinned host key, and resumes the
 * recorded work there as attempt 2 from the newest checkpoint on the instance's own disk.
 */
let vast: VastDouble;
let gh: GitHubDouble;
let work: string;
const account = ed25519Pair('tether-runner');
const RUN = 'vast-restart';
const ENV_LINES = 'STEP_S=0.3\nTOTAL_STEPS=30\nSAVE_EVERY=4';

beforeAll(async () => {
  vast = new VastDouble();
  vast.onstartDelayMs = 300;
  await vast.start();
  gh = await startGitHubDouble();
  gh.workflows['tether-launch.yml'] = ['recover', 'recover-commit'];
  work = mkdtempSync(join(tmpdir(), 'tether-restart-'));
});
afterAll(async () => {
  await vast?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

const ghEnv = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const store = (at: string) => githubStore(parseReportTo(at)!, ghEnv(), 'ghs-actions-token');
const keyFile = () => {
  const p = join(work, 'key');
  if (!existsSync(p)) writeFileSync(p, account.private, { mode: 0o600 });
  return p;
};
const rent = {
  provider: 'vastai',
  'api-key': VAST_KEY,
  'instance-types': 'RTX_4090',
  image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
  spot: 'true',
  user: 'root',
  'connect-timeout': '3',
};

async function patrol(at: string) {
  const r = captureReporter();
  const { chatopsApi } = await import('../../src/github/chatops-api.ts');
  await patrolPhase(
    {
      'ssh-key-path': keyFile(),
      'connect-timeout': '2',
      'connect-attempts': '1',
      'report-to': at,
      provider: 'vastai',
      'api-key': VAST_KEY,
      'provider-api-url': vast.url,
      'preempt-confirm': '1s',
      'recover-workflow': 'tether-launch.yml',
      'workflow-ref': 'main',
      'github-token': 'ghs-actions-token',
    },
    ghEnv(),
    r,
    {
      probe: probeHost,
      remote: store(at),
      workspace: work,
      dispatcher: (token) => ({ dispatch: (w, ref, i) => chatopsApi(ghEnv(), token).dispatch(w, ref, i) }),
    },
  );
  const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; attempt: number }>;
  return { v: states[RUN]!, r, recoveries: JSON.parse(r.outputs['recoveries'] ?? '[]') as Array<{ action: string }> };
}

describe('restart-instance: the outbid vast instance is started again and the run resumes from its own disk', () => {
  it('outbid → preempted → recover raises the bid, restarts the same instance, resumes as attempt 2', async () => {
    const at = `issue:${gh.addIssue('vast restart')}`;
    const p = captureReporter();
    expect(await provisionPhase({ ...rent, 'provider-api-url': vast.url, 'run-id': RUN, 'ssh-key-path': keyFile() }, {}, p, work), p.errors.join('\n')).toBe(0);
    const id = p.outputs['instance-id']!;
    const code = join(work, 'code');
    mkdirSync(code, { recursive: true });
    cpSync(TRAIN, join(code, 'train.py'));
    const l = captureReporter();
    const launched = await launchPhase(
      {
        'from-provision': join(work, `tether-provision-${RUN}.json`),
        'ssh-key-path': keyFile(),
        command: '/usr/bin/python3 train.py',
        'sync-dir': code,
        checkpoints: 'ckpt/step_*.pt',
        env: ENV_LINES,
        audit: 'false',
        'confirm-timeout': '1',
        'report-to': at,
        'on-preempt': 'restart-instance',
      },
      {},
      l,
      work,
      store(at),
    );
    expect(launched, l.errors.join('\n')).toBe(0);
    const home = () => vast.instances.get(Number(id))!.box!.home;
    const runDir = () => `${home()}/.tether/runs/${RUN}`;
    await waitFor('attempt 1 to checkpoint', () => logged(readFileSync(`${runDir()}/attempts/1/log`, 'utf8')).length >= 9, 60_000);
    const first = readFileSync(`${runDir()}/attempts/1/log`, 'utf8');

    // Outbid: vast stops the instance (processes killed, disk kept).
    vast.outbid(Number(id));
    const seen = await patrol(at);
    expect(seen.v.state, seen.r.errors.join('\n')).toBe('preempted');
    expect(seen.recoveries[0]).toMatchObject({ action: 'dispatched' });
    expect(gh.dispatches.filter((d) => d.inputs['recover'] === RUN)).toHaveLength(1);

    // The dispatched workflow runs recover: the same instance, a higher bid, the pinned key, the recorded work.
    const r = captureReporter();
    const rc = await recoverPhase(
      {
        ...rent,
        'provider-api-url': vast.url,
        recover: RUN,
        'ssh-key-path': keyFile(),
        env: ENV_LINES,
        'sync-dest': 'synced',
        'report-to': at,
        audit: 'false',
        'confirm-timeout': '1',
        'preempt-confirm': '1s',
      },
      ghEnv(),
      r,
      work,
      store(at),
    );
    expect(rc, [...r.errors, ...r.summaries].join('\n')).toBe(0);
    expect(r.outputs).toMatchObject({ result: 'recovered', attempt: '2', 'instance-id': id });
    expect(vast.calls(/^PUT \/api\/v0\/instances\/bid_price\//)).toHaveLength(1);
    expect(vast.calls(/^POST|^PUT \/api\/v0\/asks\//).filter((c) => c.startsWith('PUT /api/v0/asks/'))).toHaveLength(1);
    expect(r.summaries.join('\n')).toMatch(/restarted `vast-restart` on the same instance/);

    // Attempt 2 resumed from the newest checkpoint its disk kept, and finished.
    await waitFor('attempt 2 to finish', () => existsSync(`${runDir()}/DONE`), 90_000);
    const second = readFileSync(`${runDir()}/attempts/2/log`, 'utf8');
    // At least step 8 was saved before the outbid (9 steps logged, a checkpoint every 4): nothing before it is run again.
    const resumed = Number(/resumed from step (\d+)/.exec(second)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(8);
    expect(resumed).toBeLessThanOrEqual(logged(first).at(-1)![0]);
    const steps = logged(second).map(([s]) => s);
    expect(steps[0]).toBe(resumed + 1);
    expect(steps.at(-1)).toBe(30);

    // The registration: the same instance, attempt 2, one recovery, no box left behind.
    const reg = [...gh.comments.values()].find((c) => c.body.includes(`tether:registration ${RUN} `))!;
    const entry = verifiedRegistration(reg.body, loadCredential({ kind: 'path', path: keyFile() }));
    expect(entry).toMatchObject({ entry: { instanceId: id, attempt: 2, recovery: { onPreempt: 'restart-instance', recoveries: 1, previous: [] } } });
    const fin = await patrol(at);
    expect(fin.v).toMatchObject({ state: 'finished', attempt: 2 });
  }, 240_000);
});
