import { InputError } from './errors.ts';
import * as v from './values.ts';
import { isFingerprint, keysForHost, KnownHostsError, knownHostsName } from '../record/hostkey.ts';

export type KeySource = { kind: 'content'; text: string } | { kind: 'path'; path: string } | { kind: 'agent'; socket: string };

/** How the server's host key is checked: against pinned fingerprints, or (loud opt-in) recorded on first sight. */
export type HostKeyPin = { kind: 'pinned'; fingerprints: string[]; revoked: string[] } | { kind: 'accept-new' };

/**
 * A bastion the box is reached through (OpenSSH's ProxyJump): tether logs in to it with the same key, opens a
 * forwarded channel to the box and runs the box's SSH inside it. Its host key is always pinned: a jump host
 * whose key is not checked could read nothing (the inner connection is end to end) but could send tether to
 * a box of its choosing, so the box's own pin still decides.
 */
export interface JumpHost {
  host: string;
  port: number;
  user: string;
  pin: { fingerprints: string[]; revoked: string[] };
}

export interface ConnectionConfig {
  host: string;
  port: number;
  user: string;
  key: KeySource;
  pin: HostKeyPin;
  connectTimeoutMs: number;
  attempts: number;
  /** The bastion in front of the box, or null for a direct connection. */
  jump: JumpHost | null;
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
export function connectionTo(
  where: { host: string; port: number; user: string; hostKeyFingerprint: string; jump?: RecordedJump | null },
  own: OwnConnection,
): ConnectionConfig {
  const host = v.host('host', where.host);
  const port = v.port('port', String(where.port));
  const user = v.user('user', where.user);
  const fp = checkedFingerprint('host-key-fingerprint', where.hostKeyFingerprint);
  let jump: JumpHost | null = null;
  if (where.jump) {
    const j = parseJumpAddress(where.jump.address, user);
    jump = { ...j, pin: { fingerprints: [checkedFingerprint('jump-host-key-fingerprint', where.jump.hostKeyFingerprint)], revoked: [] } };
  }
  return {
    host,
    port,
    user,
    key: own.key,
    pin: { kind: 'pinned', fingerprints: [fp], revoked: [] },
    connectTimeoutMs: own.connectTimeoutMs,
    attempts: own.attempts,
    jump,
  };
}

/** A jump host as a registration records it: `user@host:port` and the fingerprint launch verified. */
export interface RecordedJump {
  address: string;
  hostKeyFingerprint: string;
}

/** `user@host:port` of a jump host, the form the jump-host input takes and a registration records. */
export const jumpAddress = (j: { host: string; port: number; user: string }) => `${j.user}@${j.host.includes(':') ? `[${j.host}]` : j.host}:${j.port}`;

function checkedFingerprint(input: string, fp: string): string {
  if (!isFingerprint(fp))
    throw new InputError(input, `${v.show(fp)} is not an OpenSSH SHA256 fingerprint (SHA256: followed by 43 base64 characters; see 'ssh-keygen -lf')`);
  return fp;
}

/**
 * `[user@]host[:port]` of the jump-host input (an IPv6 address in brackets when a port follows): the login
 * defaults to the box's own, the port to 22. No spaces, options or second hops.
 */
export function parseJumpAddress(raw: string, defaultUser: string): { host: string; port: number; user: string } {
  const text = raw.trim();
  if (/[\s,]/.test(text))
    throw new InputError('jump-host', `${v.show(text)} is one jump host as [user@]host[:port]; tether follows one hop (no spaces or comma lists)`);
  const at = text.lastIndexOf('@');
  const user = at >= 0 ? v.user('jump-host', text.slice(0, at), '') : defaultUser;
  if (at >= 0 && !user) throw new InputError('jump-host', `${v.show(text)} has an empty login before '@'`);
  const rest = at >= 0 ? text.slice(at + 1) : text;
  const bracket = /^\[([^\]]+)\](?::([^:]*))?$/.exec(rest);
  let hostText: string;
  let portText: string | undefined;
  if (bracket) [, hostText = '', portText] = bracket;
  else if ((rest.match(/:/g) ?? []).length === 1) [hostText = '', portText] = rest.split(':');
  else hostText = rest; // a name, an IPv4 address or a bare IPv6 address: no port
  const host = v.host('jump-host', hostText);
  if (portText !== undefined && !portText.trim()) throw new InputError('jump-host', `${v.show(text)} ends in ':' with no port`);
  return { host, port: v.port('jump-host', portText), user };
}

