import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../../src/launch/phase.ts';
import { readMemory, type TickMemory } from '../../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * `follow` through the built patrol action against a real box and the GitHub double: the sticky comment
 * follows the runs within seconds, not at the next cron tick.
 */

let box: Box;
let gh: GitHubDouble;
beforeAll(async () => {
  box = await createBox();
  gh = await startGitHubDouble();
  box.sh(`mkdir -p ${box.home}/code`);
});
afterAll(async () => {
  box?.destroy();
  await gh?.close();
});

async function launch(id: string, command: string) {
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command,
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': `/tmp/tether-follow-${process.pid}-${id}.json`,
    }),
    {},
    r,
    '/tmp',
  );
  expect(code, r.errors.join('\n')).toBe(0);
}

function patrolAction(issue: number, runIds: string[], extra: Record<string, string>): Promise<ActionRun> {
  return runBuiltAction(
    'patrol',
    box.inputs({ 'run-ids': runIds.join(','), 'github-token': 'ghs-actions-token', 'report-to': `issue:${issue}`, 'connect-timeout': '3', ...extra }),
    { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
    240_000,
  ).then((r) => {
    removeWorkspace(r);
    return r;
  });
}

const statusComments = (issue: number) =>
  [...gh.comments.values()].filter((c) => c.issue === issue && c.user.login === BOT.login && c.body.includes('<!-- tether:status -->'));

/** Watches the status comment of `issue`: the first time (ms) each run showed each state. */
function watch(issue: number): { seen: Map<string, number>; memory: () => TickMemory; stop: () => void } {
  const seen = new Map<string, number>();
  let last: TickMemory = readMemory('');
  const t = setInterval(() => {
    const c = statusComments(issue)[0];
    if (!c) return;
    last = readMemory(c.body);
    for (const [id, m] of Object.entries(last.runs)) {
      const key = `${id} ${m.state}${m.cls ? ` ${m.cls}` : ''}`;
      if (!seen.has(key)) seen.set(key, Date.now());
    }
  }, 50);
  return { seen, memory: () => last, stop: () => clearInterval(t) };
}

describe('follow: seconds, not cron minutes', () => {
  it('a crash, a finish and a freeze reach the comment within seconds of happening on the box', async () => {
    const dir = `${box.home}/code`;
    await launch('f-crash', `echo "step 1 loss 2.0"; sleep 14; date +%s%3N > f-crash.at; /usr/bin/python3 -c "raise ValueError('bad lr')"`);
    await launch('f-done', `echo "step 1 loss 2.0"; sleep 17; echo "step 10 loss 0.1"; date +%s%3N > f-done.at`);
    await launch('f-frozen', 'echo "step 1 loss 1.0"; sleep 600');
    const issue = gh.addIssue('follow');
    const w = watch(issue);
    const started = Date.now();
    const run = patrolAction(issue, ['f-crash', 'f-done', 'f-frozen'], { follow: '90s', 'stall-after': '10s' });
    // The follow is up (its first look after connecting) before anything happens on the box.
    await waitFor('the first status', () => statusComments(issue).length === 1, 20_000, 100);
    try {
      await waitFor('the crash in the comment', () => w.seen.has('f-crash failed code-error'), 40_000, 100);
      const crashAt = Number(readFileSync(`${dir}/f-crash.at`, 'utf8'));
      const crashLatency = w.seen.get('f-crash failed code-error')! - crashAt;
      await waitFor('the finish in the comment', () => w.seen.has('f-done finished'), 40_000, 100);
      const doneLatency = w.seen.get('f-done finished')! - Number(readFileSync(`${dir}/f-done.at`, 'utf8'));
      await waitFor('the freeze in the comment', () => w.seen.has('f-frozen stalled'), 60_000, 100);
      const stalledAfter = (w.seen.get('f-frozen stalled')! - statSync(`${box.home}/.tether/runs/f-frozen/attempts/1/log`).mtimeMs) / 1000;
      console.log(`follow: crash→comment ${crashLatency} ms, done→comment ${doneLatency} ms, stalled ${stalledAfter.toFixed(1)} s after the last output`);
      expect(crashLatency).toBeLessThan(10_000);
      expect(doneLatency).toBeLessThan(10_000);
      expect(stalledAfter).toBeGreaterThanOrEqual(10);
      // Once the frozen job is killed every run has ended, and the follow ends by itself.
      box.sh(`kill -9 $(cat ${box.home}/.tether/runs/f-frozen/attempts/1/pid)`);
      const r = await run;
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/follow: every followed run has ended/);
      // The events the follower sent are what the looks were for (not a cron-like refresh).
      expect(r.stdout).toMatch(/follow: [^\n]*: (crash|exit|marker)[^\n]*f-crash failed \(code-error\)/);
    } finally {
      w.stop();
    }
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(statusComments(issue)).toHaveLength(1);
  }, 150_000);
});
