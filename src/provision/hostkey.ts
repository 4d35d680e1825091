/**
 * The box's host key, made on the runner for this one box (issue 26 §2, rank 1): an ed25519 pair whose private
 * half travels only in the create call (over the provider's TLS, with the account's key) and whose public half
 * is pinned before the first connection. Never written to the runner's disk, never reused. Pure but for the
 * key generation.
 */
import { ed25519Pair } from '../ssh/keygen.ts';
import { fingerprint } from '../record/hostkey.ts';

export interface BoxHostKey {
  /** OpenSSH private key text. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
  fingerprint: string;
}

export function newHostKey(comment: string): BoxHostKey {
  const pair = ed25519Pair(comment);
  const blob = Buffer.from(pair.public.trim().split(/\s+/)[1] ?? '', 'base64');
  return { privateKey: pair.private, publicKey: pair.public.trim(), fingerprint: fingerprint(blob) };
}

/**
 * cloud-init user-data that makes this the box's only host key before sshd first starts: `ssh_deletekeys`
 * removes the image's keys, `ssh_keys` writes ours (cloud-init's cc_ssh), and no other key type is generated;
 * `ssh_authorized_keys` lets the connection's key in where the provider keeps no keys of its own.
 */
export function cloudConfig(k: BoxHostKey, authorizedKeys: readonly string[] = []): string {
  const indent = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
  return [
    '#cloud-config',
    'ssh_deletekeys: true',
    'ssh_genkeytypes: []',
    'ssh_keys:',
    '  ed25519_private: |',
    indent(k.privateKey),
    `  ed25519_public: ${k.publicKey}`,
    // Where the provider has no key registry (EC2 without a key pair): the connection's key, for the image's default user.
    ...(authorizedKeys.length ? ['ssh_authorized_keys:', ...authorizedKeys.map((a) => `  - ${a}`)] : []),
    '',
  ].join('\n');
}