/**
 * The pinned fingerprints of one host from the fingerprint input and the known_hosts text, or null when
 * neither names it. Errors name `fpInput` (a bad fingerprint) or known-hosts.
 */
function pinFrom(
  fpInput: string,
  fpRaw: string,
  knownHosts: string,
  host: string,
  port: number,
  required: boolean,
): { fingerprints: string[]; revoked: string[] } | null {
  const fingerprints = v.splitList(fpRaw).map((fp) => checkedFingerprint(fpInput, fp));
  const revoked: string[] = [];
  if (knownHosts.trim()) {
    let found;
    try {
      found = keysForHost(knownHosts, host, port);
    } catch (err) {
      if (err instanceof KnownHostsError) throw new InputError('known-hosts', err.message);
      throw err;
    }
    if (found.lines === 0) throw new InputError('known-hosts', 'holds no key lines (expected OpenSSH known_hosts lines, e.g. from ssh-keyscan)');
    if (found.keys.length === 0 && required && !fingerprints.length)
      throw new InputError('known-hosts', `has no key for ${knownHostsName(host, port)}; add one (ssh-keyscan -p ${port} ${host}) or fix host/port`);
    fingerprints.push(...found.keys.map((k) => k.fingerprint));
    revoked.push(...found.revoked);
  }
  return fingerprints.length ? { fingerprints: [...new Set(fingerprints)], revoked } : null;
}

/** The jump-host inputs: null without one; its key pinned by jump-host-key-fingerprint or a known-hosts line for it. */
function parseJump(inputs: Inputs, boxUser: string): JumpHost | null {
  const raw = (inputs['jump-host'] ?? '').trim();
  const fpRaw = inputs['jump-host-key-fingerprint'] ?? '';
  if (!raw) {
    if (fpRaw.trim()) throw new InputError('jump-host-key-fingerprint', "is set but no 'jump-host' is given; drop it or name the jump host");
    return null;
  }
  const j = parseJumpAddress(raw, boxUser);
  const pin = pinFrom('jump-host-key-fingerprint', fpRaw, inputs['known-hosts'] ?? '', j.host, j.port, false);
  if (!pin)
    throw new InputError(
      'jump-host-key-fingerprint',
      `the jump host's key must be pinned too: set 'jump-host-key-fingerprint' or add a known-hosts line for ${knownHostsName(j.host, j.port)} (accept-new-host-key never covers a jump host)`,
    );
  return { ...j, pin };
}

/** Parses the connection inputs shared by every phase. Pure: a key path is checked for existence later. */
export function parseConnection(inputs: Inputs, env: Inputs): ConnectionConfig {
  const host = v.host('host', inputs['host']);
  const port = v.port('port', inputs['port']);
  const user = v.user('user', inputs['user']);
  const key = parseKeySource(inputs, env);

  const acceptNew = v.bool('accept-new-host-key', inputs['accept-new-host-key'], false);
  const knownHosts = inputs['known-hosts'] ?? '';
  const fpRaw = inputs['host-key-fingerprint'] ?? '';
  let pin: HostKeyPin;
  const jump = parseJump(inputs, user);
  // known-hosts may hold only the jump host's line while the box is taken on first sight.
  const boxInKnownHosts = !!knownHosts.trim() && (!jump || keysForHostQuiet(knownHosts, host, port));
  if (boxInKnownHosts || v.splitList(fpRaw).length) {
    if (acceptNew) throw new InputError('accept-new-host-key', 'is true but a pinned key was also given; drop one of them');
    const found = pinFrom('host-key-fingerprint', fpRaw, boxInKnownHosts ? knownHosts : '', host, port, true);
    pin = { kind: 'pinned', fingerprints: found?.fingerprints ?? [], revoked: found?.revoked ?? [] };
  } else if (acceptNew) {
    pin = { kind: 'accept-new' };
  } else {
    throw new InputError(
      'known-hosts',
      "the box's host key must be pinned: set 'known-hosts' or 'host-key-fingerprint' (or, loudly, accept-new-host-key: true)",
    );
  }
  return { host, port, user, key, pin, ...timeouts(inputs), jump };
}

/** Whether known_hosts text names this host at all (a malformed text is for pinFrom to report). */
function keysForHostQuiet(text: string, host: string, port: number): boolean {
  try {
    const found = keysForHost(text, host, port);
    return found.keys.length > 0 || found.revoked.length > 0;
  } catch {
    return true;
  }
}
