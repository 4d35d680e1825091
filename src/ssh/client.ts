import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ConnectionConfig } from '../config/connection.ts';
import { withBackoff } from './backoff.ts';
import { classify, TransportError } from './errors.ts';
import { fingerprint } from '../record/hostkey.ts';
import type { Credential } from './keys.ts';

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Hard deadline for the whole exec; the connection is dropped when it passes. */
  timeoutMs?: number;
  /** Output beyond this many bytes per stream is dropped (and `truncated` set). */
  maxOutput?: number;
}

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

/** A long-running command whose stdout arrives line by line while it runs (a follower). */
export interface Stream {
  /** Settles when the command ends or the connection drops: why, in one line. */
  readonly ended: Promise<string>;
  /** Closes the channel (its stdin ends, so a follower exits). */
  close(): void;
}

export interface Session {
  readonly hostFingerprint: string;
  /** The host key blob this connection verified, so OpenSSH can be pinned to exactly the same key. */
  readonly hostKey: Buffer;
  /** The jump host's key this connection verified (null for a direct one), for OpenSSH's pin of that hop. */
  readonly jumpHostKey: Buffer | null;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Runs `command` with `stdin` written and the channel's input left open (the command sees its end only
   * when the stream or the connection closes). Each stdout line goes to `onLine`; a line longer than
   * `maxLine` bytes ends the stream (a box that floods is not read further).
   */
  stream(command: string, stdin: Buffer, onLine: (line: string) => void, maxLine?: number): Stream;
  /** Settles when the connection ends, with why. */
  readonly closed: Promise<string>;
  close(): void;
}

export interface ConnectTuning {
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/**
 * Opens one pinned SSH connection. Never asks for a pty. Timeouts and keepalives are always bounded;
 * only `network` failures (a reset or a dropped handshake) are retried, with capped backoff, because a
 * box that timed out once will not answer faster within the same tick.
 */
export function connect(cfg: ConnectionConfig, cred: Credential, tuning: ConnectTuning = {}): Promise<Session> {
  return withBackoff(
    cfg.attempts,
    () => connectOnce(cfg, cred, tuning),
    (err) => err instanceof TransportError && err.kind === 'network',
  );
}

/** One SSH handshake to be made: where, how its host key is checked, and over what (a jump host's channel). */
interface Hop {
  host: string;
  port: number;
  user: string;
  pin: ConnectionConfig['pin'];
  /** How this hop is named in errors ("jump host " for the bastion). */
  label: string;
  sock?: Duplex;
}

/** One connection: straight to the box, or a pinned login to the jump host and the box's SSH inside its forwarded channel. */
async function connectOnce(cfg: ConnectionConfig, cred: Credential, tuning: ConnectTuning): Promise<Session> {
  const box: Hop = { host: cfg.host, port: cfg.port, user: cfg.user, pin: cfg.pin, label: '' };
  if (!cfg.jump) {
    const direct = await handshake(box, cfg, cred, tuning);
    return makeSession(direct.client, direct.seen, direct.seenKey, null);
  }
  const j = cfg.jump;
  const jump = await handshake({ host: j.host, port: j.port, user: j.user, pin: { kind: 'pinned', ...j.pin }, label: 'jump host ' }, cfg, cred, tuning);
  let inner: Awaited<ReturnType<typeof handshake>>;
  try {
    const sock = await forward(jump.client, cfg, j);
    inner = await handshake({ ...box, sock }, cfg, cred, tuning);
  } catch (err) {
    jump.client.end();
    throw err;
  }
  // The box's connection lives inside the jump host's: when it ends, so does the jump login.
  inner.client.once('close', () => jump.client.end());
  jump.client.once('close', () => inner.client.destroy());
  return makeSession(inner.client, inner.seen, inner.seenKey, jump.seenKey);
}

/** A direct-tcpip channel from the jump host to the box (the jump host's sshd opens the TCP connection). */
function forward(jump: ssh2.Client, cfg: ConnectionConfig, j: NonNullable<ConnectionConfig['jump']>): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      jump.end();
      reject(
        new TransportError('unreachable', `jump host ${j.host}:${j.port} could not reach ${cfg.host}:${cfg.port} within ${cfg.connectTimeoutMs / 1000} s`),
      );
    }, cfg.connectTimeoutMs);
    jump.forwardOut('127.0.0.1', 0, cfg.host, cfg.port, (err, stream) => {
      clearTimeout(timer);
      if (!err) return resolve(stream);
      const msg = err.message;
      const kind = /refused/i.test(msg) ? 'connection_refused' : /timed out|no route|unreachable/i.test(msg) ? 'unreachable' : 'network';
      reject(new TransportError(kind, `jump host ${j.host}:${j.port} could not open a channel to ${cfg.host}:${cfg.port}: ${msg}`));
    });
  });
}

