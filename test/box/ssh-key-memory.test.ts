import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { keyMaterialOnDisk, sweepLeftovers } from '../../src/transfer/ssh-args.ts';
import { createBox, type Box } from '../harness/box.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { checkedPid, signalPid } from '../harness/pids.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * Issue 23 §7: the SSH key given as a secret is handed to OpenSSH without a file (a private ssh-agent fed from
 * memory), and a runner killed mid-pull leaves no key on its disk; its agent is stopped at the next start.
 */
let box: Box;
let work: string;
let savedTmp: string | undefined;
beforeAll(async () => {
  box = await createBox();
  work = mkdtempSync(join(tmpdir(), 'tether-keymem-'));
  // This file's agents live under a temporary root of its own: other test files start and stop agents meanwhile,
  // so counting every ssh-agent on the machine would race them (CI saw one more than this file started).
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(work, 'tmp');
  mkdirSync(process.env.TMPDIR, { mode: 0o700 });
  await finishedRun(box, 'km', `/usr/bin/python3 -c "import torch, os; os.makedirs('ck', exist_ok=True); torch.save({'w': torch.ones(2_000_000)}, 'ck/m.pt')"`);
}, 120_000);
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  box?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Live ssh-agents whose socket lies under this file's own temporary root. */
const agents = () =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        // A stopped agent is a zombie until whoever adopted it reaps it: it holds nothing.
        if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() !== 'ssh-agent') return false;
        if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${p}/cmdline`, 'utf8')
          .split('\0')
          .some((a) => a.startsWith(join(work, 'tmp') + '/'));
      } catch {
        return false;
      }
    }).length;

describe('the SSH key never touches the runner disk', () => {
  it('a collect with the key as a secret (ssh-key) pulls through a private agent: no key file during or after, no agent left', async () => {
    const before = agents();
    expect(before).toBe(0);
    const key = readFileSync(box.clientKeyPath, 'utf8');
    const seen: string[][] = [];
    const poll = setInterval(() => seen.push(keyMaterialOnDisk()), 20);
    const r = captureReporter();
    const inputs = { ...box.inputs({ 'run-id': 'km', 'dest-dir': join(work, 'dest') }), 'ssh-key': key, 'ssh-key-path': '' };
    const code = await collectPhase(inputs, {}, r, work);
    clearInterval(poll);
    expect(code, r.errors.join('\n')).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.flat()).toEqual([]);
    expect(keyMaterialOnDisk()).toEqual([]);
    // Its agents were stopped (TERM: gone a moment later).
    await waitFor('the private agents to stop', () => agents() === before, 10_000);
  }, 60_000);

  it('SIGKILL mid-pull: no key on disk; the next start stops the orphaned agent and removes its folder', async () => {
    const script = join(work, 'hold.ts');
    writeFileSync(
      script,
      `import { sshInvocation } from ${JSON.stringify(new URL('../../src/transfer/ssh-args.ts', import.meta.url).pathname)};
const inv = sshInvocation({ host: '127.0.0.1', port: 22, user: 'x', knownHostsLine: 'x ssh-ed25519 AAAA', identity: { key: Buffer.from(process.env.KEY ?? '') }, connectTimeoutS: 1 });
console.log(inv.secrets);
setInterval(() => undefined, 1000);
`,
    );
    const before = agents();
    expect(before).toBe(0);
    // One process (tsx's CLI would be a parent of the node that holds the agent): node with tsx's loader.
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, KEY: readFileSync(box.clientKeyPath, 'utf8') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    await waitFor('the private agent', () => out.includes('tether-ssh-'), 30_000);
    const dir = out.trim().split('\n').pop()!;
    expect(existsSync(join(dir, 'agent.sock'))).toBe(true);
    expect(keyMaterialOnDisk()).toEqual([]);
    signalPid(checkedPid(String(child.pid), 'the holder'), 'SIGKILL');
    await new Promise((r) => child.on('close', r));
    // Killed: its agent still holds the key in memory (never on disk), until the next start sweeps it.
    expect(keyMaterialOnDisk()).toEqual([]);
    expect(agents()).toBe(before + 1);
    expect(sweepLeftovers()).toBeGreaterThanOrEqual(1);
    await waitFor('the orphan agent to stop', () => agents() === before, 10_000);
    // The next start's sweep (again, if the first one ran before
    // the killed owner was gone from /proc) removes this one's folder.
    await waitFor('its folder to go', () => (sweepLeftovers(), !existsSync(dir)), 10_000).catch(() => undefined);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
