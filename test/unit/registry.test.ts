import { ed25519Pair } from '../../src/ssh/keygen.ts';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { BoxDataError } from '../../src/record/strict.ts';
import { readRegistration, registrationBlock, renderRegistration, signedBytes, type Registration, type Sealed } from '../../src/registry/entry.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { parseOwnConnection } from '../../src/config/connection.ts';
import { staleRegistration } from '../../src/registry/fresh.ts';
import { code } from '../../src/report/markdown.ts';
import type { Credential } from '../../src/ssh/keys.ts';
import { sign, signerOf, verify } from '../../src/ssh/sign.ts';
import { renderGfm, visibleText } from '../harness/render.ts';

const keyOf = (type: 'ed25519' | 'rsa' | 'ecdsa'): Credential => ({
  privateKey: Buffer.from(
    type === 'ed25519' ? ed25519Pair().private : ssh2.utils.generateKeyPairSync(type, type === 'rsa' ? { bits: 2048 } : { bits: 256 }).private,
  ),
});
const ours = keyOf('ed25519');
const theirs = keyOf('ed25519');
const FP = 'SHA256:' + 'A'.repeat(43);
const FP2 = 'SHA256:' + 'B'.repeat(43);

const entry = (over: Partial<Registration> = {}): Registration => ({
  runId: 'r1',
  host: '10.251.7.2',
  port: 22,
  user: 'root',
  hostKeyFingerprint: FP,
  runRoot: '~/.tether/runs',
  backend: 'tmux',
  attempt: 1,
  expectedDurationS: 43_200,
  launchedAt: '2026-11-23T10:00:00.000Z',
  commit: 'abc1234',
  ...over,
});
const seal = (e: Registration, cred = ours): Sealed => ({ entry: e, ...sign(cred, signedBytes(e)) });
const body = (e: Registration, cred = ours) => renderRegistration(seal(e, cred), code);
const inputs = { 'ssh-key-path': '/nonexistent/key-not-read-here', 'connect-timeout': '5' };

describe('registration signatures', () => {
  it.each(['ed25519', 'rsa', 'ecdsa'] as const)('%s: a signature verifies with the same key only, and over the same bytes only', (type) => {
    const k = keyOf(type);
    const s = seal(entry(), k);
    expect(s.signer).toBe(signerOf(k));
    expect(verify(k, signedBytes(s.entry), s.signer, s.sig)).toBe(true);
    expect(verify(k, signedBytes(entry({ host: '10.251.7.3' })), s.signer, s.sig)).toBe(false);
    expect(verify(theirs, signedBytes(s.entry), s.signer, s.sig)).toBe(false);
    expect(verify(k, signedBytes(s.entry), s.signer, 'AAAA')).toBe(false);
  });

  it('an ssh agent cannot sign: a clear error, never an unsigned entry', () => {
    expect(() => sign({ agent: '/tmp/agent.sock' }, Buffer.from('x'))).toThrow(/ssh agent cannot sign/);
  });
});

describe('registration comments, read strictly', () => {
  it('round-trips what launch writes', () => {
    const r = readRegistration(body(entry()));
    expect({
      ...r.entry,
      handle: undefined,
      provider: undefined,
      instanceId: undefined,
      launchedBy: undefined,
      jump: undefined,
      hourlyPrice: undefined,
      maxHoursS: undefined,
      maxCost: undefined,
    }).toEqual({
      ...entry(),
      handle: undefined,
    });
    expect([
      r.entry.handle,
      r.entry.provider,
      r.entry.instanceId,
      r.entry.launchedBy,
      r.entry.jump,
      r.entry.hourlyPrice,
      r.entry.maxHoursS,
      r.entry.maxCost,
    ]).toEqual([null, null, null, null, null, null, null, null]);
    // Who launched, when known, is signed with the rest; an edited login does not verify.
    const by = readRegistration(body(entry({ launchedBy: 'wes' })));
    expect(by.entry.launchedBy).toBe('wes');
    expect(verify(ours, signedBytes(by.entry), by.signer, by.sig)).toBe(true);
    expect(verify(ours, signedBytes({ ...by.entry, launchedBy: 'mallory' }), by.signer, by.sig)).toBe(false);
    expect(() => readRegistration(body(entry({ launchedBy: '@wes <b>' })))).toThrow(/launched_by/);
    expect(r.signer).toBe(signerOf(ours));
  });

  it("carries sbatch's own job id, signed: an edited handle does not verify; one written before handles existed still does", () => {
    const withJob = seal(entry({ handle: 'slurm:4242' }));
    const read = readRegistration(renderRegistration(withJob, code));
    expect(read.entry.handle).toBe('slurm:4242');
    expect(verify(ours, signedBytes(read.entry), read.signer, read.sig)).toBe(true);
    expect(verify(ours, signedBytes({ ...read.entry, handle: 'slurm:4243' }), read.signer, read.sig)).toBe(false);
    const old = readRegistration(body(entry()));
    expect(verify(ours, signedBytes(old.entry), old.signer, old.sig)).toBe(true);
    expect(() => readRegistration(renderRegistration(seal(entry({ handle: 'slurm:1;scancel -u x' })), code))).toThrow(/handle has an unexpected form/);
  });

  it('refuses what launch never writes, with a BoxDataError', () => {
    const block = (o: Record<string, unknown>) => `<!-- tether:registration-data ${Buffer.from(JSON.stringify(o)).toString('base64')} -->`;
    const good = JSON.parse(signedBytes(entry()).toString()) as Record<string, unknown>;
    const sealed = { ...good, signer: FP, sig: 'AAAA' };
    for (const bad of [
      'no block at all',
      '<!-- tether:registration-data not*base64 -->',
      block({ ...sealed, schema: 'tether.registration/v2' }),
      block({ ...sealed, host: 'evil.example; rm -rf ~' }),
      block({ ...sealed, host: '[x](https://evil)' }),
      block({ ...sealed, port: 0 }),
      block({ ...sealed, port: '22' }),
      block({ ...sealed, user: '-oProxyCommand=x' }),
      block({ ...sealed, run_id: '../../etc' }),
      block({ ...sealed, host_key_fingerprint: 'SHA256:short' }),
      block({ ...sealed, run_root: '~/runs\n::error::x' }),
      block({ ...sealed, attempt: 0 }),
      block({ ...sealed, sig: undefined }),
      'x'.repeat(70_000),
    ]) {
      expect(() => readRegistration(bad), bad.slice(0, 80)).toThrow(BoxDataError);
    }
  });

  it('the visible line escapes every value and renders as one paragraph of code spans', () => {
    const html = renderGfm(body(entry({ runRoot: '~/runs`<b>x</b>@team' })));
    expect(html).not.toMatch(/<b>x<\/b>/);
    expect(visibleText(html)).toContain('~/runs');
    expect(registrationBlock(seal(entry()))).toMatch(/^<!-- tether:registration-data [A-Za-z0-9+/=]+ -->$/);
  });
});

