import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
beforeAll(async () => {
  box = await createBox({ without: ['tmux'] });
  box.sh(`mkdir -p ${box.home}/code`);
});
afterAll(() => box?.destroy());

describe('a box without tmux', () => {
  it('falls back to setsid and says so in the log and the summary (runbook R29)', async () => {
    expect(box.sh(`env PATH=${box.bin}:${box.dir}/sysbin bash -c 'command -v tmux || echo absent'`).trim()).toBe('absent');
    const r = await runBuiltAction(
      'launch',
      box.inputs({ 'run-id': 'fallback', command: 'echo ran', workdir: '~/code', audit: 'false', 'confirm-timeout': '1' }),
    );
    removeWorkspace(r);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['handle']).toBe('setsid');
    expect(r.stdout).toMatch(/::warning::tmux is not installed on the box, so the job was started with setsid instead/);
    expect(r.summary).toMatch(/\[!WARNING\]\n> tmux is not installed/);
    await waitFor('DONE', () => existsSync(`${box.home}/.tether/runs/fallback/DONE`), 10_000);
    expect(readFileSync(`${box.home}/.tether/runs/fallback/attempts/1/log`, 'utf8')).toBe('ran\n');
    // The backend that actually started it is recorded with the attempt: later phases ask that one.
    expect(readFileSync(`${box.home}/.tether/runs/fallback/attempts/1/handle`, 'utf8')).toBe('setsid\n');
  });
});
