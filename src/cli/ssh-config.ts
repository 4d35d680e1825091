/**
 * `--host` may be an alias from the user's ~/.ssh/config, as with `ssh alias`: its HostName, Port, User and
 * IdentityFile fill the flags the command line left empty (a flag always wins). OpenSSH's rules, the part that
 * matters here: `Host` patterns (`*`, `?`, `!negation`), the first value of each keyword wins, `Match` blocks are
 * skipped. Trust does not move: the host key is still pinned by the flags. A ProxyJump of one hop becomes
 * `--jump-host` (itself an alias or `[user@]host[:port]`; its key pinned by `--jump-host-key-fingerprint` or a
 * known-hosts line); a chain of hops and a ProxyCommand are refused by name, since tether would otherwise
 * connect past the bastion the user meant. Pure but for the file read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
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
  const text = readFileSync(file, 'utf8');
  const c = sshConfigFor(text, host);
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
  if (c.proxyjump && c.proxyjump.toLowerCase() !== 'none' && !(inputs['jump-host'] ?? '').trim()) {
    filled['jump-host'] = jumpFrom(text, host, c.proxyjump);
    took.push(`ProxyJump ${c.proxyjump}${filled['jump-host'] !== c.proxyjump ? ` (${filled['jump-host']})` : ''}`);
  }
  return { inputs: filled, note: took.length ? `--host ${host}: from ~/.ssh/config, ${took.join(', ')}` : null };
}

/**
 * One ProxyJump hop as `[user@]host[:port]`: a name that is itself an alias takes its HostName, Port and User
 * (one level, as far as tether follows). A chain, an `ssh://` URI or a jump host that jumps again is refused.
 */
function jumpFrom(text: string, host: string, proxyJump: string): string {
  if (proxyJump.includes(','))
    throw new InputError('host', `${host} goes through a chain of jump hosts (ProxyJump ${proxyJump}) in ~/.ssh/config; tether follows one hop`);
  if (/^ssh:\/\//i.test(proxyJump)) throw new InputError('host', `${host}'s ProxyJump ${proxyJump} is a URI; write it as [user@]host[:port]`);
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(proxyJump);
  if (!m) throw new InputError('host', `${host}'s ProxyJump ${proxyJump} is not [user@]host[:port]`);
  const [, user, name = '', port] = m;
  const j = sshConfigFor(text, name.replace(/^\[|\]$/g, ''));
  if ((j.proxyjump && j.proxyjump.toLowerCase() !== 'none') || (j.proxycommand && j.proxycommand.toLowerCase() !== 'none'))
    throw new InputError('host', `${host}'s jump host ${name} goes through another hop in ~/.ssh/config; tether follows one hop`);
  if (j.hostname && /%(?!h)/.test(j.hostname))
    throw new InputError('host', `HostName ${j.hostname} of ${name} in ~/.ssh/config uses a % token tether does not expand (only %h)`);
  const h = j.hostname ? j.hostname.replace(/%h/g, name) : name;
  // As OpenSSH: the hop's own User, else the local login (not the box's User).
  const login = user ?? j.user ?? localUser();
  const p = port ?? j.port;
  return `${login ? `${login}@` : ''}${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}${p ? `:${p}` : ''}`;
}

function localUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
