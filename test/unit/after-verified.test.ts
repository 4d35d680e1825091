import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { describe, expect, it } from 'vitest';
import { afterVerified, type AfterVerifiedDeps } from '../../src/teardown/after-verified.ts';
import { approvalOf } from '../../src/teardown/auto.ts';
import { costSince, planPolicies, policyLine, runOfUrl, savedLine, type PolicyWanted } from '../../src/patrol/policy.ts';
import { AFTER_VERIFIED_VERBS, PROVIDER_NAMES } from '../../src/record/names.ts';
import { FACTS, providerModule } from '../../src/providers/index.ts';
import { parseLaunch, parseLaunchPhase } from '../../src/config/launch.ts';
import { verifiedJson, verifiedMac, verifiedMacOk } from '../../src/record/verified.ts';
import type { Manifest } from '../../src/record/manifest.ts';
import type { RunState } from '../../src/record/run-state.ts';
import type { Registration } from '../../src/registry/entry.ts';
import { readRegistration, renderRegistration, signedBytes } from '../../src/registry/entry.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { sign } from '../../src/ssh/sign.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { readMemory, memoryBlock, type TickMemory } from '../../src/patrol/memory.ts';
import type { ActionsApi } from '../../src/ports/types.ts';
import { InputError } from '../../src/config/errors.ts';

const m: Manifest = {
  schema: 'tether.manifest/v1',
  run_id: 'r1',
  attempt: 2,
  created_at: 'x',
  latest_only: false,
  file_count: 1,
  total_bytes: 3,
  workdir: '/w',
  files: [{ path: 'ckpt/step_8.pt', bytes: 3, sha256: 'a'.repeat(64) }],
};
const text = `${JSON.stringify(m)}\n`;
const ENDED: RunState = {
  state: 'finished',
  cls: null,
  attempt: 2,
  step: 8,
  checkpoint_age_s: 4,
  finished_at: '2026-12-02T00:10:00Z',
  observed_at: '2026-12-02T00:20:00Z',
};
const FP = `SHA256:${'k'.repeat(43)}`;
const BOX = { host: '10.0.0.2', port: 22, host_key_fingerprint: FP, provider: 'aws', instance_id: 'i-0123456789abcdef0' };
const KEY = Buffer.alloc(32, 7);
const verifiedText = verifiedJson(m, text, new Date(0), BOX, { 'torch-zip': 2 }, ENDED);

const POLICY = {
  afterVerified: 'destroy' as const,
  environment: 'gpu-approval',
  approvingRun: { id: 555, attempt: 1, workflow: '.github/workflows/launch.yml' },
};
const ENTRY: Registration = {
  runId: 'r1',
  host: '10.0.0.2',
  port: 22,
  user: 'root',
  hostKeyFingerprint: FP,
  runRoot: '~/.tether',
  backend: 'tmux',
  attempt: 2,
  expectedDurationS: null,
  launchedAt: '2026-12-02T00:00:00.000Z',
  commit: null,
  provider: 'aws',
  instanceId: 'i-0123456789abcdef0',
  hourlyPrice: '1.2',
  policy: POLICY,
};
const WANT: PolicyWanted = { runId: 'r1', attempt: 2, state: 'finished', verb: 'destroy', collectRun: 31000 };

/** Every effect recorded; each may be overridden. */
function deps(over: Partial<AfterVerifiedDeps> = {}) {
  const calls: string[] = [];
  const d: AfterVerifiedDeps = {
    proof: async () => (calls.push('proof'), { verifiedText, manifestText: text, macText: verifiedMac(KEY, verifiedText) }),
    macOk: (t, tag) => verifiedMacOk(KEY, t, tag),
    approval: async () => (calls.push('approval'), { by: 'octo-researcher' }),
    look: async () => (calls.push('look'), { seen: { kind: 'seen', state: { ...ENDED, observed_at: '2026-12-02T01:00:00Z' } }, note: '' }),
    act: async (verb) => (calls.push(`act:${verb}`), { ok: true, detail: 'terminated' }),
    now: () => new Date('2026-12-02T01:00:00Z'),
    ...over,
  };
  return { d, calls };
}
const why = (o: Awaited<ReturnType<typeof afterVerified>>) => ('why' in o ? o.why : o.kind);

