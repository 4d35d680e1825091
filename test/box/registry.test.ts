import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportTo } from '../../src/config/patrol.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { launchPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { unverifiedMemory } from '../../src/patrol/memory.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, HUMAN, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * The run registry on real boxes and the GitHub double: launch registers, a patrol with no config, host or
 * run ids finds every registered run with the pin launch saw, a relaunch elsewhere moves it, and an edit
 * or a copy by anyone else is refused or ignored.
 */
let a: Box;
let b: Box;
let gh: GitHubDouble;
let pr: number;
const env = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const TOKEN = 'ghs-actions-token';

beforeAll(async () => {
  [a, b] = await Promise.all([createBox(), createBox()]);
  for (const box of [a, b]) box.sh(`mkdir -p ${box.home}/code`);
  // One runner, one key: box b also accepts box a's client key, which launch and the patrol use everywhere.
  b.sh(`cat ${a.clientKeyPath}.pub >> ${b.dir}/authorized_keys`);
  gh = await startGitHubDouble();
  pr = gh.addIssue('Try a larger batch', { pull: true });
});
afterAll(async () => {
  await gh?.close();
  a?.destroy();
  b?.destroy();
});

const store = (reportTo: string) => githubStore(parseReportTo(reportTo)!, env(), TOKEN);

async function launch(
  box: Box,
  id: string,
  reportTo: string,
  extra: Record<string, string> = {},
  withStore = store(reportTo),
  env: Record<string, string> = {},
) {
  const r = captureReporter();
  const file = `/tmp/tether-reg-${process.pid}-${id}.json`;
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command: 'echo step 1 loss 0.5; sleep 600',
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': file,
      'report-to': reportTo,
      'ssh-key-path': a.clientKeyPath,
      ...extra,
    }),
    env,
    r,
    '/tmp',
    withStore,
  );
  rmSync(file, { force: true });
  return { code, r };
}

/** A patrol as the cron job runs it: only its key and where launch registered. */
async function patrol(reportTo: string, extra: Record<string, string> = {}) {
  const r = captureReporter();
  const code = await patrolPhase({ 'ssh-key-path': a.inputs()['ssh-key-path'], 'connect-timeout': '3', 'report-to': reportTo, ...extra }, {}, r, {
    probe: probeHost,
    registered: registeredHosts,
    remote: store(reportTo),
  });
  return { code, r, states: JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; host: string }> };
}

const regComment = (id: string) => [...gh.comments.values()].find((c) => c.user.login === BOT.login && c.body.includes(`<!-- tether:registration ${id} -->`));

