import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../../src/launch/phase.ts';
import { readMemory } from '../../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, HUMAN, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
let gh: GitHubDouble;
beforeAll(async () => {
  box = await createBox();
  gh = await startGitHubDouble();
  box.sh(`mkdir -p ${box.home}/code`);
  for (const [id, cmd] of [
    ['s-live', 'echo "step 7 loss 0.9"; sleep 300'],
    ['s-done', 'echo "step 3 loss 0.5"'],
  ]) {
    await launchPhase(
      box.inputs({
        'run-id': id as string,
        command: cmd as string,
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': `/tmp/tether-sticky-${id}.json`,
      }),
      {},
      captureReporter(),
      '/tmp',
    );
  }
  await waitFor('s-done', () => existsSync(`${box.home}/.tether/runs/s-done/DONE`), 10_000);
});
afterAll(async () => {
  box?.destroy();
  await gh?.close();
});

function tickAction(extra: Record<string, string>, token = 'ghs-actions-token') {
  return runBuiltAction('patrol', box.inputs({ 'run-ids': 's-live,s-done', 'github-token': token, 'stall-after': '1h', ...extra }), {
    GITHUB_REPOSITORY: gh.repo,
    GITHUB_API_URL: gh.url,
  }).then((r) => {
    removeWorkspace(r);
    return r;
  });
}

const ours = (issue: number) =>
  [...gh.comments.values()].filter((c) => c.issue === issue && c.user.login === BOT.login && c.body.includes('<!-- tether:status -->'));

describe('sticky status comment through the real @octokit/rest against an OpenAPI-checked double', () => {
  it('posts one comment, then updates it in place on every tick, carrying the tick memory', async () => {
    const issue = gh.addIssue('training runs');
    const first = await tickAction({ 'report-to': `issue:${issue}` });
    expect(first.code, first.stdout).toBe(0);
    expect(ours(issue)).toHaveLength(1);
    const id = ours(issue)[0]!.id;
    expect(first.outputs['status-url']).toBe(`https://github.test/${gh.repo}/issues/${issue}#issuecomment-${id}`);
    const second = await tickAction({ 'report-to': `issue:${issue}` });
    expect(second.code).toBe(0);
    expect(ours(issue).map((c) => c.id)).toEqual([id]);
    const body = ours(issue)[0]!.body;
    expect(body).toMatch(/last checked .*, tick 2/);
    expect(body).toContain('| `s-live` |');
    expect(readMemory(body).runs['s-live']?.step).toBe(7);
    expect(gh.requests.filter((r) => r.status === 422)).toEqual([]);
    expect(gh.responseErrors).toEqual([]);
  });

  it('finds its comment across pages and ignores look-alikes by other authors', async () => {
    const pr = gh.addIssue('a pull request', { pull: true });
    for (let i = 0; i < 130; i++) gh.addComment(pr, `review note ${i}`, HUMAN);
    const mine = gh.addComment(pr, '<!-- tether:status -->\nold status', BOT);
    gh.addComment(pr, '<!-- tether:status --> quoted by a person', HUMAN);
    for (let i = 0; i < 120; i++) gh.addComment(pr, `more ${i}`, HUMAN);
    const r = await tickAction({ 'report-to': `pr:${pr}` });
    expect(r.code, r.stdout).toBe(0);
    expect(ours(pr).map((c) => c.id)).toEqual([mine]);
    expect(gh.comments.get(mine)?.body).toMatch(/tick 1/); // the old body had no memory block: a first tick
    expect(gh.requests.some((q) => q.operationId === 'issues/list-comments' && /page=3/.test(q.path))).toBe(true);
    expect([...gh.comments.values()].filter((c) => c.issue === pr && c.user.login === HUMAN.login && c.body.includes('quoted by a person'))).toHaveLength(1);
  });

  it('two ticks racing leave exactly one comment', async () => {
    const issue = gh.addIssue('race');
    // Both ticks read the comments before either's comment exists: both create, then both see two and keep the oldest.
    gh.holdCreates(2);
    const [a, b] = await Promise.all([tickAction({ 'report-to': `issue:${issue}` }), tickAction({ 'report-to': `issue:${issue}` })]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(ours(issue)).toHaveLength(1);
    expect(gh.requests.filter((r) => r.operationId === 'issues/create-comment' && r.path.includes(`/issues/${issue}/`)).length).toBe(2);
  });

  it('tracking-issue opens one issue per run id and keeps a comment in each', async () => {
    const before = gh.issues.size;
    expect((await tickAction({ 'report-to': 'tracking-issue' })).code).toBe(0);
    expect((await tickAction({ 'report-to': 'tracking-issue' })).code).toBe(0);
    const opened = [...gh.issues.values()].slice(before);
    expect(opened.map((i) => i.title).sort()).toEqual(['tether: run s-done', 'tether: run s-live']);
    for (const i of opened) {
      expect(ours(i.number)).toHaveLength(1);
      expect(ours(i.number)[0]!.body).toMatch(/tick 2/);
    }
    expect(ours(opened.find((i) => i.title.endsWith('s-done'))!.number)[0]!.body).not.toContain('s-live');
  });

  it('a personal token reads its own login; a bad token is one clear error and the summary still has the status', async () => {
    const issue = gh.addIssue('human token');
    expect((await tickAction({ 'report-to': `issue:${issue}` }, 'ghp-human-token')).code).toBe(0);
    expect([...gh.comments.values()].filter((c) => c.issue === issue && c.user.login === HUMAN.login)).toHaveLength(1);
    const bad = await runBuiltAction('patrol', box.inputs({ 'run-ids': 's-done', 'github-token': 'nope', 'report-to': `issue:${issue}` }), {
      GITHUB_REPOSITORY: gh.repo,
      GITHUB_API_URL: gh.url,
    });
    removeWorkspace(bad);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/::error::patrol: the status could not be written \(Bad credentials/);
    expect(bad.summary).toContain('| `s-done` |');
  });
});
