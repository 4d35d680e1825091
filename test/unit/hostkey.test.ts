import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConnection } from '../../src/config/connection.ts';
import { fingerprint, globMatch, keysForHost } from '../../src/record/hostkey.ts';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIKs0ZmFrZWtleWFmYWtla2V5YWZha2VrZXlhZmFrZQ==';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBb0ZmFrZWtleWJmYWtla2V5YmZha2VrZXliZmFrZQ==';
const fpA = fingerprint(Buffer.from(KEY_A, 'base64'));
const fpB = fingerprint(Buffer.from(KEY_B, 'base64'));

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts parsing', () => {
  it('matches plain, port-qualified and hashed names, and wildcards', () => {
    const text = [
      `gpu1 ssh-ed25519 ${KEY_A}`,
      `[gpu1]:2222 ssh-ed25519 ${KEY_B}`,
      `${hashed('[10.0.0.5]:40022')} ssh-ed25519 ${KEY_B}`,
      `*.lab ssh-ed25519 ${KEY_A}`,
    ].join('\n');
    expect(keysForHost(text, 'gpu1', 22).keys.map((k) => k.fingerprint)).toEqual([fpA]);
    expect(keysForHost(text, 'gpu1', 2222).keys.map((k) => k.fingerprint)).toEqual([fpB]);
    expect(keysForHost(text, '10.0.0.5', 40022).keys.map((k) => k.fingerprint)).toEqual([fpB]);
    expect(keysForHost(text, '10.0.0.5', 22).keys).toEqual([]);
    expect(keysForHost(text, 'n1.lab', 22).keys.map((k) => k.fingerprint)).toEqual([fpA]);
  });

  it('honours negated patterns, skips cert authorities and reports revoked keys', () => {
    const text = [`*.lab,!bad.lab ssh-ed25519 ${KEY_A}`, `@cert-authority *.lab ssh-ed25519 ${KEY_B}`, `@revoked * ssh-ed25519 ${KEY_B}`].join('\n');
    expect(keysForHost(text, 'bad.lab', 22).keys).toEqual([]);
    expect(keysForHost(text, 'ok.lab', 22)).toMatchObject({ keys: [{ fingerprint: fpA }], revoked: [fpB] });
  });

  it('fingerprints equal what ssh-keygen -lf prints (SHA256, unpadded base64)', () => {
    expect(fpA).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('connection config requires a pin and refuses a pin plus accept-new', () => {
    const base = { host: 'gpu1', 'ssh-key-path': '/k' };
    expect(() => parseConnection(base, {})).toThrow(/host key must be pinned/);
    expect(() => parseConnection({ ...base, 'host-key-fingerprint': fpA, 'accept-new-host-key': 'true' }, {})).toThrow(/drop one/);
    expect(parseConnection({ ...base, 'accept-new-host-key': 'true' }, {}).pin).toEqual({ kind: 'accept-new' });
    expect(parseConnection({ ...base, 'known-hosts': `gpu1 ssh-ed25519 ${KEY_A}` }, {}).pin).toEqual({ kind: 'pinned', fingerprints: [fpA], revoked: [] });
  });

  it('uses the agent only when no key is given', () => {
    const c = parseConnection({ host: 'gpu1', 'host-key-fingerprint': fpA }, { SSH_AUTH_SOCK: '/run/agent.sock' });
    expect(c.key).toEqual({ kind: 'agent', socket: '/run/agent.sock' });
    expect(() => parseConnection({ host: 'gpu1', 'host-key-fingerprint': fpA }, {})).toThrow(/no key/);
    expect(() => parseConnection({ host: 'gpu1', 'host-key-fingerprint': fpA, 'ssh-key': 'x', 'ssh-key-path': '/k' }, {})).toThrow(/not both/);
  });
});

describe('known_hosts from an untrusted source', () => {
  it('an unknown @marker is an input error naming it, not a silently skipped line', () => {
    expect(() => parseConnection({ host: 'gpu1', 'ssh-key-path': '/k', 'known-hosts': `@revoke gpu1 ssh-ed25519 ${KEY_A}` }, {})).toThrow(
      /known-hosts.*unknown marker "@revoke"/,
    );
    expect(() => keysForHost(`@cert-authority,x gpu1 ssh-ed25519 ${KEY_A}`, 'gpu1', 22)).toThrow(/unknown marker/);
  });

  it('pattern matching is linear: 60 stars against a 10,000-character name answers in milliseconds', () => {
    const pattern = `${'*a'.repeat(60)}*b`;
    const name = 'a'.repeat(10_000);
    const t0 = performance.now();
    expect(keysForHost(`${pattern} ssh-ed25519 ${KEY_A}`, name, 22).keys).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(keysForHost(`${'*a'.repeat(60)}* ssh-ed25519 ${KEY_A}`, name, 22).keys).toHaveLength(1);
  });

  it('globMatch agrees with OpenSSH semantics on the usual patterns', () => {
    expect(globMatch('*.lab', 'n1.LAB')).toBe(true);
    expect(globMatch('n?.lab', 'n12.lab')).toBe(false);
    expect(globMatch('10.0.*.5', '10.0.3.5')).toBe(true);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a*b*c', 'aXXbYYc')).toBe(true);
    expect(globMatch('a*b*c', 'aXXbYY')).toBe(false);
  });
});
