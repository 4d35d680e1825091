import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unverifiedMemory } from '../../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { HOSTILE_TEXTS, renderGfm, visibleText } from '../harness/render.ts';
import { HOSTILE_COMMANDS, workflowCommands } from '../harness/workflow-commands.ts';

/**
 * A box that sends what tether did not expect: a damaged run record, markers and logs full of markdown
 * and workflow commands, and a second host whose shell answers garbage. Every host and run still gets
 * its own line, the tick writes outputs, summary and comment, and no box text acts on GitHub.
 */
let box: Box;
let dark: Box;
let flood: Box;
let gh: GitHubDouble;
const config = `/tmp/tether-hostile-${process.pid}.yml`;
const runs = (b: Box) => `${b.home}/.tether/runs`;
const hostile = HOSTILE_TEXTS.join(' ');
const commands = HOSTILE_COMMANDS.join('\n');

beforeAll(async () => {
  [box, dark, flood] = await Promise.all([createBox(), createBox(), createBox()]);
  gh = await startGitHubDouble();
  await finishedRun(box, 'h-ok', 'echo "step 5 loss 0.5"; mkdir -p ck; echo x > ck/a.pt');
  // A run record in a state no tether wrote: a zero-padded attempt directory (was: invalid probe JSON).
  const padded = `${runs(box)}/h-padded`;
  mkdirSync(`${padded}/attempts/007`, { recursive: true });
  writeFileSync(`${padded}/spec.json`, '{"expected_duration_s":60}\n');
  writeFileSync(`${padded}/attempts/007/pid`, '1\n');
  writeFileSync(`${padded}/attempts/007/started_at`, '2026-01-01T00:00:00Z\n');
  // A run whose pid file says 0: this run's part of the probe is unreadable, the others are not.
  const badPid = `${runs(box)}/h-badpid`;
  mkdirSync(`${badPid}/attempts/1`, { recursive: true });
  writeFileSync(`${badPid}/spec.json`, '{}\n');
  writeFileSync(`${badPid}/attempts/1/pid`, '0\n');
  // A FAILED marker and a log that carry markdown, mentions and workflow commands.
  const evil = `${runs(box)}/h-evil`;
  mkdirSync(`${evil}/attempts/1`, { recursive: true });
  writeFileSync(`${evil}/spec.json`, '{}\n');
  writeFileSync(`${evil}/attempts/1/log`, `${commands}\nepoch 1/3 ${hostile}\nTraceback (most recent call last):\n${commands}\n`);
  writeFileSync(`${evil}/FAILED`, JSON.stringify({ attempt: 1, exit_code: 1, signal: null, stage: hostile, finished_at: `${hostile}\n${commands}` }));
  // The second host's shell answers garbage to everything: its probe output cannot be read.
  writeFileSync(`${dark.bin}/bash`, '#!/bin/sh\ncat >/dev/null\nprintf \'{"schema":"tether.probe/v1","runs":[{"id":\\n::error::from the dark box\\n\'\n', {
    mode: 0o755,
  });
  // The third host floods: its shell answers 200 MB of JSON-looking text.
  writeFileSync(`${flood.bin}/bash`, '#!/bin/sh\ncat >/dev/null\nprintf "{"; exec /usr/bin/head -c 200000000 /dev/zero | tr "\\0" "x"\n', { mode: 0o755 });
  writeFileSync(
    config,
    [
      'hosts:',
      `  - name: good-box`,
      `    host: ${box.addr}`,
      `    user: root`,
      `    ssh-key-path: ${box.clientKeyPath}`,
      `    known-hosts: "${box.hostKeyLine}"`,
      `    runs: [h-ok, h-padded, h-badpid, h-evil, h-none]`,
      `  - name: dark-box`,
      `    host: ${dark.addr}`,
      `    user: root`,
      `    ssh-key-path: ${dark.clientKeyPath}`,
      `    known-hosts: "${dark.hostKeyLine}"`,
      `    runs: [d-1]`,
      `  - name: flood-box`,
      `    host: ${flood.addr}`,
      `    user: root`,
      `    ssh-key-path: ${flood.clientKeyPath}`,
      `    known-hosts: "${flood.hostKeyLine}"`,
      `    runs: [f-1]`,
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  box?.destroy();
  dark?.destroy();
  flood?.destroy();
  await gh?.close();
  rmSync(config, { force: true });
});

describe('one host never breaks a tick', () => {
  it('every run gets its own verdict; unreadable answers are probe-error; outputs, summary and comment are all written', async () => {
    const issue = gh.addIssue('runs');
    const tick = async () => {
      const r = await runBuiltAction(
        'patrol',
        { config, 'report-to': `issue:${issue}`, 'github-token': 'ghs-actions-token', 'stall-after': '1h', 'fail-on': 'failed' },
        { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
      );
      removeWorkspace(r);
      return r;
    };
    const r = await tick();
    // fail-on: failed (h-evil) — the step fails for that, not because anything broke.
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; class: string | null }>;
    expect(Object.fromEntries(Object.entries(states).map(([k, v]) => [k, v.state]))).toEqual({
      'h-ok': 'finished',
      'h-padded': 'launching', // 007 is not an attempt number in the one grammar: no attempt started
      'h-badpid': 'probe-error',
      'h-evil': 'failed',
      'h-none': 'unknown',
      'd-1': 'probe-error',
      'f-1': 'probe-error',
    });
    expect(r.summary).toMatch(/f-1`\*\* probe-error: probe failed: probe\.sh printed more than its output bound/);
    expect(r.outputs['tick']).toBe('1');
    expect(r.outputs['escalate']).toBe('true');
    expect(r.summary).toMatch(/\| `d-1` \| `dark-box` \| 🧩 probe-error/);
    expect(r.summary).toMatch(/h-badpid`\*\* probe-error: probe output for this run is unreadable: .*pid is out of range/);
    const comment = [...gh.comments.values()].find((c) => c.issue === issue && c.user.login === BOT.login);
    expect(comment?.body).toContain('`h-ok`');
    // Box text: inert in the comment (no heading, mention, link or image; no run hidden) ...
    const html = renderGfm(comment!.body);
    expect(html.match(/<h[1-6]/g)).toHaveLength(1);
    expect(html).not.toMatch(/<a\s|<img\s/);
    expect(html.match(/<tr>/g)).toHaveLength(8);
    expect(visibleText(html.replace(/<code>[\s\S]*?<\/code>/g, ''))).not.toMatch(/@[A-Za-z0-9]/);
    // ... and no line of it acts as a workflow command on the action's stdout.
    for (const c of workflowCommands(r.stdout))
      expect(c, 'a box line reached stdout as a command').toMatch(
        /^::(stop-commands::tether-[0-9a-f]{32}|tether-[0-9a-f]{32}::|warning::|error::|add-mask::|debug::)/,
      );
    expect(workflowCommands(r.stdout)).not.toContain('::error::from the dark box');

    // Next tick: the probe-error keeps what was known (never dead) and counts the ticks.
    const again = await tick();
    const m = unverifiedMemory([...gh.comments.values()].find((c) => c.issue === issue && c.user.login === BOT.login)!.body);
    expect(m.tick).toBe(2);
    expect(m.runs['d-1']).toMatchObject({ state: 'probe-error', unreachableTicks: 2 });
    expect(m.runs['h-ok']?.state).toBe('finished');
    expect(again.outputs['tick']).toBe('2');
  }, 120_000);
});

describe('box text on the launch step stdout', () => {
  it('a job printing workflow commands in its first lines cannot run them; tether still annotates', async () => {
    box.sh(`mkdir -p ${box.home}/cmd`);
    const job = `printf '%s\\n' ${HOSTILE_COMMANDS.map((c) => `'${c}'`).join(' ')}; sleep 5`;
    const r = await runBuiltAction('launch', box.inputs({ 'run-id': 'h-cmd', command: job, workdir: '~/cmd', audit: 'false', 'confirm-timeout': '2' }));
    removeWorkspace(r);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('::error::forged error from the box'); // it is in the log, as text
    const cmds = workflowCommands(r.stdout);
    for (const c of HOSTILE_COMMANDS) expect(cmds).not.toContain(c.trimStart());
    const stops = cmds.filter((c) => c.startsWith('::stop-commands::'));
    expect(stops).toHaveLength(1);
    // The block is closed again, so tether's own commands after it (outputs, annotations) act.
    expect(cmds).toContain(`::${stops[0]!.slice('::stop-commands::'.length)}::`);
  }, 60_000);
});
