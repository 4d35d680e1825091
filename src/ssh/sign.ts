/**
 * Signing with the SSH key tether already holds: launch signs the run's registration with it, and the
 * patrol accepts a registration only when it verifies with the patrol's own key. Nobody who can merely
 * edit a GitHub comment can point the patrol at another host or another host key.
 */
import { hkdfSync } from 'node:crypto';
import ssh2 from 'ssh2';
import { fingerprint } from '../record/hostkey.ts';
import { loadCredential, type Credential } from './keys.ts';
import type { KeySource } from '../config/connection.ts';

type ParsedKey = ssh2.ParsedKey;

/** RSA signs with SHA-512 (ssh2's default for RSA is SHA-1); other key types fix their own hash. */
const hashFor = (k: ParsedKey) => (k.type === 'ssh-rsa' ? 'sha512' : undefined);

function privateKeyOf(cred: Credential): ParsedKey {
  if (!('privateKey' in cred))
    throw new Error('a registration is signed with the SSH private key; an ssh agent cannot sign it here (give ssh-key or ssh-key-path)');
  const parsed = ssh2.utils.parseKey(cred.privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error('the SSH private key could not be parsed');
  return key;
}

/** The fingerprint of the credential's public key (what a signature names as its signer). */
export function signerOf(cred: Credential): string {
  return fingerprint(privateKeyOf(cred).getPublicSSH());
}

export function sign(cred: Credential, data: Buffer): { signer: string; sig: string } {
  const key = privateKeyOf(cred);
  const sig = key.sign(data, hashFor(key));
  if (sig instanceof Error) throw sig;
  return { signer: fingerprint(key.getPublicSSH()), sig: sig.toString('base64') };
}

/**
 * Whether `sig` over `data` was made by the credential's key. A different key, a changed byte or a
 * malformed signature is false, never an exception.
 */
export function verify(cred: Credential, data: Buffer, signer: string, sig: string): boolean {
  const key = privateKeyOf(cred);
  if (fingerprint(key.getPublicSSH()) !== signer) return false;
  const pub = ssh2.utils.parseKey(key.getPublicSSH());
  const k = Array.isArray(pub) ? pub[0] : pub;
  if (!k || k instanceof Error) return false;
  try {
    return k.verify(data, Buffer.from(sig, 'base64'), hashFor(k)) === true;
  } catch {
    return false;
  }
}

/**
 * A MAC key for what tether keeps on GitHub and must recognise later (tick memory, its teardown marks, its
 * tracking issues): derived from the SSH private key the patrol and teardown hold, so nobody who can only
 * edit a comment can make one. Null for an ssh agent (its private key never reaches tether).
 */
export function macKey(cred: Credential): Buffer | null {
  if (!('privateKey' in cred)) return null;
  const key = privateKeyOf(cred);
  return Buffer.from(hkdfSync('sha256', Buffer.from(key.getPrivatePEM()), 'tether', 'github-records/v1', 32));
}

/** The MAC key from the signing key (ssh-key or ssh-key-path), or null without one or when it cannot be read (the phase reports a bad key itself). */
export function macKeyOf(key: KeySource | null): Buffer | null {
  if (!key || key.kind === 'agent') return null;
  try {
    return macKey(loadCredential(key));
  } catch {
    return null;
  }
}
