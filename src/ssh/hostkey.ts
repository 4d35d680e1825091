import { createHash, createHmac } from 'node:crypto';

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its sha256. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function isFingerprint(s: string): boolean {
  return /^SHA256:[A-Za-z0-9+/]{43}$/.test(s);
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

export interface KnownHostKey {
  keyType: string;
  fingerprint: string;
}

/**
 * Keys in OpenSSH known_hosts text that apply to host:port (negated patterns honoured, revoked keys
 * returned separately so a revoked key is refused even if also listed).
 */
export function keysForHost(text: string, host: string, port: number): { keys: KnownHostKey[]; revoked: string[]; lines: number } {
  const name = knownHostsName(host, port);
  const keys: KnownHostKey[] = [];
  const revoked: string[] = [];
  let lines = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker = '';
    if (fields[0]?.startsWith('@')) marker = fields.shift() ?? '';
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue;
    lines++;
    if (marker === '@cert-authority') continue; // certificates are not supported; such lines never pin
    const patterns = hosts.split(',');
    if (patterns.some((p) => p.startsWith('!') && patternMatches(p.slice(1), name))) continue;
    if (!patterns.some((p) => !p.startsWith('!') && patternMatches(p, name))) continue;
    const fp = fingerprint(Buffer.from(b64, 'base64'));
    if (marker === '@revoked') revoked.push(fp);
    else keys.push({ keyType, fingerprint: fp });
  }
  return { keys, revoked, lines };
}

/** An OpenSSH known_hosts line for a host key blob (its type is the blob's first SSH string). */
export function knownHostsLine(host: string, port: number, blob: Buffer): string {
  const len = blob.readUInt32BE(0);
  const type = blob.subarray(4, 4 + len).toString('ascii');
  return `${knownHostsName(host, port)} ${type} ${blob.toString('base64')}`;
}