describe('after-verified: the patrol acts only on its own proof, a person’s approval and the box itself (issue 27 §3)', () => {
  it('acts when everything holds, in order: proof, approval, box, provider', async () => {
    const { d, calls } = deps();
    expect(await afterVerified(WANT, ENTRY, d)).toEqual({
      kind: 'done',
      verb: 'destroy',
      detail: 'terminated',
      approvedBy: 'octo-researcher',
      at: '2026-12-02T01:00:00.000Z',
    });
    expect(calls).toEqual(['proof', 'approval', 'look', 'act:destroy']);
  });

  it('waits with no collect run or no verified artifact yet, and acts on nothing', async () => {
    const a = deps();
    expect(await afterVerified({ ...WANT, collectRun: null }, ENTRY, a.d)).toMatchObject({
      kind: 'waiting',
      why: expect.stringMatching(/no collect was dispatched/),
    });
    const b = deps({ proof: async () => null });
    expect(await afterVerified(WANT, ENTRY, b.d)).toMatchObject({ kind: 'waiting', why: 'collect run 31000 has no verified records artifact (yet)' });
    expect([...a.calls, ...b.calls].some((c) => c.startsWith('act'))).toBe(false);
  });

  it('refuses each doubt before anything acts, and says why', async () => {
    const cases: Array<[Partial<AfterVerifiedDeps>, RegExp, Partial<typeof WANT>?, Partial<Registration>?]> = [
      [{ proof: async () => ({ verifiedText, manifestText: text, macText: null }) }, /carries no VERIFIED.mac/],
      [
        { proof: async () => ({ verifiedText, manifestText: text, macText: verifiedMac(Buffer.alloc(32, 8), verifiedText) }) },
        /does not verify with this patrol’s key/,
      ],
      // An edited VERIFIED.json (its MAC no longer matches).
      [
        {
          proof: async () => ({
            verifiedText: verifiedText.replace('"file_count": 1', '"file_count": 2'),
            manifestText: text,
            macText: verifiedMac(KEY, verifiedText),
          }),
        },
        /does not verify/,
      ],
      [{ proof: async () => 'the proof of collect run 31000 could not be read (boom)' }, /could not be read \(boom\)/],
      [{}, /the proof is of attempt 2, the run is at attempt 3/, { attempt: 3 }],
      [{}, /proves aws instance "i-0123456789abcdef0", not aws "i-0fedcba9876543210"/, {}, { instanceId: 'i-0fedcba9876543210' }],
      [{}, /proves the box at 10.0.0.2:22, not 10.0.0.9:22/, {}, { host: '10.0.0.9' }],
      [{ approval: async () => ({ refused: 'workflow run 555 has no person’s approval' }) }, /no person’s approval/],
      [{ look: async () => ({ refused: "the box's checkpoints changed since verification (new: ckpt/step_9.pt)" }) }, /changed since verification/],
      [
        { look: async () => ({ seen: { kind: 'not-seen', why: 'the box does not answer: timeout' }, note: '' }) },
        /does not answer: timeout: its files cannot be re-hashed/,
      ],
      [
        { look: async () => ({ seen: { kind: 'seen', state: { ...ENDED, state: 'running', finished_at: 'running' } }, note: '' }) },
        /tearing down would kill it/,
      ],
      [{}, /holds no such policy/, { verb: 'park' }],
    ];
    for (const [over, re, want, entry] of cases) {
      const { d, calls } = deps(over);
      const o = await afterVerified({ ...WANT, ...want }, { ...ENTRY, ...entry }, d);
      expect(o.kind, String(re)).toBe('refused');
      expect(why(o)).toMatch(re);
      expect(
        calls.some((c) => c.startsWith('act')),
        String(re),
      ).toBe(false);
    }
    // A proof that fails never costs an approval read or a look at the box.
    const { d, calls } = deps({ proof: async () => ({ verifiedText, manifestText: text, macText: null }) });
    await afterVerified(WANT, ENTRY, d);
    expect(calls).toEqual([]);
  });

  it('a provider that does not confirm the verb is a failure, never done', async () => {
    const { d } = deps({ act: async () => ({ ok: false, detail: 'still shutting-down after 600 s' }) });
    expect(await afterVerified(WANT, ENTRY, d)).toEqual({ kind: 'failed', why: 'still shutting-down after 600 s' });
  });
});

