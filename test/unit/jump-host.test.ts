import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { describe, expect, it } from 'vitest';
import { connectionTo, parseConnection, parseJumpAddress, parseOwnConnection } from '../../src/config/connection.ts';
import { fingerprint } from '../../src/record/hostkey.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { readRegistration, renderRegistration, signedBytes, whereRegistered, type Registration } from '../../src/registry/entry.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { code } from '../../src/report/markdown.ts';
import type { Credential } from '../../src/ssh/keys.ts';
import { sign } from '../../src/ssh/sign.ts';
import { pullTargetFor, sshInvocation } from '../../src/transfer/ssh-args.ts';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIKs0ZmFrZWtleWFmYWtla2V5YWZha2VrZXlhZmFrZQ==';
const KEY_J = 'AAAAC3NzaC1lZDI1NTE5AAAAIBb0ZmFrZWtleWJmYWtla2V5YmZha2VrZXliZmFrZQ==';
const fpA = fingerprint(Buffer.from(KEY_A, 'base64'));
const fpJ = fingerprint(Buffer.from(KEY_J, 'base64'));
const base = { host: '10.0.0.5', user: 'ubuntu', 'ssh-key-path': '/k', 'host-key-fingerprint': fpA };

describe('jump-host input', () => {
  it('reads [user@]host[:port], the login defaulting to the box user and the port to 22', () => {
    expect(parseJumpAddress('bastion.example.org', 'ubuntu')).toEqual({ host: 'bastion.example.org', port: 22, user: 'ubuntu' });
    expect(parseJumpAddress('ops@203.0.113.9:2022', 'ubuntu')).toEqual({ host: '203.0.113.9', port: 2022, user: 'ops' });
    expect(parseJumpAddress('[2001:db8::1]:2200', 'root')).toEqual({ host: '2001:db8::1', port: 2200, user: 'root' });
    expect(parseJumpAddress('2001:db8::1', 'root')).toEqual({ host: '2001:db8::1', port: 22, user: 'root' });
    for (const [bad, why] of [
      ['a,b', /one hop/],
      ['a b', /one hop/],
      ['@bastion', /jump-host.*empty login/],
      ['bastion:', /no port/],
      ['bastion:99999', /not a TCP port/],
      ['-oProxyCommand=x', /not a host name/],
      ['bad user@bastion', /one hop/],
    ] as const)
      expect(() => parseJumpAddress(bad, 'root'), bad).toThrow(why);
  });

  it('needs its own pin, from jump-host-key-fingerprint or a known-hosts line; accept-new never covers it', () => {
    const c = parseConnection({ ...base, 'jump-host': 'ops@bastion:2022', 'jump-host-key-fingerprint': fpJ }, {});
    expect(c.jump).toEqual({ host: 'bastion', port: 2022, user: 'ops', pin: { fingerprints: [fpJ], revoked: [] } });
    expect(c.pin).toEqual({ kind: 'pinned', fingerprints: [fpA], revoked: [] });
    // One known-hosts text pins both hops, each by its own name.
    const kh = `10.0.0.5 ssh-ed25519 ${KEY_A}\n[bastion]:2022 ssh-ed25519 ${KEY_J}`;
    const both = parseConnection({ host: '10.0.0.5', 'ssh-key-path': '/k', 'jump-host': 'bastion:2022', 'known-hosts': kh }, {});
    expect(both.pin).toEqual({ kind: 'pinned', fingerprints: [fpA], revoked: [] });
    expect(both.jump?.pin.fingerprints).toEqual([fpJ]);
    expect(both.jump?.user).toBe('root');
    // known-hosts naming only the jump host, the box taken on first sight (loudly).
    const firstSight = parseConnection(
      { host: '10.0.0.5', 'ssh-key-path': '/k', 'jump-host': 'bastion', 'known-hosts': `bastion ssh-ed25519 ${KEY_J}`, 'accept-new-host-key': 'true' },
      {},
    );
    expect(firstSight.pin).toEqual({ kind: 'accept-new' });
    expect(firstSight.jump?.pin.fingerprints).toEqual([fpJ]);
    expect(() => parseConnection({ ...base, 'jump-host': 'bastion' }, {})).toThrow(/jump-host-key-fingerprint.*must be pinned too/);
    expect(() => parseConnection({ ...base, 'host-key-fingerprint': '', 'accept-new-host-key': 'true', 'jump-host': 'bastion' }, {})).toThrow(
      /accept-new-host-key never covers a jump host/,
    );
    expect(() => parseConnection({ ...base, 'jump-host': 'bastion', 'jump-host-key-fingerprint': 'SHA256:short' }, {})).toThrow(
      /jump-host-key-fingerprint.*not an OpenSSH SHA256 fingerprint/,
    );
    expect(() => parseConnection({ ...base, 'jump-host-key-fingerprint': fpJ }, {})).toThrow(/jump-host-key-fingerprint.*no 'jump-host'/);
    // No jump: nothing changes for a direct box.
    expect(parseConnection(base, {}).jump).toBeNull();
  });
});

