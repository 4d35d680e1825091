import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { parseConnection } from '../../src/config/connection.ts';
import { rebuildManifest, listFiles } from '../../src/remote/manifest.ts';
import { manifestFromListing } from '../../src/record/manifest.ts';
import { filesSha256 } from '../../src/record/verified.ts';
import { connect, type Session } from '../../src/ssh/client.ts';
import { knownHostsLine } from '../../src/record/hostkey.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { PullError } from '../../src/transfer/types.ts';
import type { PullTarget } from '../../src/transfer/ssh-args.ts';
import { streamFiles, type Arrived } from '../../src/transfer/stream.ts';
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

const listing = (latestOnly = false, roster: string[] = []) => listFiles(session, '~/.tether/runs', 'c1', { latestOnly, roster, cells: [] });
const shaOf = (files: Arrived[]) => new Map(files.map((f) => [f.path, f.sha256]));

describe('the listing on the box, then one pass over the bytes: the box hashes what it sends, the runner what it gets', () => {
  it('lists (roster checked, nothing read or written on the box) and streams every file; both hashes agree with the file', async () => {
    const l = await listing(false, ['cellA', 'cellB']);
    expect(l.files.map((f) => f.path)).toEqual(['ck/cellA/step1.pt', 'ck/cellB/big.pt', 'ck/cellB/notes.pt']);
    expect(l.workdir).toBe(`${box.home}/code`);
    expect(l.files[1]?.mtime).toMatch(/^\d+\.\d{9}$/);
    expect(existsSync(`${box.home}/.tether/runs/c1/manifest.json`)).toBe(false); // the listing writes nothing on the box
    const d = dest();
    const progress: number[] = [];
    const order: string[] = [];
    const r = await streamFiles(target, l.workdir, l.files, d, {
      parallel: 1,
      onProgress: (p) => progress.push(p.bytesDone),
      progressEveryMs: 50,
      onArrived: (f) => order.push(f.path),
    });
    expect(order).toEqual(['ck/cellA/step1.pt', 'ck/cellB/big.pt', 'ck/cellB/notes.pt']); // one stream, in order, each as it lands
    for (const f of r.files) expect(f.sha256).toBe(sha(`${box.home}/code/${f.path}`));
    for (const f of r.files) expect(sha(join(d, f.path))).toBe(f.sha256);
    expect(progress.at(-1)).toBe(l.total_bytes);
    expect(r.bytesThisRun).toBe(l.total_bytes);
    // The manifest made from what arrived is the manifest teardown rebuilds from the box (send.sh hashing, asked for no bytes): the compare is unchanged.
    const { manifest, text } = manifestFromListing(l, shaOf(r.files));
    const rebuilt = await rebuildManifest(session, '~/.tether/runs', 'c1', []);
    expect(filesSha256(rebuilt.manifest)).toBe(filesSha256(manifest));
    expect(JSON.parse(rebuilt.text).files).toEqual(JSON.parse(text).files);
    expect(existsSync(`${box.home}/.tether/runs/c1/manifest.json`)).toBe(false); // teardown's rebuild writes nothing on the box either
    // A second run finds everything in place: the box hashes, sends nothing, and the hashes still agree.
    const again = await streamFiles(target, l.workdir, l.files, d);
    expect(again.bytesThisRun).toBe(0);
    expect(shaOf(again.files)).toEqual(shaOf(r.files));
  });

  it('a pull stopped at about half resumes and sends at most 55% of the bytes again', async () => {
    const l = await listing();
    const d = dest();
    const abort = new AbortController();
    const first = streamFiles(target, l.workdir, l.files, d, {
      parallel: 1,
      progressEveryMs: 20,
      onProgress: (p) => p.bytesDone >= p.bytesTotal / 2 && abort.abort(),
      signal: abort.signal,
    });
    await expect(first).rejects.toBeInstanceOf(PullError);
    const second = await streamFiles(target, l.workdir, l.files, d);
    expect(second.bytesThisRun).toBeLessThanOrEqual(0.55 * l.total_bytes);
    expect(second.bytesThisRun).toBeGreaterThan(0);
    for (const f of second.files) expect(f.sha256).toBe(sha(`${box.home}/code/${f.path}`));
  });

  it('a kept partial file that is not the start of the file any more starts over once, and arrives whole', async () => {
    const l = await listing();
    const d = dest();
    mkdirSync(join(d, 'ck/cellA'), { recursive: true });
    writeFileSync(join(d, 'ck/cellA/step1.pt.part'), Buffer.alloc(1000, 7)); // not the box's bytes
    const r = await streamFiles(target, l.workdir, l.files.slice(0, 1), d);
    expect(r.files[0]?.sha256).toBe(sha(`${box.home}/code/ck/cellA/step1.pt`));
    expect(r.bytesThisRun).toBe(3_000_000 - 1000 + 3_000_000); // the owed tail, then the whole file again
    expect(existsSync(join(d, 'ck/cellA/step1.pt.part'))).toBe(false);
  });

  it('the sink sees every byte of each file in order (a resumed prefix read back first)', async () => {
    const l = await listing();
    const d = dest();
    const f = l.files.find((x) => x.path === 'ck/cellA/step1.pt')!;
    mkdirSync(join(d, 'ck/cellA'), { recursive: true });
    writeFileSync(join(d, 'ck/cellA/step1.pt.part'), readFileSync(`${box.home}/code/ck/cellA/step1.pt`).subarray(0, 1_000_000));
    const seen = new Map<string, ReturnType<typeof createHash>>();
    const r = await streamFiles(target, l.workdir, [f], d, {
      sink: (p) => {
        const h = createHash('sha256');
        seen.set(p, h);
        return { write: (b) => void h.update(b) };
      },
    });
    expect(r.bytesThisRun).toBe(2_000_000);
    expect(seen.get(f.path)?.digest('hex')).toBe(r.files[0]?.sha256);
  });

  it('an empty file arrives as an empty file with the hash of nothing', async () => {
    box.sh(`touch ${box.home}/code/ck/cellA/empty.bin`);
    const mtime = box.sh(`stat -c %.9Y ${box.home}/code/ck/cellA/empty.bin`).trim();
    const d = dest();
    const r = await streamFiles(target, `${box.home}/code`, [{ path: 'ck/cellA/empty.bin', bytes: 0, mtime }], d);
    expect(r.files).toEqual([{ path: 'ck/cellA/empty.bin', bytes: 0, sha256: createHash('sha256').digest('hex') }]);
    expect(readFileSync(join(d, 'ck/cellA/empty.bin')).length).toBe(0);
    box.sh(`rm ${box.home}/code/ck/cellA/empty.bin`);
  });

  it('latest-only covers just the newest settled checkpoint', async () => {
    box.sh(`sleep 1; head -c 1000 /dev/urandom > ${box.home}/code/ck/cellA/step2.pt`);
    const l = await listing(true);
    expect(l.files.map((f) => f.path)).toEqual(['ck/cellA/step2.pt']);
    expect(l.latest_only).toBe(true);
    box.sh(`rm ${box.home}/code/ck/cellA/step2.pt`);
  });

  it('a file rewritten on the box after the listing is refused by name; the other files still arrive', async () => {
    const l = await listing();
    box.sh(`head -c 3000000 /dev/urandom > ${box.home}/code/ck/cellA/step1.pt`);
    const d = dest();
    const got: string[] = [];
    await expect(streamFiles(target, l.workdir, l.files, d, { parallel: 1, onArrived: (f) => got.push(f.path) })).rejects.toThrow(
      /ck\/cellA\/step1.pt changed on the box since the listing \(not as listed: now 3000000 bytes, mtime [0-9.]+\)/,
    );
    expect(got).toEqual(['ck/cellB/big.pt', 'ck/cellB/notes.pt']);
    expect(existsSync(join(d, 'ck/cellA/step1.pt'))).toBe(false);
    expect(existsSync(join(d, 'ck/cellA/step1.pt.part'))).toBe(false);
  });

  it('a file written to while it is being sent is caught, even with its size unchanged', async () => {
    const l = await listing();
    const d = dest();
    const big = l.files.find((f) => f.path === 'ck/cellB/big.pt')!;
    let poked = false;
    await expect(
      streamFiles(target, l.workdir, [big], d, {
        progressEveryMs: 10,
        onProgress: (p) => {
          if (!poked && p.bytesDone > 0.2 * p.bytesTotal) {
            poked = true; // one byte overwritten in place near the end: same size, new mtime and ctime
            box.sh(`printf x | dd of=${box.home}/code/ck/cellB/big.pt bs=1 seek=119999000 conv=notrunc status=none`);
          }
        },
      }),
    ).rejects.toThrow(/ck\/cellB\/big.pt changed on the box since the listing \(while it was sent\)/);
    expect(poked).toBe(true);
    expect(existsSync(join(d, 'ck/cellB/big.pt'))).toBe(false);
  });

  it('a box that sends more than it was asked, or a hash that is not of what it sent, is refused; nothing past the asked bytes is written', async () => {
    const l = await listing();
    const small = l.files.filter((f) => f.path === 'ck/cellA/step1.pt');
    try {
      // A lying box: its `tail`/`head` pad the stream, and its openssl hashes something else.
      writeFileSync(`${box.bin}/head`, '#!/bin/bash\n/usr/bin/head "$@"; printf EXTRA-BYTES\n', { mode: 0o755 });
      const d = dest();
      await expect(streamFiles(target, l.workdir, small, d)).rejects.toThrow(/the box sent more bytes than were asked for/);
      expect(existsSync(join(d, 'ck/cellA/step1.pt'))).toBe(false);
      rmSync(`${box.bin}/head`);
      writeFileSync(`${box.bin}/openssl`, `#!/bin/bash\ncat >/dev/null; echo '${'ab'.repeat(32)} *stdin'\n`, { mode: 0o755 });
      const d2 = dest();
      await expect(streamFiles(target, l.workdir, small, d2)).rejects.toThrow(/the box's sha256 \(abababababab…\) is not the sha256 of the bytes that arrived/);
      expect(existsSync(join(d2, 'ck/cellA/step1.pt'))).toBe(false);
    } finally {
      rmSync(`${box.bin}/head`, { force: true });
      rmSync(`${box.bin}/openssl`, { force: true });
    }
  });

  it('refuses a symlink, a roster mismatch and zero files, with the reason', async () => {
    await expect(listing(false, ['cellA', 'cellC'])).rejects.toThrow(/roster mismatch: expected \[cellA,cellC\], found \[cellA,cellB\]/);
    box.sh(`ln -s /etc/shadow ${box.home}/code/ck/cellA/evil.pt`);
    // A symlink is skipped and counted, never followed (the one symlink rule), and the rest still lists.
    const withLink = await listing();
    expect(withLink.skipped_symlinks).toEqual({ count: 1, names: ['ck/cellA/evil.pt'] });
    expect(withLink.files.map((f) => f.path)).not.toContain('ck/cellA/evil.pt');
    box.sh(`rm ${box.home}/code/ck/cellA/evil.pt; mv ${box.home}/code/ck ${box.home}/code/ck-moved`);
    await expect(listing()).rejects.toThrow(/no-checkpoints: no file in \S+ matches the run.s checkpoint globs \(ck\/\*\*\/\*.pt\)/);
    box.sh(`mv ${box.home}/code/ck-moved ${box.home}/code/ck`);
  });

  it('a box black-holed mid-transfer fails within the stall timeout, other files are not tried, and a rerun resumes', async () => {
    const l = await listing();
    const d = dest();
    const stallTarget = { ...target, stallTimeoutS: 2 };
    let cutAt = 0;
    const t0 = Date.now();
    let failedAt = 0;
    try {
      await expect(
        streamFiles(stallTarget, l.workdir, l.files, d, {
          parallel: 1,
          progressEveryMs: 10,
          onProgress: (p) => {
            if (!cutAt && p.bytesDone > 0.1 * p.bytesTotal) {
              cutAt = Date.now();
              box.blackhole();
            }
          },
        }).finally(() => (failedAt = Date.now())),
      ).rejects.toMatchObject({
        name: 'PullError',
        message: expect.stringMatching(/ssh exited 255 after \d+ of 120000000 bytes of ck\/cellB\/big.pt.*rerun to resume/),
      });
    } finally {
      box.clearFirewall();
    }
    expect(cutAt).toBeGreaterThan(0);
    // Two missed 1 s keepalives, plus scheduling slack; never the default 2 minutes.
    expect(failedAt - cutAt).toBeLessThan(10_000);
    expect(failedAt - t0).toBeLessThan(20_000);
    // Nothing was completed by mistake, and the file after the one cut off was never tried.
    expect(existsSync(join(d, 'ck/cellB/big.pt'))).toBe(false);
    expect(existsSync(join(d, 'ck/cellB/notes.pt.part'))).toBe(false);
    const kept = readFileSync(join(d, 'ck/cellB/big.pt.part')).length;
    expect(kept).toBeGreaterThan(0);
    const again = await streamFiles(stallTarget, l.workdir, l.files, d);
    expect(again.bytesThisRun).toBe(l.total_bytes - kept - 3_000_000); // step1 (first in the stream) had arrived whole
    for (const f of again.files) expect(f.sha256).toBe(sha(`${box.home}/code/${f.path}`));
  }, 60_000);

  it('a full runner disk fails the collect with a clear error and nothing marked verified; the files on the box are untouched', async () => {
    const mnt = dest();
    run('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mnt]); // on the runner, not in the box's namespace
    try {
      const rep = captureReporter();
      const before = sha(`${box.home}/code/ck/cellB/big.pt`);
      // One stream: the files arrive in listing order, so the one that meets the full disk is big.pt, not whichever
      // of two parallel streams writes first.
      const code = await collectPhase(box.inputs({ 'run-id': 'c1', 'dest-dir': mnt, parallel: '1' }), {}, rep, '/tmp');
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