describe('the approval is GitHub’s record of a person approving the launch’s run', () => {
  const api = (run: { path: string }, reviews: Awaited<ReturnType<ActionsApi['approvals']>>): ActionsApi => ({
    workflowRun: async () => ({ ...run, status: 'completed', conclusion: 'success' }),
    approvals: async () => reviews,
    downloadRunArtifact: async () => null,
  });
  const run = { path: '.github/workflows/launch.yml' };
  const rev = (state: string, login = 'octo-researcher', type = 'User', environments = ['gpu-approval']) => ({ state, login, type, environments });
  it('takes a person’s approval in the named environment and refuses everything else', async () => {
    expect(await approvalOf(api(run, [rev('approved')]), POLICY)).toEqual({ by: 'octo-researcher' });
    expect(await approvalOf(api(run, []), POLICY)).toMatchObject({ refused: expect.stringMatching(/no person's approval in environment gpu-approval/) });
    expect(await approvalOf(api(run, [rev('approved', 'github-actions[bot]', 'Bot')]), POLICY)).toMatchObject({
      refused: expect.stringMatching(/no person's approval/),
    });
    expect(await approvalOf(api(run, [rev('approved', 'octo', 'User', ['staging'])]), POLICY)).toMatchObject({
      refused: expect.stringMatching(/no person's approval/),
    });
    expect(await approvalOf(api(run, [rev('approved'), rev('rejected', 'lead')]), POLICY)).toEqual({
      refused: '@lead rejected workflow run 555 in environment gpu-approval',
    });
    expect(await approvalOf(api({ path: '.github/workflows/other.yml' }, [rev('approved')]), POLICY)).toMatchObject({
      refused: expect.stringMatching(/is of .github\/workflows\/other.yml, not .github\/workflows\/launch.yml/),
    });
    expect(await approvalOf(null, POLICY)).toMatchObject({ refused: expect.stringMatching(/needs the GitHub API/) });
    const failing: ActionsApi = { ...api(run, []), workflowRun: async () => Promise.reject(new Error('HttpError: Not Found')) };
    expect(await approvalOf(failing, POLICY)).toMatchObject({ refused: expect.stringMatching(/could not be read \(HttpError: Not Found\)/) });
  });
});

describe('after-verified at launch: only where the patrol can act, signed with the approving run', () => {
  const base = { 'run-id': 'r1', command: 'python train.py', provider: 'aws', 'instance-id': 'i-0123456789abcdef0', 'approval-environment': 'gpu-approval' };
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      if (err instanceof InputError) return err.message;
      throw err;
    }
    return 'accepted';
  };
  it('each verb in the table is one the provider module offers, through its API', () => {
    for (const p of PROVIDER_NAMES)
      for (const verb of AFTER_VERIFIED_VERBS[p]) {
        expect(FACTS[p][verb], `${p} ${verb}`).not.toBeNull();
        expect(providerModule(p).provision, p).toBeDefined();
      }
  });
  it('refuses what the patrol cannot do, before anything touches a box', () => {
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'destroy' }))).toBe('accepted');
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'explode' }))).toMatch(/^input 'after-verified': /);
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'park', provider: 'lambda' }))).toMatch(
      /park is not offered for provider lambda \(it offers destroy\)/,
    );
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'destroy', provider: 'ssh' }))).toMatch(/only through a provider's API/);
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'destroy', provider: '', 'instance-id': '' }))).toMatch(/needs provider and instance-id/);
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'destroy', 'approval-environment': '' }))).toMatch(
      /^input 'approval-environment': is required/,
    );
    expect(refusal(() => parseLaunch({ ...base, 'after-verified': 'destroy', 'approval-environment': 'a\nb' }))).toMatch(/is not an environment name/);
    expect(refusal(() => parseLaunch({ ...base }))).toMatch(/'approval-environment': is read only with after-verified/);
  });
  it('park-after: only a reversible park with no account key on the box, where the disk survives it', () => {
    const pa = { 'run-id': 'r1', command: 'python train.py', provider: 'aws', 'instance-id': 'i-0123456789abcdef0' };
    expect(parseLaunch({ ...pa, 'park-after': '30m' }).parkAfter).toEqual({ seconds: 1800, how: 'ec2-shutdown', address: '169.254.169.254:80' });
    expect(parseLaunch({ ...pa, 'park-after': '10s', 'metadata-address': '127.0.0.1:18081' }).parkAfter).toMatchObject({ address: '127.0.0.1:18081' });
    expect(parseLaunch({ ...pa, provider: 'runpod', 'instance-id': 'pod1', 'park-after': '1h', 'run-root': '/workspace/.tether' }).parkAfter).toMatchObject({
      how: 'runpod-stop',
    });
    expect(parseLaunch(pa).parkAfter).toBeNull();
    expect(refusal(() => parseLaunch({ ...pa, 'park-after': '5s' }))).toMatch(/between 10s and 7d/);
    expect(refusal(() => parseLaunch({ ...pa, provider: 'lambda', 'instance-id': 'x', 'park-after': '1h' }))).toMatch(
      /needs provider aws or runpod, not lambda/,
    );
    expect(refusal(() => parseLaunch({ ...pa, provider: '', 'instance-id': '', 'park-after': '1h' }))).toMatch(/needs provider aws or runpod:/);
    expect(refusal(() => parseLaunch({ ...pa, provider: 'runpod', 'instance-id': 'pod1', 'park-after': '1h' }))).toMatch(/run-root under \/workspace/);
    expect(
      refusal(() => parseLaunch({ ...pa, provider: 'runpod', 'instance-id': 'pod1', 'park-after': '1h', 'run-root': '/workspace/t', workdir: '/root/code' })),
    ).toMatch(/run-root and workdir under \/workspace/);
    expect(refusal(() => parseLaunch({ ...pa, 'park-after': '1h', cells: 'a: python a.py\nb: python b.py', command: '' }))).toMatch(/not offered for a sweep/);
    // Signed into the registration; an older entry without it reads as it was.
    const pair = ed25519Pair() as unknown as { private: string };
    const cred = loadCredential({ kind: 'content', text: pair.private });
    const entry = { ...ENTRY, parkAfterS: 1800 };
    const body = renderRegistration({ entry, ...sign(cred, signedBytes(entry)) }, (x) => x);
    expect(body).toContain('the box parks itself 30m after its job ends (park-after, opted into at launch)');
    expect(verifiedRegistration(body, cred)).toMatchObject({ entry: { parkAfterS: 1800 } });
    expect('parkAfterS' in readRegistration(renderRegistration({ entry: ENTRY, ...sign(cred, signedBytes(ENTRY)) }, (x) => x)).entry).toBe(false);
  });
  it('the approving run comes from the runner: outside a workflow run there is nothing to check', () => {
    const privateKey = (ed25519Pair() as unknown as { private: string }).private;
    const inputs = { ...base, 'after-verified': 'destroy', host: '10.0.0.2', 'host-key-fingerprint': FP, 'ssh-key': privateKey, 'report-to': 'issue:3' };
    const env = { GITHUB_RUN_ID: '555', GITHUB_RUN_ATTEMPT: '2', GITHUB_WORKFLOW_REF: 'lab/train/.github/workflows/launch.yml@refs/heads/main' };
    expect(parseLaunchPhase(inputs, env).policy).toEqual({ ...POLICY, approvingRun: { ...POLICY.approvingRun, attempt: 2 } });
    expect(refusal(() => parseLaunchPhase(inputs, {}))).toMatch(/needs a GitHub Actions workflow run/);
    expect(refusal(() => parseLaunchPhase({ ...inputs, 'report-to': '' }, env))).toMatch(/'after-verified': needs report-to/);
  });
  it('the registration signs the policy: an edit to it breaks the signature', () => {
    const pair = ed25519Pair() as unknown as { private: string };
    const cred = loadCredential({ kind: 'content', text: pair.private });
    const body = renderRegistration({ entry: ENTRY, ...sign(cred, signedBytes(ENTRY)) }, (s) => `\`${s}\``);
    expect(body).toContain('the patrol will destroy it, as approved through environment `gpu-approval` on workflow run `555`');
    const checked = verifiedRegistration(body, cred);
    expect(checked).toMatchObject({ entry: { policy: POLICY } });
    const sealed = readRegistration(body);
    const forged = { ...sealed.entry, policy: { ...POLICY, approvingRun: { ...POLICY.approvingRun, id: 556 } } };
    const edited = renderRegistration({ entry: forged, signer: sealed.signer, sig: sealed.sig }, (s) => s);
    expect(verifiedRegistration(edited, cred)).toMatchObject({ why: expect.any(String) });
  });
});

