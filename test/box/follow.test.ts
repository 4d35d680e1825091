import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { unverifiedMemory, type TickMemory } from '../../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { signalPid } from '../harness/pids.ts';
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

async function launch(id: string, command: string, extra: Record<string, string> = {}) {
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command,
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': `/tmp/tether-follow-${process.pid}-${id}.json`,
      ...extra,
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

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};
const statusComments = (issue: number) =>
  [...gh.comments.values()].filter((c) => c.issue === issue && c.user.login === BOT.login && c.body.includes('<!-- tether:status -->'));

/** Watches the status comment of `issue`: the first time (ms) each run showed each state. */
function watch(issue: number): { seen: Map<string, number>; memory: () => TickMemory; stop: () => void } {
  const seen = new Map<string, number>();
  let last: TickMemory = unverifiedMemory('');
  const t = setInterval(() => {
    const c = statusComments(issue)[0];
    if (!c) return;
    last = unverifiedMemory(c.body);
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

  it('sshd stopped mid-follow: unreachable within a bounded time, then the follow resumes; a cron tick beside it leaves one comment with the newest memory', async () => {
    await launch('f-live', 'for i in $(seq 1 400); do echo "step $i loss 1.0"; sleep 0.5; done');
    const issue = gh.addIssue('follow-dark');
    const w = watch(issue);
    // stall-after 30s: the follow also looks every 10 s without events (the job's steps need no event).
    const run = patrolAction(issue, ['f-live'], { follow: '75s', 'stall-after': '30s' });
    // (a process of the box may end between the listing and the read)
    const comm = (p: number) => {
      try {
        return readFileSync(`/proc/${p}/comm`, 'utf8');
      } catch {
        return '';
      }
    };
    const signal = (p: number, sig: NodeJS.Signals) => signalPid(p, sig);
    const sshd = () => box.pids().filter((p) => /sshd/.test(comm(p)));
    try {
      await waitFor('the first status', () => w.seen.has('f-live running'), 20_000, 100);
      // The follower runs on the box (bash -s -- RUN_ROOT HEARTBEAT_LOST SETTLE: three arguments; a probe has one).
      await waitFor('the follower', () => box.pids().some((p) => /^bash -s -- \S+ \d+ \d+ ?$/.test(cmdline(p))), 20_000, 100);
      // Every sshd of the box (the listener and the follow's own session) stops answering.
      const stoppedAt = Date.now();
      for (const p of sshd()) signal(p, 'SIGSTOP');
      try {
        await waitFor('unreachable in the comment', () => w.seen.has('f-live unreachable'), 40_000, 100);
      } finally {
        for (const p of sshd()) signal(p, 'SIGCONT');
      }
      const darkFor = (w.seen.get('f-live unreachable')! - stoppedAt) / 1000;
      console.log(`follow: sshd stopped → unreachable in the comment after ${darkFor.toFixed(1)} s`);
      // Keepalives (5 s, two missed) and one connect timeout (3 s) bound it.
      expect(darkFor).toBeLessThan(30);
      const back = Date.now();
      await waitFor('running again', () => w.memory().runs['f-live']?.state === 'running' && Date.parse(w.memory().runs['f-live']!.at!) > back, 45_000, 100);

      // A cron tick while the follow runs: one comment; its memory is the newer observation.
      const cron = await patrolAction(issue, ['f-live'], { 'stall-after': '30s' });
      expect(cron.code, cron.stdout).toBe(0);
      expect(statusComments(issue)).toHaveLength(1);
      const afterCron = unverifiedMemory(statusComments(issue)[0]!.body).runs['f-live']!;
      await waitFor('a follow write after the cron tick', () => Date.parse(w.memory().runs['f-live']!.at!) > Date.parse(afterCron.at!), 20_000, 100);
      expect(statusComments(issue)).toHaveLength(1);
    } finally {
      box.sh(`kill -9 $(cat ${box.home}/.tether/runs/f-live/attempts/1/pid) 2>/dev/null || true`);
      w.stop();
    }
    const r = await run;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/follow: [^\n]*the follower stopped/);
  }, 200_000);

  it('with sync, a new checkpoint is pulled and verified on its event, not at the next tick', async () => {
    const dest = mkdtempSync(join(tmpdir(), 'tether-follow-sync-'));
    try {
      await launch(
        'f-sync',
        `mkdir -p f-sync && sleep 8 && /usr/bin/python3 -c "import torch; torch.save({'w': torch.randn(250000)}, 'f-sync/step_5.pt')" && date +%s%3N > f-sync.at && sleep 60`,
        { checkpoints: 'f-sync/*.pt' },
      );
      const issue = gh.addIssue('follow-sync');
      const w = watch(issue);
      const run = patrolAction(issue, ['f-sync'], { follow: '40s', 'stall-after': '1h', sync: 'latest', 'sync-dest': dest, 'sync-settle': '1s' });
      try {
        await waitFor('the synced checkpoint in the comment', () => w.memory().runs['f-sync']?.sync?.newest?.path === 'f-sync/step_5.pt', 45_000, 100).catch(
          async (e) => {
            console.log(
              (await run).stdout,
              box.sh(`ls -la ${box.home}/code/f-sync; cat ${box.home}/.tether/runs/f-sync/attempts/1/log; cat ${box.home}/.tether/runs/f-sync/checkpoints`),
            );
            throw e;
          },
        );
        const latency = Date.now() - Number(readFileSync(`${box.home}/code/f-sync.at`, 'utf8'));
        console.log(`follow: checkpoint written → verified on the runner and in the comment: ${latency} ms`);
        expect(latency).toBeLessThan(30_000);
        const where = w.memory().runs['f-sync']!.sync!.newest!.where;
        expect(readFileSync(where).equals(readFileSync(`${box.home}/code/f-sync/step_5.pt`))).toBe(true);
      } finally {
        box.sh(`kill -9 $(cat ${box.home}/.tether/runs/f-sync/attempts/1/pid) 2>/dev/null || true`);
        w.stop();
      }
      const r = await run;
      expect(r.code, r.stdout).toBe(0);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  }, 120_000);
});
