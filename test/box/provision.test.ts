import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_KEY, LambdaDouble } from '../harness/lambda-double.ts';
import { launchPhase, provisionPhase } from '../harness/phases.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * Renting on Lambda, against a double that follows Lambda's API and starts a real box per launch: the box's
 * host key is the one tether generated and sent in user_data, pinned before the first connection, and the
 * outputs are launch's inputs as they are. The unhappy paths end with nothing billing unseen.
 */
let lambda: LambdaDouble;
let work: string;
const account = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'tether-runner' });

beforeAll(async () => {
  lambda = new LambdaDouble();
  await lambda.start();
  work = mkdtempSync(join(tmpdir(), 'tether-provision-'));
});
afterAll(async () => {
  await lambda?.stop();
  rmSync(work, { recursive: true, force: true });
});

const inputs = (over: Record<string, string> = {}) => ({
  'run-id': 'rent-1',
  provider: 'lambda',
  'api-key': LAMBDA_KEY,
  'provider-api-url': lambda.url,
  'instance-types': 'gpu_1x_a100\ngpu_1x_h100_pcie',
  'ssh-key': account.private,
  // The test boxes log in as root (Lambda's image says ubuntu: facts.loginUser, the default when user is empty).
  user: 'root',
  'connect-timeout': '3',
  ...over,
});

async function rent(over: Record<string, string> = {}, cfg: { timeoutS?: number } = {}) {
  const r = captureReporter();
  const code = await provisionPhase(inputs(over), {}, r, work, cfg);
  return { code, r };
}

