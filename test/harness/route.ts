import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Box } from './box.ts';

function run(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout ?? '';
}

/**
 * The host routes between test boxes (each box has only a /30 to the host): a Slurm cluster, a bastion and the
 * box behind it. ip_forward is one switch for the whole machine and routed groups of parallel test files overlap: each group holds a token in
 * FORWARD_DIR, and the original value comes back only when the last token goes (all under one flock).
 */
const FORWARD_DIR = '/tmp/tether-boxes/forward.d';
// A token whose test process is gone (killed before it could give it back) is dropped.
const DROP_DEAD = `for t in "$1"/held-*; do [ -e "$t" ] || continue; p=\${t##*/held-}; kill -0 "\${p%%-*}" 2>/dev/null || rm -f "$t"; done`;
function forwarding(token: string, on: boolean): void {
  const script = on
    ? `mkdir -p "$1"; ${DROP_DEAD}; { [ -e "$1/original" ] || cat /proc/sys/net/ipv4/ip_forward > "$1/original"; } && : > "$1/held-$2" && echo 1 > /proc/sys/net/ipv4/ip_forward`
    : `rm -f "$1/held-$2"; ${DROP_DEAD}; if ! ls "$1"/held-* >/dev/null 2>&1 && [ -e "$1/original" ]; then cat "$1/original" > /proc/sys/net/ipv4/ip_forward && rm -f "$1/original"; fi`;
  mkdirSync(FORWARD_DIR, { recursive: true });
  run('flock', [join(FORWARD_DIR, '..', 'forward.lock'), 'bash', '-c', script, 'bash', FORWARD_DIR, token]);
}

/** Routes every pair of these boxes through the host; the returned function takes the routes and forwarding back. */
export function routeBetween(boxes: Box[]): () => void {
  const token = `${process.pid}-${boxes[0]!.index}`;
  forwarding(token, true);
  const rules: string[][] = [];
  for (const a of boxes) {
    run('ip', ['-n', a.ns, 'route', 'replace', 'default', 'via', a.addr.replace(/\.2$/, '.1')]);
    for (const b of boxes) if (a !== b) rules.push(['FORWARD', '-s', `${a.addr}/32`, '-d', `${b.addr}/32`, '-j', 'ACCEPT']);
  }
  for (const r of rules) run('iptables', ['-I', ...r]);
  return () => {
    for (const r of rules) run('iptables', ['-D', ...r], { allowFail: true });
    forwarding(token, false);
  };
}
