import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepLeftovers } from '../../src/transfer/ssh-args.ts';

const startOfSelf = () => {
  const s = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
  return s.slice(s.lastIndexOf(')') + 2).split(' ')[19]!;
};

describe("a killed tether's private agent folders", () => {
  it('are swept when their owner is gone, even when the kernel gave its pid to another process', () => {
    const root = mkdtempSync(join(tmpdir(), 'tether-sweep-'));
    try {
      const leftover = (name: string, owner: string) => {
        mkdirSync(join(root, name));
        writeFileSync(join(root, name, 'owner.pid'), `${owner}\n`);
        return join(root, name);
      };
      const reused = leftover('tether-ssh-reused', `${process.pid} 1`); // this pid, another start time: another process
      const mine = leftover('tether-ssh-mine', `${process.pid} ${startOfSelf()}`);
      const older = leftover('tether-ssh-older', `${process.pid}`); // an older tether's owner.pid: the pid alone
      const gone = leftover('tether-ssh-gone', '999999999 5');
      expect(sweepLeftovers(root)).toBe(2);
      expect([reused, mine, older, gone].map(existsSync)).toEqual([false, true, true, false]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
