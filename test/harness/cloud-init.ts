import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createBox, type Box } from './box.ts';
import { waitFor } from './sh.ts';

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

/**
 * A provider's start step (RunPod's `args`, vast's `onstart`, Paperspace's startup script) run as root on a real
 * box, with the create call's environment: it finds the box's sshd where the settings of host_key.sh point
 * (TETHER_SSH_DIR, TETHER_SSHD_PID: the box's own folder, never the runner's /etc/ssh) and nothing to hand over
 * to (TETHER_THEN: the image's start is the box's sshd, already running). Resolves once sshd serves the key the
 * step installed (it re-reads its configuration on SIGHUP), or after 5 s when the step installed none.
 */
export async function runStartStep(box: Box, command: string, env: Record<string, string>): Promise<string> {
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  const vars = { ...env, TETHER_SSH_DIR: box.dir, TETHER_SSHD_PID: `${box.dir}/sshd.pid`, TETHER_THEN: '' };
  const out = box.sh(
    `${Object.entries(vars)
      .map(([k, v]) => `export ${k}=${q(v)}`)
      .join('\n')}\n${command} 2>&1; echo "rc=$?"`,
  );
  const installed = `${box.dir}/ssh_host_ed25519_key.pub`;
  if (!existsSync(installed)) return out;
  const want = readFileSync(installed, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  await waitFor(
    'sshd to serve the installed host key',
    () => {
      const scan = spawnSync('ssh-keyscan', ['-T', '2', '-t', 'ed25519', box.addr], { encoding: 'utf8', timeout: 5000 });
      return scan.stdout.split('\n').some((l) => l.split(/\s+/).slice(1, 3).join(' ') === want);
    },
    5000,
    100,
  ).catch(() => undefined);
  return out;
}

/** A box's sshd log, read before the box goes (what reached it). */
export function sshdLogOf(box: Box | null): string {
  try {
    return box ? readFileSync(join(box.dir, 'sshd.log'), 'utf8') : '';
  } catch {
    return '';
  }
}
