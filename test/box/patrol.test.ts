import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { parseConnection } from '../../src/config/connection.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPhase } from '../harness/phases.ts';
import { unverifiedMemory } from '../../src/patrol/memory.ts';
import { patrolPhase } from '../harness/phases.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { run, waitFor } from '../harness/sh.ts';

let box: Box;
const state = `/tmp/tether-patrol-state-${process.pid}.md`;
beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  rmSync(state, { force: true });
});
afterAll(() => {
  try {
    run('umount', [`${box.home}/small`], { allowFail: true });
  } finally {
    box?.destroy();
    rmSync(state, { force: true });
  }
});

const runDir = (id: string) => `${box.home}/.tether/runs/${id}`;
const ended = (id: string) => existsSync(`${runDir(id)}/DONE`) || existsSync(`${runDir(id)}/FAILED`);

async function start(id: string, command: string, extra: Record<string, string> = {}) {
  const r = captureReporter();
  // Each run keeps its checkpoints in its own folder of the shared workdir.
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command,
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': `/tmp/tether-${process.pid}-${id}.json`,
      checkpoints: `${id}/*.pt`,
      ...extra,
    }),
    {},
    r,
    '/tmp',
  );
  rmSync(`/tmp/tether-${process.pid}-${id}.json`, { force: true });
  return { code, r };
}

async function patrol(ids: string[], extra: Record<string, string> = {}) {
  const r = captureReporter();
  const code = await patrolPhase(box.inputs({ 'run-ids': ids.join(','), 'stall-after': '3s', 'connect-timeout': '3', 'state-file': state, ...extra }), {}, r, {
    probe: probeHost,
  });
  return {
    code,
    r,
    states: JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; class: string | null; step: number | null; flags: string[] }>,
    body: readFileSync(state, 'utf8'),
  };
}

