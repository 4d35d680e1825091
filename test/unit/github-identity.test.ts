import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubStore } from '../../src/github/status-store.ts';
import { TRACKING_LABEL } from '../../src/github/sticky.ts';
import { STATUS_MARKER } from '../../src/patrol/render.ts';
import { BOT, HUMAN, startGitHubDouble, type DoubleUser, type GitHubDouble } from '../harness/github-double.ts';

/** A GitHub App installation token: like GITHUB_TOKEN, it cannot read /user (403). */
const APP: DoubleUser = { login: 'tether-lab[bot]', id: 777, type: 'Bot', app: true };
let gh: GitHubDouble;
beforeAll(async () => {
  gh = await startGitHubDouble();
  gh.tokens['ghs-app-token'] = APP;
});
afterAll(() => gh?.close());

const env = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const body = (n: number) => () => `${STATUS_MARKER}\nstatus ${n}`;
const ops = (id: string) => gh.requests.filter((r) => r.operationId === id).length;

describe('the sticky comment with a GitHub App token (403 on /user)', () => {
  it("learns its login from its own comment, ignores a person's copy of the marker, and updates in place", async () => {
    const issue = gh.addIssue('runs');
    const forged = gh.addComment(issue, `${STATUS_MARKER}\nforged by a person`, HUMAN);
    const first = githubStore({ kind: 'issue', number: issue }, env(), 'ghs-app-token');
    expect(await first.load(['r1'])).toEqual([]);
    await first.save(['r1'], body(1));
    // A fresh runner (new store): /user is refused again, the login is learnt from the comment it finds.
    const second = githubStore({ kind: 'issue', number: issue }, env(), 'ghs-app-token');
    expect(await second.load(['r1'])).toEqual([`${STATUS_MARKER}\nstatus 1`]);
    await second.save(['r1'], body(2));
    const byApp = [...gh.comments.values()].filter((c) => c.issue === issue && c.user.login === APP.login);
    expect(byApp.map((c) => c.body)).toEqual([`${STATUS_MARKER}\nstatus 2`]);
    expect(gh.comments.get(forged)?.body).toContain('forged by a person');
    expect(gh.requests.filter((r) => r.operationId === 'users/get-authenticated').every((r) => r.status === 403)).toBe(true);
    expect(gh.responseErrors).toEqual([]);
  });
});

describe("finding a run's tracking issue", () => {
  it('never pages through the whole repository, and looks a remembered number up directly', async () => {
    for (let i = 0; i < 2500; i++) gh.addIssue(`unrelated ${i}`);
    const store = githubStore({ kind: 'tracking-issue' }, env(), 'ghs-actions-token');
    await store.save(['big-run'], body(1));
    const number = store.known?.()['big-run'];
    expect(number).toBeGreaterThan(2500);
    expect(gh.issues.get(number!)?.labels).toEqual([TRACKING_LABEL]);
    for (let i = 0; i < 1500; i++) gh.addIssue(`newer ${i}`);
    // A fresh runner without the number: the labelled listing finds it in one page.
    const listsBefore = ops('issues/list-for-repo');
    const fresh = githubStore({ kind: 'tracking-issue' }, env(), 'ghs-actions-token');
    await fresh.load(['big-run']);
    expect(fresh.known?.()['big-run']).toBe(number);
    expect(ops('issues/list-for-repo') - listsBefore).toBe(1);
    // With the number remembered: one direct read, no listing at all.
    const hinted = githubStore({ kind: 'tracking-issue' }, env(), 'ghs-actions-token');
    hinted.hint?.('big-run', number!);
    const [listsAt, getsAt] = [ops('issues/list-for-repo'), ops('issues/get')];
    await hinted.load(['big-run']);
    expect(ops('issues/list-for-repo') - listsAt).toBe(0);
    expect(ops('issues/get') - getsAt).toBe(1);
    // Even when nothing matches (labels dropped, identity unknown), at most 10 pages per lookup are read.
    const before = ops('issues/list-for-repo');
    const none = githubStore({ kind: 'tracking-issue' }, env(), 'ghs-actions-token');
    await none.save(['never-seen'], body(1));
    expect(ops('issues/list-for-repo') - before).toBeLessThanOrEqual(11);
    void BOT;
  });
});
