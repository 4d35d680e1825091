import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { routeBetween } from '../harness/route.ts';
import { waitFor } from '../harness/sh.ts';
import { startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { parseReportTo } from '../../src/config/patrol.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { collectPhase, launchPhase, patrolPhase, teardownPhase } from '../harness/phases.ts';
import { signalPid } from '../harness/pids.ts';

/**
 * One run on two boxes over plain SSH (issue 28 §1, §4): two namespace boxes routed to each other, Debian's
 * python3-torch, a tiny model trained across them with gloo (DistributedDataParallel, one process per node
 * through env://). Every node is checked before any starts; the loss is a single process's on the same data.
 */
const DDP = join(import.meta.dirname, '..', 'fixtures', 'multinode', 'ddp.py');
const logged = (t: string) => [...t.matchAll(/^step (\d+) loss ([0-9.]+)$/gm)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
let a: Box;
let b: Box;
let unroute: () => void;
let work: string;
let gh: GitHubDouble;
const account = ed25519Pair('tether-runner');
const key = () => join(work, 'key');

beforeAll(async () => {
  [a, b] = await Promise.all([createBox({ authorizedKeys: [account.public] }), createBox({ authorizedKeys: [account.public] })]);
  unroute = routeBetween([a, b]);
  work = mkdtempSync(join(tmpdir(), 'tether-multinode-'));
  writeFileSync(key(), account.private, { mode: 0o600 });
  gh = await startGitHubDouble();
});
afterAll(async () => {
  unroute?.();
  a?.destroy();
  b?.destroy();
  await gh?.close();
  rmSync(work, { recursive: true, force: true });
});

const nodes = (over: { a?: string; b?: string } = {}) => `root@${a.addr} ${a.fingerprint}${over.a ?? ''}\nroot@${b.addr} ${b.fingerprint}${over.b ?? ''}`;
const runDir = (x: Box, run: string) => join(x.home, '.tether', 'runs', run);
/** Each run trains in a folder of its own on every box (its checkpoints are its own). */
const codeDir = (x: Box, run: string) => join(x.home, 'w', run);
function withCode(run: string) {
  for (const x of [a, b]) {
    mkdirSync(codeDir(x, run), { recursive: true });
    cpSync(DDP, join(codeDir(x, run), 'ddp.py'));
  }
}
const attempts = (x: Box, run: string) => (existsSync(join(runDir(x, run), 'attempts')) ? readdirSync(join(runDir(x, run), 'attempts')).length : 0);
async function start(run: string, extra: Record<string, string> = {}, store?: ReturnType<typeof githubStore>) {
  withCode(run);
  const r = captureReporter();
  const code = await launchPhase(
    {
      nodes: nodes(),
      'ssh-key-path': key(),
      'run-id': run,
      command: '/usr/bin/python3 ddp.py',
      workdir: `~/w/${run}`,
      env: 'TOTAL_STEPS=24\nSTEP_S=0.2\nSAVE_EVERY=4',
      checkpoints: 'ckpt/step_*.pt',
      audit: 'false',
      interpreter: '/usr/bin/python3',
      'confirm-timeout': '3',
      'connect-timeout': '5',
      ...extra,
    },
    {},
    r,
    work,
    store,
  );
  return { code, r, text: [...r.errors, ...r.summaries].join('\n') };
}

describe('a run on two boxes', () => {
  it('audits both, starts both as attempt 1 with their place in the run, trains as one process would; a second launch starts nothing', async () => {
    gh.workflows = {};
    const at = `issue:${gh.addIssue('Two nodes')}`;
    const store = githubStore(parseReportTo(at)!, { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url }, 'ghs-actions-token');
    // Long enough (40 steps of 0.2 s) that the second launch below meets it running, even on a loaded machine.
    const s = await start('ddp-1', { audit: 'true', 'require-gpu': 'false', 'report-to': at, env: 'TOTAL_STEPS=40\nSTEP_S=0.2\nSAVE_EVERY=4' }, store);
    expect(s.code, s.text).toBe(0);
    expect(s.r.outputs['result']).toBe('started');
    const table = JSON.parse(s.r.outputs['nodes']!) as Array<{ rank: number; attempt: number; handle: string }>;
    expect(table.map((t) => [t.rank, t.attempt])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    // Each node's spec carries its place; master-addr defaulted to rank 0's own address toward rank 1.
    for (const [rank, x] of [a, b].entries())
      expect(JSON.parse(readFileSync(join(runDir(x, 'ddp-1'), 'spec.json'), 'utf8'))).toMatchObject({
        node_rank: rank,
        nnodes: 2,
        master_addr: a.addr,
        master_port: 29500,
      });
    // Launching again while it runs starts nothing on either node.
    const again = await start('ddp-1');
    expect(again.code).toBe(1);
    expect(again.text).toMatch(/ddp-1 runs on rank 0 \(attempt 1\).*nothing was started on any node/);
    expect([attempts(a, 'ddp-1'), attempts(b, 'ddp-1')]).toEqual([1, 1]);
    // A registration lost (deleted, or never written by a read-only token) is mended by launching again: every
    // node runs attempt 1, so nothing starts and the live run is registered with both nodes.
    const marker = '<!-- tether:registration ddp-1 -->';
    for (const [id, c] of gh.comments) if (c.body.includes(marker)) gh.comments.delete(id);
    const mend = await start('ddp-1', { 'report-to': at, env: 'TOTAL_STEPS=40\nSTEP_S=0.2\nSAVE_EVERY=4' }, store);
    expect(mend.code, mend.text).toBe(0);
    expect(mend.r.outputs['result']).toBe('registered');
    expect([attempts(a, 'ddp-1'), attempts(b, 'ddp-1')]).toEqual([1, 1]);
    expect([...gh.comments.values()].filter((c) => c.body.includes(marker))).toHaveLength(1);

    await waitFor('both nodes to finish', () => [a, b].every((x) => existsSync(join(runDir(x, 'ddp-1'), 'DONE'))), 90_000);
    const log0 = readFileSync(join(runDir(a, 'ddp-1'), 'attempts', '1', 'log'), 'utf8');
    const log1 = readFileSync(join(runDir(b, 'ddp-1'), 'attempts', '1', 'log'), 'utf8');
    expect(logged(log0).map(([st]) => st)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(logged(log1)).toEqual(logged(log0));
    expect(existsSync(join(codeDir(a, 'ddp-1'), 'ckpt', 'step_40.pt'))).toBe(true);
    expect(existsSync(join(codeDir(b, 'ddp-1'), 'ckpt'))).toBe(false);
    // The same data in one process: the loss curve agrees within float tolerance.
    const ref = mkdtempSync(join(tmpdir(), 'tether-ddp-ref-'));
    const one = spawnSync('/usr/bin/python3', [DDP], {
      cwd: ref,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        TETHER_NODE_RANK: '0',
        TETHER_NNODES: '1',
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: '29517',
        GLOO_SOCKET_IFNAME: 'lo',
        TOTAL_STEPS: '40',
        STEP_S: '0',
      },
    });
    rmSync(ref, { recursive: true, force: true });
    const reference = logged(one.stdout);
    expect(reference, one.stderr).toHaveLength(40);
    for (const [i, [st, loss]] of logged(log0).entries()) expect(Math.abs(loss - reference[i]![1]), `step ${st}`).toBeLessThan(1e-5);

    // The registration names every node with its pin; rank 0 is its host.
    const body = [...gh.comments.values()].find((c) => c.body.includes('<!-- tether:registration ddp-1 -->'))!.body;
    const reg = verifiedRegistration(body, loadCredential({ kind: 'content', text: account.private }));
    expect('entry' in reg && reg.entry).toMatchObject({
      host: a.addr,
      nodes: [
        { rank: 0, host: a.addr, hostKeyFingerprint: a.fingerprint },
        { rank: 1, host: b.addr, hostKeyFingerprint: b.fingerprint },
      ],
    });
  }, 180_000);

  it('refuses before anything starts: a node that cannot reach rank 0, a clock far off, another Python', async () => {
    // Rank 0's rendezvous port closed to rank 1.
    a.sh(`iptables -I INPUT -p tcp --dport 29500 -s ${b.addr} -j REJECT --reject-with tcp-reset`);
    try {
      const s = await start('ddp-refused');
      expect(s.code).toBe(3);
      expect(s.text).toMatch(new RegExp(`rank 1 cannot reach rank 0 at ${a.addr.replace(/\./g, '\\.')}:29500`));
    } finally {
      a.sh(`iptables -D INPUT -p tcp --dport 29500 -s ${b.addr} -j REJECT --reject-with tcp-reset`);
    }
    // Rank 1's clock a minute ahead (namespaces share one clock: a date shim first on its PATH).
    writeFileSync(
      join(b.bin, 'date'),
      '#!/bin/sh\nif [ "$1" = "+%s%3N" ]; then echo $(( $(/usr/bin/date +%s%3N) + 60000 )); else exec /usr/bin/date "$@"; fi\n',
      { mode: 0o755 },
    );
    try {
      const s = await start('ddp-refused');
      expect(s.code).toBe(3);
      expect(s.text).toMatch(/rank 1's clock is (5\d|6[01])\.\d s off the runner's/);
    } finally {
      rmSync(join(b.bin, 'date'));
    }
    // Another interpreter on rank 1 (a shim that says another version).
    writeFileSync(join(b.bin, 'python9'), '#!/bin/sh\necho 3.99.0\n', { mode: 0o755 });
    writeFileSync(join(a.bin, 'python9'), '#!/bin/sh\nexec /usr/bin/python3 "$@"\n', { mode: 0o755 });
    try {
      const s = await start('ddp-refused', { interpreter: 'python9' });
      expect(s.code).toBe(3);
      expect(s.text).toMatch(/the nodes' Python differs \(python9\): rank 0 3\.\d+\.\d+, rank 1 3\.99\.0/);
    } finally {
      rmSync(join(b.bin, 'python9'));
      rmSync(join(a.bin, 'python9'));
    }
    expect([attempts(a, 'ddp-refused'), attempts(b, 'ddp-refused')]).toEqual([0, 0]);
  }, 120_000);

  it('a node that cannot start: the node that did is stopped again, and the launch failed naming it', async () => {
    withCode('ddp-partial');
    const r = captureReporter();
    const code = await launchPhase(
      {
        nodes: nodes({ b: ' workdir=~/missing' }),
        'ssh-key-path': key(),
        'run-id': 'ddp-partial',
        command: '/usr/bin/python3 ddp.py',
        workdir: '~/w/ddp-partial',
        env: 'TOTAL_STEPS=400\nSTEP_S=0.2',
        audit: 'false',
        interpreter: '/usr/bin/python3',
        'confirm-timeout': '1',
      },
      {},
      r,
      work,
    );
    expect(code).toBe(1);
    const text = [...r.errors, ...r.summaries].join('\n');
    expect(text).toMatch(/rank 1: refused: workdir .*missing does not exist/);
    expect(text).toMatch(/rank 0 stopped/);
    expect(JSON.parse(readFileSync(join(runDir(a, 'ddp-partial'), 'FAILED'), 'utf8'))).toMatchObject({ stage: 'stopped' });
  }, 90_000);
});

describe('collect and teardown of a run on two boxes', () => {
  it('collects rank 0 by default; teardown refuses while an uncollected node holds checkpoints or a proof names another box; collect-from: all, then every node torn down behind one approval', async () => {
    const s = await start('ddp-end', { env: 'TOTAL_STEPS=8\nSTEP_S=0.1\nSAVE_EVERY=4' });
    expect(s.code, s.text).toBe(0);
    await waitFor('both nodes to finish', () => [a, b].every((x) => existsSync(join(runDir(x, 'ddp-end'), 'DONE'))), 90_000);
    // Rank 1 saved too (as a job may): a file collect-from: rank0 does not read.
    mkdirSync(join(codeDir(b, 'ddp-end'), 'ckpt'), { recursive: true });
    cpSync(join(codeDir(a, 'ddp-end'), 'ckpt', 'step_8.pt'), join(codeDir(b, 'ddp-end'), 'ckpt', 'step_8.pt'));
    const withIds = nodes({ a: ' instance-id=node-a', b: ' instance-id=node-b' });
    const collect = async (extra: Record<string, string> = {}) => {
      const r = captureReporter();
      const code = await collectPhase(
        { nodes: withIds, 'ssh-key-path': key(), 'run-id': 'ddp-end', 'dest-dir': 'out', artifact: 'none', provider: 'command', verb: 'destroy', ...extra },
        {},
        r,
        work,
      );
      return { code, r, text: [...r.errors, ...r.summaries].join('\n') };
    };
    const torn = join(work, 'torn-ddp-end');
    const teardown = async (extra: Record<string, string> = {}, deps: { fetchArtifact?: (name: string, dir: string) => Promise<unknown> } = {}) => {
      const r = captureReporter();
      const code = await teardownPhase(
        {
          nodes: withIds,
          'ssh-key-path': key(),
          'run-id': 'ddp-end',
          provider: 'command',
          'teardown-command': `echo "$TETHER_INSTANCE_ID $TETHER_VERB" >> ${torn}`,
          verb: 'destroy',
          'verified-path': 'out/ddp-end',
          'dry-run': 'false',
          'connect-timeout': '5',
          ...extra,
        },
        {},
        r,
        work,
        { pollMs: 50, ...deps },
      );
      return { code, r, text: [...r.errors, ...r.summaries].join('\n') };
    };
    const out = join(work, 'out', 'ddp-end');

    const c0 = await collect();
    expect(c0.code, c0.text).toBe(0);
    expect(c0.r.outputs['verified-path']).toBe(out);
    expect(existsSync(join(out, 'rank-0', 'VERIFIED.json'))).toBe(true);
    expect(existsSync(join(out, 'rank-0', 'ckpt', 'step_8.pt'))).toBe(true);
    expect(existsSync(join(out, 'rank-1'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'rank-0', 'VERIFIED.json'), 'utf8')).box).toMatchObject({ host: a.addr, instance_id: 'node-a' });
    // One card names both instances, and says rank 1 was not collected.
    expect(c0.text).toMatch(/Teardown card — `ddp-end` on 2 nodes/);
    expect(c0.text).toMatch(/\| 0 \| `node-a` \| 2 files/);
    expect(c0.text).toMatch(/\| 1 \| `node-b` \| not collected/);

    // A node collect did not read and that does not answer cannot show it holds nothing: refused.
    b.blackhole();
    let silent;
    try {
      silent = await teardown({ 'connect-timeout': '2' });
    } finally {
      b.clearFirewall();
    }
    expect(silent.code).toBe(1);
    expect(silent.text).toMatch(/rank 1 \(node-b\): not collected, and it cannot be listed \(it does not answer/);
    expect(existsSync(torn)).toBe(false);

    // Rank 1 holds a checkpoint nobody collected: nothing is asked of the provider for either node.
    const refused = await teardown();
    expect(refused.code).toBe(1);
    expect(refused.r.outputs['state']).toBe('refused');
    expect(refused.text).toMatch(
      /rank 1 \(node-b\): not collected \(collect-from: rank0\), and it holds 1 checkpoint file\(s\) of the run \(ckpt\/step_8\.pt\)/,
    );
    expect(existsSync(torn)).toBe(false);

    const all = await collect({ 'collect-from': 'all' });
    expect(all.code, all.text).toBe(0);
    const collected = JSON.parse(all.r.outputs['nodes-collected']!) as Array<{ rank: number; verified: boolean; files: number }>;
    expect(collected.map((n) => [n.rank, n.verified, n.files])).toEqual([
      [0, true, 2],
      [1, true, 1],
    ]);
    expect(JSON.parse(readFileSync(join(out, 'rank-1', 'VERIFIED.json'), 'utf8')).box).toMatchObject({ host: b.addr, instance_id: 'node-b' });

    // A proof is never moved to another node: rank 0's proof where rank 1's belongs is refused.
    const moved = join(work, 'rank-1-kept');
    cpSync(join(out, 'rank-1'), moved, { recursive: true });
    rmSync(join(out, 'rank-1'), { recursive: true });
    cpSync(join(out, 'rank-0'), join(out, 'rank-1'), { recursive: true });
    const wrong = await teardown();
    expect(wrong.code).toBe(1);
    expect(wrong.text).toMatch(/rank 1 \(node-b\): VERIFIED\.json proves command instance "node-a", not command "node-b"/);
    expect(existsSync(torn)).toBe(false);
    rmSync(join(out, 'rank-1'), { recursive: true });
    cpSync(moved, join(out, 'rank-1'), { recursive: true });

    // The records artifacts instead of the folder (a teardown job on another runner): each proof goes to the
    // node whose box it names, whatever the order; two for one node are refused.
    const fetchArtifact = async (name: string, dir: string) => cpSync(join(out, name.replace('rec-', 'rank-')), dir, { recursive: true });
    const byArtifact = await teardown({ 'verified-path': '', 'verified-artifact': 'rec-1\nrec-0', 'dry-run': 'true' }, { fetchArtifact });
    expect(byArtifact.code, byArtifact.text).toBe(0);
    expect(byArtifact.r.outputs['state']).toBe('dry-run');
    const twice = await teardown({ 'verified-path': '', 'verified-artifact': 'rec-0 rec-0' }, { fetchArtifact });
    expect(twice.code).toBe(1);
    expect(twice.text).toMatch(/two proof artifacts are for rank 0/);
    expect(existsSync(torn)).toBe(false);

    // Every node proven: one approval, each instance asked and confirmed.
    const done = await teardown();
    expect(done.code, done.text).toBe(0);
    expect(done.r.outputs['state']).toBe('torn-down');
    expect(readFileSync(torn, 'utf8').trim().split('\n').sort()).toEqual(['node-a destroy', 'node-b destroy']);
    expect(done.r.outputs['reason']).toMatch(/^2 nodes torn-down: rank 0 node-a: teardown-command exited 0 \| rank 1 node-b: teardown-command exited 0$/);
  }, 180_000);
});

interface NodeState {
  rank: number;
  state: string;
  class: string | null;
  consequence: boolean;
}
describe('the patrol of a run on two boxes', () => {
  const at = () => `issue:${gh.addIssue('Two nodes patrolled')}`;
  const storeOf = (where: string) => githubStore(parseReportTo(where)!, { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url }, 'ghs-actions-token');
  async function patrol(where: string, run: string, extra: Record<string, string> = {}) {
    const r = captureReporter();
    await patrolPhase(
      { 'ssh-key-path': key(), 'connect-timeout': '2', 'connect-attempts': '1', 'report-to': where, 'github-token': 'ghs-actions-token', ...extra },
      { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
      r,
      { probe: probeHost, remote: storeOf(where), workspace: work },
    );
    const states = JSON.parse(r.outputs['states'] ?? '{}') as Record<string, { state: string; class: string | null; nodes?: NodeState[] }>;
    return { r, v: states[run], states, body: r.summaries.join('\n') };
  }
  /** The job's own process on a box, by its working directory (namespaces share the host's PIDs). */
  const jobPid = (x: Box, run: string) =>
    Number(
      spawnSync('bash', ['-c', `for p in $(pgrep -f 'ddp.py'); do [ "$(readlink /proc/$p/cwd)" = ${JSON.stringify(codeDir(x, run))} ] && echo $p; done`], {
        encoding: 'utf8',
      })
        .stdout.trim()
        .split('\n')[0],
    );
  const launchLong = async (where: string, run: string, timeoutS: string) => {
    const s = await start(run, { env: `TOTAL_STEPS=2000\nSTEP_S=0.2\nCOLLECTIVE_TIMEOUT_S=${timeoutS}`, 'report-to': where }, storeOf(where));
    expect(s.code, s.text).toBe(0);
    await waitFor(
      'both nodes to train',
      () => [a, b].every((x) => logged(readFileSync(join(runDir(x, run), 'attempts', '1', 'log'), 'utf8')).length >= 3),
      60_000,
    );
  };

  it('one round trip per node, one verdict with a row per node; a node SIGKILLed: the run failed naming it, the other a consequence', async () => {
    const where = at();
    await launchLong(where, 'ddp-kill', '20');
    const p = await patrol(where, 'ddp-kill');
    expect(p.v, p.r.errors.join('\n')).toMatchObject({ state: 'running' });
    expect(p.v!.nodes!.map((n) => [n.rank, n.state])).toEqual([
      [0, 'running'],
      [1, 'running'],
    ]);
    expect(Object.keys(p.states)).toEqual(['ddp-kill']);
    expect(p.body).toMatch(/#### Nodes of `ddp-kill`/);
    expect(p.body).toContain(`| 1 | \`root@${b.addr}:22\` | 🟢 running |`);
    // A follow holds both nodes: the kill is seen as it happens (then the other node's collective timeout), each
    // event re-ticks every node of the run, and the run keeps one verdict; the follow ends once the run has.
    const following = patrol(where, 'ddp-kill', { follow: '120s' });
    await new Promise((res) => setTimeout(res, 3000));
    signalPid(jobPid(b, 'ddp-kill'), 'SIGKILL');
    const f = await following;
    expect(f.r.lines.join('\n')).toMatch(/follow: every followed run has ended/);
    expect(f.r.lines.join('\n')).toMatch(new RegExp(`follow: root@${b.addr.replace(/\./g, '\\.')}:22: .*ddp-kill failed`));
    expect(f.r.warnings.join('\n')).not.toMatch(/follow does not cover/);
    expect(Object.keys(f.states)).toEqual(['ddp-kill']);
    expect([a, b].every((x) => existsSync(join(runDir(x, 'ddp-kill'), 'FAILED')))).toBe(true);
    expect(f.v).toMatchObject({ state: 'failed', class: 'killed' });
    expect(f.v!.nodes).toEqual([
      expect.objectContaining({ rank: 0, state: 'failed', class: 'collective', consequence: true }),
      expect.objectContaining({ rank: 1, state: 'failed', class: 'killed', consequence: false }),
    ]);
    expect(f.body).toMatch(/rank 1 failed \\?\(killed\\?\).*rank 0 failed in a collective as a consequence/);
    expect(f.body).toContain('| 0 | `root@' + a.addr + ':22` | ❌ failed (collective), a consequence |');
  }, 150_000);

  it('a node black-holed: degraded while the other waits, then failed when its collective times out, the silent node named', async () => {
    const where = at();
    await launchLong(where, 'ddp-dark', '8');
    // Everything to rank 1 dropped: the runner cannot reach it, and neither can rank 0, which waits in its all-reduce.
    b.sh('iptables -I INPUT ! -i lo -j DROP');
    try {
      const d = await patrol(where, 'ddp-dark');
      expect(d.v).toMatchObject({ state: 'degraded' });
      expect(d.v!.nodes!.map((n) => n.state)).toEqual(['running', 'unreachable']);
      await waitFor('rank 0 to time out', () => existsSync(join(runDir(a, 'ddp-dark'), 'FAILED')), 60_000);
      const f = await patrol(where, 'ddp-dark');
      expect(f.v).toMatchObject({ state: 'failed', class: 'collective' });
      expect(f.body).toMatch(/rank 1 unreachable, probably the cause: rank 0 failed in a collective that lost it/);
    } finally {
      b.clearFirewall();
      const pid = jobPid(b, 'ddp-dark');
      if (pid) signalPid(pid, 'SIGKILL');
    }
  }, 150_000);

  it('on-node-failure: stop: a node failed while the other hangs in its collective: the patrol stops that job (never the box), once', async () => {
    const where = at();
    const s = await start(
      'ddp-stop',
      { env: 'TOTAL_STEPS=2000\nSTEP_S=0.2\nCOLLECTIVE_TIMEOUT_S=300', 'report-to': where, 'on-node-failure': 'stop' },
      storeOf(where),
    );
    expect(s.code, s.text).toBe(0);
    await waitFor(
      'both nodes to train',
      () => [a, b].every((x) => logged(readFileSync(join(runDir(x, 'ddp-stop'), 'attempts', '1', 'log'), 'utf8')).length >= 3),
      60_000,
    );
    // Rank 1 cut off from rank 0 only (the runner still reaches it), then its job killed: rank 0 never hears and hangs.
    b.sh(`iptables -I INPUT -s ${a.addr} -j DROP; iptables -I OUTPUT -d ${a.addr} -j DROP`);
    try {
      signalPid(jobPid(b, 'ddp-stop'), 'SIGKILL');
      await waitFor('rank 1 to record its failure', () => existsSync(join(runDir(b, 'ddp-stop'), 'FAILED')), 30_000);
      const p = await patrol(where, 'ddp-stop');
      expect(p.v).toMatchObject({ state: 'failed', class: 'killed' });
      expect(JSON.parse(p.r.outputs['node-stops'] ?? '[]')).toEqual([
        { run_id: 'ddp-stop', attempt: 1, nodes: [{ rank: 0, stopped: true, detail: expect.stringMatching(/^stopped \(attempt 1/) }] },
      ]);
      expect(JSON.parse(readFileSync(join(runDir(a, 'ddp-stop'), 'FAILED'), 'utf8'))).toMatchObject({ stage: 'stopped' });
      expect(p.body).toMatch(/on-node-failure: stop: rank 0 stopped/);
      // Once per attempt: the next tick stops nothing more (and rank 0 is now failed: stopped).
      const again = await patrol(where, 'ddp-stop');
      expect(JSON.parse(again.r.outputs['node-stops'] ?? '[]')).toEqual([]);
      expect(again.v!.nodes!.map((n) => [n.rank, n.state, n.class])).toEqual([
        [0, 'failed', 'stopped'],
        [1, 'failed', 'killed'],
      ]);
      // The boxes are untouched: both still answer.
      expect([a, b].every((x) => x.sshdPid() > 0)).toBe(true);
    } finally {
      b.clearFirewall();
      b.sh('iptables -F OUTPUT');
    }
  }, 150_000);

  it('resume after a node reboots: every node starts attempt 2, and training goes on from rank 0’s checkpoint', async () => {
    const where = at();
    await launchLong(where, 'ddp-reboot', '8');
    await waitFor('a checkpoint on rank 0', () => existsSync(join(codeDir(a, 'ddp-reboot'), 'ckpt', 'step_4.pt')), 60_000);
    await b.reboot();
    await waitFor('rank 0 to time out', () => existsSync(join(runDir(a, 'ddp-reboot'), 'FAILED')), 60_000);
    const p = await patrol(where, 'ddp-reboot');
    expect(p.v!.nodes!.map((n) => n.state)).toEqual(['failed', 'rebooted']);
    expect(p.v).toMatchObject({ state: 'rebooted' });
    const s = await start('ddp-reboot', { env: 'TOTAL_STEPS=24\nSTEP_S=0.2\nCOLLECTIVE_TIMEOUT_S=20', resume: 'true', 'report-to': where }, storeOf(where));
    expect(s.code, s.text).toBe(0);
    expect((JSON.parse(s.r.outputs['nodes']!) as Array<{ attempt: number }>).map((n) => n.attempt)).toEqual([2, 2]);
    await waitFor('both nodes to finish attempt 2', () => [a, b].every((x) => existsSync(join(runDir(x, 'ddp-reboot'), 'DONE'))), 90_000);
    expect(readFileSync(join(runDir(a, 'ddp-reboot'), 'attempts', '2', 'log'), 'utf8')).toMatch(/resumed from step \d+ \(ckpt\/step_\d+\.pt\)/);
    const fin = await patrol(where, 'ddp-reboot');
    expect(fin.v).toMatchObject({ state: 'finished' });
  }, 180_000);
});
