import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/errors.ts';
import { launchPhase } from '../harness/phases.ts';
import { packRelease } from '../../src/launch/release.ts';
import { createBox, type Box } from '../harness/box.ts';
import { readPidNow, signalPid } from '../harness/pids.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
let code: string;
beforeAll(async () => {
  box = await createBox();
  code = mkdtempSync(join(tmpdir(), 'tether-code-'));
  mkdirSync(join(code, 'src'));
  writeFileSync(join(code, 'train.sh'), 'echo "version $(cat src/VERSION)"; sleep "${SLEEP:-0}"\n');
  writeFileSync(join(code, 'src/VERSION'), 'one\n');
});
afterAll(() => {
  box?.destroy();
  rmSync(code, { recursive: true, force: true });
});

const runs = (id: string) => `${box.home}/.tether/runs/${id}`;

async function launchSynced(id: string, extra: Record<string, string> = {}) {
  const r = captureReporter();
  const exit = await launchPhase(
    box.inputs({
      'run-id': id,
      command: 'bash train.sh',
      'sync-dir': code,
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': join(code, '..', `${id}.run.json`),
      ...extra,
    }),
    {},
    r,
    code,
  );
  return { exit, r, workdir: JSON.parse(readFileSync(`${runs(id)}/spec.json`, 'utf8')).workdir as string };
}

describe('code sync as a content-addressed release', () => {
  it('packs the same content to the same bytes, and a change to a new id', () => {
    const a = packRelease(code, 'dir', '/');
    const b = packRelease(code, 'dir', '/');
    expect(a.sha256).toBe(b.sha256);
    writeFileSync(join(code, 'src/VERSION'), 'changed\n');
    expect(packRelease(code, 'dir', '/').id).not.toBe(a.id);
    writeFileSync(join(code, 'src/VERSION'), 'one\n');
    expect(packRelease(code, 'dir', '/').id).toBe(a.id);
  });

  it('uploads the directory, runs from it, and reuses it untouched for the same content', async () => {
    const first = await launchSynced('sync-1', { env: 'SLEEP=30' });
    expect(first.exit, first.r.errors.join('\n')).toBe(0);
    expect(first.workdir).toMatch(/^~\/\.tether\/runs\/\.releases\/[0-9a-f]{20}$/);
    const release = first.workdir.replace('~', box.home);
    expect(readFileSync(`${release}/src/VERSION`, 'utf8')).toBe('one\n');
    expect(readFileSync(`${runs('sync-1')}/attempts/1/log`, 'utf8')).toContain('version one');
    const before = statSync(`${release}/train.sh`);
    expect(first.r.lines.join('\n')).toMatch(/uploaded to/);

    // The first job still runs from that release; a second run with the same code reuses it as is.
    const second = await launchSynced('sync-2');
    expect(second.exit).toBe(0);
    expect(second.workdir).toBe(first.workdir);
    expect(second.r.lines.join('\n')).toMatch(/already on the box/);
    const after = statSync(`${release}/train.sh`);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);

    // New code gets a new release; the live run's release is never touched.
    writeFileSync(join(code, 'src/VERSION'), 'two\n');
    const third = await launchSynced('sync-3');
    expect(third.workdir).not.toBe(first.workdir);
    await waitFor('DONE', () => existsSync(`${runs('sync-3')}/DONE`), 15_000);
    expect(readFileSync(`${runs('sync-3')}/attempts/1/log`, 'utf8')).toContain('version two');
    expect(readFileSync(`${release}/src/VERSION`, 'utf8')).toBe('one\n');
    signalPid(readPidNow(`${runs('sync-1')}/attempts/1/pid`), 'SIGKILL', { group: true });
  });

  it('resume with changed code is refused: a resume runs the recorded code', async () => {
    const pid = readFileSync(`${runs('sync-1')}/attempts/1/pid`, 'utf8').trim();
    const gone = () => !existsSync(`/proc/${pid}/stat`) || /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    await waitFor('sync-1 to die', gone, 5000);
    const r = captureReporter();
    const exit = await launchPhase(
      box.inputs({ 'run-id': 'sync-1', command: 'bash train.sh', 'sync-dir': code, audit: 'false', resume: 'true', env: 'SLEEP=30' }),
      {},
      r,
      code,
    );
    expect(exit).toBe(1);
    expect(r.errors.join('\n')).toMatch(/run id sync-1 was started with a different workdir: recorded '[^']*\/\.releases\/[0-9a-f]+'/);
  });

  it('git-head mode ships the committed tree only', () => {
    const repo = mkdtempSync(join(tmpdir(), 'tether-repo-'));
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(join(repo, 'committed.txt'), 'yes\n');
    git('add', '.');
    git('commit', '-qm', 'c');
    writeFileSync(join(repo, 'untracked.txt'), 'no\n');
    const rel = packRelease(repo, 'git-head', '/');
    const list = spawnSync('tar', ['-tf', '-'], { input: rel.bytes, encoding: 'utf8' }).stdout;
    expect(list).toContain('committed.txt');
    expect(list).not.toContain('untracked.txt');
    rmSync(repo, { recursive: true, force: true });
  });

  it('a missing sync-dir, or sync-dir with workdir, is a bad input before any connection', async () => {
    const r = captureReporter();
    await expect(launchPhase(box.inputs({ 'run-id': 'x', command: 'true', 'sync-dir': '/no/such/dir' }), {}, r, '/')).rejects.toThrow(InputError);
    await expect(launchPhase(box.inputs({ 'run-id': 'x', command: 'true', 'sync-dir': code, workdir: '~/x' }), {}, r, '/')).rejects.toThrow(/not both/);
    await expect(launchPhase(box.inputs({ 'run-id': 'x', command: 'true', 'sync-dir': code, 'sync-mode': 'rsync' }), {}, r, '/')).rejects.toThrow(/sync-mode/);
  });
});
