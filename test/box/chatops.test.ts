import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { captureReporter } from '../harness/reporter.ts';

/**
 * actions/chatops, built, on issue_comment events against the OpenAPI-checked GitHub double (and a real box
 * for `/tether status`): who may command, what each command does, and hostile comment bodies.
 */

let gh: GitHubDouble;
let box: Box;
let dir: string;
beforeAll(async () => {
  gh = await startGitHubDouble();
  box = await createBox();
  dir = mkdtempSync(join(tmpdir(), 'tether-chatops-'));
  gh.roles = { 'ada-admin': 'admin', 'max-maintain': 'maintain', 'wes-write': 'write', 'tia-triage': 'triage', 'rey-read': 'read' };
  const where = ['host', 'port', 'host-key-fingerprint'];
  gh.workflows = {
    'collect-teardown.yml': ['run-id', 'requested-by', 'verb', ...where],
    'launch.yml': ['run-id', 'requested-by', 'resume', ...where],
    'old-collect.yml': ['run-id'],
  };
  box.sh(`mkdir -p ${box.home}/code`);
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': 'co-1',
      command: 'echo "step 3 loss 0.5"; sleep 300',
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': join(dir, 'run.json'),
    }),
    {},
    r,
    '/tmp',
  );
  expect(code, r.errors.join('\n')).toBe(0);
}, 60_000);
afterAll(async () => {
  box?.destroy();
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A comment on issue (or PR) `n` by `login`, and the chatops action run for its event. */
async function comment(
  n: number,
  body: string,
  opts: { login?: string; type?: string; action?: string; inputs?: Record<string, string> } = {},
): Promise<{ r: ActionRun; id: number; reactions: string[]; replies: string[] }> {
  const login = opts.login ?? 'wes-write';
  const id = gh.addComment(n, body, { login, id: 4242, type: opts.type === 'Bot' ? 'Bot' : 'User', app: false });
  const before = [...gh.comments.keys()];
  const event = join(dir, `event-${++seq}.json`);
  writeFileSync(
    event,
    JSON.stringify({
      action: opts.action ?? 'created',
      comment: { id, body, user: { login, type: opts.type ?? 'User' }, author_association: 'OWNER' },
      issue: { number: n, ...(gh.issues.get(n)?.pull ? { pull_request: { url: 'x' } } : {}) },
      repository: { full_name: gh.repo, default_branch: 'main' },
    }),
  );
  const r = await runBuiltAction(
    'chatops',
    {
      'github-token': 'ghs-actions-token',
      'collect-workflow': 'collect-teardown.yml',
      'teardown-workflow': 'collect-teardown.yml',
      'resume-workflow': 'launch.yml',
      ...opts.inputs,
    },
    { GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: event, GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
  );
  removeWorkspace(r);
  return {
    r,
    id,
    reactions: gh.reactions.filter((x) => x.commentId === id).map((x) => x.content),
    replies: [...gh.comments.values()]
      .filter((c) => !before.includes(c.id) && c.user.login === BOT.login && !c.body.includes('tether:status'))
      .map((c) => c.body),
  };
}

describe('chatops: who may command tether from a comment', () => {
  it.each([
    ['ada-admin', true],
    ['max-maintain', true],
    ['wes-write', true],
    ['tia-triage', false],
    ['rey-read', false],
    ['nobody-at-all', false],
  ])(
    '%s: accepted %s (the role the API reports, not author_association)',
    async (login, ok) => {
      const issue = gh.addIssue(`perm ${login}`);
      const c = await comment(issue, '/tether help', { login });
      expect(c.r.code, c.r.stdout).toBe(0);
      if (ok) {
        expect(c.reactions).toEqual(['eyes', 'rocket']);
        expect(c.replies[0]).toMatch(/`\/tether status \[run-id …\]`/);
        expect(c.r.outputs['result']).toBe('done');
      } else {
        expect(c.reactions).toEqual(['-1']);
        const role = login === 'nobody-at-all' ? 'none' : login === 'tia-triage' ? 'triage' : 'read';
        // (the login goes through the markdown escaper: a refusal mentions nobody)
        expect(c.replies).toEqual([`👎 @\u200b${login} has the ${role} role on this repository; tether commands need write or higher.`]);
        expect(c.r.outputs['result']).toBe('refused');
      }
    },
    30_000,
  );

  it('min-permission raises the bar; a bot, an edited comment and a non-collaborator on a fork’s PR are refused', async () => {
    const issue = gh.addIssue('bars');
    expect((await comment(issue, '/tether help', { inputs: { 'min-permission': 'maintain' } })).replies[0]).toMatch(/need maintain or higher/);
    // A bot and an edit are not commands, and are not answered (no reply to loop on, nothing to rate-limit).
    const bot = await comment(issue, '/tether help', { login: 'renovate[bot]', type: 'Bot' });
    expect(bot.reactions).toEqual([]);
    expect(bot.replies).toEqual([]);
    const edited = await comment(issue, '/tether help', { action: 'edited' });
    expect(edited.replies).toEqual([]);
    expect(edited.reactions).toEqual([]);
    // Commands that spend or stop money need write whatever min-permission says: read is anyone on a public repository.
    gh.roles['reader'] = 'read';
    const cheap = await comment(issue, '/tether collect r1', { login: 'reader', inputs: { 'min-permission': 'read' } });
    expect(cheap.replies[0]).toMatch(/@.?reader has the read role on this repository; tether commands need write or higher/);
    // Refusals are rate-limited: the same commenter refused again on this issue gets the 👎, not another reply.
    const again = await comment(issue, '/tether teardown r1', { login: 'reader', inputs: { 'min-permission': 'read' } });
    expect(again.reactions).toEqual(['-1']);
    expect(again.replies).toEqual([]);
    expect((await comment(issue, '/tether help', { login: 'reader', inputs: { 'min-permission': 'read' } })).reactions).toEqual(['eyes', 'rocket']);
    const pr = gh.addIssue('from a fork', { pull: true });
    gh.forks.add(pr);
    gh.roles['drive-by'] = 'read';
    const drive = await comment(pr, '/tether help', { login: 'drive-by', inputs: { 'min-permission': 'read' } });
    expect(drive.replies[0]).toMatch(/is not a collaborator \\\(role read\\\) and this pull request comes from a fork/);
    // A maintainer may still command on a fork's pull request (the workflow runs from the default branch).
    expect((await comment(pr, '/tether help', { login: 'wes-write' })).reactions).toEqual(['eyes', 'rocket']);
    // Nothing was dispatched by any refused comment.
    expect(gh.dispatches).toEqual([]);
  }, 60_000);
});

describe('chatops: each command', () => {
  it('collect, resume and teardown dispatch the configured workflows with the run id and who asked; the reply links the run', async () => {
    const issue = gh.addIssue('commands');
    const col = await comment(issue, '/tether collect co-1');
    expect(col.reactions).toEqual(['eyes', 'rocket']);
    expect(gh.dispatches.at(-1)).toMatchObject({ workflow: 'collect-teardown.yml', ref: 'main', inputs: { 'run-id': 'co-1', 'requested-by': 'wes-write' } });
    expect(col.replies[0]).toMatch(
      /^🚀 Started `collect-teardown\.yml` for `co-1`, as @wes-write asked: https:\/\/github\.test\/lab\/train\/actions\/runs\/\d+\.$/,
    );
    const res = await comment(issue, '/tether resume co-1', { login: 'ada-admin' });
    expect(gh.dispatches.at(-1)).toMatchObject({ workflow: 'launch.yml', inputs: { 'run-id': 'co-1', 'requested-by': 'ada-admin', resume: 'true' } });
    expect(res.r.outputs['command']).toBe('resume');
    await comment(issue, '/tether teardown co-1 park', { inputs: { 'workflow-ref': 'release/v2' } });
    expect(gh.dispatches.at(-1)).toMatchObject({ workflow: 'collect-teardown.yml', ref: 'release/v2', inputs: { 'run-id': 'co-1', verb: 'park' } });
    const td = await comment(issue, '/tether teardown co-1');
    expect(gh.dispatches.at(-1)!.inputs).toEqual({ 'run-id': 'co-1', 'requested-by': 'wes-write' }); // no verb chosen for you
    expect(td.replies[0]).toMatch(/waits there for the environment approval/);
  }, 60_000);

  it('a registered run: the dispatch also says where it lives (host, port, pinned key), from its signed registration', async () => {
    const reg = await runBuiltAction(
      'launch',
      box.inputs({
        'run-id': 'co-reg',
        command: 'sleep 300',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'report-to': 'tracking-issue',
        'github-token': 'ghs-actions-token',
        'run-file': join(dir, 'reg.json'),
      }),
      { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
    );
    removeWorkspace(reg);
    expect(reg.code, reg.stdout).toBe(0);
    const issue = gh.addIssue('registered');
    await comment(issue, '/tether collect co-reg', { inputs: { 'ssh-key-path': box.clientKeyPath } });
    expect(gh.dispatches.at(-1)!.inputs).toEqual({
      'run-id': 'co-reg',
      'requested-by': 'wes-write',
      host: box.addr,
      port: '22',
      'host-key-fingerprint': box.fingerprint,
    });
    // Without the key (nothing to check the signature with), no address is taken from a comment.
    await comment(issue, '/tether collect co-reg');
    expect(gh.dispatches.at(-1)!.inputs).toEqual({ 'run-id': 'co-reg', 'requested-by': 'wes-write' });
  }, 60_000);

  it('a workflow that is not set, or refuses the inputs, is a 😕 with the reason and a failed step', async () => {
    const issue = gh.addIssue('misconfigured');
    const unset = await comment(issue, '/tether resume co-1', { inputs: { 'resume-workflow': '' } });
    expect(unset.reactions).toEqual(['eyes', 'confused']);
    expect(unset.replies[0]).toMatch(/No `resume-workflow` is set/);
    expect(unset.r.code).toBe(1);
    const old = await comment(issue, '/tether collect co-1', { inputs: { 'collect-workflow': 'old-collect.yml' } });
    expect(old.reactions).toEqual(['eyes', 'confused']);
    expect(old.replies[0]).toMatch(/collect of co-1 failed: .*Unexpected inputs provided/);
    const bad = await comment(issue, '/tether help', { inputs: { 'collect-workflow': '../../etc/passwd' } });
    expect(bad.r.code).not.toBe(0);
    expect(bad.reactions).toEqual([]); // an input error, before anything is said on GitHub
  }, 60_000);

  it('status: a patrol tick of the named run on the box, the sticky status written, the reply lists the states', async () => {
    const issue = gh.addIssue('status here');
    const st = await comment(issue, '/tether status co-1', { inputs: { ...box.inputs(), 'report-to': `issue:${issue}` } });
    expect(st.r.code, st.r.stdout).toBe(0);
    expect(st.reactions).toEqual(['eyes', 'rocket']);
    expect(st.replies[0]).toMatch(
      /Patrol tick done; \[the status comment\]\(https:\/\/github\.test\/lab\/train\/issues\/\d+#issuecomment-\d+\) is up to date\.\n\n- `co-1`: running/,
    );
    expect([...gh.comments.values()].filter((c) => c.issue === issue && c.body.includes('<!-- tether:status -->'))).toHaveLength(1);
  }, 60_000);
});

describe('chatops: hostile comment bodies', () => {
  it('look-alikes of /tether and comments that are not commands get nothing at all', async () => {
    const issue = gh.addIssue('quiet');
    for (const body of ['／tether help', '/tеther help', ' /tether help', 'please /tether help', '/tetherhelp', '`/tether help`']) {
      const c = await comment(issue, body);
      expect(c.reactions, body).toEqual([]);
      expect(c.replies, body).toEqual([]);
      expect(c.r.outputs['result']).toBe('ignored');
    }
  }, 60_000);

  it('workflow commands, markdown and huge bodies: only the first line counts, nothing reaches stdout or the reply unescaped', async () => {
    const issue = gh.addIssue('hostile');
    const wc = await comment(issue, '/tether status\n::error::pwned\n::add-mask::x');
    expect(wc.r.stdout).not.toMatch(/^::error::pwned/m);
    const md = await comment(issue, '/tether collect [x](https://evil.test) @octocat');
    expect(md.reactions).toEqual(['confused']); // a wrong command: 😕 and help, no 👀
    expect(md.replies[0]).toMatch(/takes exactly one run id/);
    const link = await comment(issue, '/tether collect [x](https://evil.test)');
    expect(link.replies[0]).not.toMatch(/\]\(https:\/\/evil/);
    expect(link.replies[0]).toMatch(/is not a run id/);
    const huge = await comment(issue, `/tether help ${'x'.repeat(70_000)}`);
    expect(huge.replies[0]).toMatch(/longer than 1200 characters|longer than 65536 characters/);
    const unknown = await comment(issue, '/tether rm -rf /');
    expect(unknown.replies[0]).toMatch(/^😕 "rm" is not a tether command\. What tether understands:/);
    expect(gh.responseErrors).toEqual([]);
  }, 90_000);
});