describe('the patrol’s policy plan and status (pure)', () => {
  const mem = (over: Record<string, unknown> = {}): TickMemory =>
    ({
      v: 1,
      tick: 3,
      runs: {
        r1: {
          attempt: 2,
          offset: 0,
          state: 'finished',
          cls: null,
          since: '2026-12-02T00:00:00.000Z',
          lastKnown: null,
          unreachableSince: null,
          unreachableTicks: 0,
          oomKills: null,
          step: 8,
          epoch: null,
          metrics: {},
          history: [],
          collect: { attempt: 2, at: 'x', url: 'https://github.test/lab/train/actions/runs/31007', run: 31007 },
          ...over,
        },
      },
    }) as TickMemory;
  const v = [{ runId: 'r1', state: 'finished', attempt: 2 }];
  it('plans an ended run with a policy once per attempt, with the collect run it dispatched', () => {
    expect(planPolicies(v, mem(), { r1: 'destroy' })).toEqual([{ runId: 'r1', attempt: 2, state: 'finished', verb: 'destroy', collectRun: 31007 }]);
    expect(planPolicies([{ ...v[0]!, state: 'running' }], mem(), { r1: 'destroy' })).toEqual([]);
    expect(planPolicies(v, mem(), { r1: null })).toEqual([]);
    expect(planPolicies(v, mem({ teardown: { state: 'torn-down', reason: 'x', at: 'y' } }), { r1: 'destroy' })).toEqual([]);
    expect(planPolicies(v, mem({ policy: { attempt: 2, verb: 'destroy', at: 'x', detail: 'd', approvedBy: 'o', endedAt: null } }), { r1: 'destroy' })).toEqual(
      [],
    );
    // A collect of an older attempt is no proof of this one; a mark without the run id reads it from the URL.
    expect(planPolicies(v, mem({ collect: { attempt: 1, at: 'x', url: 'u' } }), { r1: 'destroy' })[0]?.collectRun).toBeNull();
    expect(planPolicies(v, mem({ collect: { attempt: 2, at: 'x', url: 'https://github.test/o/r/actions/runs/42' } }), { r1: 'park' })[0]?.collectRun).toBe(42);
    expect(runOfUrl('https://github.test/o/r/actions/workflows/c.yml')).toBeNull();
  });
  it('the policy mark and the collect run survive the signed memory round trip; a malformed one does not', () => {
    const withMark = mem({ policy: { attempt: 2, verb: 'destroy', at: '2026-12-02T01:00:00.000Z', detail: 'terminated', approvedBy: 'octo', endedAt: null } });
    const back = readMemory(memoryBlock(withMark, KEY), KEY).memory;
    expect(back.runs['r1']?.policy).toEqual(withMark.runs['r1']?.policy);
    expect(back.runs['r1']?.collect?.run).toBe(31007);
    const bad = readMemory(memoryBlock(mem({ policy: { attempt: 2, verb: 'explode', at: 'x', detail: 'd', approvedBy: 'o', endedAt: null } }), KEY), KEY);
    expect(bad.memory.runs['r1']).toBeUndefined();
  });
  it('says what a box cost since its run ended and what the policy saved', () => {
    const now = new Date('2026-12-02T02:00:00Z');
    expect(costSince('2026-12-02T00:00:00Z', '1.5', now)).toEqual({ s: 7200, cost: 3 });
    expect(costSince('garbage', '1.5', now)).toBeNull();
    const c = (s: string) => `\`${s}\``;
    const line = policyLine('r1', 'destroy', { kind: 'refused', why: 'no approval' }, { since: '2026-12-02T00:00:00Z', hourlyPrice: '1.5' }, now, c, (s) => s);
    expect(line).toBe(
      "⛔ `r1`: after-verified destroy **refused**: no approval; ended 2.0 h ago, $3.00 billed since. Nothing was done; **Do:** collect again, or tear down through teardown's approval",
    );
    expect(savedLine('r1', { verb: 'destroy', at: '2026-12-02T01:00:00Z', endedAt: '2026-12-02T00:30:00Z' }, '1.5', now, c)).toBe(
      '💰 `r1`: the patrol destroyed its box 60 min ago, 30 min after it ended ($0.75 billed in between): $1.50 not billed since, at $1.5/h',
    );
    expect(savedLine('r1', { verb: 'park', at: '2026-12-02T01:00:00Z', endedAt: null }, null, now, c)).toBeNull();
  });
});

