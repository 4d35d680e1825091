import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_ENV, EC2_REGION, Ec2Double } from '../harness/ec2-double.ts';
import { launchPhase, patrolPhase, provisionPhase } from '../harness/phases.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * Preemption as the provider's word (issue 27 §1), on a spot instance of the EC2 double that started a real box:
 * the run is `preempted` only when EC2 itself says so twice in one tick, first while the box still answers (the
 * spot request's two-minute status), then once it is gone (StateReason); a box that stops answering while EC2's
 * own status calls fail stays `unreachable`, however many ticks it lasts.
 */
let ec2: Ec2Double;
let gh: GitHubDouble;
let work: string;
const account = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'tether-runner' });

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
