import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { describe, expect, it } from 'vitest';
import { nodeCommand, nodeEnv, parseNodes } from '../../src/config/nodes.ts';
import { parseLaunchPhase } from '../../src/config/launch.ts';
import { InputError } from '../../src/config/errors.ts';
import { withDefaults } from '../../src/config/defaults.ts';
import { readRegistration, renderRegistration, signedBytes, type Registration } from '../../src/registry/entry.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { sign } from '../../src/ssh/sign.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { parseNodeState } from '../../src/remote/nodes.ts';

/** `nodes` (issue 28 §1): one run on many boxes, parsed before anything touches a box. */
const FP0 = `SHA256:${'A'.repeat(43)}`;
const FP1 = `SHA256:${'B'.repeat(43)}`;
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  return 'accepted';
};

describe('nodes: one box a line, rank 0 first', () => {
  it('reads user, host, port, pin and the per-node settings; the rest comes from the step', () => {
    const m = parseNodes({
      nodes: `# the cluster\nubuntu@10.0.0.1:2222 ${FP0} instance-id=i-0abc run-root=/scratch/tether\n10.0.0.2 workdir=~/code\n`,
      'nproc-per-node': '8',
    })!;
    expect(m).toMatchObject({ launcher: 'torchrun', nprocPerNode: 8, masterPort: 29500, masterAddr: null });
    expect(m.nodes).toEqual([
      { rank: 0, user: 'ubuntu', host: '10.0.0.1', port: 2222, fingerprint: FP0, instanceId: 'i-0abc', runRoot: '/scratch/tether', workdir: undefined },
      { rank: 1, user: undefined, host: '10.0.0.2', port: undefined, fingerprint: undefined, instanceId: undefined, runRoot: undefined, workdir: '~/code' },
    ]);
    expect(parseNodes({})).toBeNull();
    expect(parseNodes({ nodes: 'a.example\nb.example', 'master-addr': '192.168.1.5', 'master-port': '29600' })).toMatchObject({
      launcher: 'none',
      nprocPerNode: null,
      masterAddr: '192.168.1.5',
      masterPort: 29600,
    });
  });
  it('refuses what cannot be one run on many boxes, naming the line', () => {
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1' }))).toMatch(/input 'nodes': lists one box/);
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\n10.0.0.1' }))).toMatch(/rank 1 is 10\.0\.0\.1: again \(rank 0\)/);
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\n10.0.0.2 -oProxyCommand=x' }))).toMatch(/line 2: "-oProxyCommand=x" is not SHA256/);
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\nroot@host;rm:22' }))).toMatch(/nodes line 2/);
    expect(refusal(() => parseNodes({ nodes: `10.0.0.1 ${FP0} ${FP1}\n10.0.0.2` }))).toMatch(/line 1: gives two fingerprints/);
    expect(refusal(() => parseNodes({ nodes: Array.from({ length: 17 }, (_, i) => `10.0.0.${i + 1}`).join('\n') }))).toMatch(/at most 16/);
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\n10.0.0.2', host: '10.0.0.1' }))).toMatch(/give 'nodes' or 'host', not both/);
    expect(refusal(() => parseNodes({ 'nproc-per-node': '8' }))).toMatch(/input 'nproc-per-node': is for a run on many boxes/);
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\n10.0.0.2', launcher: 'torchrun' }))).toMatch(
      /input 'nproc-per-node': is required with launcher: torchrun/,
    );
    expect(refusal(() => parseNodes({ nodes: '10.0.0.1\n10.0.0.2', launcher: 'none', 'nproc-per-node': '2' }))).toMatch(/read only with launcher: torchrun/);
  });
  it('the torchrun line is the same text on every node; the node env says where each is', () => {
    const m = parseNodes({ nodes: '10.0.0.1\n10.0.0.2', 'nproc-per-node': '4' })!;
    expect(nodeCommand('train.py --lr 3e-4', m)).toBe(
      'torchrun --nnodes "$TETHER_NNODES" --node_rank "$TETHER_NODE_RANK" --nproc_per_node 4 --master_addr "$MASTER_ADDR" --master_port "$MASTER_PORT" train.py --lr 3e-4',
    );
    expect(nodeCommand('python train.py', { ...m, launcher: 'none' })).toBe('python train.py');
    expect(nodeEnv(1, 2, '10.0.0.1', 29500)).toEqual([
      ['TETHER_NODE_RANK', '1'],
      ['TETHER_NNODES', '2'],
      ['MASTER_ADDR', '10.0.0.1'],
      ['MASTER_PORT', '29500'],
    ]);
  });
});

