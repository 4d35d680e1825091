import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { dataLines, scriptCommand, scriptStdin } from '../remote/invoke.ts';
import { PullError, type PullProgress } from './types.ts';
import { sshInvocation, type PullTarget } from './ssh-args.ts';
import { groups } from '../util/groups.ts';

export { groups };

/** A file as the listing saw it: the box sends it only while it still has this size and mtime. */
export interface StreamFile {
  path: string;
  bytes: number;
  mtime: string;
}

/** A file that arrived whole, with the hash both ends computed over its bytes. */
export interface Arrived {
  path: string;
  bytes: number;
  sha256: string;
}

/** Sees every byte of one file in order, a resumed prefix (read back from the runner's disk) first. */
export interface FileSink {
  write(chunk: Buffer): void;
}

export interface StreamOptions {
  /** How many streams (one ssh each) share the files; default 4. */
  parallel?: number;
  onProgress?: (p: PullProgress) => void;
  progressEveryMs?: number;
  /** Aborting stops every stream at once; the `.part` files stay for the next run. */
  signal?: AbortSignal;
  /** A fresh sink for a file's bytes (asked again when the file starts over from byte 0). */
  sink?: (path: string) => FileSink | undefined;
  /** A file arrived and both hashes agree: called at once, while other files still stream (collect verifies it here). */
  onArrived?: (f: Arrived, sink: FileSink | undefined) => void;
}

const TRAILER = /^tether-(sent|changed|refused) ?([0-9]*) ?(.{0,300})$/;

interface Slot {
  f: StreamFile;
  final: string;
  part: string;
  /** Bytes already on the runner: a `.part` prefix, or a whole earlier copy (`final`) the box only hashes. */
  have: number;
  fromFinal: boolean;
  hash: Hash;
  sink: FileSink | undefined;
  got: number;
  fd: number | null;
  bytesDone: boolean;
  trailer: { sha: string } | { changed: string } | null;
  settled: boolean;
}

async function readInto(path: string, bytes: number, each: (b: Buffer) => void): Promise<void> {
  if (bytes === 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) each(chunk as Buffer);
}

/**
 * Collect's transfer: one pass over each byte on the box. Streams of files go through pinned OpenSSH calls
 * of send.sh, which hashes each whole file while it sends the bytes the runner still owes and reports the
 * hash after them; the runner hashes what it holds and receives, and a file counts only when the two agree
 * and the box saw no change (size, mtime, ctime, inode) while it was read. A resumed file whose hashes
 * differ starts over once from byte 0; a changed file is a PullError naming it; other files go on.
 */
export async function streamFiles(
  target: PullTarget,
  workdir: string,
  files: StreamFile[],
  dest: string,
  opts: StreamOptions = {},
): Promise<{ files: Arrived[]; bytesThisRun: number }> {
  const p = streamPull(target);
  try {
    return await p.run(workdir, files, dest, opts);
  } finally {
    p.close();
  }
}

/**
 * A pull whose first ssh connection is opened at once, before the files are known (send.sh waits for its list
 * on stdin): collect starts it right after the control connection has verified the host key, so the OpenSSH
 * handshake happens while the box lists the files. `close` ends an unused connection and removes the key copy.
 */
