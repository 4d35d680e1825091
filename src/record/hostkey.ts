import { createHash, createHmac } from 'node:crypto';

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its sha256. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's SHA256 fingerprint form. */
export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(s: string): boolean {
  return FINGERPRINT.test(s);
}

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * OpenSSH's wildcard match (`*` any run, `?` one character), case-insensitive, in O(pattern × name) time
 * at worst with no backtracking blow-up: greedy with one remembered star (a regex built from a pattern of
 * many `*` can take exponential time on a long name).
 */
export function globMatch(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < n.length) {
    if (i < p.length && (p[i] === '?' || p[i] === n[j]) && p[i] !== '*') {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return globMatch(pattern, name);
}

export class KnownHostsError extends Error {}

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
    // OpenSSH knows exactly these two markers; anything else is a typo that would silently change meaning.
    if (marker && marker !== '@cert-authority' && marker !== '@revoked')
      throw new KnownHostsError(`unknown marker ${JSON.stringify(marker.slice(0, 40))} (OpenSSH knows @cert-authority and @revoked)`);
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
