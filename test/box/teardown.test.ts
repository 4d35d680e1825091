import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { InputError } from '../../src/config/errors.ts';
import { teardownPhase } from '../harness/phases.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { createBox, type Box } from '../harness/box.ts';
import { AWS_CREDS, KEYS, ProviderDouble } from '../harness/provider-double.ts';
import { captureReporter } from '../harness/reporter.ts';

let box: Box;
let api: ProviderDouble;
let work: string;
/** dest/<run-id> of a verified collect per run. */
const proof: Record<string, string> = {};

const TRAIN = `/usr/bin/python3 -c "
import torch, os
os.makedirs('ck', exist_ok=True)
torch.save({'w': torch.ones(8)}, 'ck/model.pt')
"`;

beforeAll(async () => {
  box = await createBox();
  api = new ProviderDouble();
  await api.start();
  work = mkdtempSync(join(tmpdir(), 'tether-td-'));
  for (const id of ['td', 'other']) {
    await finishedRun(box, id, TRAIN);
    const rep = captureReporter();
    expect(await collectPhase(box.inputs({ 'run-id': id, 'dest-dir': join(work, 'dest') }), {}, rep, work)).toBe(0);
    proof[id] = rep.outputs['dest']!;
  }
}, 180_000);

afterAll(async () => {
  await api?.stop();
  box?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  api.log.length = 0;
  api.faults.length = 0;
});

/** A teardown of run td with the box's connection (so the manifest is rebuilt and compared). */
async function teardown(extra: Record<string, string>, env: Record<string, string> = {}) {
  const rep = captureReporter();
  const code = await teardownPhase(
    box.inputs({ 'run-id': 'td', 'verified-path': proof['td']!, 'dry-run': 'false', 'teardown-timeout': '20s', ...extra }),
    env,
    rep,
    work,
    { pollMs: 100 },
  );
  return { code, rep, state: rep.outputs['state'], reason: rep.outputs['reason'] ?? '', summary: rep.summaries.join('\n') };
}

