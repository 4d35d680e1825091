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
  const pull = new Pull(
    spawnSend,
    takeWarm,
    workdir,
    dest,
    opts,
    files.reduce((a, f) => a + f.bytes, 0),
  );
  const timer = opts.onProgress ? setInterval(() => pull.progress(), opts.progressEveryMs ?? 3000) : undefined;
  try {
    let pending = [...files];
    let fresh = new Set<string>();
    // Each round settles at least one file (or stops on a dead box), so rounds are bounded by the file count.
    for (let round = 0; pending.length && !pull.network && round <= files.length + 1; round++) {
      const retry: StreamFile[] = [];
      await Promise.all(groups(pending, opts.parallel ?? 4).map((g) => pull.stream(g, fresh, retry)));
      fresh = new Set(retry.filter((f) => pull.startedOver.has(f.path)).map((f) => f.path));
      pending = retry;
    }
    pull.progress();
    if (pull.errors.length) throw pull.errors[0];
    if (pending.length) throw new PullError(pending[0]?.path ?? '', `${pending.length} files were never sent; rerun to resume`);
    return { files: pull.arrived.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), bytesThisRun: pull.thisRun };
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** One ssh call's part of a pull while it runs: its files in order, where the bytes are, and what went wrong. */
interface Call {
  slots: Slot[];
  child: ChildProcessWithoutNullStreams;
  /** The slot the next stdout byte belongs to. */
  cur: number;
  stderr: string;
  lineBuf: string;
  refused: string | null;
  overflow: boolean;
  writeError: NodeJS.ErrnoException | undefined;
  retry: StreamFile[];
}

const printable = (s: string, max: number) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);

/** The state of one pull over all its rounds and streams: what arrived, what failed, the byte counts. */
class Pull {
  done = 0;
  thisRun = 0;
  network = false;
  readonly arrived: Arrived[] = [];
  readonly errors: PullError[] = [];
  readonly startedOver = new Set<string>();
  private readonly t0 = Date.now();

  constructor(
    private readonly spawnSend: () => Send,
    private readonly takeWarm: () => Send | null,
    private readonly workdir: string,
    private readonly dest: string,
    private readonly opts: StreamOptions,
    private readonly total: number,
  ) {}

  progress(): void {
    this.opts.onProgress?.({ bytesDone: this.done, bytesTotal: this.total, bytesThisRun: this.thisRun, elapsedS: (Date.now() - this.t0) / 1000 });
  }

  /** What the runner already holds of a file: its prefix is hashed (and shown to the sink) before the stream starts. */
  private async prepare(f: StreamFile, fresh: boolean): Promise<Slot> {
    const final = join(this.dest, f.path);
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
    const sink = this.opts.sink?.(f.path);
    await readInto(fromFinal ? final : part, have, (b) => {
      hash.update(b);
      sink?.write(b);
    });
    this.done += have;
    return { f, final, part, have, fromFinal, hash, sink, got: 0, fd: null, bytesDone: false, trailer: null, settled: false };
  }

  private fail(s: Slot, err: PullError, keepPart: boolean): void {
    s.settled = true;
    if (!keepPart) rmSync(s.part, { force: true });
    this.errors.push(err);
  }

  /** Both the bytes and the box's word on them are in: the file counts, starts over, or fails. */
  private settle(s: Slot, retry: StreamFile[]): void {
    if (s.settled || !s.bytesDone || !s.trailer) return;
    if ('changed' in s.trailer) {
      this.fail(s, new PullError(s.f.path, `${s.f.path} changed on the box since the listing (${s.trailer.changed}): collect again once it is settled`), false);
      return;
    }
    s.settled = true;
    const sha = s.hash.digest('hex');
    if (sha !== s.trailer.sha) {
      if (s.have > 0 && !this.startedOver.has(s.f.path)) {
        // The bytes kept from an earlier try are not the file's any more: fetch it whole, once.
        this.startedOver.add(s.f.path);
        this.done -= s.have + s.got;
        retry.push({ ...s.f });
        rmSync(s.part, { force: true });
        if (s.fromFinal) rmSync(s.final, { force: true });
        return;
      }
      rmSync(s.part, { force: true });
      this.errors.push(
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
        this.errors.push(new PullError(s.f.path, `${s.f.path} arrived but could not be put in place: ${(err as Error).message}`));
        return;
      }
    }
    const a = { path: s.f.path, bytes: s.f.bytes, sha256: sha };
    this.arrived.push(a);
    this.opts.onArrived?.(a, s.sink);
  }

