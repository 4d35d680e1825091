import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { checkedPid, readPidFile, signalPid } from './pids.ts';
import { run } from './sh.ts';
import { writeSshdFiles } from './sshd.ts';

/** A box for a non-root user: a private sshd on 127.0.0.1 for the same user (test-infra-facts §1). No faults. */
export interface LocalBox {
  readonly addr: string;
  readonly port: number;
  readonly home: string;
  readonly label: string;
  inputs(extra?: Record<string, string>): Record<string, string>;
  destroy(): void;
  /** Leaves the box up after this process (the demo's --keep); `removeKeptLocalBoxes` ends it. */
  keep(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function createLocalBox(): Promise<LocalBox> {
  const dir = mkdtempSync('/tmp/tether-local-box-');
  const home = join(dir, 'home');
  const bin = join(dir, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  const port = await freePort();
  const keys = writeSshdFiles({ dir, addr: '127.0.0.1', port, home, bin, label: 'local-box' });
  run('/usr/sbin/sshd', ['-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')]);
  const pid = await readPidFile(join(dir, 'sshd.pid'), 'sshd', 5000);
  return {
    addr: '127.0.0.1',
    port,
    home,
    label: `loopback sshd on 127.0.0.1:${port} (pid ${pid})`,
    inputs: (extra = {}) => ({
      host: '127.0.0.1',
      port: String(port),
      user: userInfo().username,
      'ssh-key-path': join(dir, 'clientkey'),
      'known-hosts': keys.hostKeyLine,
      'connect-timeout': '5',
      ...extra,
    }),
    destroy: () => {
      signalPid(pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    keep: () => writeFileSync(join(dir, 'kept'), `${pid}\n`),
  };
}

/** Stops and removes every loopback box a demo kept; returns their folders. */
export function removeKeptLocalBoxes(): string[] {
  return readdirSync('/tmp')
    .filter((n) => n.startsWith('tether-local-box-') && existsSync(join('/tmp', n, 'kept')))
    .map((n) => {
      const dir = join('/tmp', n);
      const pid = checkedPid(readFileSync(join(dir, 'sshd.pid'), 'utf8'), join(dir, 'sshd.pid'));
      signalPid(pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      return dir;
    });
}
