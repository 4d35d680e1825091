import { spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { shellQuote } from '../remote/shell-quote.ts';
import { eachLimit } from '../util/pool.ts';
import { dirname, join } from 'node:path';
import { sshInvocation, type PullTarget } from './ssh-args.ts';
import { PullError, type PullProgress } from './types.ts';

export { PullError, type PullProgress };
/** A file to pull: what transfer needs to know of it (its path under the remote base, size and hash). */
export interface PullFile {
  path: string;
  bytes: number;
  sha256: string;
}

export type { PullTarget };

export interface PullOptions {
  parallel?: number;
  onProgress?: (p: PullProgress) => void;
  progressEveryMs?: number;
  /** Aborting stops every transfer at once; the `.part` files stay for the next run. */
  signal?: AbortSignal;
}

async function hashFile(path: string, h: Hash): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
}

/** Pulls `files` (paths relative to `remoteBase` on the box) into `dest`, in parallel, resumably. */
export async function pullFiles(
  target: PullTarget,
  remoteBase: string,
  files: PullFile[],
  dest: string,
  opts: PullOptions = {},
): Promise<{ files: PullFile[]; bytesThisRun: number }> {
  const { sshArgs, env, close: closeSecrets } = sshInvocation(target);
  const total = files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  let thisRun = 0;
  const t0 = Date.now();
  const progress = () => opts.onProgress?.({ bytesDone: done, bytesTotal: total, bytesThisRun: thisRun, elapsedS: (Date.now() - t0) / 1000 });
  const timer = opts.onProgress ? setInterval(progress, opts.progressEveryMs ?? 3000) : undefined;

  const one = async (f: PullFile): Promise<PullFile> => {
    const final = join(dest, f.path);
    const part = `${final}.part`;
    mkdirSync(dirname(final), { recursive: true });
    if (existsSync(final)) {
      const h = createHash('sha256');
      if (statSync(final).size === f.bytes) {
        await hashFile(final, h);
        const sha = h.digest('hex');
        if (sha === f.sha256) {
          done += f.bytes;
          return { path: f.path, bytes: f.bytes, sha256: sha };
        }
      }
      rmSync(final); // a stale or different copy: fetch again
    }
    let have = existsSync(part) ? statSync(part).size : 0;
    if (have > f.bytes) {
      truncateSync(part, 0);
      have = 0;
    }
    const h = createHash('sha256');
    if (have > 0) await hashFile(part, h); // the bytes already here are read once, then only new bytes stream
    done += have;
    const remote = `${remoteBase}/${f.path}`;
    // The box is asked for exactly the bytes the manifest still owes; whatever it sends past them is refused
    // below, so a file that grew (or a box that lies) can never fill the runner's disk.
    const owed = f.bytes - have;
    const cmd = have > 0 ? `tail -c +${have + 1} ${shellQuote(remote)} | head -c ${owed}` : `head -c ${owed} ${shellQuote(remote)}`;
    if (opts.signal?.aborted) throw new PullError(f.path, 'the pull was stopped');
    const child = spawn('ssh', [...sshArgs, cmd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = () => child.kill('SIGKILL');
    opts.signal?.addEventListener('abort', stop, { once: true });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    let got = have;
    // Hash and append each chunk as it arrives (synchronous writes to the page cache beat a stream
    // pipeline here by ~2x); the bytes are read from the pipe once and never again.
    const fd = openSync(part, 'a');
    let writeError: NodeJS.ErrnoException | undefined;
    let grew = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (writeError || grew) return;
      if (got + chunk.length > f.bytes) {
        grew = true;
        child.kill('SIGKILL');
        return;
      }
      try {
        writeSync(fd, chunk);
      } catch (err) {
        writeError = err as NodeJS.ErrnoException;
        child.kill('SIGKILL');
        return;
      }
      h.update(chunk);
      got += chunk.length;
      done += chunk.length;
      thisRun += chunk.length;
    });
    try {
      await exited;
    } finally {
      closeSync(fd);
    }
    if (grew) {
      rmSync(part, { force: true });
      throw new PullError(f.path, `${f.path} grew since the manifest (the box sent more than its ${f.bytes} bytes): rebuild the manifest and collect again`);
    }
    if (writeError) {
      if (writeError.code === 'ENOSPC')
        throw new PullError(f.path, `the runner's disk is full while writing ${final}; free space and rerun (the partial file resumes)`);
      throw new PullError(f.path, `writing ${part} failed: ${writeError.message}`);
    }
    const code = await exited;
    opts.signal?.removeEventListener('abort', stop);
    if (code !== 0) {
      throw new PullError(
        f.path,
        `ssh exited ${code} after ${got} of ${f.bytes} bytes of ${f.path}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}; rerun to resume`,
        code === 255,
      );
    }
    const sha = h.digest('hex');
    if (got !== f.bytes || sha !== f.sha256) {
      rmSync(part, { force: true });
      throw new PullError(
        f.path,
        `${f.path} changed on the box since the manifest (got ${got} bytes, sha256 ${sha.slice(0, 12)}…; manifest ${f.bytes} bytes, ${f.sha256.slice(0, 12)}…): rebuild the manifest and collect again`,
      );
    }
    renameSync(part, final);
    return { path: f.path, bytes: f.bytes, sha256: sha };
  };

  try {
    const out: PullFile[] = [];
    const errors: PullError[] = [];
    await eachLimit(files, opts.parallel ?? 4, async (f, _i, stop) => {
      try {
        out.push(await one(f));
      } catch (err) {
        if (!(err instanceof PullError)) throw err;
        errors.push(err);
        if (err.network) stop(); // an unreachable box fails every file alike: start no other
      }
    });
    progress();
    if (errors.length) throw errors[0];
    return { files: out.sort((a, b) => a.path.localeCompare(b.path)), bytesThisRun: thisRun };
  } finally {
    if (timer) clearInterval(timer);
    closeSecrets();
  }
}
