import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkedPid, readPidFile, signalPid } from '../harness/pids.ts';

const dir = mkdtempSync('/tmp/tether-pids-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('test harness signals never reach its own process group', () => {
  it('refuses what is not a pid above 1: an empty pid file would read as 0, which signals the whole group', () => {
    for (const bad of ['', ' ', '0', '1', '-5', '12abc', '1e3', undefined, 0, -0, 1.5, NaN]) {
      expect(() => checkedPid(bad as string | number | undefined, 'x'), String(bad)).toThrow(/not a process id for x/);
    }
    expect(checkedPid(' 4242\n', 'x')).toBe(4242);
    expect(() => signalPid(0, 'SIGTERM')).toThrow(/not a process id/);
    expect(() => signalPid(-0, 'SIGKILL', { group: true })).toThrow(/not a process id/);
  });

  it('signals a live process, and a gone one is false, not an error', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const done = new Promise((r) => child.once('exit', (_c, sig) => r(sig)));
    expect(signalPid(child.pid as number, 0)).toBe(true);
    expect(signalPid(child.pid as number, 'SIGTERM')).toBe(true);
    expect(await done).toBe('SIGTERM');
    expect(signalPid(child.pid as number, 0)).toBe(false);
  });

  it('waits for a pid file that exists but is not written yet', async () => {
    const f = join(dir, 'd.pid');
    writeFileSync(f, '');
    setTimeout(() => writeFileSync(f, '31337\n'), 150);
    expect(await readPidFile(f, 'daemon', 3000)).toBe(31337);
    writeFileSync(f, '');
    await expect(readPidFile(f, 'daemon', 200)).rejects.toThrow(/daemon pid file/);
  });
});
