import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
}

/**
 * The ssh arguments (up to and including `--`) and environment for one pinned OpenSSH call; the key and
 * known_hosts live in `secrets`, a private directory the caller removes when done.
 */
export function sshInvocation(target: PullTarget): { secrets: string; sshArgs: string[]; env: NodeJS.ProcessEnv } {
  const secrets = mkdtempSync(join(tmpdir(), 'tether-ssh-'));
  const kh = join(secrets, 'known_hosts');
  writeFileSync(kh, `${target.knownHostsLine}\n`, { mode: 0o600 });
  const keyFile = join(secrets, 'id');
  if ('key' in target.identity) writeFileSync(keyFile, target.identity.key, { mode: 0o600 });
  const sshArgs = [
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
    ...('key' in target.identity ? ['-o', 'IdentitiesOnly=yes', '-i', keyFile] : []),
    '-p',
    String(target.port),
    `${target.user}@${target.host}`,
    '--',
  ];
  const env = { ...process.env, ...('agent' in target.identity ? { SSH_AUTH_SOCK: target.identity.agent } : {}) };
  return { secrets, sshArgs, env };
}
