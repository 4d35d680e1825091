import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeness } from '../../src/collect/manifest.ts';
import { collectPhase } from '../../src/collect/phase.ts';
import { parseConnection } from '../../src/config/connection.ts';
import { buildManifest } from '../../src/remote/manifest.ts';
import { connect, type Session } from '../../src/ssh/client.ts';
import { knownHostsLine } from '../../src/ssh/hostkey.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { PullError, pullFiles, type PullTarget } from '../../src/transfer/pull.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { run } from '../harness/sh.ts';

let box: Box;
let session: Session;
let target: PullTarget;
const dests: string[] = [];
beforeAll(async () => {
  box = await createBox();
  const job = [
    'mkdir -p ck/cellA ck/cellB',
    'head -c 3000000 /dev/urandom > ck/cellA/step1.pt',
    'head -c 120000000 /dev/urandom > ck/cellB/big.pt',
    'echo small > ck/cellB/notes.pt',
  ].join(' && ');
  await finishedRun(box, 'c1', job, { workdir: 'code', checkpoints: 'ck/**/*.pt' });
  const cfg = parseConnection(box.inputs(), {});
  session = await connect(cfg, loadCredential(cfg.key));
  target = {
    host: box.addr,
    port: 22,
    user: 'root',
    knownHostsLine: knownHostsLine(box.addr, 22, session.hostKey),
    identity: { key: readFileSync(box.clientKeyPath) },
    connectTimeoutS: 5,
  };
});
afterAll(() => {
  session?.close();
  box?.destroy();
  for (const d of dests) rmSync(d, { recursive: true, force: true });
});