describe('the run registry', () => {
  it('two runs registered on one PR are both patrolled, each on its own host with the pin launch saw', async () => {
    expect((await launch(a, 'reg-a', `pr:${pr}`)).code).toBe(0);
    expect((await launch(b, 'reg-b', `pr:${pr}`)).code).toBe(0);
    expect(regComment('reg-a')?.issue).toBe(pr);
    expect(regComment('reg-a')?.body).toContain(a.fingerprint);
    expect(regComment('reg-b')?.body).toContain(b.fingerprint);
    const p = await patrol(`pr:${pr}`);
    expect(p.code, p.r.errors.join('\n')).toBe(0);
    expect(p.states['reg-a']).toMatchObject({ state: 'running', host: `root@${a.addr}:22` });
    expect(p.states['reg-b']).toMatchObject({ state: 'running', host: `root@${b.addr}:22` });
    // run-ids narrows the registered runs; one that is not registered is said so.
    const one = await patrol(`pr:${pr}`, { 'run-ids': 'reg-b,reg-nowhere' });
    expect(Object.keys(one.states)).toEqual(['reg-b']);
    expect(one.r.warnings.join('\n')).toMatch(/run reg-nowhere is not registered where report-to points/);
  });

  it('a run that fails gets one new comment mentioning who launched it, once; box text in it mentions nobody', async () => {
    const at = `issue:${gh.addIssue('A run that will fail')}`;
    const job =
      'echo "step 1 loss 0.5"; sleep 2; echo "hey @everyone see https://evil.example"; echo "Traceback (most recent call last):"; echo "ValueError: bad"; exit 1';
    const l = await launch(a, 'reg-fails', at, { command: job, 'confirm-timeout': '1' }, store(at), { GITHUB_ACTOR: 'wes' });
    expect(l.code, l.r.errors.join('\n')).toBe(0);
    expect(Buffer.from(/registration-data ([A-Za-z0-9+/=]+)/.exec(regComment('reg-fails')?.body ?? '')?.[1] ?? '', 'base64').toString()).toContain(
      '"launched_by":"wes"',
    );
    await waitFor('reg-fails to fail', () => a.sh(`test -f ${a.home}/.tether/runs/reg-fails/FAILED && echo y || true`).trim() === 'y', 15_000);
    const notices = () => [...gh.comments.values()].filter((c) => c.body.includes('<!-- tether:notice -->'));
    const before = notices().length;
    const first = await patrol(at, { 'run-ids': 'reg-fails' });
    expect(first.states['reg-fails']?.state).toBe('failed');
    const posted = notices().slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.user.login).toBe(BOT.login);
    expect(posted[0]!.body).toMatch(/^🔔 @wes: a run needs you$/m);
    expect(posted[0]!.body).toMatch(/run `reg-fails` on `.*` is \*\*failed \(code-error\)\*\* \(attempt 1\)/);
    // Only the launcher is a mention: nothing the box wrote becomes one.
    expect(posted[0]!.body.match(/(^|\s)@[A-Za-z]/gm)?.length).toBe(1);
    expect(first.r.lines.join('\n')).toMatch(/patrol: notified @wes about reg-fails/);
    // The next tick sees the same failure: nobody is told twice.
    await patrol(at, { 'run-ids': 'reg-fails' });
    expect(notices().length).toBe(before + 1);
    // notify: none posts nothing, names mention the people or teams named.
    const at2 = `issue:${gh.addIssue('Another failure')}`;
    await launch(a, 'reg-fails-2', at2, { command: 'echo step 1; sleep 2; exit 3', 'confirm-timeout': '1' }, store(at2), { GITHUB_ACTOR: 'wes' });
    await waitFor('reg-fails-2 to fail', () => a.sh(`test -f ${a.home}/.tether/runs/reg-fails-2/FAILED && echo y || true`).trim() === 'y', 15_000);
    await patrol(at2, { 'run-ids': 'reg-fails-2', notify: 'none' });
    expect(notices().length).toBe(before + 1);
    await patrol(at2, { 'run-ids': 'reg-fails-2', notify: '@ml-team/oncall, @ana' });
    expect(notices().at(-1)?.body).toMatch(/^🔔 @ml-team\/oncall @ana: a run needs you$/m);
  });

  it('a run whose registration failed is registered by launching it again while it runs, which starts nothing', async () => {
    const at = `issue:${gh.addIssue('A run registered late')}`;
    // As with a read-only GITHUB_TOKEN: the job starts, the registration is refused.
    const readOnly = { ...store(at), register: async () => Promise.reject(new Error('403 Resource not accessible by integration')) };
    const first = await launch(a, 'reg-late', at, {}, readOnly);
    expect(first.code).toBe(1);
    expect(first.r.outputs['result']).toBe('started');
    expect(first.r.errors.join('\n')).toMatch(
      /registering it for the patrol failed \(403[^)]*\).*launching the same run again while it runs starts nothing and registers it/,
    );
    expect(regComment('reg-late')).toBeUndefined();
    expect((await patrol(at, { 'run-ids': 'reg-late' })).states['reg-late']).toBeUndefined();

    const again = await launch(a, 'reg-late', at);
    expect(again.code, again.r.errors.join('\n')).toBe(0);
    expect(again.r.outputs['result']).toBe('registered');
    expect(again.r.outputs['attempt']).toBe('1');
    expect(again.r.outputs['registration-url']).toMatch(/^https?:\/\//);
    expect(a.sh(`ls ${a.home}/.tether/runs/reg-late/attempts`).trim()).toBe('1');
    expect(regComment('reg-late')?.body).toMatch(/tether run `reg-late`, attempt 1, launched/);
    const seen = await patrol(at, { 'run-ids': 'reg-late' });
    expect(seen.states['reg-late']?.state).toMatch(/^(running|launching)$/);
  });

  it('a header keeps a second, independent status comment on the same PR, each updated in place', async () => {
    const headed = async (header: string, ids: string) => {
      const r = captureReporter();
      const inputs = { 'ssh-key-path': a.inputs()['ssh-key-path'], 'connect-timeout': '3', 'report-to': `pr:${pr}`, 'run-ids': ids, header };
      const code = await patrolPhase(inputs, {}, r, {
        probe: probeHost,
        registered: registeredHosts,
        remote: githubStore(parseReportTo(`pr:${pr}`)!, env(), TOKEN, header),
      });
      return { code, r };
    };
    const statuses = () => [...gh.comments.values()].filter((c) => c.issue === pr && c.user.login === BOT.login && /<!-- tether:status[ :]/.test(c.body));
    const before = statuses().find((c) => c.body.startsWith('<!-- tether:status -->'));
    expect(before).toBeDefined();
    for (let tick = 0; tick < 2; tick++) {
      expect((await headed('gpu-a', 'reg-a')).code).toBe(0);
      expect((await headed('gpu-b', 'reg-b')).code).toBe(0);
    }
    const all = statuses();
    // The default comment and one per header, no more after two ticks each.
    expect(all).toHaveLength(3);
    const ga = all.find((c) => c.body.startsWith('<!-- tether:status:gpu-a -->'))!;
    const gb = all.find((c) => c.body.startsWith('<!-- tether:status:gpu-b -->'))!;
    expect(ga.body).toMatch(/### tether patrol `gpu-a`/);
    expect(ga.body).toContain('reg-a');
    expect(ga.body).not.toContain('`reg-b`');
    expect(gb.body).toContain('reg-b');
    expect(gb.body).not.toContain('`reg-a`');
    // Each keeps its own tick memory: two ticks each.
    expect(unverifiedMemory(ga.body).tick).toBe(2);
    expect(unverifiedMemory(gb.body).tick).toBe(2);
    expect(all.find((c) => c.id === before!.id)?.body).toBe(before!.body);
    // A bad header is an input error before anything is contacted.
    await expect(headed('no spaces', 'reg-a')).rejects.toThrow(/input 'header': "no spaces" is not a header/);
  });

  it('a relaunch on another box moves the run (launch re-signed it); an edit of host or pin is refused and never probed', async () => {
    // The comment as it was before the move: validly signed, and kept in the comment's edit history.
    const beforeMove = regComment('reg-a')!.body;
    a.sh(`kill -9 $(cat ${a.home}/.tether/runs/reg-a/attempts/1/pid)`);
    const moved = await launch(b, 'reg-a', `pr:${pr}`);
    expect(moved.code, moved.r.errors.join('\n')).toBe(0);
    let p = await patrol(`pr:${pr}`, { 'run-ids': 'reg-a' });
    expect(p.states['reg-a']).toMatchObject({ state: 'running', host: `root@${b.addr}:22` });

    // Someone with write access edits the comment to point at box a with box a's key: refused.
    const c = regComment('reg-a')!;
    const original = c.body;
    c.body = c.body.replace(/registration-data ([A-Za-z0-9+/=]+)/, (_, b64: string) => {
      const o = JSON.parse(Buffer.from(b64, 'base64').toString()) as Record<string, unknown>;
      return `registration-data ${Buffer.from(JSON.stringify({ ...o, host: a.addr, host_key_fingerprint: a.fingerprint })).toString('base64')}`;
    });
    const logins = () => Number(a.sh(`grep -c 'Accepted publickey' ${a.dir}/sshd.log || true`).trim());
    const sshdBefore = logins();
    expect(sshdBefore).toBeGreaterThan(0); // launch logged in here, so a probe would show
    p = await patrol(`pr:${pr}`, { 'run-ids': 'reg-a' });
    expect(p.code).toBe(1);
    expect(p.r.errors.join('\n')).toMatch(/registration refused, not patrolled: reg-a: its signature does not verify with this patrol's SSH key/);
    expect(p.states).toEqual({});
    expect(logins()).toBe(sshdBefore);
    c.body = original;

    // An older version from the edit history put back (signature valid): older than the registration the
    // patrol already took, so it is refused and box a is not reported as the run's.
    c.body = beforeMove;
    p = await patrol(`pr:${pr}`, { 'run-ids': 'reg-a' });
    expect(p.code).toBe(1);
    expect(p.r.errors.join('\n')).toMatch(/registration refused, not patrolled: reg-a: registration of attempt 1 .* is older than the one already taken/);
    expect(p.states['reg-a']?.state).toBe('probe-error');
    c.body = original;
    expect((await patrol(`pr:${pr}`, { 'run-ids': 'reg-a' })).states['reg-a']).toMatchObject({ state: 'running', host: `root@${b.addr}:22` });
  });

  it("a person's copy of a registration is not tether's and is ignored; a patrol with another key refuses them all", async () => {
    gh.addComment(pr, regComment('reg-b')!.body, HUMAN);
    const copy = regComment('reg-b')!.body.replaceAll('reg-b', 'reg-human');
    gh.addComment(pr, copy, HUMAN);
    const p = await patrol(`pr:${pr}`);
    expect(Object.keys(p.states).sort()).toEqual(['reg-a', 'reg-b']);
    expect(p.r.errors).toEqual([]);

    const other = `/tmp/tether-reg-otherkey-${process.pid}`;
    a.sh(`rm -f ${other}; ssh-keygen -q -t ed25519 -N '' -f ${other}`);
    const r = captureReporter();
    const code = await patrolPhase({ 'ssh-key-path': other, 'report-to': `pr:${pr}` }, {}, r, {
      probe: probeHost,
      registered: registeredHosts,
      remote: store(`pr:${pr}`),
    });
    rmSync(other, { force: true });
    rmSync(`${other}.pub`, { force: true });
    expect(code).toBe(1);
    expect(r.errors.filter((e) => /registration refused/.test(e))).toHaveLength(2);
    expect(gh.responseErrors).toEqual([]);
  });

  it('refuses before touching the box: report-to without a GitHub store, report-to with an agent key, a patrol without report-to', async () => {
    const r = captureReporter();
    await expect(launchPhase(a.inputs({ 'run-id': 'reg-x', command: 'true', 'report-to': 'tracking-issue', audit: 'false' }), {}, r, '/tmp')).rejects.toThrow(
      /input 'report-to': needs the GitHub API/,
    );
    const agent = { ...a.inputs({ 'run-id': 'reg-x', command: 'true', 'report-to': 'tracking-issue', audit: 'false' }), 'ssh-key-path': '' };
    await expect(launchPhase(agent, { SSH_AUTH_SOCK: '/tmp/no-agent.sock' }, r, '/tmp', store('tracking-issue'))).rejects.toThrow(
      /give ssh-key or ssh-key-path/,
    );
    await expect(patrolPhase({ 'ssh-key-path': a.inputs()['ssh-key-path'] }, {}, r, { probe: probeHost })).rejects.toThrow(
      /input 'report-to': is required to patrol the runs launch registered/,
    );
    expect(a.sh(`ls ${a.home}/.tether/runs`).split('\n')).not.toContain('reg-x');
  });
});
