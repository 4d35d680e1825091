import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { run, waitFor } from './sh.ts';
import { writeSshdFiles } from './sshd.ts';

/** A box for a non-root user: a private sshd on 127.0.0.1 for the same user (test-infra-facts §1). No faults. */
export interface LocalBox {
  readonly addr: string;
  readonly port: number;
  readonly home: string;
  readonly label: string;
  inputs(extra?: Record<string, string>): Record<string, string>;
  destroy(): void;
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
  await waitFor('sshd pid file', () => existsSync(join(dir, 'sshd.pid')), 5000, 20);
  const pid = Number(readFileSync(join(dir, 'sshd.pid'), 'utf8').trim());
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
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