describe('provision on Lambda (double with real boxes)', () => {
  it('rents a box whose sshd holds the host key tether generated, pinned before the first connect; launch takes the outputs as they are', async () => {
    const { code, r } = await rent({ 'run-id': 'rent-ok' });
    expect(code, r.errors.join('\n')).toBe(0);
    const inst = lambda.instances.get(r.outputs['instance-id']!)!;
    expect(inst.status).toBe('active');
    expect(r.outputs).toMatchObject({
      result: 'ready',
      host: inst.box!.addr,
      port: '22',
      user: 'root',
      provider: 'lambda',
      'hourly-price': '1.29',
      spot: 'false',
    });
    // The fingerprint output is the key the box's sshd really uses, and it came from the create call.
    expect(r.outputs['host-key-fingerprint']).toBe(inst.box!.fingerprint);
    expect(inst.userData).toMatch(/^#cloud-config\nssh_deletekeys: true\n/);
    expect(inst.name).toBe('tether-rent-ok');
    // The account key was registered once and is the one launch names; the type is the first with capacity.
    expect(lambda.keys.map((k) => k.public_key)).toEqual([account.public.split(' ').slice(0, 2).join(' ')]);
    expect(inst.type).toBe('gpu_1x_a100');
    // Recorded the moment Lambda named it.
    const record = JSON.parse(readFileSync(join(work, 'tether-provision-rent-ok.json'), 'utf8'));
    expect(record).toMatchObject({ schema: 'tether.provision/v1', instance_id: inst.id, provider: 'lambda', host_key_fingerprint: inst.box!.fingerprint });
    // The private host key never reaches the log or the summary.
    expect(r.lines.join('\n') + r.summaries.join('\n')).not.toMatch(/PRIVATE KEY/);

    // launch with the outputs, nothing copied by hand or trusted on first use.
    inst.box!.sh(`mkdir -p ${inst.box!.home}/code`);
    const l = captureReporter();
    const lcode = await launchPhase(
      {
        host: r.outputs['host']!,
        port: r.outputs['port']!,
        user: r.outputs['user']!,
        'host-key-fingerprint': r.outputs['host-key-fingerprint']!,
        'ssh-key': account.private,
        'run-id': 'rent-ok',
        command: 'echo step 1 loss 0.5',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': join(work, 'run.json'),
        provider: 'lambda',
        'instance-id': inst.id,
      },
      {},
      l,
      work,
    );
    expect(lcode, l.errors.join('\n')).toBe(0);
    await waitFor('the job to finish', () => existsSync(`${inst.box!.home}/.tether/runs/rent-ok/DONE`), 15_000);
    // A second provision reuses the registered key.
    expect(lambda.calls(/^POST \/api\/v1\/ssh-keys$/)).toHaveLength(1);
  });

  it('a capacity refusal on the first candidate moves to the second', async () => {
    lambda.raceCapacity = 1;
    const { code, r } = await rent({ 'run-id': 'rent-race' });
    expect(code, r.errors.join('\n')).toBe(0);
    expect(lambda.instances.get(r.outputs['instance-id']!)?.type).toBe('gpu_1x_a100');
    expect(r.summaries.join('\n')).toMatch(/gpu\\?_1x\\?_a100 in us-west-2 .*insufficient-capacity/);
    expect(r.outputs['reason']).toBe('gpu_1x_a100 in us-east-1');
  });

  it('a refused API key stops at once: no launch asked, nothing created', async () => {
    const before = lambda.calls(/launch/).length;
    const { code, r } = await rent({ 'run-id': 'rent-auth', 'api-key': 'wrong-key' });
    expect(code).toBe(1);
    expect(r.errors.join('\n')).toMatch(/provision failed \(auth\): lambda: list ssh keys: HTTP 401 global\/invalid-api-key/);
    expect(lambda.calls(/launch/).length).toBe(before);
    expect(r.outputs['instance-id']).toBeUndefined();
  });

  it('a box that never boots is destroyed by the provision and polled to gone; the step says so', async () => {
    lambda.neverBoot = true;
    try {
      const { code, r } = await rent({ 'run-id': 'rent-never' }, { timeoutS: 3 });
      expect(code).toBe(1);
      const id = r.outputs['instance-id']!;
      expect(lambda.instances.get(id)?.status).toBe('terminated');
      expect(r.outputs).toMatchObject({ result: 'failed', destroyed: 'true' });
      expect(r.outputs['reason']).toMatch(new RegExp(`${id} did not answer SSH with its pinned host key within 3 s .*destroyed it`));
    } finally {
      lambda.neverBoot = false;
    }
  });

  it('when that destroy fails too, the step exits 5 and says what may still bill', async () => {
    lambda.neverBoot = true;
    lambda.failTerminate = true;
    try {
      const { code, r } = await rent({ 'run-id': 'rent-stuck' }, { timeoutS: 2 });
      expect(code).toBe(5);
      const id = r.outputs['instance-id']!;
      expect(lambda.instances.get(id)?.status).toBe('booting');
      expect(r.outputs['destroyed']).toBe('false');
      expect(r.outputs['reason']).toMatch(new RegExp(`destroying it FAILED .*${id} may still bill \\$1\\.29/h; destroy it in the provider's console`));
    } finally {
      lambda.neverBoot = false;
      lambda.failTerminate = false;
    }
  });

  it('a box that answers with any other host key is refused before authentication and destroyed', async () => {
    lambda.ignoreUserData = true;
    try {
      const { code, r } = await rent({ 'run-id': 'rent-otherkey' });
      expect(code).toBe(1);
      const inst = lambda.instances.get(r.outputs['instance-id']!)!;
      expect(inst.status).toBe('terminated');
      expect(r.outputs['reason']).toMatch(/answered SSH with a host key other than the one tether generated for it .*host_key_mismatch/);
      expect(r.outputs['destroyed']).toBe('true');
      // It was reached, and no key was ever offered to it: the host key check ends the handshake first.
      expect(inst.sshdLog).toMatch(/Connection from/);
      expect(inst.sshdLog).not.toMatch(/publickey|Accepted|Failed|userauth/i);
    } finally {
      lambda.ignoreUserData = false;
    }
  });

  it('a launch rate limit is waited out and asked again', async () => {
    lambda.rateLimited = 1;
    const { code, r } = await rent({ 'run-id': 'rent-429' });
    expect(code, r.errors.join('\n')).toBe(0);
    expect(r.lines.join('\n')).toMatch(/HTTP 429 global\/too-many-requests.*asking again/);
  });
});
