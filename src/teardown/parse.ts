/**
 * The teardown phase's one parser: the common inputs (src/config's value parsers), then the chosen provider's
 * facts and its own checks (src/providers), so a provider's rules live in its module. Pure.
 */
import { DEFAULT_RUN_ROOT } from '../config/audit.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import { parseStore, type StoreSpec } from '../config/patrol.ts';
import * as v from '../config/values.ts';
import { nodeConnections, parseNodeLines } from '../config/nodes.ts';
import { FACTS, instanceIdFor, providerModule, verbFacts, verbMissing } from '../providers/index.ts';
import { INSTANCE_ID, PROVIDER_NAMES as PROVIDERS, VERBS, type ProviderName, type Verb } from '../record/names.ts';

export interface TeardownConfig {
  runId: string;
  runRoot: string;
  provider: ProviderName;
  instanceId: string;
  verb: Verb;
  verifiedPath: string | undefined;
  verifiedArtifact: string | undefined;
  allowParkUnverified: boolean;
  /** The user's explicit word that a run still alive on the box may be killed by this teardown. */
  stopRunning: boolean;
  approval: 'environment' | 'confirm';
  confirm: string;
  dryRun: boolean;
  apiKey: string | undefined;
  apiUrl: string | undefined;
  awsRegion: string | undefined;
  teardownCommand: string | undefined;
  /** AutoDL: the person's word that the verb was done in its console. */
  consoleDone?: string;
  timeoutS: number;
  /** The box, when the connection inputs are given: used to rebuild the manifest (and by provider ssh). Rank 0's with nodes. */
  connection: ConnectionConfig | null;
  /** A run on many boxes: every node's instance, behind this one approval (rank 0 is also instanceId and connection). */
  nodes: TeardownNode[] | null;
}

export interface TeardownNode {
  rank: number;
  instanceId: string;
  connection: ConnectionConfig;
  runRoot: string;
}