function handshake(hop: Hop, cfg: ConnectionConfig, cred: Credential, tuning: ConnectTuning): Promise<{ client: ssh2.Client; seen: string; seenKey: Buffer }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let seen = '';
    let seenKey = Buffer.alloc(0);
    let rejectedHostKey = false;
    let settled = false;
    const where = `${hop.label}${hop.host}:${hop.port}`;
    // ssh2 can emit two 'error' events for one failure (e.g. timeout, then "lost before handshake").
    const fail = (err: TransportError) => {
      if (settled) return;
      settled = true;
      client.end();
      client.destroy();
      reject(err);
    };
    const hardStop = setTimeout(
      () => fail(new TransportError('unreachable', `${where} did not finish the SSH handshake within ${cfg.connectTimeoutMs / 1000} s`)),
      cfg.connectTimeoutMs + 1000,
    );
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      clearTimeout(hardStop);
      const kind = classify(err, rejectedHostKey);
      const detail =
        kind === 'host_key_mismatch' && hop.pin.kind === 'pinned'
          ? `${where} presented ${seen}, but the pinned key is ${hop.pin.fingerprints.join(' or ')}`
          : `${where}: ${err.message}`;
      fail(new TransportError(kind, detail, kind === 'host_key_mismatch' && seen ? seen : undefined));
    });
    client.on('ready', () => {
      clearTimeout(hardStop);
      if (settled) return;
      settled = true;
      resolve({ client, seen, seenKey });
    });
    try {
      client.connect({
        ...(hop.sock ? { sock: hop.sock } : { host: hop.host, port: hop.port }),
        username: hop.user,
        ...('privateKey' in cred ? { privateKey: cred.privateKey } : { agent: cred.agent }),
        readyTimeout: cfg.connectTimeoutMs,
        keepaliveInterval: tuning.keepaliveIntervalMs ?? 10_000,
        keepaliveCountMax: tuning.keepaliveCountMax ?? 3,
        tryKeyboard: false,
        // Straight to the one method we have: no 'none' probe round trip.
        authHandler: 'privateKey' in cred ? ['publickey'] : ['agent'],
        // Runs before authentication: a wrong key never sees our credentials.
        hostVerifier: (key: Buffer) => {
          seen = fingerprint(key);
          seenKey = Buffer.from(key);
          if (hop.pin.kind === 'accept-new') return true;
          const ok = hop.pin.fingerprints.includes(seen) && !hop.pin.revoked.includes(seen);
          rejectedHostKey = !ok;
          return ok;
        },
      });
      // Each auth step is a small request/answer; with Nagle on, every one waits out a delayed ACK (~40 ms).
      if (!hop.sock) client.setNoDelay(true);
    } catch (err) {
      clearTimeout(hardStop);
      fail(new TransportError('network', (err as Error).message));
    }
  });
}

