import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { memoryBlock, unverifiedMemory } from '../../src/patrol/memory.ts';
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
    expect(unverifiedMemory(body).runs['s-live']?.step).toBe(7);
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

describe('tick memory on GitHub is tether-signed (issue 23 §3)', () => {
  it('an edited block that marks a live run torn down is ignored with a warning; the run is still probed', async () => {
    const issue = gh.addIssue('edited memory');
    expect((await tickAction({ 'report-to': `issue:${issue}` })).code).toBe(0);
    const c = ours(issue)[0]!;
    const m = unverifiedMemory(c.body);
    expect(m.runs['s-live']?.state).toBe('running');
    // A collaborator edits the block: s-live torn down, the MAC tag kept as it was.
    m.runs['s-live'] = { ...m.runs['s-live']!, teardown: { state: 'torn-down', reason: 'edited', at: '2026-01-01T00:00:00Z' } };
    const tag = /\.m[0-9a-f]{64}/.exec(c.body)?.[0] ?? '';
    expect(tag).not.toBe('');
    c.body = c.body.replace(/<!-- tether:memory [^ ]+ -->/, memoryBlock(m, null).replace(' -->', `${tag} -->`));
    const r = await tickAction({ 'report-to': `issue:${issue}` });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/signature does not hold under this runner's key .*ignored, never trusted/);
    expect(JSON.parse(r.outputs['states']!)['s-live'].state).toBe('running');
    // A forged block is a first tick: the tick count starts again, and the new block is signed.
    expect(r.outputs['tick']).toBe('1');
    expect(ours(issue)[0]!.body).toMatch(/<!-- tether:memory z[A-Za-z0-9+/=]+\.m[0-9a-f]{64} -->/);
  });

  it('an upgrade in the middle of a run: the unsigned block an older tether wrote is adopted once, re-signed, and said so', async () => {
    const issue = gh.addIssue('upgrade');
    expect((await tickAction({ 'report-to': `issue:${issue}` })).code).toBe(0);
    expect((await tickAction({ 'report-to': `issue:${issue}` })).code).toBe(0);
    const c = ours(issue)[0]!;
    const before = unverifiedMemory(c.body);
    expect(before.tick).toBe(2);
    // What an older tether wrote: the same memory, unsigned.
    c.body = c.body.replace(/<!-- tether:memory [^ ]+ -->/, memoryBlock(before, null));
    const up = await tickAction({ 'report-to': `issue:${issue}` });
    expect(up.code, up.stdout).toBe(0);
    expect(up.stdout).toMatch(/adopted an unsigned tick memory block \(written by an older tether\); it is signed from this tick on/);
    expect(up.outputs['tick']).toBe('3');
    expect(unverifiedMemory(ours(issue)[0]!.body).runs['s-live']?.offset).toBeGreaterThanOrEqual(before.runs['s-live']!.offset);
    const next = await tickAction({ 'report-to': `issue:${issue}` });
    expect(next.outputs['tick']).toBe('4');
    expect(next.stdout).not.toMatch(/adopted an unsigned/);
  });
});
