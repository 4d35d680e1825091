import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aliasInputs, sshConfigFor } from '../../src/cli/ssh-config.ts';

const CONFIG = `
# defaults for all
ServerAliveInterval 30

Host gpu-a gpu-b
  HostName 10.0.0.%h
  User ubuntu

Host gpu-*  !gpu-z
  Port 2222
  User root
  IdentityFile ~/.ssh/tether_ed25519

Host lab
  HostName=lab.example.org
  Port=2200

Match host lab
  User nobody

Host bastioned
  HostName 10.9.9.9
  ProxyJump jump.example.org

Host via-alias
  HostName 10.9.9.10
  ProxyJump ops@bastion:2022

Host bastion
  HostName 192.0.2.7
  Port 22

Host chained
  ProxyJump a,b

Host twice
  ProxyJump bastioned

Host piped
  ProxyCommand nc %h %p

Host *
  User fallback
`;

describe('~/.ssh/config aliases for --host', () => {
  it('reads HostName, Port, User, IdentityFile as OpenSSH does: patterns, negation, the first value wins, Match skipped', () => {
    expect(sshConfigFor(CONFIG, 'gpu-a')).toEqual({ hostname: '10.0.0.%h', user: 'ubuntu', port: '2222', identityfile: '~/.ssh/tether_ed25519' });
    expect(sshConfigFor(CONFIG, 'gpu-z')).toEqual({ user: 'fallback' });
    expect(sshConfigFor(CONFIG, 'lab')).toEqual({ hostname: 'lab.example.org', port: '2200', user: 'fallback' });
    expect(sshConfigFor(CONFIG, 'elsewhere')).toEqual({ user: 'fallback' });
  });

  const home = mkdtempSync(join(tmpdir(), 'tether-sshcfg-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.ssh'));
  writeFileSync(join(home, '.ssh', 'config'), CONFIG);

  it('fills only what the flags left empty and says what it took', () => {
    const a = aliasInputs({ host: 'gpu-b', 'host-key-fingerprint': 'SHA256:x' }, home);
    expect(a.inputs).toEqual({
      host: '10.0.0.gpu-b',
      'host-key-fingerprint': 'SHA256:x',
      port: '2222',
      user: 'ubuntu',
      'ssh-key-path': join(home, '.ssh/tether_ed25519'),
    });
    expect(a.note).toBe(`--host gpu-b: from ~/.ssh/config, HostName 10.0.0.gpu-b, Port 2222, User ubuntu, IdentityFile ${join(home, '.ssh/tether_ed25519')}`);
    const flagsWin = aliasInputs({ host: 'gpu-b', port: '22', user: 'me', 'ssh-key': 'KEY' }, home);
    expect(flagsWin.inputs).toMatchObject({ host: '10.0.0.gpu-b', port: '22', user: 'me', 'ssh-key': 'KEY' });
    expect(flagsWin.inputs['ssh-key-path']).toBeUndefined();
    expect(aliasInputs({ host: '10.1.2.3' }, join(home, 'nowhere'))).toEqual({ inputs: { host: '10.1.2.3' }, note: null });
  });

  it('turns one ProxyJump hop into --jump-host, resolving an alias as OpenSSH would; a chain or a proxy command is refused', () => {
    // jump.example.org is no alias of its own, but `Host *` gives it User fallback, as the jump ssh would read it.
    const a = aliasInputs({ host: 'bastioned' }, home);
    expect(a.inputs).toMatchObject({ host: '10.9.9.9', 'jump-host': 'fallback@jump.example.org' });
    expect(a.note).toContain('ProxyJump jump.example.org (fallback@jump.example.org)');
    // An explicit user and port on the ProxyJump line win over the alias's own.
    expect(aliasInputs({ host: 'via-alias' }, home).inputs).toMatchObject({ host: '10.9.9.10', 'jump-host': 'ops@192.0.2.7:2022' });
    // A flag wins over the config file.
    expect(aliasInputs({ host: 'bastioned', 'jump-host': 'me@other' }, home).inputs['jump-host']).toBe('me@other');
    expect(() => aliasInputs({ host: 'chained' }, home)).toThrow(/chain of jump hosts \(ProxyJump a,b\).*one hop/);
    expect(() => aliasInputs({ host: 'twice' }, home)).toThrow(/jump host bastioned goes through another hop/);
    expect(() => aliasInputs({ host: 'piped' }, home)).toThrow(/ProxyCommand.*tether runs no proxy command/);
  });
});