/** Every teardown input checked before anything touches a box or an API. Pure. */
export function parseTeardown(inputs: Inputs, env: Inputs): TeardownConfig {
  const provider = v.oneOf('provider', inputs['provider'], PROVIDERS, 'ssh');
  if (!(inputs['provider'] ?? '').trim()) throw new InputError('provider', `is required: one of ${PROVIDERS.join(', ')}`);
  const verb = v.oneOf('verb', inputs['verb'], VERBS, 'park');
  if (!(inputs['verb'] ?? '').trim())
    throw new InputError('verb', 'is required: park (reversible stop) or destroy (irreversible); on Slurm cancel or park (hold)');
  if (!verbFacts(provider, verb)) throw new InputError('verb', `${verb} is not possible with provider ${provider}: ${verbMissing(provider, verb)}`);
  const runId = (inputs['run-id'] ?? '').trim();
  const runRoot = v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT);
  const nodes = teardownNodes(inputs, env, provider, runRoot);
  const connection = nodes ? nodes[0]!.connection : (inputs['host'] ?? '').trim() ? parseConnection(inputs, env) : null;
  const given = { instanceId: nodes ? nodes[0]!.instanceId : (inputs['instance-id'] ?? '') };
  const instanceId = instanceIdFor(provider, given.instanceId, connection, runId);
  const apiKey = inputs['api-key'] || undefined;
  const apiUrl = v.apiUrl('provider-api-url', inputs['provider-api-url']);
  const teardownCommand = v.command('teardown-command', inputs['teardown-command'], false);
  const consoleDone = (inputs['console-done'] ?? '').trim() || undefined;
  const awsRegion = (inputs['aws-region'] ?? '').trim() || undefined;
  const t = v.duration('teardown-timeout', inputs['teardown-timeout'], 600) ?? 600;
  if (t < 5 || t > 7200) throw new InputError('teardown-timeout', `${v.show(inputs['teardown-timeout'] ?? '')} is outside 5s to 2h`);
  const settings = { runId, runRoot, instanceId, verb, apiKey, apiUrl, awsRegion, teardownCommand, consoleDone, timeoutS: t, connection };
  // The provider's own rules (ssh and slurm need the connection, slurm takes no instance-id, command its
  // command, aws its region and credentials): in its module.
  providerModule(provider).check?.(settings, given, env);
  // With nodes, every node's instance meets the same rules (an EC2 id is i-…), named by its rank.
  for (const n of nodes ?? []) {
    try {
      providerModule(provider).check?.({ ...settings, instanceId: n.instanceId, connection: n.connection }, { instanceId: n.instanceId }, env);
    } catch (err) {
      if (err instanceof InputError) throw new InputError('nodes', `rank ${n.rank}: ${err.message.replace(/^input '[^']+': /, '')}`);
      throw err;
    }
  }
  if (!instanceId) throw new InputError('instance-id', `is required for provider ${provider}: the exact instance to ${verb}`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError('instance-id', `${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  const verifiedPath = (inputs['verified-path'] ?? '').trim() || undefined;
  const verifiedArtifact = (inputs['verified-artifact'] ?? '').trim() || undefined;
  if (verifiedPath && verifiedArtifact) throw new InputError('verified-path', "give either 'verified-path' or 'verified-artifact', not both");
  v.plainPath('verified-path', verifiedPath);
  // With nodes: one records artifact a line (collect's verified-artifact output lists each node's).
  const artifactNames = !verifiedArtifact ? [] : nodes ? verifiedArtifact.split(/\s+/).filter(Boolean) : [verifiedArtifact];
  for (const name of artifactNames)
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name)) throw new InputError('verified-artifact', `${v.show(name)} is not an artifact name`);
  if (nodes && artifactNames.length > nodes.length)
    throw new InputError('verified-artifact', `lists ${artifactNames.length} records artifacts, more than the ${nodes.length} nodes`);
  const allowParkUnverified = v.bool('allow-park-unverified', inputs['allow-park-unverified'], false);
  // A scheduler's cancel and hold delete no file (the run record and checkpoints stay on the shared filesystem).
  // An instance provision rented and no run was launched on: its signed provision record (found through
  // report-to) stands in for the proof; the phase refuses when there is none.
  const recordMayProve = verb === 'destroy' && !!(inputs['report-to'] ?? '').trim();
  if (!verifiedPath && !verifiedArtifact && !FACTS[provider].scheduler && !(verb === 'park' && allowParkUnverified) && !recordMayProve) {
    throw new InputError(
      'verified-path',
      `teardown needs the proof: 'verified-path' (VERIFIED.json from collect) or 'verified-artifact'${verb === 'park' ? '; or allow-park-unverified: true for a reversible park' : '; or, for an instance provision rented that no run was launched on, report-to where its provision record is'}`,
    );
  }
  if (FACTS[provider].credentials === 'api-key' && !apiKey)
    throw new InputError(
      'api-key',
      `provider ${provider} needs its API key (pass it from a secret)`,
      `provider ${provider} needs its API key (--api-key "$YOUR_KEY_VARIABLE": from the environment, not typed into the history)`,
    );
  // The teardown mark that ends a run in the patrol's memory is signed with the runner's key: with report-to,
  // teardown takes the key even when an API does the teardown.
  if ((inputs['report-to'] ?? '').trim() && !(inputs['ssh-key'] ?? '').trim() && !(inputs['ssh-key-path'] ?? '').trim())
    throw new InputError(
      'ssh-key',
      "teardown with report-to signs the run's teardown mark with the patrol's SSH key (an unsigned mark never ends a run): give ssh-key or ssh-key-path",
    );
  const approval = v.oneOf('approval', inputs['approval'], ['environment', 'confirm'] as const, 'environment');
  const confirm = (inputs['confirm'] ?? '').trim();
  return {
    runId: v.runId('run-id', inputs['run-id']),
    runRoot,
    provider,
    instanceId,
    verb,
    verifiedPath,
    verifiedArtifact,
    allowParkUnverified,
    stopRunning: v.bool('stop-running', inputs['stop-running'], false),
    approval,
    confirm,
    dryRun: v.bool('dry-run', inputs['dry-run'], true),
    apiKey,
    apiUrl,
    awsRegion,
    teardownCommand,
    ...(consoleDone ? { consoleDone } : {}),
    timeoutS: t,
    connection,
    nodes,
  };
}

/**
 * `nodes` (issue 28 §3): every node's instance, one per line as launch took them, torn down behind one
 * approval. Each needs its own instance (instance-id= on its line; provider ssh: its host:port) and the proof is
 * collect's run folder (rank-<r>/VERIFIED.json for each node it read). What a run on many boxes does not offer is
 * refused here, before anything touches a box or an API. Pure.
 */
function teardownNodes(inputs: Inputs, env: Inputs, provider: ProviderName, runRoot: string): TeardownNode[] | null {
  const lines = parseNodeLines(inputs);
  if (!lines) return null;
  const not = (input: string, why: string) => {
    throw new InputError(input, `is not offered with nodes: ${why}`);
  };
  if (FACTS[provider].scheduler) not('provider', `a ${provider} job on many nodes is the scheduler's: cancel it with host`);
  if ((inputs['instance-id'] ?? '').trim()) not('instance-id', "put each node's instance-id= on its line");
  if (v.bool('allow-park-unverified', inputs['allow-park-unverified'], false))
    not('allow-park-unverified', "every node's files are proven or shown to be none");
  if (!(inputs['verified-path'] ?? '').trim() && !(inputs['verified-artifact'] ?? '').trim())
    throw new InputError(
      'verified-path',
      "is required with nodes: the run folder collect wrote (its verified-path output), holding rank-<r>/VERIFIED.json for each node it read; or verified-artifact: collect's list of the nodes' records artifacts",
    );
  const conns = nodeConnections(inputs, env, { nodes: lines });
  const seen = new Map<string, number>();
  return lines.map((l, i) => {
    const connection = conns[i]!;
    const instanceId = instanceIdFor(provider, l.instanceId ?? '', connection);
    if (!instanceId) throw new InputError('nodes', `rank ${l.rank} needs instance-id= on its line with provider ${provider}: the exact instance to tear down`);
    if (!INSTANCE_ID.test(instanceId))
      throw new InputError('nodes', `rank ${l.rank}: ${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
    const before = seen.get(instanceId);
    if (before !== undefined)
      throw new InputError('nodes', `rank ${l.rank} names instance ${instanceId} again (rank ${before}); each node is its own instance`);
    seen.set(instanceId, l.rank);
    return { rank: l.rank, instanceId, connection, runRoot: l.runRoot ?? runRoot };
  });
}

/** Everything the teardown phase runs with, parsed once: with report-to, where its mark goes. */
export type TeardownPhaseConfig = TeardownConfig & { store: StoreSpec | null };

export function parseTeardownPhase(inputs: Inputs, env: Inputs): TeardownPhaseConfig {
  const cfg = parseTeardown(inputs, env);
  return { ...cfg, store: parseStore(inputs, env) };
}