describe('the teardown gate refuses before any provider call', () => {
  it('no VERIFIED.json, one of another run, a failed verification, a mismatched confirm', async () => {
    api.add('runpod', 'pod-gate');
    const base = { provider: 'runpod', 'instance-id': 'pod-gate', verb: 'destroy', 'api-key': KEYS.runpod, 'provider-api-url': api.url('runpod') };
    const empty = mkdtempSync(join(work, 'empty-'));
    const none = await teardown({ ...base, 'verified-path': empty });
    expect(none.state).toBe('refused');
    expect(none.reason).toMatch(/no VERIFIED.json for run td: collect \(verified\) must come first/);

    const otherRun = await teardown({ ...base, 'verified-path': proof['other']! });
    expect(otherRun.reason).toMatch(/VERIFIED.json is for run "other", not td/);

    // A VERIFIED.json whose manifest.json was swapped for another one.
    const swapped = mkdtempSync(join(work, 'swap-'));
    writeFileSync(join(swapped, 'VERIFIED.json'), readFileSync(join(proof['td']!, 'VERIFIED.json')));
    writeFileSync(join(swapped, 'manifest.json'), readFileSync(join(proof['td']!, 'manifest.json'), 'utf8').replace('"attempt":1', '"attempt":2'));
    expect((await teardown({ ...base, 'verified-path': swapped })).reason).toMatch(
      /manifest.json \(sha256 [0-9a-f]{12}…\) is not the manifest VERIFIED.json was written for/,
    );

    // A collect that failed verification writes no VERIFIED.json: the same refusal as none.
    box.sh(`cp ${box.home}/td/ck/model.pt ${box.home}/td/ck/bad.pt && printf 'XXXX' | dd of=${box.home}/td/ck/bad.pt bs=1 seek=200 conv=notrunc 2>/dev/null`);
    const failedRep = captureReporter();
    expect(await collectPhase(box.inputs({ 'run-id': 'td', 'dest-dir': join(work, 'dest-failed') }), {}, failedRep, work)).toBe(1);
    expect((await teardown({ ...base, 'verified-path': failedRep.outputs['dest']! })).reason).toMatch(/no VERIFIED.json for run td/);

    // The box wrote that file after td's verification: the rebuilt manifest differs.
    const changed = await teardown(base);
    expect(changed.state).toBe('refused');
    expect(changed.reason).toMatch(/the box's checkpoints changed since verification \(new: ck\/bad.pt\): collect again/);
    box.sh(`rm ${box.home}/td/ck/bad.pt`);

    const confirm = await teardown({ ...base, approval: 'confirm', confirm: 'destroy pod-other' });
    expect(confirm.reason).toBe('confirm must be exactly "destroy pod-gate", got "destroy pod-other"');
    expect((await teardown({ ...base, approval: 'confirm' })).reason).toMatch(/confirm must be exactly "destroy pod-gate" \(approval: confirm\)/);

    // A proof artifact that cannot be downloaded is a refusal with its reason, not a crash.
    const lost = captureReporter();
    const lostCode = await teardownPhase(
      box.inputs({ 'run-id': 'td', ...base, 'verified-artifact': 'tether-td-gone-records', 'dry-run': 'false' }),
      {},
      lost,
      work,
      {
        fetchArtifact: async () => {
          throw new Error('artifact tether-td-gone-records was not found in this workflow run');
        },
      },
    );
    expect(lostCode).toBe(1);
    expect(lost.outputs['state']).toBe('refused');
    expect(lost.outputs['reason']).toBe(
      'the proof artifact tether-td-gone-records could not be downloaded: artifact tether-td-gone-records was not found in this workflow run',
    );

    for (const r of [none, otherRun, changed, confirm]) {
      expect(r.code).toBe(1);
      expect(r.summary).toMatch(/⛔ tether teardown — `td`: refused/);
    }
    expect(api.calls('runpod')).toEqual([]);
    expect(api.instances.get('runpod:pod-gate')?.status).toBe('running');
  }, 120_000);

  it('bad inputs are input errors before anything is contacted', async () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ provider: 'lambda', 'instance-id': 'i1', verb: 'park', 'api-key': 'k' }, /park is not possible with provider lambda: Lambda has no stop/],
      [{ provider: 'ssh', verb: 'destroy' }, /destroy is not possible with provider ssh/],
      [{ provider: 'runpod', 'instance-id': 'p1', verb: 'destroy' }, /api-key.*needs its API key/],
      [{ provider: 'runpod', 'instance-id': 'p1', verb: 'destroy', 'api-key': 'k', 'provider-api-url': 'http://10.0.0.1/' }, /provider-api-url.*https/],
      [{ provider: 'vastai', 'instance-id': '$(reboot)', verb: 'destroy', 'api-key': 'k' }, /instance-id.*is not an instance id/],
      [{ provider: 'aws', 'instance-id': 'i-0123456789abcdef0', verb: 'destroy', 'aws-region': 'mars-1' }, /aws-region.*is not an AWS region/],
      [{ provider: 'command', 'instance-id': 'x', verb: 'destroy' }, /teardown-command/],
      [{ provider: 'runpod', 'instance-id': 'p1', verb: 'destroy', 'api-key': 'k', 'verified-path': '' }, /teardown needs the proof/],
      [{ provider: 'runpod', 'instance-id': 'p1', verb: 'nuke', 'api-key': 'k' }, /verb.*is not one of: park, destroy/],
      [
        { provider: 'runpod', 'instance-id': 'p1', verb: 'destroy', 'api-key': 'k', 'verified-path': '', 'verified-artifact': 'tether-td-abc-records' },
        /verified-artifact.*needs the GitHub Actions artifact service/,
      ],
    ];
    for (const [extra, re] of bad) {
      const inputs = box.inputs({ 'run-id': 'td', 'verified-path': proof['td']!, ...extra });
      await expect(teardownPhase(inputs, {}, captureReporter(), work), JSON.stringify(extra)).rejects.toThrow(InputError);
      await expect(teardownPhase(inputs, {}, captureReporter(), work)).rejects.toThrow(re);
    }
    expect(api.log).toEqual([]);
  });
});