describe('on-preempt restart-instance: only where tether can start the preempted instance again', () => {
  const base = { 'run-id': 'r1', command: 'python train.py', provider: 'vastai', 'instance-id': '17000001', 'on-preempt': 'restart-instance' };
  const refusal = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      if (err instanceof InputError) return err.message;
      throw err;
    }
    return 'accepted';
  };
  it('vast (a new bid) yes, without sync-dir (its disk keeps the code); EC2 and the rest no', () => {
    expect(parseLaunch(base).onPreempt).toEqual({ policy: 'restart-instance', maxRecoveries: 3 });
    expect(refusal(() => parseLaunch({ ...base, provider: 'aws', 'instance-id': 'i-0123456789abcdef0' }))).toMatch(
      /restart-instance is not offered for provider aws: EC2 restarts a stopped spot instance only by itself/,
    );
    expect(refusal(() => parseLaunch({ ...base, provider: 'runpod', 'instance-id': 'pod1' }))).toMatch(/not offered for provider runpod/);
    expect(refusal(() => parseLaunch({ ...base, provider: '', 'instance-id': '' }))).toMatch(/needs provider \(and instance-id\)/);
  });
  it('its terms carry no command or release (the work is on the instance), and read back signed', () => {
    const pair = ed25519Pair() as unknown as { private: string };
    const cred = loadCredential({ kind: 'content', text: pair.private });
    const recovery = {
      onPreempt: 'restart-instance' as const,
      maxRecoveries: 3,
      recoveries: 1,
      command: '',
      then: null,
      checkpoints: ['ckpt/*.pt'],
      syncDir: '',
      syncMode: 'dir' as const,
      release: null,
      envNames: [],
      secretNames: [],
      previous: [],
      restored: null,
    };
    const entry = { ...ENTRY, provider: 'vastai', instanceId: '17000001', policy: null, recovery };
    const body = renderRegistration({ entry, ...sign(cred, signedBytes(entry)) }, (x) => x);
    expect(verifiedRegistration(body, cred)).toMatchObject({ entry: { recovery } });
  });
});
