import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handoffBytes, readHandoff, renderHandoff, type Handoff } from '../../src/record/handoff.ts';
import { withProvision } from '../../src/launch/from-provision.ts';
import { parseProvision } from '../../src/provision/parse.ts';
import { cloudConfig, newHostKey } from '../../src/provision/hostkey.ts';
import { startStep } from '../../src/providers/start-step.ts';
import { runpodBoxState, runpodCandidates, runpodError } from '../../src/providers/runpod-provision.ts';
import { vastBoxState, vastCandidates, vastError } from '../../src/providers/vastai-provision.ts';
import { paperspaceBoxState, paperspaceError, paperspaceStartupScript } from '../../src/providers/paperspace-provision.ts';
import { orphanCost } from '../../src/patrol/phase.ts';
import { provision, type ProvisionDeps, type ProvisionPlan } from '../../src/provision/provision.ts';
import { lambdaCandidates, lambdaError } from '../../src/providers/lambda-provision.ts';
import { consoleHostKeyFingerprints, ec2Error } from '../../src/providers/aws-provision.ts';
import { ProvisionError, type BoxState, type Candidate, type Provisioner } from '../../src/providers/types.ts';
import { parse } from 'yaml';
import { fingerprint } from '../../src/record/hostkey.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import {
  isProvisionRecord,
  provisionedBytes,
  provisionedInstances,
  readProvisioned,
  renderProvisioned,
  unlaunchedLine,
  type Provisioned,
} from '../../src/registry/provisioned.ts';
import { verifiedProvisioned, verifiedRegistration } from '../../src/registry/hosts.ts';
import { readRegistration, renderRegistration, signedBytes, type Registration } from '../../src/registry/entry.ts';
import { budgetLines } from '../../src/patrol/budget.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { unlaunchedNotes } from '../../src/patrol/phase.ts';
import { code } from '../../src/report/markdown.ts';
import { sign } from '../../src/ssh/sign.ts';
import { captureReporter } from '../harness/reporter.ts';
import { checkNeverLaunched } from '../../src/teardown/gate.ts';

const FP = `SHA256:${'Q'.repeat(43)}`;
const plan = (over: Partial<ProvisionPlan> = {}): ProvisionPlan => ({
  types: ['a100', 'h100'],
  regions: [],
  maxHourlyPrice: null,
  spec: {
    name: 'tether-r',
    image: null,
    diskGb: null,
    spot: false,
    userData: '#cloud-config\n',
    hostKey: { privateKey: 'k', publicKey: 'p' },
    authorizedKey: 'a',
  },
  publicKey: 'ssh-ed25519 AAAA',
  hostKeyFingerprint: FP,
  timeoutMs: 60_000,
  pollMs: 1000,
  tries: 3,
  ...over,
});

/** A provider and a clock as data: each create answers from `creates` in turn; describe from `states` in turn. */
function world(o: {
  candidates?: Candidate[];
  creates?: Array<ProvisionError | string>;
  states?: BoxState[];
  reach?: Array<{ ok: true } | { ok: false; why: string; otherHostKey: boolean }>;
  destroy?: { ok: boolean; detail: string };
}) {
  let t = 0;
  const log: string[] = [];
  const calls: string[] = [];
  const creates = [...(o.creates ?? ['i-1'])];
  const states = [...(o.states ?? [{ phase: 'running', host: '10.0.0.9', port: 22, detail: 'status active' }])];
  const reach = [...(o.reach ?? [{ ok: true }])];
  const p: Provisioner = {
    prepareKey: async () => 'key-1',
    candidates: async () => ({
      candidates: o.candidates ?? [
        { instanceType: 'a100', region: 'us-east-1', hourlyPrice: 1.29 },
        { instanceType: 'h100', region: 'us-west-2', hourlyPrice: 2.49 },
      ],
      skipped: [],
    }),
    create: async (c) => {
      calls.push(`create ${c.instanceType}`);
      const next = creates.length > 1 ? creates.shift()! : creates[0]!;
      if (next instanceof ProvisionError) throw next;
      return next;
    },
    describe: async () => (states.length > 1 ? states.shift()! : states[0]!),
    list: async () => [],
  };
  const deps: ProvisionDeps = {
    provisioner: p,
    created: async (id) => void calls.push(`created ${id}`),
    reach: async () => (reach.length > 1 ? reach.shift()! : reach[0]!),
    destroy: async (id) => {
      calls.push(`destroy ${id}`);
      return o.destroy ?? { ok: true, detail: 'polled to gone' };
    },
    log: (l) => void log.push(l),
    now: () => t,
    sleep: async (ms) => void (t += ms),
  };
  return { deps, calls, log, clock: () => t };
}

