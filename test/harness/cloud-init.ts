import { parse } from 'yaml';
import { createBox, type Box } from './box.ts';

/**
 * cloud-init's part of a provider double's create: a real box whose sshd takes the host key from the
 * user-data's cloud-config `ssh_keys` (unless `ignoreHostKey`: the box keeps one of its own, as an image that
 * ignores user-data would) and lets in `ssh_authorized_keys` plus the account keys given.
 */
export function bootFromUserData(userData: string, opts: { ignoreHostKey: boolean; accountKeys?: string[] }): Promise<Box> {
  const doc = (userData.startsWith('#cloud-config') ? parse(userData) : null) as { ssh_keys?: Record<string, string>; ssh_authorized_keys?: string[] } | null;
  const priv = doc?.ssh_keys?.['ed25519_private'];
  const pub = doc?.ssh_keys?.['ed25519_public'];
  return createBox({
    ...(priv && pub && !opts.ignoreHostKey ? { hostKey: { privateKey: priv, publicKey: pub } } : {}),
    authorizedKeys: [...(doc?.ssh_authorized_keys ?? []), ...(opts.accountKeys ?? [])],
  });
}
