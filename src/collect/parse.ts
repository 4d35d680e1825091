/**
 * The collect phase's one parser: the collect inputs (src/config/collect.ts), the teardown card it shows
 * (the provider's facts, src/providers), and the connection. Pure.
 */
import { parseCollect, type CollectConfig } from '../config/collect.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import * as v from '../config/values.ts';
import { FACTS, instanceIdFor } from '../providers/index.ts';
import { INSTANCE_ID, PROVIDER_NAMES, VERBS, type ProviderName, type Verb } from '../record/names.ts';

/** Everything the collect phase runs with, parsed once. */
export type CollectPhaseConfig = CollectConfig & {
  /** For the teardown card in the summary (shown while the approval waits), when given. */
  card: { provider: ProviderName; instanceId: string; verb: Verb } | null;
  conn: ConnectionConfig;
};

export function parseCollectPhase(inputs: Inputs, env: Inputs): CollectPhaseConfig {
  const cfg = parseCollect(inputs);
  const card = teardownCard(inputs);
  return { ...cfg, card, conn: parseConnection(inputs, env) };
}

function teardownCard(inputs: Inputs): CollectPhaseConfig['card'] {
  if (!(inputs['provider'] ?? '').trim()) return null;
  const provider = v.oneOf('provider', inputs['provider'], PROVIDER_NAMES, 'ssh');
  const verb = v.oneOf('verb', inputs['verb'], VERBS, 'destroy');
  // A scheduler's jobs have no instance card (its cancel and hold delete nothing).
  if (FACTS[provider].scheduler || verb === 'cancel') return null;
  // As in teardown: provider ssh names the box by host:port when no instance id is given.
  const instanceId = instanceIdFor(provider, inputs['instance-id'] ?? '', { host: (inputs['host'] ?? '').trim(), port: (inputs['port'] ?? '').trim() || '22' });
  if (!instanceId) throw new InputError('instance-id', `is required with provider ${provider}: the exact instance the teardown card (and the proof) is for`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError('instance-id', `${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  return { provider, instanceId, verb };
}
