import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_ENV, EC2_REGION, Ec2Double } from '../harness/ec2-double.ts';
import { launchPhase, patrolPhase, provisionPhase } from '../harness/phases.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { captureReporter } from '../harness/reporter.ts';
import { VAST_KEY, VastDouble } from '../harness/vast-double.ts';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';
import { parseMarker } from '../../src/record/grammar.ts';

const HARNESS = join(import.meta.dirname, '..', 'harness');
const readIf = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');

/**
 * Preemption as the provider's word (issue 27 §1), on a spot instance of the EC2 double that started a real box:
 * the run is `preempted` only when EC2 itself says so twice in one tick, first while the box still answers (the
 * spot request's two-minute status), then once it is gone (StateReason); a box that stops answering while EC2's
 * own status calls fail stays `unreachable`, however many ticks it lasts.
 */
let ec2: Ec2Double;
let gh: GitHubDouble;
let work: string;
const account = ed25519Pair('tether-runner');

beforeAll(async () => {
  ec2 = new Ec2Double();
  await ec2.start();
  gh = await startGitHubDouble();
  work = mkdtempSync(join(tmpdir(), 'tether-preempt-'));
});
afterAll(async () => {
  await ec2?.stop();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

const store = (at: string) => githubStore(parseReportTo(at)!, { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url }, 'ghs-actions-token');
const keyFile = () => {
  const f = join(work, 'account-key');
  writeFileSync(f, account.private, { mode: 0o600 });
  return f;
};

/** Rents a spot box, launches a long job on it registered where `at` points. */
async function spotRun(runId: string, at: string) {
  const r = captureReporter();
  const code = await provisionPhase(
    {
      'run-id': runId,
      provider: 'aws',
      'aws-region': EC2_REGION,
      'provider-api-url': ec2.url,
      'instance-types': 'g6.xlarge',
      image: 'ami-0abcdef1234567890',
      subnet: 'subnet-0123456789abcdef0',
      'security-group': 'sg-0123456789abcdef0',
      'ssh-key': account.private,
      user: 'root',
      spot: 'true',
      'connect-timeout': '3',
    },
    EC2_ENV,
    r,
    work,
  );
  expect(code, r.errors.join('\n')).toBe(0);
  const id = r.outputs['instance-id']!;
  const inst = ec2.instances.get(id)!;
  inst.box!.sh(`mkdir -p ${inst.box!.home}/code`);
  const l = captureReporter();
  const launched = await launchPhase(
    {
      host: r.outputs['host']!,
      user: 'root',
      'host-key-fingerprint': r.outputs['host-key-fingerprint']!,
      'ssh-key-path': keyFile(),
      'run-id': runId,
      command: 'for i in $(seq 1 600); do echo "step $i loss 0.5"; sleep 1; done',
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': join(work, `${runId}.json`),
      'report-to': at,
      provider: 'aws',
      'instance-id': id,
      // The spot-notice watch asks a closed port on the box's loopback, never 169.254.169.254.
      'metadata-address': '127.0.0.1:1',
    },
    {},
    l,
    work,
    store(at),
  );
  expect(launched, l.errors.join('\n')).toBe(0);
  return { id, inst };
}

async function patrol(at: string, withKey = true) {
  const r = captureReporter();
  const code = await patrolPhase(
    {
      'ssh-key-path': keyFile(),
      'connect-timeout': '2',
      'connect-attempts': '1',
      'report-to': at,
      ...(withKey ? { provider: 'aws', 'aws-region': EC2_REGION, 'provider-api-url': ec2.url, 'preempt-confirm': '1s' } : {}),
    },
    withKey ? EC2_ENV : {},
    r,
    { probe: probeHost, registered: registeredHosts, remote: store(at) },
  );
  const state = (JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; detail?: string }>)[runOf(at)];
  return { code, r, state, body: r.summaries.join('\n') };
}
const runs = new Map<string, string>();
const runOf = (at: string) => runs.get(at)!;

describe('preempted is what EC2 says, read twice; never a guess from silence', () => {
  it('spot request notice while the box answers, then terminated by SpotInstanceTermination: preempted, and it stays so', async () => {
    const at = `issue:${gh.addIssue('Spot run')}`;
    runs.set(at, 'spot-taken');
    const { id } = await spotRun('spot-taken', at);
    const up = await patrol(at);
    expect(up.state?.state, up.r.errors.join('\n')).toBe('running');
    expect(JSON.parse(up.r.outputs['instances'] ?? '{}')['spot-taken']).toMatchObject({ provider: 'aws', instance_id: id, phase: 'running' });

    ec2.preempt(id, 'notice');
    const asked = () => ec2.actions.filter((a) => a === 'DescribeSpotInstanceRequests').length;
    const before = asked();
    const notice = await patrol(at);
    // Read twice: the spot request was asked on each of the two readings.
    expect(asked() - before).toBe(2);
    expect(notice.state?.state).toBe('preempted');
    expect(notice.body).toMatch(
      /aws says it preempted the box \\\(spot request instance-terminated-no-capacity\\\) at .*; the box still answers, and goes within minutes/,
    );
    expect(notice.body).toContain(
      `📟 \`spot-taken\`: \`aws\` says it preempted instance \`${id}\` (spot request instance-terminated-no-capacity; read twice), now \`running\``,
    );

    ec2.preempt(id, 'terminate');
    const gone = await patrol(at);
    expect(gone.state?.state).toBe('preempted');
    expect(JSON.parse(gone.r.outputs['instances'] ?? '{}')['spot-taken']).toMatchObject({
      phase: 'gone',
      preempted: 'StateReason Server.SpotInstanceTermination',
    });
    // Without the provider's credentials the next patrol only sees silence: the signed memory keeps the provider's word.
    const blind = await patrol(at, false);
    expect(blind.state?.state).toBe('preempted');
    expect(blind.body).not.toMatch(/📡/);
  });

  it('a healthy box behind a dropped link while EC2 flaps (503 on every other status call): unreachable, never preempted', async () => {
    const at = `issue:${gh.addIssue('Flapping provider')}`;
    runs.set(at, 'spot-flap');
    const { id, inst } = await spotRun('spot-flap', at);
    expect((await patrol(at)).state?.state).toBe('running');
    inst.box!.blackhole();
    try {
      const seen: string[] = [];
      for (let t = 0; t < 4; t++) {
        ec2.describeFailures = t % 2 ? 0 : 1;
        const p = await patrol(at);
        seen.push(p.state!.state);
        expect(JSON.parse(p.r.outputs['instances'] ?? '{}')['spot-flap']?.preempted).toBeUndefined();
      }
      expect(new Set(seen)).toEqual(new Set(['unreachable']));
    } finally {
      inst.box!.clearFirewall();
    }
    // A first reading that says preempted and a second that does not: a warning, and the run is as it was.
    ec2.instances.get(id)!.spotStatus = 'marked-for-termination';
    const flip = setTimeout(() => (ec2.instances.get(id)!.spotStatus = 'fulfilled'), 300);
    const once = await patrol(at);
    clearTimeout(flip);
    expect(once.state?.state).toBe('running');
    expect(once.r.warnings.join('\n')).toMatch(
      /spot-flap: aws once said instance .* was preempted \(spot request marked-for-termination, then not on a second reading/,
    );
  });
});

describe("EC2's two-minute notice on the box: the job gets its signal to checkpoint, then TERM before the notice's time", () => {
  let box: Box;
  const notice = () => `${box.dir}/imds-notice.json`;
  beforeAll(async () => {
    box = await createBox();
    box.sh(`mkdir -p ${box.home}/code`);
    // The metadata service on the box's own loopback (never 169.254.169.254 from a test).
    box.sh(`setsid -f /usr/bin/python3 ${join(HARNESS, 'imds-double.py')} 18080 ${notice()} </dev/null >/dev/null 2>&1`);
    await waitFor('the metadata double', () => box.sh('(exec 3<>/dev/tcp/127.0.0.1/18080) 2>/dev/null && echo up || true').includes('up'), 10_000);
  });
  afterAll(() => box?.destroy());

  it('USR1 first (the job saves), TERM at the notice time less 5 s; recorded in the attempt and shown by the patrol', async () => {
    const job = [
      'import signal, sys, time',
      'step = 0',
      'def save(*_):',
      "    open('ck-usr1.txt', 'w').write(str(step)); print(f'saved at step {step} on USR1', flush=True)",
      'def stop(*_):',
      "    print(f'TERM at step {step}', flush=True); sys.exit(143)",
      'signal.signal(signal.SIGUSR1, save)',
      'signal.signal(signal.SIGTERM, stop)',
      'while True:',
      "    step += 1; print(f'step {step} loss 0.5', flush=True); time.sleep(0.5)",
    ].join('\n');
    writeFileSync(`${box.home}/code/job.py`, job);
    const r = captureReporter();
    const file = join(work, 'spot-notice-run.json');
    const code = await launchPhase(
      box.inputs({
        'run-id': 'spot-notice',
        command: '/usr/bin/python3 job.py',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': file,
        provider: 'aws',
        'instance-id': 'i-0123456789abcdef0',
        'metadata-address': '127.0.0.1:18080',
      }),
      {},
      r,
      work,
    );
    expect(code, r.errors.join('\n')).toBe(0);
    const a = `${box.home}/.tether/runs/spot-notice/attempts/1`;
    expect(readFileSync(`${a}/preempt_watch`, 'utf8')).toBe('127.0.0.1:18080 USR1\n');
    // The watcher asks with a token (IMDSv2): nothing yet, so the job runs on.
    await waitFor('the watcher to ask', () => /GET \/latest\/meta-data\/spot\/instance-action/.test(readIf(`${notice()}.requests`)), 15_000);
    expect(existsSync(`${a}/preempt_notice`)).toBe(false);
    const time = new Date(Date.now() + 12_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    writeFileSync(notice(), JSON.stringify({ action: 'terminate', time }));
    await waitFor('the marker', () => existsSync(`${box.home}/.tether/runs/spot-notice/FAILED`), 30_000);
    const log = readFileSync(`${a}/log`, 'utf8');
    expect(log).toMatch(new RegExp(`tether: EC2 spot notice: terminate at ${time}; sent SIGUSR1 to the job`));
    const saved = log.indexOf('saved at step');
    const term = log.indexOf('TERM at step');
    expect(saved).toBeGreaterThan(0);
    expect(term).toBeGreaterThan(saved);
    expect(existsSync(`${box.home}/code/ck-usr1.txt`)).toBe(true);
    const rec = JSON.parse(readFileSync(`${a}/preempt_notice`, 'utf8')) as Record<string, string>;
    expect(rec).toMatchObject({ action: 'terminate', time, signal: 'USR1' });
    // TERM came 5 s before the notice's time (to the second), not at once and not after.
    const termAt = Date.parse(rec['term_at']!);
    expect(Date.parse(time) - termAt).toBe(5000);
    expect(parseMarker('FAILED', readFileSync(`${box.home}/.tether/runs/spot-notice/FAILED`, 'utf8'))).toMatchObject({ signal: 'TERM' });
    // The patrol shows the notice on the run's line; a TERM alone is `terminated`, never a guessed preemption.
    const p = captureReporter();
    await patrolPhase(box.inputs({ 'run-ids': 'spot-notice', 'state-file': join(work, 'spot-notice.md') }), {}, p, { probe: probeHost });
    const v = JSON.parse(p.outputs['states'] ?? '{}')['spot-notice'];
    expect(v).toMatchObject({ state: 'failed', class: 'terminated' });
    expect(p.summaries.join('\n')).toMatch(/EC2 spot notice seen \S+ \\\(terminate at \S+\\\): sent SIGUSR1, TERM at/);
    expect(p.summaries.join('\n')).toContain('EC2 gave the two-minute spot notice');
  });

  it('the metadata address is refused for a provider other than aws, before anything touches the box', async () => {
    const r = captureReporter();
    await expect(
      launchPhase(
        box.inputs({ 'run-id': 'no-watch', command: 'sleep 1', workdir: '~/code', audit: 'false', provider: 'lambda', 'metadata-address': '127.0.0.1:18080' }),
        {},
        r,
        work,
      ),
    ).rejects.toThrow(/input 'metadata-address': is EC2's instance metadata \(the spot notice\): it needs provider aws/);
    expect(existsSync(`${box.home}/.tether/runs/no-watch`)).toBe(false);
  });
});

describe("vast.ai: an outbid interruptible is preempted in vast's own words; an on-demand one stopped is not", () => {
  let vast: VastDouble;
  beforeAll(async () => {
    vast = new VastDouble();
    vast.onstartDelayMs = 300;
    await vast.start();
  });
  afterAll(async () => {
    await vast?.stop();
  });
  const rentVast = async (runId: string, spot: boolean, at: string) => {
    const r = captureReporter();
    const code = await provisionPhase(
      {
        'run-id': runId,
        provider: 'vastai',
        'api-key': VAST_KEY,
        'provider-api-url': vast.url,
        'instance-types': 'RTX_4090\nA100_SXM4',
        image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
        'ssh-key': account.private,
        'connect-timeout': '3',
        spot: String(spot),
      },
      {},
      r,
      work,
    );
    expect(code, r.errors.join('\n')).toBe(0);
    const id = r.outputs['instance-id']!;
    const box = vast.instances.get(Number(id))!.box!;
    box.sh(`mkdir -p ${box.home}/code`);
    const l = captureReporter();
    const launched = await launchPhase(
      {
        host: r.outputs['host']!,
        port: r.outputs['port']!,
        user: 'root',
        'host-key-fingerprint': r.outputs['host-key-fingerprint']!,
        'ssh-key-path': keyFile(),
        'run-id': runId,
        command: 'for i in $(seq 1 600); do echo "step $i loss 0.5"; sleep 1; done',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': join(work, `${runId}.json`),
        'report-to': at,
        provider: 'vastai',
        'instance-id': id,
      },
      {},
      l,
      work,
      store(at),
    );
    expect(launched, l.errors.join('\n')).toBe(0);
    return id;
  };
  const patrolVast = async (at: string, run: string) => {
    const r = captureReporter();
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
      },
      {},
      r,
      { probe: probeHost, remote: store(at) },
    );
    return { state: (JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string }>)[run]?.state, r };
  };

  it('the stopped triple on a bid: preempted; the same stop of an on-demand instance: the box is only unreachable', async () => {
    const at = `issue:${gh.addIssue('vast spot')}`;
    const bid = await rentVast('vast-bid', true, at);
    const plain = await rentVast('vast-plain', false, at);
    expect((await patrolVast(at, 'vast-bid')).state).toBe('running');
    vast.outbid(Number(bid));
    vast.stopInstance(vast.instances.get(Number(plain))!);
    const p = await patrolVast(at, 'vast-bid');
    expect(p.state).toBe('preempted');
    const words = JSON.parse(p.r.outputs['instances'] ?? '{}') as Record<string, { phase: string; preempted?: string }>;
    expect(words['vast-bid']).toMatchObject({ phase: 'failed', preempted: 'cur_state, intended_status and next_state stopped on an interruptible (is_bid)' });
    expect(words['vast-plain']?.preempted).toBeUndefined();
    expect((JSON.parse(p.r.outputs['states'] ?? '{}') as Record<string, { state: string }>)['vast-plain']?.state).toBe('unreachable');
  }, 150_000); // two rentals and two launches in one test: seconds alone, longer beside another box test on two cores
});