  /** One ssh call of send.sh for `group`, in order; the files it did not reach go back into `retry`. */
  async stream(group: StreamFile[], fresh: ReadonlySet<string>, retry: StreamFile[]): Promise<void> {
    const slots: Slot[] = [];
    for (const f of group) slots.push(await this.prepare(f, fresh.has(f.path)));
    if (this.opts.signal?.aborted) throw new PullError(group[0]?.path ?? '', 'the pull was stopped');
    const list = slots.map((s) => `${s.have} ${s.f.bytes} ${s.f.mtime} ${s.f.path}`).join('\n');
    const { child, closed } = this.takeWarm() ?? this.spawnSend();
    const stop = () => child.kill('SIGKILL');
    this.opts.signal?.addEventListener('abort', stop, { once: true });
    child.stdin.end(scriptStdin('send', dataLines({ workdir: this.workdir, files: list })));
    const call: Call = { slots, child, cur: 0, stderr: '', lineBuf: '', refused: null, overflow: false, writeError: undefined, retry };
    this.advance(call); // files the runner already holds whole owe no bytes
    child.stdout.on('data', (chunk: Buffer) => this.receive(call, chunk));
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      call.stderr = (call.stderr + text).slice(-2000);
      call.lineBuf += text;
      const lines = call.lineBuf.split('\n');
      call.lineBuf = (lines.pop() ?? '').slice(-1000); // a line longer than that is no trailer
      for (const l of lines) this.trailer(call, l);
    });
    const code = await closed;
    this.opts.signal?.removeEventListener('abort', stop);
    if (call.lineBuf) this.trailer(call, call.lineBuf);
    for (const s of slots) {
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
    }
    this.ended(call, code);
  }

  /** Closes out every file whose owed bytes are all in (in order), settling it once its trailer is there too. */
  private advance(call: Call): void {
    for (; call.cur < call.slots.length; call.cur++) {
      const s = call.slots[call.cur] as Slot;
      if (s.got < s.f.bytes - s.have) return;
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
      s.bytesDone = true;
      this.settle(s, call.retry);
    }
  }

  /** Stdout bytes: each file's owed bytes, back to back; a byte past the last is never written. */
  private receive(call: Call, chunk: Buffer): void {
    let b = chunk;
    while (b.length && !call.overflow && !call.writeError) {
      const s = call.slots[call.cur];
      if (!s) {
        call.overflow = true; // more bytes than were asked for: never written anywhere
        call.child.kill('SIGKILL');
        return;
      }
      const take = Math.min(b.length, s.f.bytes - s.have - s.got);
      const piece = b.subarray(0, take);
      try {
        s.fd ??= openSync(s.part, 'a');
        writeSync(s.fd, piece);
      } catch (err) {
        call.writeError = err as NodeJS.ErrnoException;
        call.child.kill('SIGKILL');
        return;
      }
      s.hash.update(piece);
      s.sink?.write(piece);
      s.got += take;
      this.done += take;
      this.thisRun += take;
      b = b.subarray(take);
      this.advance(call);
    }
  }

  /** One stderr line: a file's trailer (its hash, or why it changed) or the box's refusal of the request. */
  private trailer(call: Call, line: string): void {
    const m = TRAILER.exec(line);
    if (!m) return;
    if (m[1] === 'refused') {
      call.refused = `${m[2] ?? ''} ${m[3] ?? ''}`.trim();
      return;
    }
    const s = call.slots[Number(m[2])];
    if (!s || s.trailer) return;
    if (m[1] === 'sent') s.trailer = /^[0-9a-f]{64}$/.test(m[3] ?? '') ? { sha: m[3] as string } : { changed: 'its hash line is not a sha256' };
    else s.trailer = { changed: printable(m[3] ?? '', 300) };
    this.settle(s, call.retry);
  }

  /** The call has ended: every file it had not settled is settled now, by what the stream and its exit said. */
  private ended(call: Call, code: number | null): void {
    const said = call.stderr
      .split('\n')
      .filter((l) => l.trim() && !TRAILER.test(l))
      .pop();
    const tail = said ? `: ${printable(said, 300)}` : '';
    const open = call.slots.filter((s) => !s.settled);
    if (call.overflow) {
      // First among the errors: whatever else the stream said, the box did not keep to the protocol.
      const last = call.slots[call.slots.length - 1] as Slot;
      this.errors.unshift(new PullError(last.f.path, `the box sent more bytes than were asked for (after ${last.f.path}): nothing past them was written`));
      for (const s of open) {
        s.settled = true;
        rmSync(s.part, { force: true });
      }
      return;
    }
    const e = call.writeError;
    if (e) {
      for (const s of open) {
        const why =
          e.code === 'ENOSPC'
            ? `the runner's disk is full while writing ${s.final}; free space and rerun (the partial file resumes)`
            : `writing ${s.part} failed: ${e.message}`;
        this.fail(s, new PullError(s.f.path, why), true);
      }
      return;
    }
    for (const s of open) {
      const at = `after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}`;
      if (s.trailer && 'changed' in s.trailer) {
        s.bytesDone = true;
        this.settle(s, call.retry);
      } else if (code === 255) {
        this.network = true;
        this.fail(s, new PullError(s.f.path, `ssh exited 255 ${at}${tail}; rerun to resume`, true), true);
      } else if (call.refused !== null) {
        this.fail(s, new PullError(s.f.path, `the box refused the transfer: ${printable(call.refused, 200)}`), true);
      } else if (code === 3 && s.got === 0 && !s.trailer) {
        call.retry.push(s.f); // the stream ended at an earlier file that changed: this one goes in the next stream
        s.settled = true;
      } else {
        this.fail(
          s,
          new PullError(s.f.path, `the transfer ended (exit ${code}) ${at}${s.trailer ? '' : ', with no hash from the box'}${tail}; rerun to resume`),
          true,
        );
      }
    }
  }
}
