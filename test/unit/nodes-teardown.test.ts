import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/config/defaults.ts';
import { InputError } from '../../src/config/errors.ts';
import { parseCollectPhase } from '../../src/collect/parse.ts';
import { parseTeardown } from '../../src/teardown/parse.ts';
import { checkNodeEmpty } from '../../src/teardown/gate.ts';
import { renderNodesCard } from '../../src/teardown/card.ts';
import { dispatchInputs } from '../../src/record/dispatch.ts';

/** Collect and teardown of a run on many boxes (issue 28 §3): parsed and refused before anything touches a box. */
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
const nodes = `10.0.0.1 ${FP0} instance-id=i-0aaa1111\n10.0.0.2:2222 ${FP1} instance-id=i-0bbb2222 run-root=/scratch/t`;

describe('collect with nodes', () => {
  const base = withDefaults('collect', { 'run-id': 'mn1', 'dest-dir': 'out', nodes, 'ssh-key-path': '/nonexistent/key', provider: 'aws', verb: 'destroy' });
  it('reads rank 0 by default, every node with collect-from: all, each with its pinned connection, run root and instance', () => {
    const c = parseCollectPhase(base, {});
    expect(c.nodes!.from).toBe('rank0');
    expect(c.nodes!.nodes.map((n) => [n.rank, n.conn.host, n.conn.port, n.runRoot, n.instanceId])).toEqual([
      [0, '10.0.0.1', 22, '~/.tether/runs', 'i-0aaa1111'],
      [1, '10.0.0.2', 2222, '/scratch/t', 'i-0bbb2222'],
    ]);
    expect(c.conn.host).toBe('10.0.0.1');
    expect(c.card).toEqual({ provider: 'aws', instanceId: 'i-0aaa1111', verb: 'destroy' });
    expect(parseCollectPhase({ ...base, 'collect-from': 'all' }, {}).nodes!.from).toBe('all');
    // provider ssh names each node by its host:port when the line gives no instance.
    const ssh = parseCollectPhase({ ...base, provider: 'ssh', nodes: `10.0.0.1 ${FP0}\n10.0.0.2:2222 ${FP1}` }, {});
    expect(ssh.nodes!.nodes.map((n) => n.instanceId)).toEqual(['10.0.0.1:22', '10.0.0.2:2222']);
  });
  it('refuses what does not fit a run on many boxes', () => {
    expect(refusal(() => parseCollectPhase({ ...base, 'collect-from': 'some' }, {}))).toMatch(/input 'collect-from'/);
    expect(refusal(() => parseCollectPhase({ ...base, nodes: '', host: '10.0.0.1', 'collect-from': 'all' }, {}))).toMatch(
      /input 'collect-from': is for a run on many boxes/,
    );
    expect(refusal(() => parseCollectPhase({ ...base, host: '10.0.0.1' }, {}))).toMatch(/give 'nodes' or 'host', not both/);
    expect(refusal(() => parseCollectPhase({ ...base, 'instance-id': 'i-1' }, {}))).toMatch(/input 'instance-id': names one box/);
    expect(refusal(() => parseCollectPhase({ ...base, nodes: `10.0.0.1 ${FP0} instance-id=i-0aaa1111\n10.0.0.2 ${FP1}` }, {}))).toMatch(
      /input 'nodes': nodes line of rank 1 needs instance-id= with provider aws/,
    );
    expect(refusal(() => parseCollectPhase({ ...base, 'host-key-fingerprint': FP0 }, {}))).toMatch(/put each node's SHA256/);
  });
});

describe('teardown with nodes', () => {
  const base = withDefaults('teardown', {
    'run-id': 'mn1',
    provider: 'aws',
    verb: 'destroy',
    nodes,
    'ssh-key-path': '/nonexistent/key',
    'verified-path': 'out/mn1',
    'aws-region': 'us-east-1',
  });
  const env = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
  it('names every node’s instance, rank 0 also as the one instance and connection', () => {
    const c = parseTeardown(base, env);
    expect(c.nodes!.map((n) => [n.rank, n.instanceId, n.connection.host, n.runRoot])).toEqual([
      [0, 'i-0aaa1111', '10.0.0.1', '~/.tether/runs'],
      [1, 'i-0bbb2222', '10.0.0.2', '/scratch/t'],
    ]);
    expect(c.instanceId).toBe('i-0aaa1111');
    expect(c.connection!.host).toBe('10.0.0.1');
    expect(parseTeardown({ ...base, nodes: '', host: '10.0.0.1', 'host-key-fingerprint': FP0, 'instance-id': 'i-0aaa1111' }, env).nodes).toBeNull();
  });
  it('refuses, before any box or API is touched, what would leave a node unproven or ambiguous', () => {
    expect(refusal(() => parseTeardown({ ...base, 'verified-path': '' }, env))).toMatch(/input 'verified-path': is required with nodes/);
    expect(
      parseTeardown({ ...base, 'verified-path': '', 'verified-artifact': 'tether-mn1-rank0-a-records\ntether-mn1-rank1-b-records' }, env).verifiedArtifact,
    ).toBe('tether-mn1-rank0-a-records\ntether-mn1-rank1-b-records');
    expect(refusal(() => parseTeardown({ ...base, 'verified-path': '', 'verified-artifact': 'a b c' }, env))).toMatch(
      /input 'verified-artifact': lists 3 records artifacts, more than the 2 nodes/,
    );
    expect(refusal(() => parseTeardown({ ...base, 'verified-path': '', 'verified-artifact': 'a\n../b' }, env))).toMatch(/"\.\.\/b" is not an artifact name/);
    expect(refusal(() => parseTeardown({ ...base, verb: 'park', 'allow-park-unverified': 'true' }, env))).toMatch(
      /input 'allow-park-unverified': is not offered with nodes/,
    );
    expect(refusal(() => parseTeardown({ ...base, 'instance-id': 'i-0aaa1111' }, env))).toMatch(/input 'instance-id': is not offered with nodes/);
    expect(refusal(() => parseTeardown({ ...base, nodes: `10.0.0.1 ${FP0} instance-id=i-0aaa1111\n10.0.0.2 ${FP1}` }, env))).toMatch(
      /input 'nodes': rank 1 needs instance-id= on its line with provider aws/,
    );
    expect(refusal(() => parseTeardown({ ...base, nodes: `10.0.0.1 ${FP0} instance-id=i-0aaa1111\n10.0.0.2 ${FP1} instance-id=i-0aaa1111` }, env))).toMatch(
      /rank 1 names instance i-0aaa1111 again \(rank 0\)/,
    );
    expect(refusal(() => parseTeardown({ ...base, provider: 'slurm', verb: 'cancel' }, env))).toMatch(/input 'provider': is not offered with nodes/);
    // Each node's instance meets the provider's own rules, named by its rank.
    expect(refusal(() => parseTeardown({ ...base, nodes: `10.0.0.1 ${FP0} instance-id=i-0aaa1111\n10.0.0.2 ${FP1} instance-id=vm-7` }, env))).toMatch(
      /^input 'nodes': rank 1: "vm-7" is not an EC2 instance id/,
    );
  });
});

describe('the gate and the card of a run on many boxes', () => {
  it('an uncollected node passes only with an empty listing, and the refusal names its files', () => {
    expect(checkNodeEmpty([])).toBeNull();
    expect(checkNodeEmpty(['ckpt/a.pt'])).toMatch(/holds 1 checkpoint file\(s\) of the run \(ckpt\/a\.pt\): tearing it down would lose them/);
    expect(checkNodeEmpty(Array.from({ length: 7 }, (_, i) => `c/${i}.pt`))).toMatch(/c\/4\.pt and 2 more/);
  });
  it('one card lists every instance, what of it is verified and its run; hostile text stays inert', () => {
    const card = renderNodesCard({
      provider: 'aws',
      verb: 'destroy',
      runId: 'mn1',
      now: new Date('2026-12-03T00:00:00Z'),
      nodes: [
        { rank: 0, instanceId: 'i-0aaa1111', verified: { files: 3, bytes: 3e9 }, run: { state: null, source: '<img src=x> @team' } },
        { rank: 1, instanceId: 'i-0bbb2222', verified: 'uncollected', run: { state: null, source: 'not looked at' } },
        { rank: 2, instanceId: 'i-0ccc', verified: null, run: { state: null, source: 'x' }, kills: 'run mn1 is running' },
      ],
    });
    expect(card).toMatch(/Teardown card — `mn1` on 3 nodes/);
    expect(card).toMatch(/\| reversible \| \*\*NO\*\*/);
    expect(card).toMatch(/\| 0 \| `i-0aaa1111` \| 3 files, 3\.00 GB \|/);
    expect(card).toMatch(/\| 1 \| `i-0bbb2222` \| not collected \(collect-from: rank0\): torn down only if a listing shows no checkpoint files \|/);
    expect(card).toMatch(/\| 2 \| `i-0ccc` \| \*\*nothing verified\*\* \| .* — \*\*kills: run mn1 is running\*\* \|/);
    expect(card).not.toMatch(/<img|@team/);
  });
});

describe('what tether dispatches for a registered run on many boxes', () => {
  it('every node as launch took them (pins, instances, run roots), instead of one host; nodes parses them back', () => {
    const where = {
      host: '10.0.0.1',
      port: 22,
      hostKeyFingerprint: FP0,
      provider: 'lambda',
      instanceId: 'inst-a',
      jump: null,
      nodes: [
        { host: '10.0.0.1', port: 22, user: 'ubuntu', hostKeyFingerprint: FP0, runRoot: '~/.tether/runs', instanceId: 'inst-a' },
        { host: '10.0.0.2', port: 2222, user: 'ubuntu', hostKeyFingerprint: FP1, runRoot: '/scratch/t', instanceId: 'inst-b' },
      ],
    };
    const inputs = dispatchInputs('mn1', 'octocat', where);
    expect(inputs).toEqual({
      'run-id': 'mn1',
      'requested-by': 'octocat',
      provider: 'lambda',
      nodes: `ubuntu@10.0.0.1:22 ${FP0} instance-id=inst-a run-root=~/.tether/runs\nubuntu@10.0.0.2:2222 ${FP1} instance-id=inst-b run-root=/scratch/t`,
    });
    // A run root with a space cannot ride in a line (they split on whitespace): left out, the workflow's own applies.
    expect(dispatchInputs('mn1', 'octocat', { ...where, nodes: [where.nodes[0]!, { ...where.nodes[1]!, runRoot: '/scratch/my runs' }] })['nodes']).toBe(
      `ubuntu@10.0.0.1:22 ${FP0} instance-id=inst-a run-root=~/.tether/runs\nubuntu@10.0.0.2:2222 ${FP1} instance-id=inst-b`,
    );
    const t = parseTeardown(withDefaults('teardown', { ...inputs, verb: 'destroy', 'ssh-key-path': '/k', 'api-key': 'x', 'verified-path': 'out/mn1' }), {});
    expect(t.nodes!.map((n) => [n.instanceId, n.connection.host, n.connection.port, n.connection.pin, n.runRoot])).toEqual([
      ['inst-a', '10.0.0.1', 22, { kind: 'pinned', fingerprints: [FP0], revoked: [] }, '~/.tether/runs'],
      ['inst-b', '10.0.0.2', 2222, { kind: 'pinned', fingerprints: [FP1], revoked: [] }, '/scratch/t'],
    ]);
  });
});