function makeSession(client: ssh2.Client, hostFingerprint: string, hostKey: Buffer, jumpHostKey: Buffer | null): Session {
  let lost: TransportError | undefined;
  client.on('error', (err: Error & { level?: string; code?: string }) => {
    lost ??= new TransportError(classify(err, false), err.message);
  });
  const closed = new Promise<string>((res) => client.once('close', () => res(lost?.message ?? 'the connection closed')));
  return {
    hostFingerprint,
    hostKey,
    jumpHostKey,
    closed,
    close: () => {
      client.end();
    },
    stream: (command, stdin, onLine, maxLine = 4096) => streamLines(client, () => lost, command, stdin, onLine, maxLine),
    exec: (command, opts = {}) => execBounded(client, () => lost, command, opts),
  };
}

/** A long-running command's stdout, line by line (bounded per line), until it or the connection ends: why it ended. */
function streamLines(
  client: ssh2.Client,
  lostNow: () => TransportError | undefined,
  command: string,
  stdin: Buffer,
  onLine: (line: string) => void,
  maxLine: number,
): Stream {
  let channel: ssh2.ClientChannel | undefined;
  let stop = false;
  const ended = new Promise<string>((res) => {
    const onClose = () => res(lostNow()?.message ?? 'the connection closed');
    client.once('close', onClose);
    const lost = lostNow();
    if (lost) return res(lost.message);
    client.exec(command, { pty: false }, (e, ch) => {
      if (e) return res(`the command could not start: ${e.message}`);
      channel = ch;
      if (stop) ch.close();
      let buf = '';
      ch.on('data', (d: Buffer) => {
        buf += d.toString('utf8');
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        if (buf.length > maxLine) {
          buf = '';
          ch.close();
          client.removeListener('close', onClose);
          res(`the box sent a line longer than ${maxLine} bytes; the stream was closed`);
        }
      });
      ch.stderr.on('data', () => undefined);
      ch.on('error', () => undefined);
      ch.on('close', (code: number | null, signal: string | null) => {
        client.removeListener('close', onClose);
        res(`the command ended (exit ${code ?? signal ?? '?'})`);
      });
      ch.write(stdin);
    });
  });
  return {
    ended,
    close: () => {
      stop = true;
      channel?.close();
    },
  };
}

/** One command with bounded output and time: its exit, stdout and stderr, or a TransportError. */
function execBounded(client: ssh2.Client, lostNow: () => TransportError | undefined, command: string, opts: ExecOptions): Promise<ExecResult> {
  const lost = lostNow();
  return new Promise<ExecResult>((resolve, reject) => {
    if (lost) return reject(lost);
    const max = opts.maxOutput ?? 8 * 1024 * 1024;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let truncated = false;
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeListener('close', onClose);
      fn();
    };
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      finish(() => reject(new TransportError('unreachable', `the command did not finish within ${timeoutMs / 1000} s; the connection was dropped`)));
      client.destroy();
    }, timeoutMs);
    const onClose = () => finish(() => reject(lostNow() ?? new TransportError('network', 'the connection closed before the command finished')));
    client.once('close', onClose);
    client.exec(command, { pty: false }, (e, stream) => {
      if (e) return finish(() => reject(new TransportError('network', e.message)));
      // Past `max` bytes the box's answer is not read further: the channel is closed and the result
      // says truncated (a box that floods stdout must not fill the runner's memory or hold the call).
      const over = () => {
        truncated = true;
        stream.close();
      };
      stream.on('data', (d: Buffer) => {
        if (truncated) return;
        if (outLen + d.length > max) return over();
        out.push(d);
        outLen += d.length;
      });
      stream.stderr.on('data', (d: Buffer) => {
        if (truncated) return;
        if (errLen + d.length > max) return over();
        err.push(d);
        errLen += d.length;
      });
      stream.on('close', (code: number | null, signal: string | null) =>
        finish(() =>
          resolve({
            code: code ?? null,
            signal: signal ?? null,
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            truncated,
          }),
        ),
      );
      stream.on('error', () => undefined);
      if (opts.stdin !== undefined) stream.end(opts.stdin);
      else stream.end();
    });
  });
}
