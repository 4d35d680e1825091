import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionConfig } from '../config/connection.ts';
import { knownHostsLine } from '../record/hostkey.ts';
import type { Session } from '../ssh/client.ts';
import type { Credential } from '../ssh/keys.ts';

/**
 * Bulk bytes go through the runner's OpenSSH client (ssh2 without its native binding moves ~90 MB/s,
 * OpenSSH ~500: test-infra-facts §7), pinned to exactly the host key the ssh2 control connection
 * verified, with the same identity.
 */
export interface PullTarget {
  host: string;
  port: number;
  user: string;
  /** An OpenSSH known_hosts line for the verified host key. */
  knownHostsLine: string;
  /** Private key text, or an agent socket. */
  identity: { key: Buffer } | { agent: string };
  connectTimeoutS: number;
  /** Seconds without a byte or keepalive answer from the box before ssh gives up (R8); default 120. */
  stallTimeoutS?: number;
  /** The bastion the control connection went through, pinned to the key it verified there. */
  jump?: { host: string; port: number; user: string; knownHostsLine: string } | null;
}

/** OpenSSH's target for a box the control connection reached: both hops pinned to exactly the keys it verified. */
export function pullTargetFor(conn: ConnectionConfig, cred: Credential, session: Pick<Session, 'hostKey' | 'jumpHostKey'>, stallTimeoutS?: number): PullTarget {
  const j = conn.jump;
  if (j && !session.jumpHostKey) throw new Error('the control connection did not go through the jump host; OpenSSH will not be pointed past it');
  return {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    knownHostsLine: knownHostsLine(conn.host, conn.port, session.hostKey),
    identity: 'privateKey' in cred ? { key: cred.privateKey } : { agent: cred.agent },
    connectTimeoutS: Math.ceil(conn.connectTimeoutMs / 1000),
    ...(stallTimeoutS !== undefined ? { stallTimeoutS } : {}),
    jump: j && session.jumpHostKey ? { host: j.host, port: j.port, user: j.user, knownHostsLine: knownHostsLine(j.host, j.port, session.jumpHostKey) } : null,
  };
}

