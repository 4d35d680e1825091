import { isIP } from 'node:net';
import { InputError } from './errors.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { FINGERPRINT } from '../record/hostkey.ts';
import { INSTANCE_ID } from '../record/names.ts';
import * as v from './values.ts';

/**
 * `nodes` (issue 28 §1): one run on many boxes, one box a line, the first line rank 0. Each line is
 * `[user@]host[:port] [SHA256:fingerprint] [instance-id=ID] [run-root=PATH] [workdir=PATH]`; what a line leaves
 * out comes from the step's own inputs (user, port, known-hosts, run-root, workdir). Not `tether.yml`'s
 * `hosts:`, which are independent boxes: these run one job together. Pure.
 */
export const NODES_MAX = 16;
export const LAUNCHERS = ['torchrun', 'none'] as const;
export type Launcher = (typeof LAUNCHERS)[number];

export interface NodeLine {
  rank: number;
  user: string | undefined;
  host: string;
  port: number | undefined;
  fingerprint: string | undefined;
  instanceId: string | undefined;
  runRoot: string | undefined;
  workdir: string | undefined;
}

export interface MultiNode {
  nodes: NodeLine[];
  /** Processes per node under torchrun; null with launcher none. */
  nprocPerNode: number | null;
  masterPort: number;
  /** The address the other nodes reach rank 0 at; null: rank 0's own source address toward rank 1, asked on rank 0. */
  masterAddr: string | null;
  launcher: Launcher;
  /** What the patrol does with the surviving nodes' job once one node's job has failed (a recorded opt-in). */
  onNodeFailure: 'wait' | 'stop';
}

const lineNo = (i: number) => `line ${i + 1}`;

function parseLine(line: string, i: number, rank: number): NodeLine {
  const [first = '', ...rest] = line.trim().split(/\s+/);
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s]+)(?::([^:\s]+))?$/.exec(first);
  if (!m) throw new InputError('nodes', `${lineNo(i)}: ${v.show(first)} is not [user@]host[:port]`);
  const where = `nodes ${lineNo(i)}`;
  const node: NodeLine = {
    rank,
    user: m[1] === undefined ? undefined : v.user(where, m[1]),
    host: v.host(where, m[2]),
    port: m[3] === undefined ? undefined : v.port(where, m[3]),
    fingerprint: undefined,
    instanceId: undefined,
    runRoot: undefined,
    workdir: undefined,
  };
  for (const t of rest) {
    const kv = /^(instance-id|run-root|workdir)=(.+)$/.exec(t);
    if (FINGERPRINT.test(t)) {
      if (node.fingerprint) throw new InputError('nodes', `${lineNo(i)}: gives two fingerprints`);
      node.fingerprint = t;
    } else if (kv?.[1] === 'instance-id') {
      if (!INSTANCE_ID.test(kv[2]!)) throw new InputError('nodes', `${lineNo(i)}: ${v.show(kv[2]!)} is not an instance id`);
      node.instanceId = kv[2];
    } else if (kv?.[1] === 'run-root') node.runRoot = v.remotePath(where, kv[2], '~/.tether');
    else if (kv?.[1] === 'workdir') node.workdir = v.remotePath(where, kv[2], '~');
    else
      throw new InputError(
        'nodes',
        `${lineNo(i)}: ${v.show(t)} is not SHA256:<fingerprint>, instance-id=, run-root= or workdir= (one box a line: [user@]host[:port] [SHA256:…] [instance-id=ID] [run-root=PATH] [workdir=PATH])`,
      );
  }
  return node;
}