describe('provision: candidates, typed errors, the box up with its pinned key, or destroyed', () => {
  it('a capacity refusal moves to the next candidate; the instance is recorded before the wait', async () => {
    const w = world({ creates: [new ProvisionError('capacity', 'no capacity'), 'i-2'] });
    const o = await provision(plan(), w.deps);
    expect(o).toMatchObject({ result: 'ready', instanceId: 'i-2', host: '10.0.0.9', candidate: { instanceType: 'h100' } });
    expect(w.calls).toEqual(['create a100', 'create h100', 'created i-2']);
    expect(o.tried[0]).toMatch(/a100 in us-east-1 \(\$1\.29\/h\): no capacity/);
  });

  it.each(['auth', 'quota', 'bad-request'] as const)('%s stops at once: no second candidate, nothing created', async (kind) => {
    const w = world({ creates: [new ProvisionError(kind, `lambda: launch: HTTP 4xx ${kind}`), 'i-2'] });
    const o = await provision(plan(), w.deps);
    expect(o).toMatchObject({ result: 'failed', kind, instanceId: null, destroyed: null });
    expect(w.calls).toEqual(['create a100']);
  });

  it('a transient answer or a rate limit is asked again, bounded, with backoff', async () => {
    const w = world({ creates: [new ProvisionError('rate-limit', '429'), new ProvisionError('transient', '503'), 'i-1'] });
    expect(await provision(plan(), w.deps)).toMatchObject({ result: 'ready', instanceId: 'i-1' });
    expect(w.calls.filter((c) => c.startsWith('create '))).toEqual(['create a100', 'create a100', 'create a100']);
    expect(w.clock()).toBe(1000 + 2000);
    // Past `tries` the next candidate is asked; when every one stays silent, the last kind stands.
    const always = world({ creates: [new ProvisionError('transient', '503')] });
    const o = await provision(plan({ tries: 2 }), always.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'transient', instanceId: null });
    expect(always.calls).toEqual(['create a100', 'create a100', 'create h100', 'create h100']);
  });

  it('max-hourly-price leaves out what costs more; nothing left is a capacity failure naming why', async () => {
    const w = world({});
    const o = await provision(plan({ maxHourlyPrice: 1 }), w.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'capacity' });
    expect(o.result === 'failed' && o.why).toMatch(/over max-hourly-price \$1/);
    expect(w.calls).toEqual([]);
  });

  it('a box that never answers SSH within the deadline is destroyed and polled to gone', async () => {
    const w = world({ reach: [{ ok: false, why: 'connection_refused: …', otherHostKey: false }] });
    const o = await provision(plan({ timeoutMs: 10_000 }), w.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'timeout', instanceId: 'i-1', destroyed: true });
    expect(o.result === 'failed' && o.why).toMatch(/did not answer SSH with its pinned host key within 10 s .*destroyed it/);
    expect(w.calls).toEqual(['create a100', 'created i-1', 'destroy i-1']);
  });

  it('a box answering with another host key is not the box asked for: destroyed at once, nothing sent to it', async () => {
    const w = world({ reach: [{ ok: false, why: 'host_key_mismatch: 10.0.0.9:22 presented SHA256:x', otherHostKey: true }] });
    const o = await provision(plan(), w.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'host-key', destroyed: true });
    expect(w.clock()).toBe(0); // no waiting for it to change its mind
  });

  it('where a start step may follow the provider’s own sshd (vast), another key is waited out, never authenticated to', async () => {
    const other = { ok: false as const, why: 'host_key_mismatch: presented SHA256:vast', otherHostKey: true };
    const w = world({ reach: [other, other, { ok: true }] });
    expect(await provision(plan({ hostKeySettles: true }), w.deps)).toMatchObject({ result: 'ready', instanceId: 'i-1' });
    expect(w.clock()).toBe(2000);
    // One that never changes it is the box's key, not ours: destroyed at the deadline, saying which.
    const never = world({ reach: [other] });
    const o = await provision(plan({ hostKeySettles: true }), never.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'host-key', destroyed: true });
    expect(never.clock()).toBe(60_000);
  });

  it('a state that never leads to running is destroyed; a failed destroy says what may still bill', async () => {
    const w = world({
      states: [
        { phase: 'pending', host: null, port: 22, detail: 'status booting' },
        { phase: 'failed', host: null, port: 22, detail: 'status terminating' },
      ],
      destroy: { ok: false, detail: 'HTTP 500' },
    });
    const o = await provision(plan(), w.deps);
    expect(o).toMatchObject({ result: 'failed', kind: 'never-running', destroyed: false });
    expect(o.result === 'failed' && o.why).toMatch(/destroying it FAILED \(HTTP 500\): i-1 may still bill \$1\.29\/h/);
  });
});

