/**
 * `--host` may be an alias from the user's ~/.ssh/config, as with `ssh alias`: its HostName, Port, User and
 * IdentityFile fill the flags the command line left empty (a flag always wins). OpenSSH's rules, the part that
 * matters here: `Host` patterns (`*`, `?`, `!negation`), the first value of each keyword wins, `Match` blocks are
 * skipped. Trust does not move: the host key is still pinned by the flags. A ProxyJump (or ProxyCommand) is
 * refused by name, since tether would otherwise connect directly, past the bastion the user meant. Pure but for
 * the file read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../config/errors.ts';

const CONFIG_MAX = 1 << 20;
const KEYS = ['hostname', 'port', 'user', 'identityfile', 'proxyjump', 'proxycommand'] as const;
type Key = (typeof KEYS)[number];

/** A glob of OpenSSH's `Host` line: `*` any run, `?` one character. */
function globMatch(pattern: string, host: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(host);
}

function hostMatches(patterns: string[], host: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), host)) return false;
    } else if (globMatch(p, host)) hit = true;
  }
  return hit;
}

/** The values ~/.ssh/config gives `host`, first one of each keyword winning. Pure. */
export function sshConfigFor(text: string, host: string): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = {};
  let active = true; // lines before the first Host apply to every host
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const m = /^(\S+?)\s*(?:=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim().replace(/^"(.*)"$/, '$1');
    if (key === 'host') {
      active = hostMatches(value.split(/\s+/), host);
      continue;
    }
    if (key === 'match') {
      active = false; // not evaluated: its lines are not taken
      continue;
    }
    if (active && (KEYS as readonly string[]).includes(key) && out[key as Key] === undefined) out[key as Key] = value;
  }
  return out;
}

/** What an alias fills in: the inputs the command line left empty, from the user's ssh config. */
export function aliasInputs(inputs: Record<string, string>, home = homedir()): { inputs: Record<string, string>; note: string | null } {
  const host = (inputs['host'] ?? '').trim();
  const file = join(home, '.ssh', 'config');
  if (!host || !existsSync(file) || statSync(file).size > CONFIG_MAX) return { inputs, note: null };
  const c = sshConfigFor(readFileSync(file, 'utf8'), host);
  if (c.proxyjump && c.proxyjump.toLowerCase() !== 'none')
    throw new InputError(
      'host',
      `${host} goes through ProxyJump ${c.proxyjump} in ~/.ssh/config; tether does not follow a jump host yet, and will not connect past it: give the box's own address`,
    );
  if (c.proxycommand && c.proxycommand.toLowerCase() !== 'none')
    throw new InputError('host', `${host} has a ProxyCommand in ~/.ssh/config; tether runs no proxy command: give the box's own address`);
  const filled: Record<string, string> = { ...inputs };
  const took: string[] = [];
  const fill = (input: string, value: string | undefined, keyword: string) => {
    if (value === undefined || (inputs[input] ?? '').trim()) return;
    filled[input] = value;
    took.push(`${keyword} ${value}`);
  };
  if (c.hostname) {
    if (/%(?!h)/.test(c.hostname))
      throw new InputError('host', `HostName ${c.hostname} of ${host} in ~/.ssh/config uses a % token tether does not expand (only %h)`);
    filled['host'] = c.hostname.replace(/%h/g, host);
    took.push(`HostName ${filled['host']}`);
  }
  fill('port', c.port, 'Port');
  fill('user', c.user, 'User');
  if (!(inputs['ssh-key'] ?? '').trim()) fill('ssh-key-path', c.identityfile?.replace(/^~(?=\/)/, home), 'IdentityFile');
  return { inputs: filled, note: took.length ? `--host ${host}: from ~/.ssh/config, ${took.join(', ')}` : null };
}