const dest = () => {
  const d = mkdtempSync(join(tmpdir(), 'tether-dest-'));
  dests.push(d);
  return d;
};
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('manifest on the box, then a pinned OpenSSH pull hashed as it streams', () => {
  it('builds the manifest (roster checked) and pulls every file, complete and equal', async () => {
    const { manifest, text } = await buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: ['cellA', 'cellB'] });
    expect(manifest.files.map((f) => f.path)).toEqual(['ck/cellA/step1.pt', 'ck/cellB/big.pt', 'ck/cellB/notes.pt']);
    expect(manifest.workdir).toBe(`${box.home}/code`);
    expect(readFileSync(`${box.home}/.tether/runs/c1/manifest.json`, 'utf8')).toBe(text);
    expect(manifest.files[1]?.sha256).toBe(sha(`${box.home}/code/ck/cellB/big.pt`));
    const d = dest();
    const progress: number[] = [];
    const r = await pullFiles(target, manifest.workdir, manifest.files, d, { onProgress: (p) => progress.push(p.bytesDone), progressEveryMs: 50 });
    expect(completeness(manifest, r.files)).toMatchObject({ ok: true });
    for (const f of manifest.files) expect(sha(join(d, f.path))).toBe(f.sha256);
    expect(progress.at(-1)).toBe(manifest.total_bytes);
    // A second run finds everything in place and sends nothing.
    expect((await pullFiles(target, manifest.workdir, manifest.files, d)).bytesThisRun).toBe(0);
  });

  it('a pull stopped at about half resumes and sends at most 55% of the bytes again', async () => {
    const { manifest } = await buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: [] });
    const d = dest();
    const abort = new AbortController();
    const first = pullFiles(target, manifest.workdir, manifest.files, d, {
      parallel: 1,
      progressEveryMs: 20,
      onProgress: (p) => p.bytesDone >= p.bytesTotal / 2 && abort.abort(),
      signal: abort.signal,
    });
    await expect(first).rejects.toBeInstanceOf(PullError);
    const second = await pullFiles(target, manifest.workdir, manifest.files, d);
    expect(second.bytesThisRun).toBeLessThanOrEqual(0.55 * manifest.total_bytes);
    expect(second.bytesThisRun).toBeGreaterThan(0);
    expect(completeness(manifest, second.files).ok).toBe(true);
  });

  it('latest-only covers just the newest settled checkpoint', async () => {
    box.sh(`sleep 1; head -c 1000 /dev/urandom > ${box.home}/code/ck/cellA/step2.pt`);
    const { manifest } = await buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: true, roster: [] });
    expect(manifest.files.map((f) => f.path)).toEqual(['ck/cellA/step2.pt']);
    expect(manifest.latest_only).toBe(true);
  });

  it('a file rewritten on the box after the manifest is detected and not accepted', async () => {
    const { manifest } = await buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: [] });
    box.sh(`head -c 3000000 /dev/urandom > ${box.home}/code/ck/cellA/step1.pt`);
    const d = dest();
    await expect(pullFiles(target, manifest.workdir, manifest.files, d)).rejects.toThrow(/ck\/cellA\/step1.pt changed on the box since the manifest/);
    expect(existsSync(join(d, 'ck/cellA/step1.pt'))).toBe(false);
    expect(existsSync(join(d, 'ck/cellA/step1.pt.part'))).toBe(false);
  });

  it('refuses a symlink, a roster mismatch and zero files, with the reason', async () => {
    await expect(buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: ['cellA', 'cellC'] })).rejects.toThrow(
      /roster mismatch: expected \[cellA,cellC\], found \[cellA,cellB\]/,
    );
    box.sh(`ln -s /etc/shadow ${box.home}/code/ck/cellA/evil.pt`);
    await expect(buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: [] })).rejects.toThrow(/refusing symlink ck\/cellA\/evil.pt/);
    box.sh(`rm ${box.home}/code/ck/cellA/evil.pt; mv ${box.home}/code/ck ${box.home}/code/ck-moved`);
    await expect(buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: [] })).rejects.toThrow(/no checkpoint files match/);
    box.sh(`mv ${box.home}/code/ck-moved ${box.home}/code/ck`);
  });
  it('a box black-holed mid-transfer fails within the stall timeout, other files are not tried, and a rerun resumes', async () => {
    const { manifest } = await buildManifest(session, '~/.tether/runs', 'c1', { latestOnly: false, roster: [] });
    const d = dest();
    const stallTarget = { ...target, stallTimeoutS: 2 };
    let cutAt = 0;
    const t0 = Date.now();
    let failedAt = 0;
    try {
      await expect(
        pullFiles(
          stallTarget,
          manifest.workdir,
          [...manifest.files].sort((a, b) => b.bytes - a.bytes),
          d,
          {
            parallel: 1,
            progressEveryMs: 10,
            onProgress: (p) => {
              if (!cutAt && p.bytesDone > 0.1 * p.bytesTotal) {
                cutAt = Date.now();
                box.blackhole();
              }
            },
          },
        ).finally(() => (failedAt = Date.now())),
      ).rejects.toMatchObject({
        name: 'PullError',
        network: true,
        message: expect.stringMatching(/ssh exited 255 after \d+ of 120000000 bytes of ck\/cellB\/big.pt.*rerun to resume/),
      });
    } finally {
      box.clearFirewall();
    }
    expect(cutAt).toBeGreaterThan(0);
    // Two missed 1 s keepalives, plus scheduling slack; never the default 2 minutes.
    expect(failedAt - cutAt).toBeLessThan(10_000);
    expect(failedAt - t0).toBeLessThan(20_000);
    // Nothing else was tried after the box went silent, and no file was completed by mistake.
    expect(existsSync(join(d, 'ck/cellA/step1.pt'))).toBe(false);
    expect(existsSync(join(d, 'ck/cellB/big.pt'))).toBe(false);
    const kept = readFileSync(join(d, 'ck/cellB/big.pt.part')).length;
    expect(kept).toBeGreaterThan(0);
    const again = await pullFiles(stallTarget, manifest.workdir, manifest.files, d);
    expect(again.bytesThisRun).toBe(manifest.total_bytes - kept);
    expect(completeness(manifest, again.files).ok).toBe(true);
  }, 60_000);

  it('a full runner disk fails the collect with a clear error and nothing marked verified; the files on the box are untouched', async () => {
    const mnt = dest();
    run('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mnt]); // on the runner, not in the box's namespace
    try {
      const rep = captureReporter();
      const before = sha(`${box.home}/code/ck/cellB/big.pt`);
      const code = await collectPhase(box.inputs({ 'run-id': 'c1', 'dest-dir': mnt }), {}, rep, '/tmp');
      expect(code).toBe(1);
      expect(rep.outputs['verified']).toBe('false');
      expect(rep.errors.join('\n')).toMatch(
        /collect: pull failed, nothing marked verified: the runner's disk is full while writing .*big.pt; free space and rerun/,
      );
      expect(rep.summaries.join('\n')).toMatch(/NOT verified/);
      expect(existsSync(join(mnt, 'c1', 'VERIFIED.json'))).toBe(false);
      expect(sha(`${box.home}/code/ck/cellB/big.pt`)).toBe(before);
    } finally {
      run('umount', [mnt]);
    }
  }, 60_000);
});
