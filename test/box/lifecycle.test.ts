import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unverifiedMemory } from '../../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { KEYS, ProviderDouble } from '../harness/provider-double.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
let gh: GitHubDouble;
let artifacts: ArtifactDouble;
let provider: ProviderDouble;
let dest: string;

beforeAll(async () => {
  box = await createBox();
  gh = await startGitHubDouble();
  artifacts = new ArtifactDouble();
  await artifacts.start();
  provider = new ProviderDouble();
  await provider.start();
  provider.add('runpod', 'pod-life', 2);
  dest = mkdtempSync(join(tmpdir(), 'tether-life-'));
  box.sh(`mkdir -p ${box.home}/train`);
});

afterAll(async () => {
  await provider?.stop();
  await artifacts?.stop();
  await gh?.close();
  box?.destroy();
  if (dest) rmSync(dest, { recursive: true, force: true });
});

const RUN = 'life-1';
// A real (tiny) PyTorch job that holds on until the test lets it finish.
const TRAIN = `/usr/bin/python3 -c "
import torch, os, time
os.makedirs('ck', exist_ok=True)
m = torch.nn.Linear(8, 2)
for step in range(1, 1000):
    print(f'step {step} loss {1.0 / step:.4f}', flush=True)
    if step % 2 == 0: torch.save({'model': m.state_dict(), 'step': step}, 'ck/last.pt')
    if os.path.exists('STOP') and step > 3: break
    time.sleep(0.3)
"`;

const github = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
async function action(name: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const r = await runBuiltAction(name, inputs, env, 180_000);
  removeWorkspace(r);
  return r;
}
const reporting = { 'report-to': 'tracking-issue', 'github-token': 'ghs-actions-token' };
// The cron patrol as a user sets it up: no tether.yml, no host, no run ids: only the key and where launch registered.
const patrol = () => action('patrol', { 'ssh-key-path': box.inputs()['ssh-key-path']!, 'connect-timeout': '5', ...reporting, 'stall-after': '1h' }, github());
const registration = () => [...gh.comments.values()].find((c) => c.issue === tracking()?.number && c.body.includes(`<!-- tether:registration ${RUN} -->`));
const tracking = () => [...gh.issues.values()].find((i) => i.title === `tether: run ${RUN}`);
const status = () =>
  [...gh.comments.values()].find((c) => c.issue === tracking()?.number && c.user.login === BOT.login && c.body.includes('<!-- tether:status -->'))?.body ?? '';

describe('the whole lifecycle through the built actions (dist/, Node 24, INPUT_* and file-based outputs)', () => {
  it('launch (registers) → patrol without config finds it running → finished → collect verified + artifacts → teardown approved → provider gone → patrol skips it', async () => {
    const launched = await action(
      'launch',
      box.inputs({ 'run-id': RUN, command: TRAIN, workdir: '~/train', audit: 'false', 'confirm-timeout': '2', checkpoints: 'ck/*.pt', ...reporting }),
      github(),
    );
    expect(launched.code, launched.stdout).toBe(0);
    expect(launched.outputs['result']).toBe('started');
    // Registered in the run's tracking issue, by tether's identity, with the host key launch pinned.
    expect(registration()?.user.login).toBe(BOT.login);
    expect(registration()?.body).toContain(box.fingerprint);
    expect(launched.outputs['registration-url']).toMatch(/#issuecomment-\d+$/);

    await waitFor('a checkpoint', () => existsSync(`${box.home}/train/ck/last.pt`), 30_000);
    const running = await patrol();
    expect(running.code, running.stdout).toBe(0);
    expect(running.stdout).toMatch(/1 registered run\(s\) on 1 host\(s\)/);
    expect(JSON.parse(running.outputs['states']!)[RUN]).toMatchObject({ state: 'running', host: `root@${box.addr}:22` });
    expect(status()).toContain(`| \`${RUN}\` |`);

    box.sh(`touch ${box.home}/train/STOP`);
    await waitFor('DONE', () => existsSync(`${box.home}/.tether/runs/${RUN}/DONE`), 60_000);
    const finished = await patrol();
    expect(JSON.parse(finished.outputs['states']!)[RUN].state).toBe('finished');

    const collected = await action(
      'collect',
      box.inputs({
        'run-id': RUN,
        'dest-dir': dest,
        provider: 'runpod',
        'instance-id': 'pod-life',
        verb: 'destroy',
        'trusted-load-command': '/usr/bin/python3 -c "import torch,sys; torch.load(sys.argv[1], weights_only=True)"',
      }),
      artifacts.env('wf-run-1', 'job-collect'),
    );
    expect(collected.code, collected.stdout).toBe(0);
    expect(collected.outputs['verified']).toBe('true');
    // The card the approver sees while the environment approval waits.
    expect(collected.summary).toMatch(/Teardown card — `life-1`/);
    expect(collected.summary).toMatch(/\| verb \| \*\*destroy\*\*: terminate/);
    expect(collected.summary).toMatch(/\| reversible \| \*\*NO\*\*/);
    expect(
      artifacts
        .finalized()
        .map((a) => a.name)
        .sort(),
    ).toEqual([collected.outputs['artifact-name'], collected.outputs['verified-artifact']].sort());

    // The approved teardown job of the same workflow run: proof from the artifact, not from disk.
    const torn = await action(
      'teardown',
      box.inputs({
        'run-id': RUN,
        provider: 'runpod',
        'instance-id': 'pod-life',
        verb: 'destroy',
        'verified-artifact': collected.outputs['verified-artifact']!,
        'api-key': KEYS.runpod,
        'provider-api-url': provider.url('runpod'),
        'dry-run': 'false',
        'teardown-timeout': '30s',
        'report-to': 'tracking-issue',
        'github-token': 'ghs-actions-token',
      }),
      { ...artifacts.env('wf-run-1', 'job-teardown'), ...github() },
    );
    expect(torn.code, torn.stdout).toBe(0);
    expect(torn.outputs['state']).toBe('torn-down');
    // The key is masked as it is read, and appears nowhere else.
    expect(torn.stdout.split('\n').filter((l) => l.includes(KEYS.runpod))).toEqual([`::add-mask::${KEYS.runpod}`]);
    expect(provider.instances.get('runpod:pod-life')?.status).toBe('gone');
    expect(provider.calls('runpod', /^DELETE/)).toHaveLength(1);
    expect(tracking()?.state).toBe('closed');
    expect(unverifiedMemory(status()).runs[RUN]?.teardown?.state).toBe('torn-down');

    // The next cron patrol skips it (its tracking issue is closed); one asked about it by name says torn down.
    const after = await patrol();
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`patrol: ${RUN}: torn down by tether's teardown, tracking issue closed: not patrolled`));
    expect(JSON.parse(after.outputs['states']!)).toEqual({});
    const named = await action('patrol', box.inputs({ 'run-ids': RUN, ...reporting }), github());
    expect(JSON.parse(named.outputs['states']!)[RUN].state).toBe('torn-down');
    expect(status()).toMatch(/🏁/);
    expect(gh.responseErrors).toEqual([]);
  }, 300_000);
});
