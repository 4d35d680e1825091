import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, knownHostsName } from '../../src/record/hostkey.ts';
import { run } from './sh.ts';

/**
 * Host key, client key, authorized_keys and an sshd_config for a private sshd in `dir`
 * (test-infra-facts §1: UsePAM no and StrictModes no let keys live under /tmp).
 */
export function writeSshdFiles(o: {
  dir: string;
  addr: string;
  port: number;
  home: string;
  bin: string;
  label: string;
  systemPath?: string;
  /** A host key handed in (a provider double installs the one a create call carried, as cloud-init would). */
  hostKey?: { privateKey: string; publicKey: string };
  /** More keys the box lets in (a provider double's registered account key). */
  authorizedKeys?: string[];
}): {
  hostKeyLine: string;
  fingerprint: string;
} {
  const { dir, addr, port, home, bin, label } = o;
  if (o.hostKey) {
    writeFileSync(join(dir, 'hostkey'), o.hostKey.privateKey.trim() + '\n', { mode: 0o600 });
    writeFileSync(join(dir, 'hostkey.pub'), o.hostKey.publicKey.trim() + '\n');
  } else run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hostkey'), '-C', label]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'clientkey'), '-C', 'tether-test']);
  const authorized = [readFileSync(join(dir, 'clientkey.pub'), 'utf8').trim(), ...(o.authorizedKeys ?? []).map((k) => k.trim())];
  writeFileSync(join(dir, 'authorized_keys'), authorized.join('\n') + '\n', { mode: 0o600 });
  const path = `${bin}:${o.systemPath ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'}`;
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      `ListenAddress ${addr}`,
      `HostKey ${dir}/hostkey`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'Subsystem sftp internal-sftp',
      'MaxStartups 50:30:100',
      // Each box has its own home and PATH (bin/ first, for fake nvidia-smi and dmesg).
      `SetEnv HOME=${home} PATH=${path}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const [type, key] = readFileSync(join(dir, 'hostkey.pub'), 'utf8').trim().split(/\s+/);
  return { hostKeyLine: `${knownHostsName(addr, port)} ${type} ${key}`, fingerprint: fingerprint(Buffer.from(key ?? '', 'base64')) };
}