describe('hosts from registrations', () => {
  it('groups runs by where they live, keeps pins apart, and refuses each bad entry by name', () => {
    const edited = body(entry({ runId: 'r-edited' })).replace(/registration-data ([A-Za-z0-9+/=]+)/, (_, b64: string) => {
      const o = JSON.parse(Buffer.from(b64, 'base64').toString()) as Record<string, unknown>;
      return `registration-data ${Buffer.from(JSON.stringify({ ...o, host: '10.251.9.9' })).toString('base64')}`;
    });
    const r = registeredHosts(
      [
        { runId: 'r1', body: body(entry()) },
        { runId: 'r2', body: body(entry({ runId: 'r2', attempt: 3 })) },
        { runId: 'r3', body: body(entry({ runId: 'r3', hostKeyFingerprint: FP2 })) },
        { runId: 'r-edited', body: edited },
        { runId: 'r-other-key', body: body(entry({ runId: 'r-other-key' }), theirs) },
        { runId: 'r-swapped', body: body(entry({ runId: 'r1' })) },
        { runId: 'r-junk', body: 'hello' },
      ],
      ours,
      parseOwnConnection(inputs, {}),
    );
    expect(r.hosts.map((h) => [h.name, h.runIds, h.conn.pin])).toEqual([
      ['root@10.251.7.2:22', ['r1', 'r2'], { kind: 'pinned', fingerprints: [FP], revoked: [] }],
      ['root@10.251.7.2:22 #2', ['r3'], { kind: 'pinned', fingerprints: [FP2], revoked: [] }],
    ]);
    // Another port on the same address is its own host, named plainly (not as a second of port 22).
    const ports = registeredHosts(
      [
        { runId: 'p2222', body: body(entry({ runId: 'p2222', port: 2222 })) },
        { runId: 'p22', body: body(entry({ runId: 'p22' })) },
      ],
      ours,
      parseOwnConnection(inputs, {}),
    );
    expect(ports.hosts.map((h) => h.name)).toEqual(['root@10.251.7.2:2222', 'root@10.251.7.2:22']);
    expect(r.hosts[0]!.conn.key).toEqual({ kind: 'path', path: '/nonexistent/key-not-read-here' });
    expect(Object.keys(r.entries)).toEqual(['r1', 'r2', 'r3']);
    expect(r.refused).toEqual([
      expect.stringMatching(/^r-edited: its signature does not verify with this patrol's SSH key/),
      expect.stringMatching(/^r-other-key: its signature does not verify/),
      expect.stringMatching(/^r-swapped: the entry is for run r1/),
      expect.stringMatching(/^r-junk: the registration comment holds no registration block/),
    ]);
  });
});

describe('a registration that verifies must also be fresh (issue 23 §3)', () => {
  const e = (over: Partial<Registration> = {}) => entry({ attempt: 2, handle: 'slurm:42', ...over });
  it('older than the one already taken, or ahead of the box, or behind the box with another handle: refused', () => {
    expect(staleRegistration(e(), { attempt: 2, handle: 'slurm:42' }, undefined)).toBeNull();
    expect(staleRegistration(e(), { attempt: 3, handle: 'slurm:42' }, undefined)).toBeNull(); // a Slurm requeue: same job
    expect(staleRegistration(e(), { attempt: 3, handle: 'slurm:77' }, undefined)).toMatch(/registration is stale/);
    expect(staleRegistration(e(), { attempt: 1, handle: 'slurm:41' }, undefined)).toMatch(/points at a box the run is not on/);
    expect(staleRegistration(e({ launchedAt: '2026-11-23T09:00:00.000Z' }), null, { launchedAt: '2026-11-23T10:00:00.000Z', attempt: 2 })).toMatch(
      /older than the one already taken/,
    );
    expect(staleRegistration(e(), null, { launchedAt: '2026-11-23T10:00:00.000Z', attempt: 2 })).toBeNull();
  });
});