describe('launch with nodes', () => {
  const base = withDefaults('launch', {
    'run-id': 'mn1',
    command: 'train.py',
    nodes: `10.0.0.1 ${FP0}\n10.0.0.2 ${FP1}`,
    'nproc-per-node': '2',
    'ssh-key-path': '/nonexistent/key',
  });
  it('gives each node its own pinned connection and the torchrun command', () => {
    const c = parseLaunchPhase(base, {});
    expect(c.nodes!.conns.map((x) => [x.host, x.pin])).toEqual([
      ['10.0.0.1', { kind: 'pinned', fingerprints: [FP0], revoked: [] }],
      ['10.0.0.2', { kind: 'pinned', fingerprints: [FP1], revoked: [] }],
    ]);
    expect(c.conn.host).toBe('10.0.0.1');
    expect(c.launch.command).toMatch(/^torchrun --nnodes "\$TETHER_NNODES" .* train\.py$/);
  });
  it('refuses, before any box is touched, what a run on many boxes does not offer, and a node without a pin', () => {
    expect(refusal(() => parseLaunchPhase({ ...base, nodes: `10.0.0.1 ${FP0}\n10.0.0.2` }, {}))).toMatch(
      /input 'known-hosts': the box's host key must be pinned/,
    );
    expect(refusal(() => parseLaunchPhase({ ...base, 'host-key-fingerprint': FP0 }, {}))).toMatch(/put each node's SHA256/);
    expect(refusal(() => parseLaunchPhase({ ...base, backend: 'slurm', 'slurm-options': '' }, {}))).toMatch(
      /input 'backend': is not offered for a run on many boxes/,
    );
    expect(refusal(() => parseLaunchPhase({ ...base, command: '', cells: 'a: x.py' }, {}))).toMatch(/input 'cells': is not offered for a run on many boxes/);
    expect(refusal(() => parseLaunchPhase({ ...base, 'instance-id': 'i-1', provider: 'aws' }, {}))).toMatch(/input 'instance-id': names one box/);
  });
});

describe('the registration of a run on many boxes', () => {
  const pair = ed25519Pair() as unknown as { private: string };
  const cred = loadCredential({ kind: 'content', text: pair.private });
  const entry: Registration = {
    runId: 'mn1',
    host: '10.0.0.1',
    port: 22,
    user: 'root',
    hostKeyFingerprint: FP0,
    runRoot: '~/.tether',
    backend: 'tmux',
    attempt: 1,
    expectedDurationS: null,
    launchedAt: '2026-12-03T00:00:00.000Z',
    commit: null,
    nodes: [
      { rank: 0, host: '10.0.0.1', port: 22, user: 'root', hostKeyFingerprint: FP0, runRoot: '~/.tether', instanceId: null },
      { rank: 1, host: '10.0.0.2', port: 22, user: 'root', hostKeyFingerprint: FP1, runRoot: '~/.tether', instanceId: 'i-0b' },
    ],
  };
  const seal = (e: Registration) => renderRegistration({ entry: e, ...sign(cred, signedBytes(e)) }, (x) => x);
  it('signs every node and reads them back; a one-box entry carries no nodes field', () => {
    expect(verifiedRegistration(seal(entry), cred)).toMatchObject({ entry: { nodes: entry.nodes } });
    const { nodes: _n, ...one } = entry;
    expect(signedBytes(one).toString()).not.toContain('nodes');
  });
  it('signs on-node-failure: stop with the nodes; it is refused on a one-box entry', () => {
    expect(verifiedRegistration(seal({ ...entry, onNodeFailure: 'stop' }), cred)).toMatchObject({ entry: { onNodeFailure: 'stop' } });
    expect(signedBytes({ ...entry, onNodeFailure: 'stop' }).toString()).toContain('"on_node_failure":"stop"');
    const { nodes: _n, ...one } = entry;
    const forged = JSON.parse(Buffer.from(/registration-data ([^ ]+) -->/.exec(seal(one))![1]!, 'base64').toString()) as Record<string, unknown>;
    const body = `<!-- tether:registration mn1 -->\n<!-- tether:registration-data ${Buffer.from(JSON.stringify({ ...forged, on_node_failure: 'stop' })).toString('base64')} -->`;
    expect(() => readRegistration(body)).toThrow(/on_node_failure without nodes/);
    expect(refusal(() => parseNodes({ 'on-node-failure': 'stop' }))).toMatch(/input 'on-node-failure': is for a run on many boxes/);
  });
  it('refuses nodes out of rank order, and a rank 0 that is not the entry’s own host', () => {
    const swapped = { ...entry, nodes: [entry.nodes![1]!, entry.nodes![0]!] };
    expect(() => readRegistration(seal(swapped))).toThrow(/nodes\[0\]\.rank is 1, not 0/);
    const other = { ...entry, nodes: [{ ...entry.nodes![0]!, host: '10.0.0.9' }, entry.nodes![1]!] };
    expect(() => readRegistration(seal(other))).toThrow(/nodes\[0\] is not the registration's own host/);
  });
});

describe("nodes.sh's answers are read strictly", () => {
  it('state', () => {
    expect(parseNodeState({ exists: true, attempt: 2, alive: false, now_ms: 1764720000000, python: '3.11.2' })).toEqual({
      exists: true,
      attempt: 2,
      alive: false,
      nowMs: 1764720000000,
      python: '3.11.2',
    });
    expect(() => parseNodeState({ exists: 'yes', attempt: 2, alive: false, now_ms: 1, python: null })).toThrow();
    expect(() => parseNodeState({ exists: true, attempt: 2, alive: false, now_ms: 1, python: '3.11; rm -rf /' })).toThrow();
    expect(() => parseNodeState({ error: 'bad-run-id' })).toThrow(/bad-run-id/);
  });
});