describe('OpenSSH through the jump host', () => {
  const cred: Credential = { agent: '/run/agent.sock' };
  const conn = parseConnection({ ...base, 'jump-host': 'ops@bastion:2022', 'jump-host-key-fingerprint': fpJ }, {});

  it('pins both hops to exactly the keys the control connection verified, in one private known_hosts', () => {
    const t = pullTargetFor(conn, cred, { hostKey: Buffer.from(KEY_A, 'base64'), jumpHostKey: Buffer.from(KEY_J, 'base64') }, 60);
    expect(t.jump).toEqual({ host: 'bastion', port: 2022, user: 'ops', knownHostsLine: `[bastion]:2022 ssh-ed25519 ${KEY_J}` });
    const inv = sshInvocation(t);
    try {
      const proxy = inv.sshArgs.find((a) => a.startsWith('ProxyCommand='));
      expect(proxy).toBeDefined();
      // The jump ssh gets the same strict options: the private known_hosts, batch mode, the agent only.
      for (const o of [
        'StrictHostKeyChecking=yes',
        `UserKnownHostsFile=${inv.secrets}/known_hosts`,
        'GlobalKnownHostsFile=/dev/null',
        'BatchMode=yes',
        'IdentityFile=none',
      ])
        expect(proxy).toContain(`'${o}'`);
      expect(proxy).toContain("'-W' '10.0.0.5:22' '-p' '2022' '--' 'ops@bastion'");
      expect(inv.sshArgs.slice(-3)).toEqual(['22', 'ubuntu@10.0.0.5', '--']);
      expect(inv.sshArgs).not.toContain('-J');
    } finally {
      inv.close();
    }
  });

  it('refuses to point OpenSSH past a jump host the control connection did not go through', () => {
    expect(() => pullTargetFor(conn, cred, { hostKey: Buffer.from(KEY_A, 'base64'), jumpHostKey: null })).toThrow(/did not go through the jump host/);
    const direct = parseConnection(base, {});
    expect(pullTargetFor(direct, cred, { hostKey: Buffer.from(KEY_A, 'base64'), jumpHostKey: null }).jump).toBeNull();
  });

  it('writes an IPv6 box in brackets for -W', () => {
    const v6 = parseConnection({ ...base, host: '2001:db8::5', 'jump-host': 'bastion', 'jump-host-key-fingerprint': fpJ }, {});
    const inv = sshInvocation(pullTargetFor(v6, cred, { hostKey: Buffer.from(KEY_A, 'base64'), jumpHostKey: Buffer.from(KEY_J, 'base64') }));
    try {
      expect(inv.sshArgs.find((a) => a.startsWith('ProxyCommand='))).toContain("'-W' '[2001:db8::5]:22'");
    } finally {
      inv.close();
    }
  });
});

describe('a registration through a jump host', () => {
  const ours: Credential = { privateKey: Buffer.from(ed25519Pair().private) };
  const entry: Registration = {
    runId: 'r1',
    host: '10.0.0.5',
    port: 22,
    user: 'ubuntu',
    hostKeyFingerprint: fpA,
    jump: { address: 'ops@bastion:2022', hostKeyFingerprint: fpJ },
    runRoot: '~/.tether/runs',
    backend: 'tmux',
    attempt: 1,
    expectedDurationS: null,
    launchedAt: '2026-12-02T10:00:00.000Z',
    commit: null,
  };
  const body = (e: Registration) => renderRegistration({ entry: e, ...sign(ours, signedBytes(e)) }, code);

  it('signs the jump host and its pin, and the patrol goes the same way', () => {
    const text = body(entry);
    expect(text).toContain('through jump host `ops@bastion:2022`');
    expect(readRegistration(text).entry.jump).toEqual(entry.jump);
    const reg = registeredHosts([{ runId: 'r1', body: text }], ours, parseOwnConnection({ 'ssh-key-path': '/k' }, {}));
    expect(reg.refused).toEqual([]);
    expect(reg.hosts[0]?.conn.jump).toEqual({ host: 'bastion', port: 2022, user: 'ops', pin: { fingerprints: [fpJ], revoked: [] } });
    // The same box reached directly is another place: its own probe, not merged with the jumped one.
    expect(whereRegistered(entry)).not.toBe(whereRegistered({ ...entry, jump: null }));
  });

  it('an edited jump host or pin fails the signature; half a jump is refused', () => {
    const text = body(entry);
    const sealed = readRegistration(text);
    const edited = renderRegistration({ ...sealed, entry: { ...sealed.entry, jump: { address: 'ops@evil:22', hostKeyFingerprint: fpJ } } }, code);
    const reg = registeredHosts([{ runId: 'r1', body: edited }], ours, parseOwnConnection({ 'ssh-key-path': '/k' }, {}));
    expect(reg.hosts).toEqual([]);
    expect(reg.refused[0]).toMatch(/does not verify/);
    // A direct registration (no jump fields) still verifies as before.
    expect(readRegistration(body({ ...entry, jump: null })).entry.jump).toBeNull();
    const half = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(/registration-data (\S+) -->/.exec(text)![1]!, 'base64').toString()), jump_host_key_fingerprint: undefined }),
    ).toString('base64');
    expect(() => readRegistration(text.replace(/registration-data \S+ -->/, `registration-data ${half} -->`))).toThrow(BoxDataError);
    expect(() =>
      connectionTo({ ...entry, jump: { address: 'ops@bastion:2022', hostKeyFingerprint: 'nope' } }, parseOwnConnection({ 'ssh-key-path': '/k' }, {})),
    ).toThrow(/jump-host-key-fingerprint/);
  });
});
