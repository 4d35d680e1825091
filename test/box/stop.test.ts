import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnection } from '../../src/config/connection.ts';
import { launchPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { parseMarker } from '../../src/record/grammar.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { stopRun } from '../../src/remote/stop.ts';
import { connect, type Session } from '../../src/ssh/client.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/** Stop by handle (backend_stop_<name> through stop.sh) on a real box, for each backend that starts jobs here. */
let box: Box;
let session: Session;
const state = `/tmp/tether-stop-${process.pid}.md`;
const runDir = (id: string) => `${box.home}/.tether/runs/${id}`;
const read = (p: string) => readFileSync(p, 'utf8');

beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  const cfg = parseConnection(box.inputs(), {});
  session = await connect(cfg, loadCredential(cfg.key));
});
afterAll(() => {
  session?.close();
  box?.destroy();
  rmSync(state, { force: true });
});

async function launch(id: string, backend: string, command: string, extra: Record<string, string> = {}) {
  const r = captureReporter();
  const file = `/tmp/tether-stop-${process.pid}-${id}.json`;
  const code = await launchPhase(
    box.inputs({ 'run-id': id, backend, command, workdir: '~/code', audit: 'false', 'confirm-timeout': '1', 'run-file': file, ...extra }),
    {},
    r,
    '/tmp',
  );
  rmSync(file, { force: true });
  expect(code, r.errors.join('\n')).toBe(0);
  return Number(read(`${runDir(id)}/attempts/1/pid`).trim());
}

/** Running, as the box's kernel sees it (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(read(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

describe.each(['tmux', 'setsid'])('stop by handle, backend %s', (backend) => {
  it('TERM reaches the job, which checkpoints and exits; FAILED says stopped and `then` does not run', async () => {
    const id = `stop-term-${backend}`;
    // The job saves on TERM and exits 0: it was stopped, not finished, so no DONE and no `then`.
    const pid = await launch(id, backend, `trap 'echo saving; echo state > saved.pt; exit 0' TERM; echo started; for i in $(seq 600); do sleep 0.2; done`, {
      then: 'touch then-ran',
    });
    expect(alive(pid)).toBe(true);
    // The wrapper leads its own process group under both backends: that group, and only it, is signalled.
    expect(read(`/proc/${pid}/stat`).split(') ')[1]!.split(' ')[2]).toBe(String(pid));
    const tmuxServer = () => box.sh(`pgrep -f '[t]mux -S ${runDir(id)}/tmux.sock' || true`).trim();
    if (backend === 'tmux') expect(tmuxServer()).not.toBe('');
    const r = await stopRun(session, runDir(id), 20);
    expect(r).toEqual({ attempt: 1, wasAlive: true, escalated: false, alive: false, markerKind: 'FAILED' });
    expect(alive(pid)).toBe(false);
    const marker = parseMarker('FAILED', read(`${runDir(id)}/FAILED`).trim());
    expect(marker).toMatchObject({ attempt: 1, exitCode: 0, signal: 'TERM', stage: 'stopped' });
    expect(read(`${runDir(id)}/attempts/1/log`)).toMatch(/^started\n(?:Terminated\n)?saving\n$/);
    expect(existsSync(`${box.home}/code/saved.pt`)).toBe(true);
    expect(existsSync(`${box.home}/code/then-ran`)).toBe(false);
    expect(existsSync(`${runDir(id)}/DONE`)).toBe(false);
    expect(existsSync(`${runDir(id)}/attempts/1/stop_requested`)).toBe(true);
    if (backend === 'tmux') await waitFor('the private tmux server to exit', () => tmuxServer() === '', 5000);
  });

  it('a job that ignores TERM is killed after the grace; stop.sh writes the marker the killed wrapper could not', async () => {
    const id = `stop-kill-${backend}`;
    const pid = await launch(id, backend, `trap '' TERM; echo stubborn; sleep 600`);
    const t0 = Date.now();
    const r = await stopRun(session, runDir(id), 1);
    expect(r).toEqual({ attempt: 1, wasAlive: true, escalated: true, alive: false, markerKind: 'FAILED' });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(alive(pid)).toBe(false);
    // No process of the run survives: the ignored-TERM sleep went with the group's KILL.
    expect(box.sh(`pgrep -g ${pid} || true`).trim()).toBe('');
    expect(parseMarker('FAILED', read(`${runDir(id)}/FAILED`).trim())).toMatchObject({ attempt: 1, exitCode: 137, signal: 'KILL', stage: 'stopped' });
    expect(read(`${runDir(id)}/attempts/1/exit_code`)).toBe('137\n');
  });
});

describe('stop touches nothing else', () => {
  it('leaves a sibling run running, is a no-op on a finished run, and refuses a missing run record', async () => {
    const sibling = await launch('stop-sibling', 'tmux', 'sleep 600');
    const target = await launch('stop-target', 'setsid', 'sleep 600');
    await stopRun(session, runDir('stop-target'), 5);
    expect(alive(target)).toBe(false);
    expect(alive(sibling)).toBe(true);

    await launch('stop-done', 'tmux', 'echo done');
    await waitFor('DONE', () => existsSync(`${runDir('stop-done')}/DONE`), 10_000);
    const before = read(`${runDir('stop-done')}/DONE`);
    expect(await stopRun(session, runDir('stop-done'), 5)).toEqual({ attempt: 1, wasAlive: false, escalated: false, alive: false, markerKind: 'DONE' });
    expect(read(`${runDir('stop-done')}/DONE`)).toBe(before);
    expect(existsSync(`${runDir('stop-done')}/attempts/1/stop_requested`)).toBe(false);

    await expect(stopRun(session, runDir('never-launched'), 5)).rejects.toThrow(BoxDataError);
    await expect(stopRun(session, runDir('never-launched'), 5)).rejects.toThrow(/no run record/);
    await expect(stopRun(session, runDir('stop-done'), -1)).rejects.toThrow(RangeError);
    await stopRun(session, runDir('stop-sibling'), 5);
    expect(alive(sibling)).toBe(false);
  });

  it('the patrol names a stopped run `failed: stopped`, with its own remediation', async () => {
    const r = captureReporter();
    const code = await patrolPhase(box.inputs({ 'run-ids': 'stop-term-tmux,stop-kill-setsid', 'connect-timeout': '3', 'state-file': state }), {}, r, {
      probe: probeHost,
    });
    expect(code, r.errors.join('\n')).toBe(0);
    const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; class: string | null }>;
    expect(states['stop-term-tmux']).toMatchObject({ state: 'failed', class: 'stopped' });
    expect(states['stop-kill-setsid']).toMatchObject({ state: 'failed', class: 'stopped' });
    expect(read(state)).toMatch(/stopped by tether on request/);
  });
});
