import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnection } from '../../src/config/connection.ts';
import { connect } from '../../src/ssh/client.ts';
import { TransportError } from '../../src/ssh/errors.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { createBox, type Box } from '../harness/box.ts';
import { checkedPid, signalPid } from '../harness/pids.ts';

let box: Box;
beforeAll(async () => {
  box = await createBox();
});
afterAll(() => box?.destroy());

async function open(extra: Record<string, string> = {}) {
  const cfg = parseConnection(box.inputs(extra), {});
  return connect(cfg, loadCredential(cfg.key));
}

async function failure(extra: Record<string, string> = {}): Promise<{ err: TransportError; ms: number }> {
  const t0 = Date.now();
  try {
    const s = await open(extra);
    s.close();
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return { err: err as TransportError, ms: Date.now() - t0 };
  }
  throw new Error('connection unexpectedly succeeded');
}

describe('transport against a namespace box', () => {
  it('runs a command with stdin, exit code and stderr', async () => {
    const s = await open();
    const r = await s.exec('cat; echo err >&2; hostname; exit 7', { stdin: 'from-stdin\n' });
    s.close();
    expect(r.code).toBe(7);
    expect(r.stdout).toBe(`from-stdin\nbox-${box.index}\n`);
    expect(r.stderr).toBe('err\n');
    expect(s.hostFingerprint).toBe(box.fingerprint);
  });

  it('reports a signal that killed the remote command', async () => {
    const s = await open();
    const r = await s.exec('kill -TERM $$');
    s.close();
    expect(r.code).toBeNull();
    expect(r.signal).toBe('SIGTERM');
  });

  it('pins by fingerprint too', async () => {
    const s = await open({ 'known-hosts': '', 'host-key-fingerprint': box.fingerprint });
    s.close();
  });

  it('refuses a changed host key before authentication, naming both fingerprints', async () => {
    const other = 'SHA256:' + 'A'.repeat(43);
    const before = box.sh(`cat ${box.dir}/sshd.log`).length;
    const { err } = await failure({ 'known-hosts': '', 'host-key-fingerprint': other });
    expect(err.kind).toBe('host_key_mismatch');
    expect(err.message).toContain(box.fingerprint);
    expect(err.message).toContain(other);
    // Before authentication: sshd never saw a publickey attempt from us.
    const log = box.sh(`cat ${box.dir}/sshd.log`).slice(before);
    expect(log).toMatch(/Connection from/);
    expect(log).not.toMatch(/Accepted publickey|Failed publickey/);
  });

  it('classifies a wrong key as auth_failed', async () => {
    const other = `${box.dir}/otherkey`;
    box.sh(`ssh-keygen -q -t ed25519 -N '' -f ${other}`);
    const { err } = await failure({ 'ssh-key-path': other });
    expect(err.kind).toBe('auth_failed');
    expect(err.advice).toMatch(/authorized_keys/);
  });

  it('REJECT gives connection_refused at once', async () => {
    box.refuse();
    try {
      const { err, ms } = await failure();
      expect(err.kind).toBe('connection_refused');
      expect(ms).toBeLessThan(2000);
    } finally {
      box.clearFirewall();
    }
  });

  it('a black-holed box is unreachable within the connect timeout + 2 s', async () => {
    box.blackhole();
    try {
      const { err, ms } = await failure({ 'connect-timeout': '3' });
      expect(err.kind).toBe('unreachable');
      expect(ms).toBeGreaterThanOrEqual(2900);
      expect(ms).toBeLessThan(5000);
    } finally {
      box.clearFirewall();
    }
  });

  it('a hung sshd (SIGSTOP) is unreachable within the connect timeout + 2 s, reported once', async () => {
    box.hang();
    try {
      const { err, ms } = await failure({ 'connect-timeout': '3' });
      expect(err.kind).toBe('unreachable');
      expect(ms).toBeLessThan(5000);
    } finally {
      box.unhang();
    }
    const s = await open();
    expect((await s.exec('true')).code).toBe(0);
    s.close();
  });

  it('an exec on a box that goes dark fails within its deadline', async () => {
    const s = await open();
    box.blackhole();
    try {
      const t0 = Date.now();
      await expect(s.exec('sleep 30', { timeoutMs: 2000 })).rejects.toMatchObject({ kind: 'unreachable' });
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      box.clearFirewall();
      s.close();
    }
  });
});

describe('key sources and first contact', () => {
  it('uses an ssh agent when no key is given', async () => {
    const agent = box.sh(`ssh-agent -a ${box.dir}/agent.sock -s`);
    const pid = checkedPid(/SSH_AGENT_PID=(\d+)/.exec(agent)?.[1], 'ssh-agent');
    try {
      box.sh(`SSH_AUTH_SOCK=${box.dir}/agent.sock ssh-add -q ${box.clientKeyPath}`);
      const cfg = parseConnection(box.inputs({ 'ssh-key-path': '' }), { SSH_AUTH_SOCK: `${box.dir}/agent.sock` });
      expect(cfg.key.kind).toBe('agent');
      const s = await connect(cfg, loadCredential(cfg.key));
      expect((await s.exec('echo via-agent')).stdout).toBe('via-agent\n');
      s.close();
    } finally {
      signalPid(pid, 'SIGTERM');
    }
  });

  it('takes key text from ssh-key', async () => {
    const s = await open({ 'ssh-key-path': '', 'ssh-key': box.clientKey });
    expect((await s.exec('true')).code).toBe(0);
    s.close();
  });

  it('accept-new-host-key connects without a pin and reports the fingerprint it saw', async () => {
    const s = await open({ 'known-hosts': '', 'accept-new-host-key': 'true' });
    expect(s.hostFingerprint).toBe(box.fingerprint);
    s.close();
  });

  it('a passphrase-protected key is a bad input, not a failed login', () => {
    box.sh(`ssh-keygen -q -t ed25519 -N 'pass phrase' -f ${box.dir}/lockedkey`);
    const cfg = parseConnection(box.inputs({ 'ssh-key-path': `${box.dir}/lockedkey` }), {});
    expect(() => loadCredential(cfg.key)).toThrow(/passphrase/);
  });
});