export function streamPull(target: PullTarget): {
  run(workdir: string, files: StreamFile[], dest: string, opts?: StreamOptions): Promise<{ files: Arrived[]; bytesThisRun: number }>;
  close(): void;
} {
  const { sshArgs, env, close: closeSecrets } = sshInvocation(target);
  const spawnSend = () => {
    const child = spawn('ssh', [...sshArgs, scriptCommand([])], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.on('error', () => undefined); // (ssh missing: its close says so)
    child.stdin.on('error', () => undefined); // a box that hangs up early: its exit says why
    // Its end is caught from the start: a warm connection may be refused before anyone listens.
    const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    return { child, closed };
  };
  let warm: ReturnType<typeof spawnSend> | null = spawnSend();
  const close = () => {
    if (warm) {
      warm.child.stdin.end();
      const w = warm.child;
      setTimeout(() => w.kill('SIGKILL'), 2000).unref();
      warm = null;
    }
    closeSecrets();
  };
  return {
    run: (workdir, files, dest, opts = {}) =>
      runPull(
        spawnSend,
        () => {
          const w = warm;
          warm = null;
          return w;
        },
        workdir,
        files,
        dest,
        opts,
      ),
    close,
  };
}

type Send = { child: ChildProcessWithoutNullStreams; closed: Promise<number | null> };

async function runPull(
  spawnSend: () => Send,
  takeWarm: () => Send | null,
  workdir: string,
  files: StreamFile[],
  dest: string,
  opts: StreamOptions,
): Promise<{ files: Arrived[]; bytesThisRun: number }> {
  const total = files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  let thisRun = 0;
  const t0 = Date.now();
  const progress = () => opts.onProgress?.({ bytesDone: done, bytesTotal: total, bytesThisRun: thisRun, elapsedS: (Date.now() - t0) / 1000 });
  const timer = opts.onProgress ? setInterval(progress, opts.progressEveryMs ?? 3000) : undefined;
  const arrived: Arrived[] = [];
  const errors: PullError[] = [];
  const startedOver = new Set<string>();
  let network = false;

  // What the runner already holds of a file: its prefix is hashed (and shown to the sink) before the stream starts.
  const prepare = async (f: StreamFile, fresh: boolean): Promise<Slot> => {
    const final = join(dest, f.path);
    const part = `${final}.part`;
    mkdirSync(dirname(final), { recursive: true });
    if (fresh) {
      rmSync(final, { force: true });
      rmSync(part, { force: true });
    }
    let have = 0;
    let fromFinal = false;
    if (existsSync(final)) {
      if (statSync(final).size === f.bytes) {
        have = f.bytes;
        fromFinal = true;
        rmSync(part, { force: true });
      } else rmSync(final);
    }
    if (!fromFinal && existsSync(part)) {
      have = statSync(part).size;
      if (have > f.bytes) {
        truncateSync(part, 0);
        have = 0;
      }
    }
    const hash = createHash('sha256');
    const sink = opts.sink?.(f.path);
    await readInto(fromFinal ? final : part, have, (b) => {
      hash.update(b);
      sink?.write(b);
    });
    done += have;
    return { f, final, part, have, fromFinal, hash, sink, got: 0, fd: null, bytesDone: false, trailer: null, settled: false };
  };

  const fail = (s: Slot, err: PullError, keepPart: boolean) => {
    s.settled = true;
    if (!keepPart) rmSync(s.part, { force: true });
    errors.push(err);
  };

  // Both the bytes and the box's word on them are in: the file counts, starts over, or fails.
  const settle = (s: Slot, retry: StreamFile[]) => {
    if (s.settled || !s.bytesDone || !s.trailer) return;
    if ('changed' in s.trailer) {
      fail(s, new PullError(s.f.path, `${s.f.path} changed on the box since the listing (${s.trailer.changed}): collect again once it is settled`), false);
      return;
    }
    s.settled = true;
    const sha = s.hash.digest('hex');
    if (sha !== s.trailer.sha) {
      if (s.have > 0 && !startedOver.has(s.f.path)) {
        // The bytes kept from an earlier try are not the file's any more: fetch it whole, once.
        startedOver.add(s.f.path);
        done -= s.have + s.got;
        retry.push({ ...s.f });
        rmSync(s.part, { force: true });
        if (s.fromFinal) rmSync(s.final, { force: true });
        return;
      }
      rmSync(s.part, { force: true });
      errors.push(
        new PullError(
          s.f.path,
          `${s.f.path}: the box's sha256 (${s.trailer.sha.slice(0, 12)}…) is not the sha256 of the bytes that arrived (${sha.slice(0, 12)}…): collect again; if it repeats, the box is not sending what it hashes`,
        ),
      );
      return;
    }
    if (!s.fromFinal) {
      try {
        if (!existsSync(s.part)) closeSync(openSync(s.part, 'a')); // an empty file owes no bytes, so none were written
        renameSync(s.part, s.final);
      } catch (err) {
        errors.push(new PullError(s.f.path, `${s.f.path} arrived but could not be put in place: ${(err as Error).message}`));
        return;
      }
    }
    const a = { path: s.f.path, bytes: s.f.bytes, sha256: sha };
    arrived.push(a);
    opts.onArrived?.(a, s.sink);
  };

  // One ssh call of send.sh for `group`, in order; the files it did not reach go back into `retry`.
  const stream = async (group: StreamFile[], fresh: ReadonlySet<string>, retry: StreamFile[]): Promise<void> => {
    const slots: Slot[] = [];
    for (const f of group) slots.push(await prepare(f, fresh.has(f.path)));
    if (opts.signal?.aborted) throw new PullError(group[0]?.path ?? '', 'the pull was stopped');
    const list = slots.map((s) => `${s.have} ${s.f.bytes} ${s.f.mtime} ${s.f.path}`).join('\n');
    const { child, closed } = takeWarm() ?? spawnSend();
    const stop = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', stop, { once: true });
    child.stdin.end(scriptStdin('send', dataLines({ workdir, files: list })));
    let stderr = '';
    let lineBuf = '';
    let refused: string | null = null;
    let overflow = false;
    let writeError: NodeJS.ErrnoException | undefined;
    let cur = 0;
    const advance = () => {
      for (; cur < slots.length; cur++) {
        const s = slots[cur] as Slot;
        if (s.got < s.f.bytes - s.have) return;
        if (s.fd !== null) closeSync(s.fd);
        s.fd = null;
        s.bytesDone = true;
        settle(s, retry);
      }
    };
    advance(); // files the runner already holds whole owe no bytes
    child.stdout.on('data', (chunk: Buffer) => {
      let b = chunk;
      while (b.length && !overflow && !writeError) {
        const s = slots[cur];
        if (!s) {
          overflow = true; // more bytes than were asked for: never written anywhere
          child.kill('SIGKILL');
          return;
        }
        const take = Math.min(b.length, s.f.bytes - s.have - s.got);
        const piece = b.subarray(0, take);
        try {
          s.fd ??= openSync(s.part, 'a');
          writeSync(s.fd, piece);
        } catch (err) {
          writeError = err as NodeJS.ErrnoException;
          child.kill('SIGKILL');
          return;
        }
        s.hash.update(piece);
        s.sink?.write(piece);
        s.got += take;
        done += take;
        thisRun += take;
        b = b.subarray(take);
        advance();
      }
    });
    const onLine = (line: string) => {
      const m = TRAILER.exec(line);
      if (!m) return;
      if (m[1] === 'refused') {
        refused = `${m[2] ?? ''} ${m[3] ?? ''}`.trim();
        return;
      }
      const s = slots[Number(m[2])];
      if (!s || s.trailer) return;
      if (m[1] === 'sent') s.trailer = /^[0-9a-f]{64}$/.test(m[3] ?? '') ? { sha: m[3] as string } : { changed: 'its hash line is not a sha256' };
      else s.trailer = { changed: (m[3] ?? '').replace(/[^\x20-\x7e]/g, '?') };
      settle(s, retry);
    };
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      stderr = (stderr + text).slice(-2000);
      lineBuf += text;
      const lines = lineBuf.split('\n');
      lineBuf = (lines.pop() ?? '').slice(-1000); // a line longer than that is no trailer
      for (const l of lines) onLine(l);
    });
    const code = await closed;
    opts.signal?.removeEventListener('abort', stop);
    if (lineBuf) onLine(lineBuf);
    for (const s of slots) {
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
    }
    const said = stderr
      .split('\n')
      .filter((l) => l.trim() && !TRAILER.test(l))
      .pop()
      ?.replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 300);
    const open = slots.filter((s) => !s.settled);
    if (overflow) {
      // First among the errors: whatever else the stream said, the box did not keep to the protocol.
      const last = slots[slots.length - 1] as Slot;
      errors.unshift(new PullError(last.f.path, `the box sent more bytes than were asked for (after ${last.f.path}): nothing past them was written`));
      for (const s of open) {
        s.settled = true;
        rmSync(s.part, { force: true });
      }
      return;
    }
    if (writeError) {
      const e = writeError;
      for (const s of open)
        fail(
          s,
          new PullError(
            s.f.path,
            e.code === 'ENOSPC'
              ? `the runner's disk is full while writing ${s.final}; free space and rerun (the partial file resumes)`
              : `writing ${s.part} failed: ${e.message}`,
          ),
          true,
        );
      return;
    }
    for (const s of open) {
      if (s.trailer && 'changed' in s.trailer) {
        s.bytesDone = true;
        settle(s, retry);
      } else if (code === 255) {
        network = true;
        fail(
          s,
          new PullError(
            s.f.path,
            `ssh exited 255 after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}${said ? `: ${said}` : ''}; rerun to resume`,
            true,
          ),
          true,
        );
      } else if (refused !== null) {
        fail(
          s,
          new PullError(
            s.f.path,
            `the box refused the transfer: ${String(refused)
              .replace(/[^\x20-\x7e]/g, '?')
              .slice(0, 200)}`,
          ),
          true,
        );
      } else if (code === 3 && s.got === 0 && !s.trailer) {
        retry.push(s.f); // the stream ended at an earlier file that changed: this one goes in the next stream
        s.settled = true;
      } else {
        fail(
          s,
          new PullError(
            s.f.path,
            `the transfer ended (exit ${code}) after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}${s.trailer ? '' : ', with no hash from the box'}${said ? `: ${said}` : ''}; rerun to resume`,
          ),
          true,
        );
      }
    }
  };

  try {
    let pending = [...files];
    let fresh = new Set<string>();
    // Each round settles at least one file (or stops on a dead box), so rounds are bounded by the file count.
    for (let round = 0; pending.length && !network && round <= files.length + 1; round++) {
      const retry: StreamFile[] = [];
      await Promise.all(groups(pending, opts.parallel ?? 4).map((g) => stream(g, fresh, retry)));
      fresh = new Set(retry.filter((f) => startedOver.has(f.path)).map((f) => f.path));
      pending = retry;
    }
    progress();
    if (errors.length) throw errors[0];
    if (pending.length) throw new PullError(pending[0]?.path ?? '', `${pending.length} files were never sent; rerun to resume`);
    return { files: arrived.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), bytesThisRun: thisRun };
  } finally {
    if (timer) clearInterval(timer);
  }
}
