import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnection } from '../../src/config/connection.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { connect } from '../../src/ssh/client.ts';
import { TransportError } from '../../src/ssh/errors.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { pullTargetFor, sshInvocation } from '../../src/transfer/ssh-args.ts';
import { createBox, type Box } from '../harness/box.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { collectPhase, launchPhase, patrolPhase } from '../harness/phases.ts';
import { captureReporter } from '../harness/reporter.ts';
import { routeBetween } from '../harness/route.ts';

/**
 * A bastion in front of a box, both real sshd boxes: the box's port 22 answers only the bastion (the runner's
 * own packets are dropped), so every phase that reaches it went through the jump host. Both hops are pinned,
 * in the ssh2 control connection and in OpenSSH's bulk pull alike, and the registration carries the jump so
 * the cron patrol goes the same way.
 */
let bastion: Box;
let box: Box;
let gh: GitHubDouble;
let unroute: () => void;
const dests: string[] = [];
const TOKEN = 'ghs-actions-token';

beforeAll(async () => {
  [bastion, box] = await Promise.all([createBox(), createBox()]);
  unroute = routeBetween([bastion, box]);
  // One key for both hops, as with `ssh -J`: the bastion accepts the box's client key too.
  bastion.sh(`cat ${box.clientKeyPath}.pub >> ${bastion.dir}/authorized_keys`);
  box.sh(`iptables -I INPUT -p tcp --dport 22 ! -s ${bastion.addr} -j DROP`);
  gh = await startGitHubDouble();
});
afterAll(async () => {
  await gh?.close();
  unroute?.();
  box?.destroy();
  bastion?.destroy();
  for (const d of dests) rmSync(d, { recursive: true, force: true });
});

const through = (extra: Record<string, string> = {}) =>
  box.inputs({ 'jump-host': `root@${bastion.addr}`, 'jump-host-key-fingerprint': bastion.fingerprint, 'connect-timeout': '4', ...extra });
const env = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const store = (reportTo: string) => githubStore(parseReportTo(reportTo)!, env(), TOKEN);