describe('providers: ask, then prove the terminal state', () => {
  it('dry run (the default) shows the card and calls nothing', async () => {
    api.add('vastai', '4242');
    const r = await teardown({
      provider: 'vastai',
      'instance-id': '4242',
      verb: 'destroy',
      'api-key': KEYS.vastai,
      'provider-api-url': api.url('vastai'),
      'dry-run': '',
    });
    expect(r.code).toBe(0);
    expect(r.state).toBe('dry-run');
    expect(r.reason).toMatch(/would destroy 4242 on vastai; nothing was done/);
    expect(r.summary).toMatch(/\| reversible \| \*\*NO\*\* — this cannot be undone \|/);
    expect(r.summary).toMatch(/\| instead, park \| stop .*keeps billing: the disk, forever/);
    expect(r.summary).toMatch(/\| verified \| 1 files, /);
    expect(r.summary).toMatch(/its 1 checkpoint files are exactly the verified ones/);
    expect(api.calls('vastai')).toEqual([]);
  });

  it('lambda: a terminate answered 200 while the instance lingers is polled until it is really gone; NFS still billing is reported', async () => {
    api.add('lambda', 'lam-1', 3);
    const r = await teardown({ provider: 'lambda', 'instance-id': 'lam-1', verb: 'destroy', 'api-key': KEYS.lambda, 'provider-api-url': api.url('lambda') });
    expect(r.code, r.rep.errors.join('\n')).toBe(0);
    expect(r.state).toBe('torn-down');
    expect(r.reason).toMatch(/lam-1 torn-down \(404: no such instance\)/);
    const seq = api.calls('lambda').map((c) => `${c.method} ${c.path.replace('/lambda/api/v1', '')}`);
    expect(seq.slice(0, 2)).toEqual(['GET /instances/lam-1', 'POST /instance-operations/terminate']);
    // Three reads still showed it terminating after the 200, then 404.
    expect(seq.filter((s) => s === 'GET /instances/lam-1').length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(api.calls('lambda', /terminate/)[0]!.body)).toEqual({ instance_ids: ['lam-1'] });
    expect(r.rep.warnings.join('\n')).toMatch(/still billing: Lambda file system datasets \(us-east-1, 50.0 GiB used\) bills until deleted/);
    expect(r.rep.masked).toContain(KEYS.lambda);
  });

  it('runpod: a terminate call that hangs times out, the state is re-queried, the retry succeeds and 404 proves it', async () => {
    api.add('runpod', 'pod-1', 1);
    api.faults.push({ kind: 'runpod', op: 'delete', behaviour: 'hang', times: 1 });
    const t0 = Date.now();
    const r = await teardown({
      provider: 'runpod',
      'instance-id': 'pod-1',
      verb: 'destroy',
      'api-key': KEYS.runpod,
      'provider-api-url': api.url('runpod'),
      'teardown-timeout': '6s',
    });
    expect(r.state, r.rep.lines.join('\n')).toBe('torn-down');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.rep.lines.join('\n')).toMatch(/destroy request 1 failed: runpod: terminate: no answer within \d+ s; re-querying the state before any retry/);
    const seq = api.calls('runpod').map((c) => `${c.method} ${c.path}`);
    const firstDelete = seq.indexOf('DELETE /runpod/v2/pods/pod-1');
    expect(seq[firstDelete + 1]).toBe('GET /runpod/v2/pods/pod-1'); // re-query before the retry
    expect(seq.filter((s) => s.startsWith('DELETE')).length).toBe(2);
    expect(api.instances.get('runpod:pod-1')?.status).toBe('gone');
  });

  it('runpod park stops the pod and says the volume disk bills 2×', async () => {
    api.add('runpod', 'pod-2');
    const r = await teardown({ provider: 'runpod', 'instance-id': 'pod-2', verb: 'park', 'api-key': KEYS.runpod, 'provider-api-url': api.url('runpod') });
    expect(r.state).toBe('parked');
    expect(r.summary).toMatch(/Still billing after this park: the volume disk, billed at 2× while stopped/);
    expect(api.calls('runpod', /POST \/runpod\/v2\/pods\/pod-2\/action/)).toHaveLength(1);
    expect(api.calls('runpod', /POST/)[0]?.body).toBe(JSON.stringify({ action: 'stop' }));
  });

  it('vast.ai: a 5xx on destroy is retried only after the state is re-read; a not-found instance never seen by this teardown is not counted as torn down', async () => {
    api.add('vastai', '7001', 2);
    api.faults.push({ kind: 'vastai', op: 'delete', behaviour: 503, times: 1 });
    const r = await teardown({ provider: 'vastai', 'instance-id': '7001', verb: 'destroy', 'api-key': KEYS.vastai, 'provider-api-url': api.url('vastai') });
    expect(r.state).toBe('torn-down');
    expect(r.reason).toMatch(/instances: null/);
    expect(api.calls('vastai', /^DELETE/)).toHaveLength(2);
    // `instances: null` at the first look is what a wrong id answers too: it proves nothing, nothing is asked.
    const again = await teardown({ provider: 'vastai', 'instance-id': '7001', verb: 'destroy', 'api-key': KEYS.vastai, 'provider-api-url': api.url('vastai') });
    expect(again.state).toBe('failed');
    expect(again.reason).toMatch(/7001 was not found and this teardown never saw it .*check instance-id and region/);
    expect(api.calls('vastai', /^DELETE/)).toHaveLength(2);
  });

  it('an instance that never goes away fails within teardown-timeout, saying it may still bill', async () => {
    api.add('vastai', '7002', 10_000);
    const t0 = Date.now();
    const r = await teardown({
      provider: 'vastai',
      'instance-id': '7002',
      verb: 'destroy',
      'api-key': KEYS.vastai,
      'provider-api-url': api.url('vastai'),
      'teardown-timeout': '5s',
    });
    expect(r.code).toBe(1);
    expect(r.state).toBe('failed');
    expect(r.reason).toMatch(/still changing \(actual_status exited, intended_status stopped, destroying\) 5 s after the destroy request/);
    expect(r.summary).toMatch(/The instance may still bill/);
    expect(Date.now() - t0).toBeLessThan(12_000);
  });

  it('aws: SigV4-signed TerminateInstances, polled to terminated; unattached volumes reported', async () => {
    api.add('aws', 'i-0123456789abcdef0', 2);
    const env = { AWS_ACCESS_KEY_ID: AWS_CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS_CREDS.secretAccessKey };
    const r = await teardown(
      { provider: 'aws', 'instance-id': 'i-0123456789abcdef0', verb: 'destroy', 'aws-region': AWS_CREDS.region, 'provider-api-url': api.url('aws') },
      env,
    );
    expect(r.state, r.reason).toBe('torn-down');
    expect(r.reason).toMatch(/instance state terminated/);
    expect(api.calls('aws').map((c) => new URLSearchParams(c.body).get('Action'))).toContain('TerminateInstances');
    expect(r.rep.warnings.join('\n')).toMatch(/EBS volume vol-0abc \(500 GiB, unattached\)/);
    expect(r.rep.masked).toContain(AWS_CREDS.secretAccessKey);
    // A wrong secret is refused by the signature check, as AWS does.
    api.add('aws', 'i-0fedcba9876543210');
    const bad = await teardown(
      { provider: 'aws', 'instance-id': 'i-0fedcba9876543210', verb: 'destroy', 'aws-region': AWS_CREDS.region, 'provider-api-url': api.url('aws') },
      { ...env, AWS_SECRET_ACCESS_KEY: 'wrong' },
    );
    expect(bad.state).toBe('failed');
    expect(bad.reason).toMatch(/HTTP 401: the API key was refused/);
  });

  it('command: runs on the runner with TETHER_INSTANCE_ID, TETHER_RUN_ID and TETHER_VERB; a failing command fails the teardown', async () => {
    const out = join(work, 'cmd-env.txt');
    const r = await teardown({
      provider: 'command',
      'instance-id': 'my-box-3',
      verb: 'destroy',
      'teardown-command': `echo "$TETHER_VERB $TETHER_INSTANCE_ID $TETHER_RUN_ID" > ${out}`,
    });
    expect(r.state).toBe('torn-down');
    expect(readFileSync(out, 'utf8')).toBe('destroy my-box-3 td\n');
    const failing = await teardown({
      provider: 'command',
      'instance-id': 'my-box-3',
      verb: 'destroy',
      'teardown-command': 'echo "quota API said no" >&2; exit 3',
    });
    expect(failing.state).toBe('failed');
    expect(failing.reason).toBe('teardown-command exited 3: quota API said no');
  });
});

describe('provider ssh parks the box by powering it off', () => {
  it('runs poweroff on the box, then waits until it stops answering', async () => {
    const r = await teardown({ provider: 'ssh', verb: 'park', 'teardown-timeout': '20s', 'connect-timeout': '2' });
    expect(r.state, r.reason).toBe('parked');
    expect(readFileSync(join(box.home, '.tether-power'), 'utf8')).toBe('poweroff \n');
    expect(r.reason).toMatch(/the box no longer answers SSH/);
    expect(r.summary).toMatch(/on Lambda an in-OS shutdown leaves the instance in Alert and it KEEPS BILLING/);
  }, 60_000);
});
