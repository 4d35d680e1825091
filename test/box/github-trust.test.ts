import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportTo } from '../../src/config/patrol.ts';
import { keyOf, provesOf } from '../../src/github/ports.ts';
import { parseSigningKey } from '../../src/config/connection.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { COMMENT_PAGES_MAX, TRACKING_LABEL } from '../../src/github/sticky.ts';
import { launchPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, HUMAN, startGitHubDouble, type DoubleUser, type GitHubDouble } from '../harness/github-double.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * Issue 23 §3: GitHub is not a trusted store. With a token that cannot read /user (GITHUB_TOKEN, an app), tether
 * recognises its items by its signed tag or its signed registration, never by "the first bot"; a tracking issue
 * closed by anyone else does not end a run; and a stranger's flood of comments costs a bounded number of reads.
 */
let box: Box;
let gh: GitHubDouble;
const TOKEN = 'ghs-actions-token';
const EVIL: DoubleUser = { login: 'stale-bot[bot]', id: 666, type: 'Bot', app: true };
const env = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });

beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  gh = await startGitHubDouble();
});
afterAll(async () => {
  await gh?.close();
  box?.destroy();
});

const keyInputs = () => ({ 'ssh-key-path': box.inputs()['ssh-key-path']! });
const store = (reportTo = 'tracking-issue') =>
  githubStore(parseReportTo(reportTo)!, env(), TOKEN, '', keyOf(parseSigningKey(keyInputs(), {})), provesOf(parseSigningKey(keyInputs(), {})));

async function launch(id: string) {
  const file = `/tmp/tether-trust-${process.pid}-${id}.json`;
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command: 'echo step 1 loss 0.5; sleep 600',
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': file,
      'report-to': 'tracking-issue',
    }),
    {},
    r,
    '/tmp',
    store(),
  );
  rmSync(file, { force: true });
  expect(code, r.errors.join('\n')).toBe(0);
}

async function patrol() {
  const r = captureReporter();
  const code = await patrolPhase({ ...keyInputs(), 'connect-timeout': '3', 'report-to': 'tracking-issue' }, {}, r, {
    probe: probeHost,
    registered: registeredHosts,
    remote: store(),
  });
  return { code, r, states: JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string }> };
}

const trackingOf = (id: string) => [...gh.issues.values()].find((i) => i.user.login === BOT.login && i.body.includes(`<!-- tether:tracking ${id} -->`));