describe('patrol verdicts produced for real on a namespace box', () => {
  it('names every ending: finished, traceback, CUDA OOM text, kill -9, disk full; and no job at all', async () => {
    mkdirSync(`${box.home}/small`, { recursive: true });
    run('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', `${box.home}/small`]);
    const jobs: Record<string, string> = {
      'p-done': 'echo "epoch 1/1 step 10 loss 0.5"; mkdir -p p-done; echo w > p-done/a.pt',
      'p-trace': `/usr/bin/python3 -c "raise KeyError('lr')"`,
      'p-cudaoom': "echo 'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB'; exit 1",
      'p-kill9': 'echo "step 5 loss 1.0"; kill -9 $$',
      'p-disk': `/usr/bin/python3 -c "import torch; torch.save(torch.zeros(1000000), '${box.home}/small/ckpt.pt')"`,
    };
    // A job that dies within launch's confirmation window fails the launch step (timing decides which
    // do); patrol must name how each one ended either way.
    for (const [id, cmd] of Object.entries(jobs)) {
      const { code } = await start(id, cmd);
      if (id === 'p-done') expect(code).toBe(0);
      expect(existsSync(`${runDir(id)}/spec.json`)).toBe(true);
    }
    await waitFor('all jobs to end', () => Object.keys(jobs).every(ended), 30_000);
    const { states, code, body, r } = await patrol([...Object.keys(jobs), 'p-none'], { 'fail-on': 'failed' });
    expect(states['p-done']).toMatchObject({ state: 'finished', step: 10 });
    expect(states['p-trace']).toMatchObject({ state: 'failed', class: 'code-error' });
    expect(states['p-cudaoom']).toMatchObject({ state: 'failed', class: 'cuda-oom' });
    expect(states['p-kill9']).toMatchObject({ state: 'failed', class: 'killed' });
    expect(states['p-disk']).toMatchObject({ state: 'failed', class: 'disk-full' });
    expect(states['p-none']).toMatchObject({ state: 'unknown' });
    expect(code).toBe(1);
    expect(r.errors.join('\n')).toMatch(/p-trace is failed \(code-error\)/);
    expect(r.outputs['escalate']).toBe('true');
    expect(body).toMatch(/### tether patrol — last checked \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, tick 1/);
    expect(body).toContain('CUDA out of memory (usually deterministic)');
    expect(JSON.parse(r.outputs['entered']!)).toEqual(['p-trace', 'p-cudaoom', 'p-kill9', 'p-disk']);

    // The next tick: nothing entered a fail-on state, so the step passes; it still says what stays failed.
    const again = await patrol([...Object.keys(jobs), 'p-none'], { 'fail-on': 'failed' });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.r.outputs['entered']!)).toEqual([]);
    expect(again.r.errors).toEqual([]);
    expect(again.r.lines.join('\n')).toMatch(/still p-trace failed \(code-error\), .*already reported when it began/);
    expect(again.r.outputs['escalate']).toBe('true');
  });

  it('alive but frozen is stalled; a quiet log with new checkpoints is running', async () => {
    await start('p-frozen', 'echo "step 1 loss 2"; sleep 300');
    await start('p-quiet', 'echo "step 1"; mkdir -p p-quiet; for i in $(seq 1 100); do echo w > p-quiet/s$i.pt; sleep 1; done');
    await new Promise((res) => setTimeout(res, 4500));
    const { states } = await patrol(['p-frozen', 'p-quiet']);
    expect(states['p-frozen']?.state).toBe('stalled');
    expect(states['p-quiet']?.state).toBe('running');
  });

  it('an old traceback in a live job alerts once, not on every tick', async () => {
    await start('p-warn', `printf 'Traceback (most recent call last):\\nRuntimeError: DataLoader worker exited\\n'; echo "step 3"; sleep 300`);
    const first = await patrol(['p-warn'], { 'stall-after': '10m' });
    expect(first.states['p-warn']?.state).toBe('running');
    expect(first.body).toMatch(/new code-error signature/);
    const second = await patrol(['p-warn'], { 'stall-after': '10m' });
    expect(second.body).not.toMatch(/new code-error signature/);
    expect(unverifiedMemory(second.body).runs['p-warn']?.offset).toBeGreaterThan(0);
  });

  it('uses exactly one SSH connection per host per tick', async () => {
    const log = `${box.dir}/sshd.log`;
    const before = (readFileSync(log, 'utf8').match(/Connection from/g) ?? []).length;
    await patrol(['p-frozen', 'p-quiet', 'p-warn', 'p-done', 'p-none']);
    const after = (readFileSync(log, 'utf8').match(/Connection from/g) ?? []).length;
    expect(after - before).toBe(1);
  });

  it('a black-holed or hung box is unreachable within the timeout + 2 s and keeps what was known', async () => {
    box.blackhole();
    try {
      const t0 = Date.now();
      const { states, body } = await patrol(['p-frozen', 'p-done']);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(states['p-frozen']?.state).toBe('unreachable');
      expect(body).toMatch(/unreachable since .* \(1 tick\): check the provider console for balance, power or preemption/);
      const m = unverifiedMemory(body).runs['p-done'];
      expect(m).toMatchObject({ state: 'unreachable', lastKnown: 'finished', step: 10 });
    } finally {
      box.clearFirewall();
    }
    box.hang();
    try {
      const { states, body } = await patrol(['p-done']);
      expect(states['p-done']?.state).toBe('unreachable');
      expect(body).toMatch(/\(2 ticks\)/);
    } finally {
      box.unhang();
    }
    const back = await patrol(['p-done']);
    expect(back.states['p-done']?.state).toBe('finished');
  });

  it('after a reboot a run is rebooted, not dead', async () => {
    await start('p-reboot', 'sleep 300');
    await new Promise((res) => setTimeout(res, 1500)); // boot time has one-second resolution
    await box.reboot();
    const { states } = await patrol(['p-reboot']);
    expect(states['p-reboot']?.state).toBe('rebooted');
  });

  it('bounds what one probe returns: a 5 MB log gives at most 64 KB of new bytes and an 8 KB tail', async () => {
    await start('p-big', `head -c 5000000 /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo "step 9 loss 0.1"; sleep 300`);
    await waitFor(
      'the big log',
      () => existsSync(`${runDir('p-big')}/attempts/1/log`) && statSync(`${runDir('p-big')}/attempts/1/log`).size > 5_000_000,
      15_000,
    );
    const cfg = parseConnection(box.inputs(), {});
    const host = await probeHost(cfg, loadCredential(cfg.key), '~/.tether/runs', [{ id: 'p-big', attempt: 0, offset: 0 }]);
    const r = host.runs[0]!;
    expect(r.logSize).toBeGreaterThan(5_000_000);
    expect(r.delta.length).toBe(65_536);
    expect(r.deltaFrom).toBe(r.logSize - 65_536);
    expect(r.tail.length).toBe(8192);
    expect(r.tail).toMatch(/step 9 loss 0\.1\n$/);
  });

  it('a hung nvidia-smi cannot hang the tick', async () => {
    writeFileSync(`${box.bin}/nvidia-smi`, '#!/bin/bash\nsleep 600\n', { mode: 0o755 });
    try {
      const t0 = Date.now();
      const { states } = await patrol(['p-done']);
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(states['p-done']?.state).toBe('finished');
    } finally {
      rmSync(`${box.bin}/nvidia-smi`, { force: true });
    }
  });

  it('the built patrol action writes the status to the job summary and outputs', async () => {
    const r = await runBuiltAction('patrol', box.inputs({ 'run-ids': 'p-done\np-trace', 'fail-on': 'dead' }));
    removeWorkspace(r);
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.outputs['states'] ?? '{}')['p-trace'].class).toBe('code-error');
    expect(r.summary).toContain('| `p-done` |');
    expect(r.summary).toMatch(/<!-- tether:memory [A-Za-z0-9+/=]+\.m[0-9a-f]{64} -->/);
  });

  it('refuses a key file on a GitHub-hosted runner and a fork pull request', async () => {
    const hosted = await runBuiltAction('patrol', box.inputs({ 'run-ids': 'p-done' }), { RUNNER_ENVIRONMENT: 'github-hosted' });
    removeWorkspace(hosted);
    expect(hosted.code).toBe(2);
    expect(hosted.stdout).toMatch(/refusing a key file on a GitHub-hosted runner/);
    const event = `/tmp/tether-event-${process.pid}.json`;
    writeFileSync(
      event,
      JSON.stringify({ pull_request: { head: { repo: { fork: true, full_name: 'someone/fork' } } }, repository: { full_name: 'lab/train' } }),
    );
    const fork = await runBuiltAction('patrol', box.inputs({ 'run-ids': 'p-done' }), { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event });
    removeWorkspace(fork);
    rmSync(event, { force: true });
    expect(fork.code).toBe(2);
    expect(fork.stdout).toMatch(/refusing to run on a pull request from a fork/);
  });
});