/** A word for /bin/sh (ProxyCommand runs through the shell): single-quoted. */
const shWord = (w: string) => `'${w.replace(/'/g, `'\\''`)}'`;

const PREFIX = 'tether-ssh-';
/** A key given as text lives in a private agent at most this long, even if tether is killed before it stops the agent. */
const KEY_LIFETIME_S = 24 * 3600;

/** A process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null when it is gone or a zombie. */
const startOf = (pid: number): string | null => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return f[0] === 'Z' ? null : (f[19] ?? null);
  } catch {
    return null;
  }
};
/**
 * Whether the owner recorded in `file` (`PID START`) still runs: the same pid with the same start time, so a
 * pid the kernel reused for another process (pid_max wraps) never keeps a dead tether's agent alive.
 */
const ownerAlive = (file: string): boolean => {
  let words: string[];
  try {
    words = readFileSync(file, 'utf8').trim().split(/\s+/);
  } catch {
    return false;
  }
  const pid = Number(words[0]);
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  const now = startOf(pid);
  return now !== null && (words[1] === undefined || words[1] === now);
};
const pidIn = (file: string): number => {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 1 ? n : 0;
  } catch {
    return 0;
  }
};
/** Whether pid is a live ssh-agent (a reused pid is never signalled; a zombie holds nothing). */
const isAgent = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'ssh-agent' && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * What a killed tether left behind: a private agent whose owner is gone is stopped and its folder removed;
 * so is a key file an older tether wrote (it wrote the key to `<dir>/id`). Called before each new agent.
 */
export function sweepLeftovers(root = tmpdir()): number {
  let swept = 0;
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(PREFIX));
  } catch {
    return 0;
  }
  for (const n of names) {
    const dir = join(root, n);
    if (ownerAlive(join(dir, 'owner.pid'))) continue;
    const agent = pidIn(join(dir, 'agent.pid'));
    if (agent && isAgent(agent)) {
      try {
        process.kill(agent, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    rmSync(dir, { recursive: true, force: true });
    swept++;
  }
  return swept;
}

/**
 * A private ssh-agent for one key given as text: started on a socket in a 0700 folder, the key fed to it on
 * stdin (`ssh-add -`), so no key material is ever written to the runner's disk. Stopped by `stop`.
 */
function privateAgent(dir: string, key: Buffer): { socket: string; stop(): void } {
  const socket = join(dir, 'agent.sock');
  const started = spawnSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8', timeout: 10_000 });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout ?? '')?.[1] ?? 0);
  if (started.status !== 0 || !pid) throw new Error(`ssh-agent did not start (${(started.stderr || started.error?.message || '').trim().slice(0, 200)})`);
  writeFileSync(join(dir, 'agent.pid'), `${pid}\n`, { mode: 0o600 });
  const stop = () => {
    if (isAgent(pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
  };
  const added = spawnSync('ssh-add', ['-q', '-t', String(KEY_LIFETIME_S), '-'], {
    input: key,
    env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: '', DISPLAY: '' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (added.status !== 0) {
    stop();
    throw new Error(`ssh-add refused the key (${(added.stderr || '').trim().slice(0, 200)})`);
  }
  return { socket, stop };
}

/**
 * The ssh arguments (up to and including `--`) and environment for one pinned OpenSSH call. A key given as
 * text is held by a private ssh-agent fed from memory (never a key file); known_hosts lives in a private
 * folder. `close` stops the agent and removes the folder; whatever a killed run left is swept at the next start.
 */
export function sshInvocation(target: PullTarget): { secrets: string; sshArgs: string[]; env: NodeJS.ProcessEnv; close(): void } {
  sweepLeftovers();
  const secrets = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(secrets, 'owner.pid'), `${process.pid} ${startOf(process.pid) ?? ''}\n`.replace(' \n', '\n'), { mode: 0o600 });
  const kh = join(secrets, 'known_hosts');
  writeFileSync(kh, `${target.knownHostsLine}\n${target.jump ? `${target.jump.knownHostsLine}\n` : ''}`, { mode: 0o600 });
  let agent: { socket: string; stop(): void } | null = null;
  try {
    agent = 'key' in target.identity ? privateAgent(secrets, target.identity.key) : null;
  } catch (err) {
    rmSync(secrets, { recursive: true, force: true });
    throw err;
  }
  const socket = agent ? agent.socket : (target.identity as { agent: string }).agent;
  const pinned = [
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${kh}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `ConnectTimeout=${target.connectTimeoutS}`,
    // A box that goes silent mid-transfer is given up on after the stall timeout (two missed keepalives).
    '-o',
    `ServerAliveInterval=${Math.max(1, Math.ceil((target.stallTimeoutS ?? 120) / 2))}`,
    '-o',
    'ServerAliveCountMax=2',
    '-o',
    'LogLevel=ERROR',
    '-c',
    'aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com',
    // Only the agent's identity: never the runner user's own ~/.ssh keys.
    '-o',
    'IdentityFile=none',
    '-o',
    `IdentityAgent=${socket}`,
  ];
  // The jump hop is its own ssh with the same pinned options: command-line options never reach the ssh that
  // ProxyJump (-J) starts, so -J would check the bastion against the user's own known_hosts. `-W` makes it a
  // plain byte pipe to the box, whose key the outer ssh checks end to end. (Its words hold no `%`: ssh would
  // expand them; the box's address is written out rather than `%h`, which drops an IPv6 address's brackets.)
  const j = target.jump;
  const proxy = j
    ? [
        '-o',
        `ProxyCommand=${['ssh', ...pinned, '-o', 'ClearAllForwardings=yes', '-W', `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`, '-p', String(j.port), '--', `${j.user}@${j.host}`].map(shWord).join(' ')}`,
      ]
    : [];
  const sshArgs = [...pinned, ...proxy, '-p', String(target.port), `${target.user}@${target.host}`, '--'];
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  let closed = false;
  return {
    secrets,
    sshArgs,
    env,
    close: () => {
      if (closed) return;
      closed = true;
      agent?.stop();
      rmSync(secrets, { recursive: true, force: true });
    },
  };
}

/** Whether any file under tether's private folders holds private key material (the promise the README makes is: never). */
export function keyMaterialOnDisk(root = tmpdir()): string[] {
  const found: string[] = [];
  for (const n of existsSync(root) ? readdirSync(root).filter((x) => x.startsWith(PREFIX)) : [])
    for (const f of readdirSync(join(root, n))) {
      try {
        if (/PRIVATE KEY/.test(readFileSync(join(root, n, f), 'latin1'))) found.push(join(root, n, f));
      } catch {
        // a socket or a file gone meanwhile
      }
    }
  return found;
}