/** The multi-node inputs, or null for a run on one box (then none of them may be given). */
export function parseNodes(inputs: Inputs): MultiNode | null {
  const raw = inputs['nodes'] ?? '';
  const lines = raw
    .split('\n')
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.trim() && !l.trimStart().startsWith('#'));
  if (!lines.length) {
    const unset: Record<string, string> = { 'master-port': '29500', launcher: 'none', 'on-node-failure': 'wait' };
    for (const k of ['nproc-per-node', 'master-addr', 'master-port', 'launcher', 'on-node-failure'])
      if ((inputs[k] ?? '').trim() && inputs[k]!.trim() !== unset[k])
        throw new InputError(k, "is for a run on many boxes: give 'nodes' (one box a line, rank 0 first)");
    return null;
  }
  if ((inputs['host'] ?? '').trim()) throw new InputError('nodes', "names every box of the run (rank 0 first); give 'nodes' or 'host', not both");
  if (lines.length < 2) throw new InputError('nodes', 'lists one box; a run on one box takes host (nodes is for two or more)');
  if (lines.length > NODES_MAX) throw new InputError('nodes', `lists ${lines.length} boxes; at most ${NODES_MAX} in one run`);
  const nodes = lines.map(({ l, i }, rank) => parseLine(l, i, rank));
  const seen = new Map<string, number>();
  for (const n of nodes) {
    const key = `${n.host}:${n.port ?? ''}`;
    const before = seen.get(key);
    if (before !== undefined) throw new InputError('nodes', `rank ${n.rank} is ${key} again (rank ${before}); each box once`);
    seen.set(key, n.rank);
  }
  const nprocRaw = (inputs['nproc-per-node'] ?? '').trim();
  const nprocPerNode = nprocRaw ? v.number('nproc-per-node', nprocRaw, 1, 1, 64) : null;
  const launcher = v.oneOf('launcher', inputs['launcher'], LAUNCHERS, nprocPerNode !== null ? 'torchrun' : 'none');
  if (launcher === 'torchrun' && nprocPerNode === null)
    throw new InputError('nproc-per-node', 'is required with launcher: torchrun (the processes each node starts, usually its GPU count)');
  if (launcher === 'none' && nprocPerNode !== null)
    throw new InputError('nproc-per-node', 'is read only with launcher: torchrun (with launcher: none the command starts its own processes)');
  const addr = (inputs['master-addr'] ?? '').trim();
  if (addr && isIP(addr) === 0) v.host('master-addr', addr);
  return {
    nodes,
    nprocPerNode,
    masterPort: v.port('master-port', inputs['master-port'], 29500),
    masterAddr: addr || null,
    launcher,
    onNodeFailure: v.oneOf('on-node-failure', inputs['on-node-failure'], ['wait', 'stop'] as const, 'wait'),
  };
}

/**
 * The command each node runs: as given (launcher none), or under torchrun with the node's place in the run
 * from the environment tether sets, so the command is the same text on every node (one identity, one resume).
 */
export function nodeCommand(command: string, m: MultiNode): string {
  if (m.launcher === 'none') return command;
  return (
    'torchrun --nnodes "$TETHER_NNODES" --node_rank "$TETHER_NODE_RANK" ' +
    `--nproc_per_node ${m.nprocPerNode} --master_addr "$MASTER_ADDR" --master_port "$MASTER_PORT" ${command}`
  );
}

/** What every node's job has in its environment (issue 28 §1). */
export function nodeEnv(rank: number, nnodes: number, masterAddr: string, masterPort: number): Array<[string, string]> {
  return [
    ['TETHER_NODE_RANK', String(rank)],
    ['TETHER_NNODES', String(nnodes)],
    ['MASTER_ADDR', masterAddr],
    ['MASTER_PORT', String(masterPort)],
  ];
}

/**
 * Each node's connection: its line over the step's inputs (user, port, key, known-hosts, jump host). A line's pin
 * is that node's alone; one host-key-fingerprint for every node is refused (each box has its own key).
 */
export function nodeConnections(inputs: Inputs, env: Inputs, m: { nodes: NodeLine[] }): ConnectionConfig[] {
  if ((inputs['host-key-fingerprint'] ?? '').trim())
    throw new InputError('host-key-fingerprint', "names one box's key; with nodes put each node's SHA256:… on its line, or give known-hosts");
  return m.nodes.map((n) =>
    parseConnection(
      {
        ...inputs,
        host: n.host,
        port: n.port !== undefined ? String(n.port) : inputs['port'],
        user: n.user ?? inputs['user'],
        'host-key-fingerprint': n.fingerprint ?? '',
      },
      env,
    ),
  );
}

/** The node lines of collect and teardown (not launch's other node inputs): null without nodes. */
export function parseNodeLines(inputs: Inputs): NodeLine[] | null {
  return parseNodes({ nodes: inputs['nodes'] ?? '', host: inputs['host'] ?? '' })?.nodes ?? null;
}
