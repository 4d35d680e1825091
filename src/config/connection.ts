import { InputError } from './errors.ts';
import * as v from './values.ts';
import { isFingerprint, keysForHost, KnownHostsError, knownHostsName } from '../record/hostkey.ts';

export type KeySource = { kind: 'content'; text: string } | { kind: 'path'; path: string } | { kind: 'agent'; socket: string };

/** How the server's host key is checked: against pinned fingerprints, or (loud opt-in) recorded on first sight. */
export type HostKeyPin = { kind: 'pinned'; fingerprints: string[]; revoked: string[] } | { kind: 'accept-new' };

export interface ConnectionConfig {
  host: string;
  port: number;
  user: string;
  key: KeySource;
  pin: HostKeyPin;
  connectTimeoutMs: number;
  attempts: number;
}

export type Inputs = Record<string, string | undefined>;

/** Where the SSH key comes from: `ssh-key` text, `ssh-key-path`, or the ssh agent. */
export function parseKeySource(inputs: Inputs, env: Inputs): KeySource {
  const keyText = inputs['ssh-key'] ?? '';
  const keyPath = (inputs['ssh-key-path'] ?? '').trim();
  if (keyText.trim() && keyPath) throw new InputError('ssh-key', "give either 'ssh-key' or 'ssh-key-path', not both");
  if (keyText.trim()) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyText)) {
      throw new InputError('ssh-key', 'is not a private key (expected a -----BEGIN … PRIVATE KEY----- block; pass it from a secret)');
    }
    return { kind: 'content', text: keyText.replace(/\r\n/g, '\n').trim() + '\n' };
  } else if (keyPath) {
    v.plainPath('ssh-key-path', keyPath);
    return { kind: 'path', path: keyPath };
  } else if (env['SSH_AUTH_SOCK']) {
    return { kind: 'agent', socket: env['SSH_AUTH_SOCK'] };
  } else {
    throw new InputError(
      'ssh-key',
      "no key: set 'ssh-key' (from a secret), 'ssh-key-path' (a file on the runner), or run an ssh agent (SSH_AUTH_SOCK)",
      'no key: give --ssh-key-path ~/.ssh/<key>, or run an ssh agent (SSH_AUTH_SOCK) that holds it',
    );
  }
}

/**
 * The key tether signs its GitHub items with (registrations, tick memory, teardown marks): the key inputs when
 * a key is given, null for an ssh agent or no key (its private key never reaches tether).
 */
export function parseSigningKey(inputs: Inputs, env: Inputs): KeySource | null {
  if (!(inputs['ssh-key'] ?? '').trim() && !(inputs['ssh-key-path'] ?? '').trim()) return null;
  return parseKeySource(inputs, env);
}

/** What stays a phase's own when the box's address comes from elsewhere (a registration): key and timeouts. */
export interface OwnConnection {
  key: KeySource;
  connectTimeoutMs: number;
  attempts: number;
}

/** The key and timeout inputs alone (the patrol of registered runs, ChatOps' lookups). */
export function parseOwnConnection(inputs: Inputs, env: Inputs): OwnConnection {
  return { key: parseKeySource(inputs, env), ...timeouts(inputs) };
}

function timeouts(inputs: Inputs): { connectTimeoutMs: number; attempts: number } {
  const connectTimeoutMs = v.number('connect-timeout', inputs['connect-timeout'], 15, 1, 300) * 1000;
  const attempts = v.number('connect-attempts', inputs['connect-attempts'], 3, 1, 10);
  if (!Number.isInteger(attempts)) throw new InputError('connect-attempts', 'must be a whole number');
  return { connectTimeoutMs, attempts };
}

/**
 * A connection to a place recorded elsewhere (a registration's host, port, user and pinned fingerprint), with
 * the phase's own key and timeouts; each recorded value checked as strictly as the inputs would be.
 */
export function connectionTo(where: { host: string; port: number; user: string; hostKeyFingerprint: string }, own: OwnConnection): ConnectionConfig {
  const host = v.host('host', where.host);
  const port = v.port('port', String(where.port));
  const user = v.user('user', where.user);
  const fp = where.hostKeyFingerprint;
  if (!isFingerprint(fp))
    throw new InputError(
      'host-key-fingerprint',
      `${v.show(fp)} is not an OpenSSH SHA256 fingerprint (SHA256: followed by 43 base64 characters; see 'ssh-keygen -lf')`,
    );
  return {
    host,
    port,
    user,
    key: own.key,
    pin: { kind: 'pinned', fingerprints: [fp], revoked: [] },
    connectTimeoutMs: own.connectTimeoutMs,
    attempts: own.attempts,
  };
}

/** Parses the connection inputs shared by every phase. Pure: a key path is checked for existence later. */
export function parseConnection(inputs: Inputs, env: Inputs): ConnectionConfig {
  const host = v.host('host', inputs['host']);
  const port = v.port('port', inputs['port']);
  const user = v.user('user', inputs['user']);
  const key = parseKeySource(inputs, env);

  const acceptNew = v.bool('accept-new-host-key', inputs['accept-new-host-key'], false);
  const knownHosts = inputs['known-hosts'] ?? '';
  const fpList = v.splitList(inputs['host-key-fingerprint'] ?? '');
  let pin: HostKeyPin;
  if (knownHosts.trim() || fpList.length) {
    if (acceptNew) throw new InputError('accept-new-host-key', 'is true but a pinned key was also given; drop one of them');
    const fingerprints: string[] = [];
    const revoked: string[] = [];
    for (const fp of fpList) {
      if (!isFingerprint(fp))
        throw new InputError(
          'host-key-fingerprint',
          `${v.show(fp)} is not an OpenSSH SHA256 fingerprint (SHA256: followed by 43 base64 characters; see 'ssh-keygen -lf')`,
        );
      fingerprints.push(fp);
    }
    if (knownHosts.trim()) {
      let found;
      try {
        found = keysForHost(knownHosts, host, port);
      } catch (err) {
        if (err instanceof KnownHostsError) throw new InputError('known-hosts', err.message);
        throw err;
      }
      if (found.lines === 0) throw new InputError('known-hosts', 'holds no key lines (expected OpenSSH known_hosts lines, e.g. from ssh-keyscan)');
      if (found.keys.length === 0)
        throw new InputError('known-hosts', `has no key for ${knownHostsName(host, port)}; add one (ssh-keyscan -p ${port} ${host}) or fix host/port`);
      fingerprints.push(...found.keys.map((k) => k.fingerprint));
      revoked.push(...found.revoked);
    }
    pin = { kind: 'pinned', fingerprints: [...new Set(fingerprints)], revoked };
  } else if (acceptNew) {
    pin = { kind: 'accept-new' };
  } else {
    throw new InputError(
      'known-hosts',
      "the box's host key must be pinned: set 'known-hosts' or 'host-key-fingerprint' (or, loudly, accept-new-host-key: true)",
    );
  }
  return { host, port, user, key, pin, ...timeouts(inputs) };
}