describe('a box behind a jump host', () => {
  it('is out of the runner’s direct reach (the firewall is real), and reached through the pinned bastion', async () => {
    const cred = loadCredential({ kind: 'path', path: box.clientKeyPath });
    const direct = parseConnection(box.inputs({ 'connect-timeout': '2', 'connect-attempts': '1' }), {});
    await expect(connect(direct, cred)).rejects.toMatchObject({ kind: 'unreachable' });
    const s = await connect(parseConnection(through(), {}), cred);
    try {
      expect(s.hostFingerprint).toBe(box.fingerprint);
      expect(s.jumpHostKey).not.toBeNull();
      // The box sees the bastion as its peer: the connection really went through it.
      expect((await s.exec('echo $SSH_CONNECTION')).stdout.split(' ')[0]).toBe(bastion.addr);
    } finally {
      s.close();
    }
  });

  it('a wrong pin on either hop is refused before any credential is offered, naming the hop', async () => {
    const cred = loadCredential({ kind: 'path', path: box.clientKeyPath });
    const wrongJump = parseConnection(through({ 'jump-host-key-fingerprint': box.fingerprint }), {});
    const e1 = (await connect(wrongJump, cred).catch((e: unknown) => e)) as TransportError;
    expect(e1).toBeInstanceOf(TransportError);
    expect(e1.kind).toBe('host_key_mismatch');
    expect(e1.message).toContain(`jump host ${bastion.addr}:22 presented ${bastion.fingerprint}`);
    const wrongBox = parseConnection(through({ 'known-hosts': '', 'host-key-fingerprint': bastion.fingerprint }), {});
    const e2 = (await connect(wrongBox, cred).catch((e: unknown) => e)) as TransportError;
    expect(e2.kind).toBe('host_key_mismatch');
    expect(e2.message).toContain(`${box.addr}:22 presented ${box.fingerprint}`);
    expect(e2.message).not.toContain('jump host');
    // sshd logs every accepted key; neither refused hop ever saw one from these attempts after the pin failed.
    const accepted = (b: Box) => (readFileSync(join(b.dir, 'sshd.log'), 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = [accepted(bastion), accepted(box)];
    await connect(wrongJump, cred).catch(() => undefined);
    expect([accepted(bastion), accepted(box)]).toEqual(before);
  });

  it('OpenSSH checks the jump host against the key the control connection verified, not the runner user’s known_hosts', async () => {
    const conn = parseConnection(through(), {});
    const cred = loadCredential({ kind: 'path', path: box.clientKeyPath });
    const s = await connect(conn, cred);
    const target = pullTargetFor(conn, cred, s, 10);
    s.close();
    const sshRun = (t: typeof target) => {
      const inv = sshInvocation(t);
      try {
        return spawnSync('ssh', [...inv.sshArgs, 'echo $SSH_CONNECTION'], { env: inv.env, encoding: 'utf8', timeout: 20_000 });
      } finally {
        inv.close();
      }
    };
    const good = sshRun(target);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout.split(' ')[0]).toBe(bastion.addr);
    // The bastion's line swapped for another key: the jump ssh refuses it, so the box is never reached.
    const other = readFileSync(`${box.dir}/hostkey.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const bad = sshRun({ ...target, jump: { ...target.jump!, knownHostsLine: `${bastion.addr} ${other}` } });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/Host key verification failed/);
  });

  it('launch registers the jump; the cron patrol with only its key goes the same way; collect pulls through OpenSSH pinned on both hops', async () => {
    const pr = gh.addIssue('Behind a bastion', { pull: true });
    const at = `pr:${pr}`;
    const r = captureReporter();
    const file = join(tmpdir(), `tether-jump-${process.pid}.json`);
    box.sh(`mkdir -p ${box.home}/code`);
    const code = await launchPhase(
      through({
        'run-id': 'jumped',
        command: 'echo step 1 loss 0.5; sleep 600',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': file,
        'report-to': at,
      }),
      {},
      r,
      tmpdir(),
      store(at),
    );
    expect(code, r.errors.join('\n')).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).jump_host).toBe(`root@${bastion.addr}:22`);
    rmSync(file, { force: true });
    const reg = [...gh.comments.values()].find((c) => c.user.login === BOT.login && c.body.includes('<!-- tether:registration jumped -->'));
    expect(reg?.body).toContain(`through jump host \`root@${bastion.addr}:22\` (host key \`${bastion.fingerprint}\`)`);

    const p = captureReporter();
    const pcode = await patrolPhase({ 'ssh-key-path': box.clientKeyPath, 'connect-timeout': '4', 'report-to': at }, {}, p, {
      probe: probeHost,
      registered: registeredHosts,
      remote: store(at),
    });
    expect(pcode, p.errors.join('\n')).toBe(0);
    expect(JSON.parse(p.outputs['states'] ?? '{}')['jumped']).toMatchObject({ state: 'running' });

    // Collect of a finished run through the bastion: the bytes come over OpenSSH's ProxyCommand hop.
    const train = `/usr/bin/python3 -c "
import torch, os
os.makedirs('ck', exist_ok=True)
torch.save({'model': torch.nn.Linear(8, 2).state_dict(), 'step': 1}, 'ck/step1.pt')
"`;
    await finishedRun(box, 'jumped-done', train, { connection: through() });
    const dest = mkdtempSync(join(tmpdir(), 'tether-jump-collect-'));
    dests.push(dest);
    const c = captureReporter();
    const ccode = await collectPhase(through({ 'run-id': 'jumped-done', 'dest-dir': dest, artifact: 'none' }), {}, c, tmpdir());
    expect(ccode, c.errors.join('\n')).toBe(0);
    expect(c.outputs['verified']).toBe('true');
    expect(readFileSync(join(dest, 'jumped-done', 'ck', 'step1.pt')).equals(readFileSync(`${box.home}/jumped-done/ck/step1.pt`))).toBe(true);

    // The same collect with the bastion's key pinned wrong never reaches the box (the action prints the error and fails).
    const badDest = mkdtempSync(join(tmpdir(), 'tether-jump-bad-'));
    dests.push(badDest);
    const wrong = through({ 'run-id': 'jumped-done', 'dest-dir': badDest, artifact: 'none', 'jump-host-key-fingerprint': box.fingerprint });
    await expect(collectPhase(wrong, {}, captureReporter(), tmpdir())).rejects.toThrow(/host_key_mismatch: jump host/);
    expect(readdirSync(badDest, { recursive: true }).filter((f) => String(f).endsWith('.pt'))).toEqual([]);
  });
});
