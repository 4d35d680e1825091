import { readFileSync, statSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { KeySource } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';

export type Credential = { privateKey: Buffer } | { agent: string };

/** Loads and parses the private key before any connection, so a bad key is an input error, not a failed login. */
export function loadCredential(source: KeySource): Credential {
  if (source.kind === 'agent') return { agent: source.socket };
  let text: Buffer;
  if (source.kind === 'path') {
    try {
      const st = statSync(source.path);
      if (!st.isFile()) throw new Error('not a regular file');
      text = readFileSync(source.path);
    } catch (err) {
      throw new InputError('ssh-key-path', `cannot read ${JSON.stringify(source.path)}: ${(err as Error).message}`);
    }
  } else {
    text = Buffer.from(source.text);
  }
  const input = source.kind === 'path' ? 'ssh-key-path' : 'ssh-key';
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    const why = /encrypted|passphrase/i.test(parsed.message)
      ? 'is protected by a passphrase; tether needs an unencrypted key (or an ssh agent)'
      : `is not a usable private key (${parsed.message})`;
    throw new InputError(input, why);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key.isPrivateKey?.() === false) throw new InputError(input, 'holds a public key, not a private key');
  return { privateKey: text };
}