describe('GitHub actors cannot blind the patrol', () => {
  it("another bot's issue with tether's label and marker does not make the real runs drop out", async () => {
    await launch('gt-a');
    // Older than nothing tether has, newest in the listing: the old rule would have learnt this bot as tether.
    const evil = gh.addIssue('tether: run gt-fake', { by: EVIL });
    Object.assign(gh.issues.get(evil)!, { labels: [TRACKING_LABEL], body: '<!-- tether:tracking gt-fake -->\nhello' });
    gh.addComment(evil, '<!-- tether:registration gt-fake -->\nnot signed', EVIL);
    const p = await patrol();
    expect(p.code, p.r.lines.join('\n')).toBe(0);
    expect(p.states['gt-a']?.state).toBe('running');
    expect(Object.keys(p.states)).toEqual(['gt-a']);
    // Its items carry tether's signed tag.
    expect(trackingOf('gt-a')?.body).toMatch(/<!-- tether:ours [0-9a-f]{64} -->$/);
  });

  it('a tracking issue closed by a person does not end patrolling: the run is kept, the patrol warns and reopens it', async () => {
    const issue = trackingOf('gt-a')!;
    issue.state = 'closed';
    const p = await patrol();
    expect(p.states['gt-a']?.state).toBe('running');
    expect(p.r.warnings.join('\n')).toMatch(
      new RegExp(
        `tracking issue #${issue.number} of run gt-a was closed, but tether's teardown did not end the run: it is still patrolled; reopening the issue`,
      ),
    );
    expect(gh.issues.get(issue.number)?.state).toBe('open');
    expect([...gh.comments.values()].some((c) => c.issue === issue.number && c.body.startsWith('⚠️ tether reopened this tracking issue'))).toBe(true);
  });

  it("a stranger's 3,000 comments cost a bounded number of reads, and no second status comment is ever made", async () => {
    const issue = gh.addIssue('busy');
    const reportTo = `issue:${issue}`;
    const first = store(reportTo);
    await first.save(['x'], () => '<!-- tether:status -->\nstatus 1');
    for (let i = 0; i < 3000; i++) gh.addComment(issue, `+1 (${i})`, HUMAN);
    const before = gh.requests.length;
    const s = store(reportTo);
    expect(await s.load(['x'])).toHaveLength(1);
    await s.save(['x'], () => '<!-- tether:status -->\nstatus 2');
    // One listing (comments updated lately: tether's, not the old flood) finds it; the save updates it by id.
    const used = gh.requests.slice(before).map((r) => r.operationId);
    expect(used.filter((o) => o === 'issues/list-comments')).toHaveLength(1);
    expect(used.filter((o) => o === 'issues/update-comment')).toHaveLength(1);
    // Its comment buried past the bound (a flood before it): tether warns and never creates a second one.
    const buried = gh.addIssue('flooded');
    for (let i = 0; i < 1100; i++) gh.addComment(buried, `spam ${i}`, HUMAN);
    gh.addComment(buried, '<!-- tether:status -->\nan old status, written by tether', BOT);
    const b = store(`issue:${buried}`);
    expect(await b.load(['x'])).toEqual([]);
    await expect(b.save(['x'], () => '<!-- tether:status -->\nnew')).rejects.toThrow(
      /no tether comment among the first 1000 comments of #\d+: not creating a second status comment/,
    );
    expect([...gh.comments.values()].filter((c) => c.issue === buried && c.user.login === BOT.login)).toHaveLength(1);
    const lists = gh.requests.slice(before).filter((r) => r.operationId === 'issues/list-comments').length;
    // Bounded: the busy issue's one listing, then for the flooded one at most two bounded listings to load and one to save.
    expect(lists).toBeLessThanOrEqual(1 + 3 * COMMENT_PAGES_MAX);
    expect(gh.responseErrors).toEqual([]);
  }, 120_000);
});

describe('comment ids kept in the signed memory (issue 23 §3)', () => {
  it("with a state file, the next tick fetches tether's status comment by id: no listing, whatever floods the issue", async () => {
    const issue = gh.addIssue('remembered');
    const stateFile = `/tmp/tether-trust-state-${process.pid}.md`;
    rmSync(stateFile, { force: true });
    const tickOnce = async () => {
      const r = captureReporter();
      const code = await patrolPhase(
        { ...box.inputs({ 'run-ids': 'gt-a', 'report-to': `issue:${issue}`, 'state-file': stateFile }), 'connect-timeout': '3' },
        {},
        r,
        { probe: probeHost, remote: store(`issue:${issue}`) },
      );
      return { code, r };
    };
    try {
      expect((await tickOnce()).code).toBe(0);
      for (let i = 0; i < 1500; i++) gh.addComment(issue, `flood ${i}`, HUMAN);
      const before = gh.requests.length;
      const t = await tickOnce();
      expect(t.code, t.r.lines.join('\n')).toBe(0);
      const used = gh.requests.slice(before).map((x) => x.operationId);
      expect(used.filter((o) => o === 'issues/list-comments')).toEqual([]);
      expect(used.filter((o) => o === 'issues/get-comment')).toHaveLength(1);
      expect(used.filter((o) => o === 'issues/update-comment')).toHaveLength(1);
      expect(t.r.outputs['tick']).toBe('2');
    } finally {
      rmSync(stateFile, { force: true });
    }
  }, 60_000);
});
