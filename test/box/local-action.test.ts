import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { runLocalAction } from '../harness/local-action.ts';

/**
 * tether's actions under `@github/local-action` (GitHub's local runner for JavaScript actions, from npm):
 * launch registers a run on a real box, then the patrol, with no config, host or run ids, finds it, each
 * reading its inputs from a dotenv file and reporting outputs and summary through local-action's stubs.
 */
let box: Box;
let gh: GitHubDouble;

beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  gh = await startGitHubDouble();
});
afterAll(async () => {
  await gh?.close();
  box?.destroy();
});

const RUN = 'local-1';
const github = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const reporting = { 'report-to': 'tracking-issue', 'github-token': 'ghs-actions-token' };

describe('the actions run under @github/local-action', () => {
  it('launch through local-action registers the run; patrol through local-action finds it running', async () => {
    const launched = await runLocalAction(
      'launch',
      box.inputs({ 'run-id': RUN, command: 'echo step 1 loss 0.5; sleep 600', workdir: '~/code', audit: 'false', 'confirm-timeout': '1', ...reporting }),
      github(),
    );
    expect(launched.code, launched.stdout).toBe(0);
    expect(launched.stdout).toMatch(/Running Action/);
    expect(launched.outputs['result']).toBe('started');
    expect(launched.stdout).not.toMatch(/403/);
    expect(launched.outputs['registration-url']).toMatch(/^https:\/\/github\.test\/lab\/train\/issues\/1#issuecomment-\d+$/);
    expect(launched.summary).toMatch(new RegExp(`launch.*\`${RUN}\``, 's'));
    expect(box.sh(`cat ${box.home}/.tether/runs/${RUN}/attempts/1/pid`)).toMatch(/^\d+\s*$/);

    const patrolled = await runLocalAction('patrol', { 'ssh-key-path': box.inputs()['ssh-key-path']!, 'connect-timeout': '5', ...reporting }, github());
    expect(patrolled.code, patrolled.stdout).toBe(0);
    expect(JSON.parse(patrolled.outputs['states'] ?? '{}')[RUN]?.state).toBe('running');
    expect(patrolled.summary).toMatch(new RegExp(RUN));
    const status = [...gh.comments.values()].find((c) => c.user.login === BOT.login && c.body.includes('<!-- tether:status -->'));
    expect(status?.body).toMatch(new RegExp(`${RUN}[\\s\\S]*running`));
  }, 240_000);

  it('an input error is one error line and a failing exit, as on the runner', async () => {
    const r = await runLocalAction('launch', box.inputs({ 'run-id': 'bad id!', command: 'true', workdir: '~/code' }));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/run-id/);
    expect(r.summary).toMatch(/❌ tether/);
  }, 120_000);
});
