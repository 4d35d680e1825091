import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase, launchPhase, provisionPhase, teardownPhase } from '../harness/phases.ts';
import { RUNPOD_KEY, RunpodDouble } from '../harness/runpod-double.ts';
import { VAST_KEY, VastDouble } from '../harness/vast-double.ts';
import { PAPERSPACE_KEY, PaperspaceDouble } from '../harness/paperspace-double.ts';
import { runpodProvisioner } from '../../src/providers/runpod-provision.ts';
import { vastProvisioner } from '../../src/providers/vastai-provision.ts';
import { fingerprint } from '../../src/record/hostkey.ts';
import type { Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { patrolPhase } from '../harness/phases.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * Renting containers without cloud-init (issue 26 §2, rank 1 through tether's own start step): RunPod runs it as
 * the pod's start command before the image's start.sh, vast as onstart after its own sshd came up. Against
 * doubles that follow each API and start a real box whose start step is the one the create call carried, the
 * box serves exactly the host key tether generated; any other key is refused before authentication.
 */
let runpod: RunpodDouble;
let vast: VastDouble;
let paperspace: PaperspaceDouble;
let work: string;
const account = ed25519Pair('tether-runner');
let keyFile: string;

beforeAll(async () => {
  runpod = new RunpodDouble();
  vast = new VastDouble();
  paperspace = new PaperspaceDouble();
  await Promise.all([runpod.start(), vast.start(), paperspace.start()]);
  work = mkdtempSync(join(tmpdir(), 'tether-rent-containers-'));
  keyFile = join(work, 'key');
  writeFileSync(keyFile, account.private, { mode: 0o600 });
});
afterAll(async () => {
  await Promise.all([runpod?.stop(), vast?.stop(), paperspace?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

const PROVIDERS = {
  runpod: () => ({
    provider: 'runpod',
    'api-key': RUNPOD_KEY,
    'provider-api-url': runpod.url,
    'instance-types': 'NVIDIA A100 80GB PCIe\nNVIDIA H100 80GB HBM3',
  }),
  vastai: () => ({
    provider: 'vastai',
    'api-key': VAST_KEY,
    'provider-api-url': vast.url,
    'instance-types': 'RTX_4090\nA100_SXM4',
    image: 'pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime',
  }),
  paperspace: () => ({
    provider: 'paperspace',
    'api-key': PAPERSPACE_KEY,
    'provider-api-url': paperspace.url,
    'instance-types': 'A100',
    image: 'tlwu9nv0',
    // The test boxes log in as root (Paperspace's templates say paperspace: facts.loginUser, the default).
    user: 'root',
  }),
} as const;
type P = keyof typeof PROVIDERS;

async function rent(p: P, over: Record<string, string> = {}, cfg: { timeoutS?: number } = {}) {
  const r = captureReporter();
  const code = await provisionPhase({ 'run-id': 'c-1', 'ssh-key': account.private, 'connect-timeout': '3', ...PROVIDERS[p](), ...over }, {}, r, work, cfg);
  return { code, r };
}
const boxOf = (p: P, id: string): Box | null =>
  p === 'runpod'
    ? (runpod.pods.get(id)?.box ?? null)
    : p === 'vastai'
      ? (vast.instances.get(Number(id))?.box ?? null)
      : (paperspace.machines.get(id)?.box ?? null);
/** The fingerprint of the key the box's sshd serves, read from the box itself. */
const servedFingerprint = (box: Box) => {
  const pub = readFileSync(join(box.dir, 'ssh_host_ed25519_key.pub'), 'utf8').trim().split(/\s+/)[1]!;
  return fingerprint(Buffer.from(pub, 'base64'));
};

describe.each(['runpod', 'vastai', 'paperspace'] as const)('the whole lifecycle on a rented %s box', (p) => {
  it('provision (host key installed by the start step, pinned before the first connect) → launch → collect → teardown destroys exactly it', async () => {
    const run = `life-${p}`;
    const started = Date.now();
    const { code, r } = await rent(p, { 'run-id': run });
    expect(code, r.errors.join('\n')).toBe(0);
    const id = r.outputs['instance-id']!;
    const box = boxOf(p, id)!;
    expect(box).toBeTruthy();
    // The box's sshd serves the key the create call carried, and it is the one provision pinned.
    expect(servedFingerprint(box)).toBe(r.outputs['host-key-fingerprint']);
    expect(readFileSync(join(box.dir, 'sshd_config'), 'utf8').split('\n')[0]).toBe(`HostKey ${box.dir}/ssh_host_ed25519_key`);
    expect(r.outputs).toMatchObject({
      provider: p,
      user: 'root',
      spot: 'false',
      port: '22',
      'hourly-price': p === 'paperspace' ? '' : expect.stringMatching(/^\d/),
    });
    if (p === 'vastai') {
      // vast served its own key first; the wait for the start step was the provision's, not a refusal.
      expect(Date.now() - started).toBeGreaterThanOrEqual(vast.onstartDelayMs);
      expect(vast.keys.map((k) => k.key)).toEqual([account.public.split(' ').slice(0, 2).join(' ')]);
    } else if (p === 'paperspace') {
      // The startup script held the box's private host key: deleted once the machine was up.
      expect(paperspace.scripts.size).toBe(0);
      expect(paperspace.calls(/^DELETE \/v1\/startup-scripts\//).length).toBe(1);
      expect(readFileSync(join(box.dir, 'authorized_keys'), 'utf8')).toContain(account.public.split(' ').slice(0, 2).join(' '));
    } else {
      // RunPod: no key registry; PUBLIC_KEY and the start step rode in the create call, and the image's start followed.
      const pod = runpod.pods.get(id)!;
      expect(pod.env['PUBLIC_KEY']).toBe(account.public.split(' ').slice(0, 2).join(' '));
      expect(pod.env['TETHER_THEN']).toBe('/start.sh');
      expect(pod.args).toMatch(/^bash -c "echo [A-Za-z0-9+/=]+\|base64 -d\|bash"$/);
    }
    box.sh(`mkdir -p ${box.home}/code`);
    const conn = {
      host: r.outputs['host']!,
      port: r.outputs['port']!,
      user: r.outputs['user']!,
      'host-key-fingerprint': r.outputs['host-key-fingerprint']!,
      'ssh-key-path': keyFile,
      'connect-timeout': '3',
    };
    const train = `/usr/bin/python3 -c "
import torch, os
os.makedirs('ck', exist_ok=True)
torch.save({'model': torch.nn.Linear(8, 2).state_dict(), 'step': 1}, 'ck/step1.pt')
"`;
    const l = captureReporter();
    const launched = await launchPhase(
      {
        ...conn,
        'run-id': run,
        command: train,
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        checkpoints: 'ck/*.pt',
        'run-file': join(work, `${run}.json`),
      },
      {},
      l,
      work,
    );
    expect(launched, l.errors.join('\n')).toBe(0);
    await waitFor('the run to finish', () => existsSync(`${box.home}/.tether/runs/${run}/DONE`), 30_000);
    const dest = mkdtempSync(join(tmpdir(), 'tether-life-'));
    const c = captureReporter();
    const collected = await collectPhase({ ...conn, 'run-id': run, 'dest-dir': dest, artifact: 'none', provider: p, 'instance-id': id }, {}, c, work);
    expect(collected, c.errors.join('\n')).toBe(0);
    const verified = JSON.parse(readFileSync(join(dest, run, 'VERIFIED.json'), 'utf8'));
    expect(verified.box).toMatchObject({ provider: p, instance_id: id, host_key_fingerprint: r.outputs['host-key-fingerprint'] });
    const t = captureReporter();
    const { provider, 'api-key': apiKey, 'provider-api-url': apiUrl } = PROVIDERS[p]();
    const torn = await teardownPhase(
      {
        ...conn,
        'run-id': run,
        provider,
        'api-key': apiKey,
        'provider-api-url': apiUrl,
        'instance-id': id,
        verb: 'destroy',
        'verified-path': join(dest, run),
        approval: 'confirm',
        confirm: `destroy ${id}`,
        'dry-run': 'false',
      },
      {},
      t,
      work,
      { pollMs: 100 },
    );
    expect(torn, t.errors.join('\n')).toBe(0);
    expect(t.outputs['state']).toBe('torn-down');
    expect(boxOf(p, id)).toBeNull();
    // The orphan check's list sees it no more; it did while it billed (below).
    rmSync(dest, { recursive: true, force: true });
  });
});

describe('provision on RunPod (double with real boxes)', () => {
  it('a GPU the catalog shows but that cannot be placed (400) moves to the next type; a spot pod goes through GraphQL at the listed price', async () => {
    runpod.unplaceable.add('NVIDIA A100 80GB PCIe');
    const v2Creates = runpod.calls(/^POST \/v2\/pods$/).length;
    const { code, r } = await rent('runpod', { 'run-id': 'rp-race', spot: 'true' });
    expect(code, r.errors.join('\n')).toBe(0);
    const pod = runpod.pods.get(r.outputs['instance-id']!)!;
    expect(pod).toMatchObject({ gpu: 'NVIDIA H100 80GB HBM3', interruptible: true, bid: 2.99 });
    expect(r.outputs).toMatchObject({ spot: 'true', 'hourly-price': '2.99' });
    expect(r.summaries.join('\n').replace(/\\/g, '')).toMatch(
      /NVIDIA A100 80GB PCIe \(any region\) \(\$1\.64\/h\): runpod: rent interruptible .*There are no instances currently available/,
    );
    expect(runpod.calls(/^POST \/graphql$/).length).toBe(2);
    expect(runpod.calls(/^POST \/v2\/pods$/).length).toBe(v2Creates);
    // The orphan check's listing of what tether named: it bills, at its cost.
    const listed = await runpodProvisioner({ apiKey: RUNPOD_KEY, aws: null, apiUrl: runpod.url, callTimeoutMs: 5000, log: () => undefined }).list('tether-');
    expect(listed).toContainEqual({
      id: pod.id,
      name: 'tether-rp-race',
      status: 'RUNNING',
      billing: true,
      hourlyPrice: 2.99,
      createdAt: pod.createdAt.toISOString(),
    });
    pod.box?.destroy();
    pod.box = null;
    pod.status = 'TERMINATED';
  });

  it('no balance (402) stops at once; a refused key (401) too: nothing created', async () => {
    const before = runpod.pods.size;
    const creates = runpod.calls(/^POST \/v2\/pods$/).length;
    runpod.balance = 0;
    try {
      const { code, r } = await rent('runpod', { 'run-id': 'rp-402' });
      expect(code).toBe(1);
      expect(r.errors.join('\n')).toMatch(/provision failed \(quota\): runpod: create NVIDIA A100 80GB PCIe: HTTP 402: insufficient balance/);
      expect(runpod.calls(/^POST \/v2\/pods$/).length).toBe(creates + 1);
    } finally {
      runpod.balance = 100;
    }
    const { code, r } = await rent('runpod', { 'run-id': 'rp-401', 'api-key': 'rpa_wrong' });
    expect(code).toBe(1);
    expect(r.errors.join('\n')).toMatch(/provision failed \(auth\): runpod: list GPU types: HTTP 401: missing or invalid API key/);
    expect(runpod.pods.size).toBe(before);
  });

  it('an image that ignores the start step answers with its own host key: refused before authentication, waited out, destroyed', async () => {
    runpod.ignoreArgs = true;
    try {
      const { code, r } = await rent('runpod', { 'run-id': 'rp-otherkey' }, { timeoutS: 6 });
      expect(code).toBe(1);
      const pod = runpod.pods.get(r.outputs['instance-id']!)!;
      expect(pod.status).toBe('TERMINATED');
      expect(r.outputs['reason']).toMatch(/answered SSH with a host key other than the one tether generated for it .*destroyed it/);
      expect(pod.sshdLog).toMatch(/Connection from/);
      expect(pod.sshdLog).not.toMatch(/publickey|Accepted|Failed|userauth/i);
    } finally {
      runpod.ignoreArgs = false;
    }
  });

  it('a pod that never leaves PROVISIONING is deleted by the provision and polled to 404', async () => {
    runpod.neverBoot = true;
    try {
      const { code, r } = await rent('runpod', { 'run-id': 'rp-never' }, { timeoutS: 2 });
      expect(code).toBe(1);
      expect(runpod.pods.get(r.outputs['instance-id']!)?.status).toBe('TERMINATED');
      expect(r.outputs).toMatchObject({ result: 'failed', destroyed: 'true' });
    } finally {
      runpod.neverBoot = false;
    }
  });
});

describe('provision on vast.ai (double with real boxes)', () => {
  it('an offer taken between the search and the create moves to the next one; spot sends a bid; the key is registered once', async () => {
    vast.taken.add(5006601);
    try {
      const { code, r } = await rent('vastai', { 'run-id': 'va-race', spot: 'true', regions: 'US, NO' });
      expect(code, r.errors.join('\n')).toBe(0);
      const inst = vast.instances.get(Number(r.outputs['instance-id']))!;
      expect(inst).toMatchObject({ offer: 5006600, bid: 0.41, label: 'tether-va-race' });
      expect(r.summaries.join('\n').replace(/\\/g, '')).toMatch(/RTX 4090 \(offer 5006601\) in California, US .*HTTP 400 no_such_ask/);
      expect(vast.calls(/^POST \/api\/v0\/ssh\/$/).length).toBe(1);
      const listed = await vastProvisioner({ apiKey: VAST_KEY, aws: null, apiUrl: vast.url, callTimeoutMs: 5000, log: () => undefined }).list('tether-');
      expect(listed).toContainEqual({
        id: String(inst.id),
        name: 'tether-va-race',
        status: 'running',
        billing: true,
        hourlyPrice: 0.41,
        createdAt: expect.stringMatching(/^20\d\d-/),
      });
      inst.box?.destroy();
      inst.box = null;
      inst.actual_status = 'destroyed';
    } finally {
      vast.taken.clear();
    }
  });

  it('an image that exits at once reaches a state that never leads to running: destroyed without waiting out the deadline', async () => {
    vast.exitOnBoot = true;
    try {
      const t0 = Date.now();
      const { code, r } = await rent('vastai', { 'run-id': 'va-exit' }, { timeoutS: 60 });
      expect(code).toBe(1);
      expect(Date.now() - t0).toBeLessThan(30_000);
      expect(r.outputs['reason']).toMatch(/reached a state that never leads to running \(actual_status exited.*destroyed it/);
      expect(vast.instances.get(Number(r.outputs['instance-id']))?.actual_status).toBe('destroyed');
    } finally {
      vast.exitOnBoot = false;
    }
  });

  it('an instance whose onstart never runs keeps vast’s own key: never authenticated to, destroyed at the deadline', async () => {
    vast.ignoreOnstart = true;
    try {
      const { code, r } = await rent('vastai', { 'run-id': 'va-otherkey' }, { timeoutS: 6 });
      expect(code).toBe(1);
      const inst = vast.instances.get(Number(r.outputs['instance-id']))!;
      expect(inst.actual_status).toBe('destroyed');
      expect(r.outputs['reason']).toMatch(/host key other than the one tether generated/);
      expect(inst.sshdLog).toMatch(/Connection from/);
      expect(inst.sshdLog).not.toMatch(/publickey|Accepted|Failed|userauth/i);
    } finally {
      vast.ignoreOnstart = false;
    }
  });

  it('no credit stops at once; a missing image is refused before any call', async () => {
    vast.credit = 0;
    try {
      const { code, r } = await rent('vastai', { 'run-id': 'va-credit' });
      expect(code).toBe(1);
      expect(r.errors.join('\n')).toMatch(/provision failed \(quota\): vastai: rent offer \d+ \(RTX 4090\): HTTP 402 insufficient_credit/);
    } finally {
      vast.credit = 50;
    }
    const calls = vast.log.length;
    await expect(rent('vastai', { 'run-id': 'va-noimage', image: '' })).rejects.toThrow(/input 'image': is required: an image id of vastai/);
    expect(vast.log.length).toBe(calls);
  });
});

describe('provision on Paperspace (double with real boxes)', () => {
  it('a region out of capacity moves to the next; each failed create leaves no startup script behind', async () => {
    const { code, r } = await rent('paperspace', { 'run-id': 'ps-race', 'instance-types': 'H100\nA100', regions: 'ams1\nny2' });
    expect(code, r.errors.join('\n')).toBe(0);
    const m = paperspace.machines.get(r.outputs['instance-id']!)!;
    expect(m).toMatchObject({ machineType: 'H100', region: 'ny2' });
    expect(r.summaries.join('\n').replace(/\\/g, '')).toMatch(/H100 in ams1: paperspace: create H100 in ams1: HTTP 400 400: H100 is out of capacity in ams1/);
    expect(paperspace.scripts.size).toBe(0);
    paperspace.machines.delete(m.id);
    m.box?.destroy();
    m.box = null;
  });

  it('a template without the startup agent keeps its own key: never authenticated to, deleted at the deadline', async () => {
    paperspace.skipScript = true;
    try {
      const { code, r } = await rent('paperspace', { 'run-id': 'ps-otherkey' }, { timeoutS: 5 });
      expect(code).toBe(1);
      expect(paperspace.machines.has(r.outputs['instance-id']!)).toBe(false);
      expect(r.outputs['reason']).toMatch(/host key other than the one tether generated .*destroyed it/);
      expect(paperspace.scripts.size).toBe(0);
    } finally {
      paperspace.skipScript = false;
    }
    const { code, r } = await rent('paperspace', { 'run-id': 'ps-401', 'api-key': 'wrong' });
    expect(code).toBe(1);
    expect(r.errors.join('\n')).toMatch(/provision failed \(auth\): paperspace: create startup script: HTTP 401/);
  });
});

describe('a provision killed after the create: the next patrol finds the pod, with its age and cost so far', () => {
  let gh: GitHubDouble;
  beforeAll(async () => {
    gh = await startGitHubDouble();
  });
  afterAll(async () => {
    await gh?.close();
  });

  it('an orphan at RunPod: listed with what it has cost since RunPod created it, escalated, never touched', async () => {
    const at = `issue:${gh.addIssue('RunPod orphans')}`;
    // The create answered and the job died before any record: only the provider knows the pod.
    const made = await fetch(`${runpod.url}/pods`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RUNPOD_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tether-killed', image: 'runpod/pytorch:1.0.2', gpu: { id: 'NVIDIA A100 80GB PCIe', count: 1 }, ports: ['22/tcp'] }),
    }).then(async (r) => (await r.json()) as { id: string });
    const pod = runpod.pods.get(made.id)!;
    pod.createdAt = new Date(Date.now() - 2 * 3600_000);
    const env = { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url };
    const r = captureReporter();
    const code = await patrolPhase(
      { 'ssh-key-path': keyFile, 'connect-timeout': '3', 'report-to': at, provider: 'runpod', 'api-key': RUNPOD_KEY, 'provider-api-url': runpod.url },
      {},
      r,
      { probe: probeHost, registered: registeredHosts, remote: githubStore(parseReportTo(at)!, env, 'ghs-actions-token') },
    );
    expect(code).toBe(1);
    const orphans = JSON.parse(r.outputs['orphans'] ?? '[]') as Array<Record<string, unknown>>;
    const mine = orphans.find((o) => o['instance_id'] === made.id)!;
    expect(mine).toMatchObject({ provider: 'runpod', name: 'tether-killed', status: expect.any(String), cost_so_far: 3.28 });
    expect(mine['age_s']).toBeGreaterThanOrEqual(7200);
    expect(r.summaries.join('\n')).toMatch(
      new RegExp(
        `🧟 \`${made.id}\` \\(\`runpod\`, named \`tether-killed\`.*\\$1\\.64/h\\) bills with no run and no provision record behind it: up 2\\.0 h, about \\$3\\.28 so far`,
      ),
    );
    expect(r.outputs['escalate']).toBe('true');
    expect(runpod.pods.get(made.id)?.status).not.toBe('TERMINATED');
  });
});

describe('the CLI chains provision → launch with nothing copied by hand', () => {
  const cli = (args: string[], cwd: string) =>
    new Promise<{ code: number; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href,
          new URL('../../src/cli/index.ts', import.meta.url).pathname,
          ...args,
        ],
        {
          cwd,
          env: { ...process.env, NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += String(d)));
      child.stderr.on('data', (d) => (out += String(d)));
      child.on('close', (code) => resolve({ code: code ?? 1, out }));
    });

  it('tether provision writes the signed hand-off; tether launch --from-provision takes the box from it, and refuses an edited one', async () => {
    const here = mkdtempSync(join(work, 'cli-'));
    const rented = await cli(
      [
        'provision',
        'cli-1',
        '--provider',
        'runpod',
        '--api-key',
        RUNPOD_KEY,
        '--provider-api-url',
        runpod.url,
        '--instance-types',
        'NVIDIA H100 80GB HBM3',
        '--ssh-key-path',
        keyFile,
        '--user',
        'root',
        '--connect-timeout',
        '3',
      ],
      here,
    );
    expect(rented.code, rented.out).toBe(0);
    const file = join(here, 'tether-provision-cli-1.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc).toMatchObject({
      schema: 'tether.provision/v1',
      run_id: 'cli-1',
      provider: 'runpod',
      port: 22,
      user: 'root',
      signer: expect.stringMatching(/^SHA256:/),
    });
    const pod = runpod.pods.get(doc.instance_id)!;
    pod.box!.sh(`mkdir -p ${pod.box!.home}/code`);
    const launched = await cli(
      [
        'launch',
        '--from-provision',
        file,
        '--ssh-key-path',
        keyFile,
        '--command',
        'echo step 1',
        '--workdir',
        '~/code',
        '--audit',
        'false',
        '--confirm-timeout',
        '1',
      ],
      here,
    );
    expect(launched.code, launched.out).toBe(0);
    expect(existsSync(`${pod.box!.home}/.tether/runs/cli-1/spec.json`)).toBe(true);
    // The run file later phases read names the box as provision gave it.
    const run = JSON.parse(readFileSync(join(here, 'tether-run-cli-1.json'), 'utf8'));
    expect(run).toMatchObject({
      host: doc.host,
      port: 22,
      user: 'root',
      host_key_fingerprint: doc.host_key_fingerprint,
      provider: 'runpod',
      instance_id: doc.instance_id,
    });
    // One byte of the box's address changed: the signature no longer verifies, and nothing reaches any box.
    const edited = join(here, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...doc, host: '10.251.99.2' }));
    const refused = await cli(['launch', '--from-provision', edited, '--ssh-key-path', keyFile, '--command', 'echo x', '--run-id', 'cli-1'], here);
    expect(refused.code).toBe(2);
    expect(refused.out).toMatch(/--from-provision: .*edited\.json's signature does not verify with this launch's SSH key/);
    // A host given that says otherwise is an error naming both.
    const clash = await cli(['launch', '--from-provision', file, '--ssh-key-path', keyFile, '--command', 'echo x', '--host', '10.0.0.1'], here);
    expect(clash.code).toBe(2);
    expect(clash.out).toMatch(/--host: is 10\.0\.0\.1, but .* says 10\.251\.\d+\.2/);
    pod.box?.destroy();
    pod.box = null;
    pod.status = 'TERMINATED';
  }, 120_000);
});