describe('Lambda answers, typed', () => {
  const a = (status: number, code?: string) => ({ status, text: '', body: code ? { error: { code, message: 'm' } } : null });
  it("maps Lambda's own error codes to kinds", () => {
    expect(lambdaError(a(400, 'instance-operations/launch/insufficient-capacity'), 'x').kind).toBe('capacity');
    expect(lambdaError(a(400, 'global/quota-exceeded'), 'x').kind).toBe('quota');
    expect(lambdaError(a(403, 'global/account-inactive'), 'x').kind).toBe('quota');
    expect(lambdaError(a(401, 'global/invalid-api-key'), 'x').kind).toBe('auth');
    expect(lambdaError(a(400, 'global/invalid-parameters'), 'x').kind).toBe('bad-request');
    expect(lambdaError(a(429), 'x').kind).toBe('rate-limit');
    expect(lambdaError(a(502), 'x').kind).toBe('transient');
  });

  it("maps EC2's error codes to kinds", () => {
    const e = (status: number, code: string) =>
      ec2Error({ status, body: null, text: `<Response><Errors><Error><Code>${code}</Code><Message>m</Message></Error></Errors></Response>` }, 'x').kind;
    expect(e(500, 'InsufficientInstanceCapacity')).toBe('capacity');
    expect(e(400, 'Unsupported')).toBe('capacity');
    expect(e(400, 'VcpuLimitExceeded')).toBe('quota');
    expect(e(401, 'AuthFailure')).toBe('auth');
    expect(e(403, 'UnauthorizedOperation')).toBe('auth');
    expect(e(503, 'RequestLimitExceeded')).toBe('rate-limit');
    expect(e(400, 'InvalidAMIID.NotFound')).toBe('bad-request');
    expect(e(400, 'InvalidSubnetID.NotFound')).toBe('bad-request');
    expect(e(500, 'InternalError')).toBe('transient');
  });

  it('candidates follow the user’s order of types, then regions, only where capacity is listed', () => {
    const t = (name: string, cents: number, regions: string[]) => ({
      instance_type: { name, price_cents_per_hour: cents },
      regions_with_capacity_available: regions.map((r) => ({ name: r, description: r })),
    });
    const data = { gpu_1x_a100: t('gpu_1x_a100', 129, ['us-east-1']), gpu_1x_h100: t('gpu_1x_h100', 249, ['us-west-2', 'us-east-1']) };
    const c = lambdaCandidates(data, ['gpu_1x_h100', 'gpu_1x_a100', 'gpu_8x_b200'], ['us-east-1', 'us-west-2']);
    expect(c.candidates.map((x) => `${x.instanceType}@${x.region}:${x.hourlyPrice}`)).toEqual([
      'gpu_1x_h100@us-east-1:2.49',
      'gpu_1x_h100@us-west-2:2.49',
      'gpu_1x_a100@us-east-1:1.29',
    ]);
    expect(c.skipped).toEqual(['gpu_1x_a100 in us-west-2: no capacity now', 'gpu_8x_b200: Lambda has no such instance type']);
  });
});

