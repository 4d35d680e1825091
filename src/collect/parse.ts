/**
 * The collect phase's one parser: the collect inputs (src/config/collect.ts), the teardown card it shows
 * (the provider's facts, src/providers), and the connection, or each node's with `nodes`. Pure.
 */
import { parseCollect, type CollectConfig } from '../config/collect.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import { nodeConnections, parseNodeLines } from '../config/nodes.ts';
import * as v from '../config/values.ts';
import { FACTS, instanceIdFor } from '../providers/index.ts';
import { INSTANCE_ID, PROVIDER_NAMES, VERBS, type ProviderName, type Verb } from '../record/names.ts';

export const COLLECT_FROM = ['rank0', 'all'] as const;

/** A run on many boxes: the nodes collect reads from (rank 0, or every node), each with its connection. */
export interface CollectNodes {
  from: (typeof COLLECT_FROM)[number];
  nodes: Array<{ rank: number; conn: ConnectionConfig; runRoot: string; instanceId: string | null }>;
}

/** Everything the collect phase runs with, parsed once. */
export type CollectPhaseConfig = CollectConfig & {
  /** For the teardown card in the summary (shown while the approval waits), when given. */
  card: { provider: ProviderName; instanceId: string; verb: Verb } | null;
  /** Rank 0's connection with nodes (the one box otherwise). */
  conn: ConnectionConfig;
  nodes: CollectNodes | null;
};

export function parseCollectPhase(inputs: Inputs, env: Inputs): CollectPhaseConfig {
  const cfg = parseCollect(inputs);
  const lines = parseNodeLines(inputs);
  if (!lines) {
    if ((inputs['collect-from'] ?? '').trim() && inputs['collect-from']!.trim() !== 'rank0')
      throw new InputError('collect-from', "is for a run on many boxes: give 'nodes' (one box a line, rank 0 first)");
    return { ...cfg, card: teardownCard(inputs), conn: parseConnection(inputs, env), nodes: null };
  }
  if ((inputs['instance-id'] ?? '').trim()) throw new InputError('instance-id', "names one box; with nodes put each node's instance-id= on its line");
  if (cfg.cells.length) throw new InputError('cells', 'a run on many boxes is not a sweep');
  const from = v.oneOf('collect-from', inputs['collect-from'], COLLECT_FROM, 'rank0');
  const conns = nodeConnections(inputs, env, { nodes: lines });
  const provider = (inputs['provider'] ?? '').trim() ? v.oneOf('provider', inputs['provider'], PROVIDER_NAMES, 'ssh') : null;
  const nodes = lines.map((n, i) => {
    const conn = conns[i]!;
    const instanceId = provider ? cardInstance(provider, n.instanceId ?? '', conn, `nodes line of rank ${n.rank}`) : null;
    return { rank: n.rank, conn, runRoot: n.runRoot ?? cfg.runRoot, instanceId };
  });
  const card = teardownCard({ ...inputs, 'instance-id': nodes[0]!.instanceId ?? '' });
  return { ...cfg, card, conn: conns[0]!, nodes: { from, nodes } };
}

function teardownCard(inputs: Inputs): CollectPhaseConfig['card'] {
  if (!(inputs['provider'] ?? '').trim()) return null;
  const provider = v.oneOf('provider', inputs['provider'], PROVIDER_NAMES, 'ssh');
  const verb = v.oneOf('verb', inputs['verb'], VERBS, 'destroy');
  // A scheduler's jobs have no instance card (its cancel and hold delete nothing).
  if (FACTS[provider].scheduler || verb === 'cancel') return null;
  // As in teardown: provider ssh names the box by host:port when no instance id is given.
  const instanceId = cardInstance(provider, inputs['instance-id'] ?? '', { host: (inputs['host'] ?? '').trim(), port: (inputs['port'] ?? '').trim() || '22' });
  return { provider, instanceId, verb };
}

function cardInstance(provider: ProviderName, given: string, box: { host: string; port: number | string }, where = 'instance-id'): string {
  const instanceId = instanceIdFor(provider, given, box);
  const input = where === 'instance-id' ? 'instance-id' : 'nodes';
  if (!instanceId)
    throw new InputError(
      input,
      `${where === 'instance-id' ? 'is required' : `${where} needs instance-id=`} with provider ${provider}: the exact instance the teardown card (and the proof) is for`,
    );
  if (!INSTANCE_ID.test(instanceId)) throw new InputError(input, `${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return instanceId;
}
