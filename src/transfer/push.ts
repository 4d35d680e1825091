/**
 * A recovery's restore (issue 27 §2): the newest verified checkpoint of the run, from the runner's sync directory,
 * pushed into the new box's checkpoint folder before the job starts. The bytes go through the runner's OpenSSH
 * client with the pinned key (the bulk engine's invocation), read once from disk while hashed here, and hashed
 * again by restore.sh as they land; both hashes must be the sync record's.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { obj, optStr, parseJson, str } from '../record/strict.ts';
import { scriptCommand, scriptStdin } from '../remote/invoke.ts';
import { sshInvocation, type PullTarget } from './ssh-args.ts';

export interface RestoreFile {
  /** On the runner. */
  source: string;
  /** Relative to the run's workdir on the box (the sync record's path). */
  path: string;
  bytes: number;
  sha256: string;
}

export async function pushCheckpoint(
  target: PullTarget,
  workdir: string,
  f: RestoreFile,
  timeoutMs = 3_600_000,
): Promise<{ result: 'restored' | 'present'; path: string }> {
  const { sshArgs, env, close } = sshInvocation(target);
  try {
    const child = spawn('ssh', [...sshArgs, scriptCommand([workdir, f.path, String(f.bytes), f.sha256])], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.length < 64 && out.push(d));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.stdin.on('error', () => undefined);
    const closed = new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const hash = createHash('sha256');
    let sent = 0;
    try {
      child.stdin.write(scriptStdin('restore'));
      for await (const chunk of createReadStream(f.source)) {
        hash.update(chunk as Buffer);
        sent += (chunk as Buffer).length;
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.end();
      const code = await closed;
      const local = hash.digest('hex');
      if (sent !== f.bytes || local !== f.sha256)
        throw new Error(
          `the synced copy of ${f.path} on the runner is ${sent} bytes with sha256 ${local}, not the ${f.bytes} bytes and sha256 the sync verified: not restored`,
        );
      const line = Buffer.concat(out)
        .toString('utf8')
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1);
      if (!line) throw new Error(`restore of ${f.path}: no answer from the box (exit ${code}${err.trim() ? `: ${err.trim().slice(0, 300)}` : ''})`);
      const o = obj(parseJson(line, 'restore.sh result', 8192), 'restore.sh result');
      const result = str(o, 'result', 'restore.sh result', { max: 32 });
      if (result !== 'restored' && result !== 'present')
        throw new Error(`restore of ${f.path}: ${result}: ${optStr(o, 'message', 'restore.sh result', { max: 2000 }) ?? ''}`);
      return { result, path: str(o, 'path', 'restore.sh result', { max: 8192 }) };
    } finally {
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  } finally {
    close();
  }
}