describe('RunPod and vast.ai answers, typed', () => {
  const a = (status: number, body: unknown) => ({ status, body, text: JSON.stringify(body) });
  it("follows RunPod v2's own retry table", () => {
    const kinds = [401, 402, 403, 400, 422, 429, 503].map((st) => runpodError(a(st, { title: 't', status: st, detail: 'd' }), 'runpod: create', true).kind);
    expect(kinds).toEqual(['auth', 'quota', 'capacity', 'capacity', 'bad-request', 'rate-limit', 'transient']);
    // Outside a create, a 403 is the key's scope and a 400 the request's.
    expect(runpodError(a(403, {}), 'runpod: list', false).kind).toBe('auth');
    expect(runpodError(a(400, { detail: 'include=AVAILABILITY requires product' }), 'runpod: list', false).message).toMatch(
      /HTTP 400: include=AVAILABILITY requires product/,
    );
  });

  it("types vast's error words", () => {
    expect(vastError(a(401, { success: false, error: 'invalid_api_key' }), 'v').kind).toBe('auth');
    expect(vastError(a(402, { success: false, error: 'insufficient_credit' }), 'v').kind).toBe('quota');
    expect(vastError(a(400, { success: false, error: 'no_such_ask', msg: 'not available' }), 'v').kind).toBe('capacity');
    expect(vastError(a(400, { success: false, error: 'invalid_args', msg: 'image is required' }), 'v').kind).toBe('bad-request');
  });

  it('RunPod candidates: the user’s order, secure-cloud stock per data center, the secure price', () => {
    const doc = {
      gpus: [
        {
          id: 'NVIDIA H100 80GB HBM3',
          name: 'H100 SXM',
          secure: true,
          price: { secure: 2.99, community: 2 },
          dataCenters: [{ id: 'US-KS-2', availability: 'LOW' }],
        },
        { id: 'NVIDIA A40', name: 'A40', secure: false, price: { secure: 0.4, community: 0.3 } },
        { id: 'NVIDIA L4', name: 'L4', secure: true, price: { secure: 0.4, community: 0.3 }, availability: 'NONE' },
      ],
    };
    expect(runpodCandidates(doc, ['H100 SXM', 'NVIDIA A40', 'NVIDIA L4', 'B200'], [])).toEqual({
      candidates: [{ instanceType: 'NVIDIA H100 80GB HBM3', region: '', hourlyPrice: 2.99 }],
      skipped: ["NVIDIA A40: not offered on RunPod's secure cloud", 'NVIDIA L4: no pod stock in any data center now', 'B200: RunPod has no such GPU type'],
    });
    expect(runpodCandidates(doc, ['NVIDIA H100 80GB HBM3'], ['EU-RO-1', 'US-KS-2']).candidates).toEqual([
      { instanceType: 'NVIDIA H100 80GB HBM3', region: 'US-KS-2', hourlyPrice: 2.99 },
    ]);
  });

  it('a RunPod pod is up only RUNNING with a direct endpoint; the proxy alone carries no rsync', () => {
    const pod = (status: string, direct: unknown) => ({ id: 'p1', status, ssh: { proxy: { host: 'ssh.runpod.io', port: 22 }, direct } });
    expect(runpodBoxState(pod('RUNNING', { host: '203.0.113.5', port: 40022 }), 'p1')).toMatchObject({ phase: 'running', host: '203.0.113.5', port: 40022 });
    expect(runpodBoxState(pod('RUNNING', null), 'p1')).toMatchObject({ phase: 'pending' });
    expect(runpodBoxState(pod('RUNNING', { host: 'evil; rm -rf', port: 22 }), 'p1')).toMatchObject({ phase: 'pending' });
    expect(runpodBoxState(pod('EXITED', null), 'p1').phase).toBe('failed');
    expect(() => runpodBoxState(pod('RUNNING', null), 'p2')).toThrow(BoxDataError);
  });

  it('vast: the poll trap states never lead to running; direct address first, the proxy otherwise', () => {
    const inst = (o: Record<string, unknown>) => ({ id: 7, actual_status: 'running', intended_status: 'running', ...o });
    expect(vastBoxState(inst({ public_ipaddr: '198.51.100.4', ports: { '22/tcp': [{ HostPort: '40100' }] } }), '7')).toMatchObject({
      host: '198.51.100.4',
      port: 40100,
    });
    expect(vastBoxState(inst({ ssh_host: 'ssh5.vast.ai', ssh_port: 21007 }), '7')).toMatchObject({ phase: 'running', host: 'ssh5.vast.ai', port: 21007 });
    for (const s of ['exited', 'offline', 'unknown']) expect(vastBoxState(inst({ actual_status: s }), '7').phase).toBe('failed');
    expect(vastBoxState(inst({ actual_status: 'loading' }), '7').phase).toBe('pending');
    expect(vastBoxState(inst({ intended_status: 'stopped', actual_status: 'loading' }), '7').phase).toBe('failed');
    expect(
      vastCandidates(
        {
          offers: [
            { id: 1, gpu_name: 'RTX 4090', dph_total: 0.5, geolocation: 'Texas, US' },
            { id: 2, gpu_name: 'RTX 4090', dph_total: 0.3, geolocation: 'Norway, NO' },
          ],
        },
        ['RTX_4090'],
        ['US'],
      ).candidates,
    ).toEqual([{ instanceType: 'RTX 4090', region: 'Texas, US', hourlyPrice: 0.5, offer: '1' }]);
  });

  it('Paperspace: ready with a public IP is up; off and failed never will; its errors typed; its startup script holds the key once', () => {
    expect(paperspaceBoxState({ id: 'ps1', state: 'ready', publicIp: '192.0.2.8' }, 'ps1')).toMatchObject({ phase: 'running', host: '192.0.2.8' });
    expect(paperspaceBoxState({ id: 'ps1', state: 'ready', publicIp: null }, 'ps1').phase).toBe('pending');
    expect(paperspaceBoxState({ id: 'ps1', state: 'off' }, 'ps1').phase).toBe('failed');
    const a = (status: number, message: string) => ({ status, body: { code: status, message }, text: '' });
    expect(
      [a(401, 'x'), a(400, 'H100 is out of capacity in ny2'), a(400, 'Invalid machineType'), a(429, 'slow'), a(502, 'x')].map(
        (x) => paperspaceError(x, 'p').kind,
      ),
    ).toEqual(['auth', 'capacity', 'bad-request', 'rate-limit', 'transient']);
    const k = newHostKey('t');
    const script = paperspaceStartupScript(k.privateKey, "ssh-ed25519 AAAAC3 o'brien");
    expect(script.startsWith('#!/usr/bin/env bash\nexport TETHER_HOST_KEY=')).toBe(true);
    expect(script).toContain("export TETHER_AUTHORIZED_KEY='ssh-ed25519 AAAAC3 o'\\''brien'");
    expect(script.match(/^#!/gm)).toHaveLength(1);
  });

  it('EC2 console output: the fingerprints of cloud-init’s key block, ec2:-prefixed or not; none while the block is incomplete', () => {
    const k = newHostKey('c');
    const b64 = k.publicKey.split(' ')[1]!;
    const out = [
      'boot...',
      'ec2: -----BEGIN SSH HOST KEY KEYS-----',
      `ec2: ssh-ed25519 ${b64} root@ip`,
      'ec2: not a key; rm -rf /',
      'ec2: -----END SSH HOST KEY KEYS-----',
    ].join('\n');
    expect(consoleHostKeyFingerprints(out)).toEqual([k.fingerprint]);
    expect(consoleHostKeyFingerprints(out.replace(/ec2: /g, ''))).toEqual([k.fingerprint]);
    expect(consoleHostKeyFingerprints('ec2: -----BEGIN SSH HOST KEY KEYS-----\nec2: ssh-ed25519 ' + b64)).toBeNull();
    expect(consoleHostKeyFingerprints('nothing yet')).toBeNull();
  });

  it('a box that ignored the key sent is pinned by its console’s word only when the console lists the key it presented', async () => {
    const presented = `SHA256:${'P'.repeat(43)}`;
    const other = { ok: false as const, why: 'host_key_mismatch', otherHostKey: true, presented };
    const w = world({ reach: [other, { ok: true }] });
    const asked: string[] = [];
    w.deps.provisioner.consoleHostKeys = async (id) => (asked.push(id), [presented]);
    expect(await provision(plan(), w.deps)).toMatchObject({ result: 'ready', hostKeyFingerprint: presented, hostKeySource: 'console' });
    expect(asked).toEqual(['i-1']);
    const liar = world({ reach: [other] });
    liar.deps.provisioner.consoleHostKeys = async () => [`SHA256:${'Z'.repeat(43)}`];
    expect(await provision(plan(), liar.deps)).toMatchObject({ result: 'failed', kind: 'host-key', destroyed: true });
  });

  it('an orphan’s age and cost so far come from the provider’s own creation time, or are not claimed', () => {
    const now = new Date('2026-12-02T12:00:00Z');
    expect(orphanCost({ hourlyPrice: 1.5, createdAt: '2026-12-02T10:00:00Z' }, now)).toEqual({ ageS: 7200, cost: 3 });
    expect(orphanCost({ hourlyPrice: null, createdAt: '2026-12-02T11:00:00Z' }, now)).toEqual({ ageS: 3600, cost: null });
    expect(orphanCost({ hourlyPrice: 1.5, createdAt: null }, now)).toEqual({ ageS: null, cost: null });
    expect(orphanCost({ hourlyPrice: 1.5, createdAt: 'yesterday' }, now)).toEqual({ ageS: null, cost: null });
  });

  it('the start step: host_key.sh without comments, run from one base64 word, the key in the environment only', () => {
    const k = newHostKey('t');
    const step = startStep(k);
    expect(step.script.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(step.script).not.toMatch(/^\s*# (The box|Exit)/m);
    expect(step.script.length).toBeLessThan(4048);
    expect(step.script).not.toContain(k.privateKey.split('\n')[1]);
    expect(Buffer.from(step.env['TETHER_HOST_KEY']!, 'base64').toString()).toBe(k.privateKey);
    const b64 = /^bash -c "echo ([A-Za-z0-9+/=]+)\|base64 -d\|bash"$/.exec(step.command)![1]!;
    expect(Buffer.from(b64, 'base64').toString()).toBe(step.script);
  });
});

describe("the box's host key and the provision inputs", () => {
  it('a fresh ed25519 pair per box, its public half fingerprinted, in cloud-config that replaces the image’s keys', () => {
    const k = newHostKey('tether-r1');
    const again = newHostKey('tether-r1');
    expect(k.fingerprint).not.toBe(again.fingerprint);
    expect(k.fingerprint).toBe(fingerprint(Buffer.from(k.publicKey.split(' ')[1]!, 'base64')));
    const doc = parse(cloudConfig(k)) as { ssh_deletekeys: boolean; ssh_genkeytypes: string[]; ssh_keys: Record<string, string> };
    expect(cloudConfig(k).startsWith('#cloud-config\n')).toBe(true);
    expect(doc.ssh_deletekeys).toBe(true);
    expect(doc.ssh_genkeytypes).toEqual([]);
    expect(doc.ssh_keys['ed25519_private']!.trim()).toBe(k.privateKey.trim());
    expect(doc.ssh_keys['ed25519_public']).toBe(k.publicKey);
  });

  const base = { 'run-id': 'r1', provider: 'lambda', 'api-key': 'k', 'instance-types': 'gpu_1x_a100', 'ssh-key-path': '/k' };
  it('each bad input is an error naming it, before any provider is asked', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ provider: 'ssh' }, /provider.*cannot be rented/],
      [{ provider: '' }, /provider.*required/],
      [{ 'api-key': '' }, /api-key.*LAMBDA_API_KEY/],
      [{ 'instance-types': '' }, /instance-types.*required/],
      [{ spot: 'true' }, /spot.*lambda has no spot/],
      [{ 'disk-gb': '100' }, /disk-gb.*does not size the boot disk/],
      [{ count: '17' }, /input 'count': "17" is not a number from 1 to 16/],
      [{ count: '2.5' }, /count.*whole number/],
      [{ 'max-hourly-price': 'cheap' }, /max-hourly-price/],
      [{ regions: 'US East' }, /regions.*not a region name/],
      [{ 'provision-timeout': '5s' }, /provision-timeout.*between 30s and 6h/],
      [{ 'provider-api-url': 'http://example.org' }, /provider-api-url.*https:\/\/ \(or http:\/\/ on loopback/],
      [{ 'ssh-key-path': '', 'ssh-key': '' }, /no key/],
    ];
    for (const [over, why] of bad) expect(() => parseProvision({ ...base, ...over }, { SSH_AUTH_SOCK: '' }), JSON.stringify(over)).toThrow(why);
    expect(() => parseProvision({ ...base, 'ssh-key-path': '' }, { SSH_AUTH_SOCK: '/run/a.sock' })).toThrow(/not an agent/);
    // The usual variable stands in for api-key; the name defaults to tether-<run-id>; user empty means the provider's.
    const c = parseProvision({ ...base, 'api-key': '' }, { LAMBDA_API_KEY: 'from-env' });
    expect(c).toMatchObject({ apiKey: 'from-env', name: 'tether-r1', user: '', types: ['gpu_1x_a100'], timeoutS: 900 });
    expect(c.count).toBe(1);
    expect(parseProvision({ ...base, count: '4' }, {}).count).toBe(4);
  });
});

describe('the provision record', () => {
  const ours = { privateKey: Buffer.from(ed25519Pair().private) };
  const theirs = { privateKey: Buffer.from(ed25519Pair().private) };
  const entry: Provisioned = {
    runId: 'r1',
    provider: 'lambda',
    instanceId: '0920582c7ff041399e34823a0be62549',
    instanceType: 'gpu_1x_a100',
    region: 'us-east-1',
    hourlyPrice: '1.29',
    hostKeyFingerprint: FP,
    createdAt: '2026-12-02T10:00:00.000Z',
  };
  const body = (e = entry, cred = ours) => renderProvisioned(e, sign(cred, provisionedBytes(e)), code);

  it('round-trips, verifies with the key that made it only, and any edit fails the signature', () => {
    expect(isProvisionRecord(body())).toBe(true);
    expect(readProvisioned(body()).entry).toEqual(entry);
    expect(verifiedProvisioned(body(), ours)).toEqual({ entry });
    expect(verifiedProvisioned(body(entry, theirs), ours)).toMatchObject({ why: expect.stringMatching(/does not verify/) });
    const sealed = readProvisioned(body());
    const forged = renderProvisioned({ ...entry, instanceId: 'another' }, { signer: sealed.signer, sig: sealed.sig }, code);
    expect(verifiedProvisioned(forged, ours)).toMatchObject({ why: expect.stringMatching(/does not verify/) });
    expect(() => readProvisioned(body({ ...entry, region: 'US East' }))).toThrow(BoxDataError);
    expect(() => readProvisioned('<!-- tether:provisioned-data not*base64 -->')).toThrow(/not base64/);
  });

  it("a multi-node provision's record names every instance, signed with the rest, read strictly; each is an instance of its own", () => {
    const node = (rank: number, id: string) => ({
      rank,
      instanceId: id,
      instanceType: 'gpu_1x_a100',
      region: 'us-east-1',
      hourlyPrice: '1.29',
      hostKeyFingerprint: FP,
      createdAt: entry.createdAt,
    });
    const two: Provisioned = { ...entry, nodes: [node(0, entry.instanceId), node(1, 'b1b1')] };
    expect(verifiedProvisioned(body(two), ours)).toEqual({ entry: two });
    expect(body(two)).toMatch(/tether provisioned 2 instances for a run on many boxes .*rank 0 `0920582c7ff041399e34823a0be62549`, rank 1 `b1b1`/);
    expect(provisionedInstances(two).map((p) => [p.runId, p.provider, p.instanceId])).toEqual([
      ['r1', 'lambda', entry.instanceId],
      ['r1', 'lambda', 'b1b1'],
    ]);
    expect(provisionedInstances(entry)).toEqual([entry]);
    // A node taken out or added after signing fails the signature; a rank named twice, or a list that does not
    // start with the record's own instance, is refused as it is read.
    const sealed = readProvisioned(body(two));
    const dropped = renderProvisioned({ ...two, nodes: [two.nodes![0]!] }, { signer: sealed.signer, sig: sealed.sig }, code);
    expect(verifiedProvisioned(dropped, ours)).toMatchObject({ why: expect.stringMatching(/does not verify/) });
    expect(() => readProvisioned(body({ ...entry, nodes: [node(0, entry.instanceId), node(0, 'b1b1')] }))).toThrow(/rank 0 is named twice/);
    expect(() => readProvisioned(body({ ...entry, nodes: [node(1, 'b1b1')] }))).toThrow(/does not start with the record's own instance/);
  });

  it('the status line names the instance, its age and cost so far; past 30 minutes it escalates', () => {
    const at = (min: number) => new Date(Date.parse(entry.createdAt) + min * 60_000);
    expect(unlaunchedLine(entry, at(90), code)).toMatch(
      /`0920582c7ff041399e34823a0be62549`.*90 min ago and no run is registered on it: it bills, about \$1\.94 so far at \$1\.29\/h/,
    );
    const r = captureReporter();
    expect(unlaunchedNotes([entry], r, at(10))).toMatchObject({ escalate: false, code: 0 });
    expect(r.warnings).toHaveLength(1);
    const late = captureReporter();
    expect(unlaunchedNotes([entry], late, at(31))).toMatchObject({ escalate: true, code: 1 });
    expect(late.errors[0]).toMatch(/was provisioned for r1 .* it bills/);
    expect(JSON.parse(late.outputs['unlaunched']!)).toEqual([{ run_id: 'r1', provider: 'lambda', instance_id: entry.instanceId, created_at: entry.createdAt }]);
  });
});

describe('teardown of a never-launched instance (gate)', () => {
  const rec = { provider: 'runpod', instanceId: 'pod-1', createdAt: '2026-12-02T10:00:00Z' };
  const t = { provider: 'runpod', instanceId: 'pod-1', box: null };
  it('takes the provision record for exactly this instance, destroy only', () => {
    expect(checkNeverLaunched('r1', rec, t, 'destroy')).toMatchObject({ ok: true, proof: null });
    expect(checkNeverLaunched('r1', rec, t, 'park')).toMatchObject({ ok: false, reason: expect.stringMatching(/destroyed, not parked/) });
    expect(checkNeverLaunched('r1', rec, { ...t, instanceId: 'pod-2' }, 'destroy')).toMatchObject({ ok: false });
    expect(checkNeverLaunched('r1', rec, { ...t, provider: 'vastai' }, 'destroy')).toMatchObject({ ok: false });
    expect(checkNeverLaunched('r1', null, t, 'destroy')).toMatchObject({ ok: false, reason: expect.stringMatching(/no provision record/) });
  });
});

describe('budgets', () => {
  const reg = (over: Partial<Registration>): Registration => ({
    runId: 'b1',
    host: '10.0.0.5',
    port: 22,
    user: 'root',
    hostKeyFingerprint: FP,
    runRoot: '~/.tether/runs',
    backend: 'tmux',
    attempt: 1,
    expectedDurationS: null,
    launchedAt: '2026-12-02T10:00:00.000Z',
    commit: null,
    ...over,
  });
  const at = (h: number) => new Date(Date.parse('2026-12-02T10:00:00.000Z') + h * 3600e3);
  it('a gauge while under, crossed past either budget; a run without budgets or torn down has no line', () => {
    const e = { b1: reg({ maxHoursS: 12 * 3600, maxCost: '20', hourlyPrice: '2.5' }), b2: reg({ runId: 'b2' }) };
    const under = budgetLines(e, new Set(['b1', 'b2']), at(3), code);
    expect(under).toEqual([{ runId: 'b1', crossed: false, line: '⏱️ `b1` budget since launch: 3.0 h of 12.0 h (25%) · $7.50 of $20.00 (38%)' }]);
    // $20 at $2.50/h is crossed at 8 h, before the 12 h.
    expect(budgetLines(e, new Set(['b1']), at(8), code)[0]).toMatchObject({
      crossed: true,
      line: expect.stringMatching(/^🚨 .*\$20\.00 of \$20\.00 \(100%\)\. \*\*Over budget:\*\*/),
    });
    expect(budgetLines(e, new Set(['b2']), at(20), code)).toEqual([]);
  });

  it('are signed into the registration (an edited budget fails the signature) and read back strictly', () => {
    const ours = { privateKey: Buffer.from(ed25519Pair().private) };
    const e = reg({ hourlyPrice: '1.29', maxHoursS: 43_200, maxCost: '20' });
    const body = renderRegistration({ entry: e, ...sign(ours, signedBytes(e)) }, code);
    expect(readRegistration(body).entry).toMatchObject({ hourlyPrice: '1.29', maxHoursS: 43_200, maxCost: '20' });
    const loosened = body.replace(/registration-data (\S+) -->/, (_m, b64: string) => {
      const o = JSON.parse(Buffer.from(b64, 'base64').toString());
      return `registration-data ${Buffer.from(JSON.stringify({ ...o, max_cost: '20000' })).toString('base64')} -->`;
    });
    expect(verifiedRegistration(loosened, ours)).toMatchObject({ why: expect.stringMatching(/does not verify/) });
  });

  it('max-cost needs hourly-price', () => {
    expect(() => parseLaunch({ 'run-id': 'r', command: 'true', 'max-cost': '20' })).toThrow(/max-cost.*needs hourly-price/);
    expect(parseLaunch({ 'run-id': 'r', command: 'true', 'max-cost': '$20', 'hourly-price': '1.29', 'max-hours': '12h' })).toMatchObject({
      maxCost: 20,
      hourlyPrice: 1.29,
      maxHoursS: 43_200,
    });
  });
});

describe('the hand-off file: provision → launch with nothing copied, and nothing trusted that is not signed', () => {
  const key = ed25519Pair();
  const other = ed25519Pair();
  const dir = mkdtempSync(join(tmpdir(), 'tether-handoff-'));
  const keyFile = join(dir, 'k');
  writeFileSync(keyFile, key.private, { mode: 0o600 });
  const h: Handoff = {
    runId: 'r1',
    provider: 'runpod',
    instanceId: 'pod123',
    instanceType: 'NVIDIA H100 80GB HBM3',
    region: '',
    hourlyPrice: 2.99,
    spot: false,
    hostKeyFingerprint: FP,
    createdAt: '2026-12-02T08:00:00.000Z',
    ready: { host: '203.0.113.7', port: 40022, user: 'root', readyAt: '2026-12-02T08:01:00.000Z' },
  };
  const write = (name: string, body: Handoff, signer = key.private, signed = true) => {
    const f = join(dir, name);
    writeFileSync(f, renderHandoff(body, signed ? sign({ privateKey: Buffer.from(signer) }, handoffBytes(body)) : null));
    return f;
  };
  const launchInputs = (file: string, over: Record<string, string> = {}) =>
    withProvision({ 'from-provision': file, 'ssh-key-path': keyFile, port: '22', user: 'root', ...over }, {});

  it('fills the connection from a file signed with this key; an input that says otherwise names both', () => {
    const f = write('ok.json', h);
    expect(launchInputs(f)).toMatchObject({
      'run-id': 'r1',
      host: '203.0.113.7',
      port: '40022',
      user: 'root',
      'host-key-fingerprint': FP,
      provider: 'runpod',
      'instance-id': 'pod123',
      'hourly-price': '2.99',
    });
    expect(() => launchInputs(f, { host: '198.51.100.1' })).toThrow(/input 'host': is 198\.51\.100\.1, but .*ok\.json \(from-provision\) says 203\.0\.113\.7/);
    expect(() => launchInputs(f, { 'run-id': 'r2' })).toThrow(/input 'run-id': is r2/);
    expect(() => launchInputs(f, { 'known-hosts': '203.0.113.7 ssh-ed25519 AAAA' })).toThrow(/input 'known-hosts': is given, but the host key comes from/);
    // The inputs' own defaults (port 22, user root) are not a second opinion.
    expect(launchInputs(f, { port: '22' })['port']).toBe('40022');
  });

  it('refuses an edited file, one signed with another key, an unsigned one, and one whose box never came up', () => {
    const f = write('ok2.json', h);
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, readFileSync(f, 'utf8').replace('203.0.113.7', '203.0.113.8'));
    expect(() => launchInputs(edited)).toThrow(/signature does not verify with this launch's SSH key/);
    expect(() => launchInputs(write('other.json', h, other.private))).toThrow(/signature does not verify/);
    expect(() => launchInputs(write('unsigned.json', h, key.private, false))).toThrow(/is not signed/);
    expect(() => launchInputs(write('pending.json', { ...h, ready: null }))).toThrow(/names runpod instance pod123, but not where it is/);
    writeFileSync(join(dir, 'junk.json'), '{"schema":"tether.provision/v1","run_id":"r1"}');
    expect(() => launchInputs(join(dir, 'junk.json'))).toThrow(/is not a provision file as tether writes it/);
    expect(() => launchInputs(join(dir, 'absent.json'))).toThrow(/cannot be read \(ENOENT\)/);
  });

  it('reads strictly: a host with shell in it, a port out of range, a wrong schema', () => {
    const body = JSON.parse(renderHandoff(h, null));
    expect(() => readHandoff(JSON.stringify({ ...body, host: '$(reboot)' }))).toThrow(BoxDataError);
    expect(() => readHandoff(JSON.stringify({ ...body, port: 70000 }))).toThrow(BoxDataError);
    expect(() => readHandoff(JSON.stringify({ ...body, schema: 'tether.run/v1' }))).toThrow(/schema/);
    expect(readHandoff(JSON.stringify(body)).handoff).toEqual(h);
  });
});
