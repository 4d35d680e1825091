import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ed25519Pair, wholeEd25519 } from '../../src/ssh/keygen.ts';

const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
const line = (key: Buffer) => `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(key)]).toString('base64')} c`;

describe('ed25519 key pairs', () => {
  it('a public key of 31 bytes (ssh2 dropped a leading zero) is not whole; 32 bytes is', () => {
    expect(wholeEd25519(line(Buffer.alloc(31, 7)))).toBe(false);
    expect(wholeEd25519(line(Buffer.alloc(32, 7)))).toBe(true);
    expect(wholeEd25519('ssh-rsa AAAA')).toBe(false);
  });
  it('every pair made is one OpenSSH loads, and its public half is the one OpenSSH derives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-keygen-'));
    try {
      for (let i = 0; i < 48; i++) {
        const pair = ed25519Pair('tether-box');
        writeFileSync(join(dir, 'k'), `${pair.private.trim()}\n`, { mode: 0o600 });
        const r = spawnSync('ssh-keygen', ['-y', '-f', join(dir, 'k')], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout.trim().split(/\s+/).slice(0, 2)).toEqual(pair.public.trim().split(/\s+/).slice(0, 2));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
