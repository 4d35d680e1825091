import { DEFAULT_RUN_ROOT } from './audit.ts';
import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import { parseStore, type StoreSpec } from './patrol.ts';
import * as v from './values.ts';
import { FACTS, INSTANCE_ID, instanceIdFor, PROVIDERS, VERBS, verbFacts, verbMissing, type ProviderName, type Verb } from '../teardown/facts.ts';

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
  timeoutS: number;
  /** The box, when the connection inputs are given: used to rebuild the manifest (and by provider ssh). */
  connection: ConnectionConfig | null;
}

/** Every teardown input checked before anything touches a box or an API. Pure. */
export function parseTeardown(inputs: Inputs, env: Inputs): TeardownConfig {
  const provider = v.oneOf('provider', inputs['provider'], PROVIDERS, 'ssh');
  if (!(inputs['provider'] ?? '').trim()) throw new InputError('provider', `is required: one of ${PROVIDERS.join(', ')}`);
  const verb = v.oneOf('verb', inputs['verb'], VERBS, 'park');
  if (!(inputs['verb'] ?? '').trim())
    throw new InputError('verb', 'is required: park (reversible stop) or destroy (irreversible); on Slurm cancel or park (hold)');
  if (!verbFacts(provider, verb)) throw new InputError('verb', `${verb} is not possible with provider ${provider}: ${verbMissing(provider, verb)}`);
  const connection = (inputs['host'] ?? '').trim() ? parseConnection(inputs, env) : null;
  if (provider === 'ssh' && !connection) throw new InputError('host', 'provider ssh parks the box over SSH: give the connection inputs');
  if (provider === 'slurm' && !connection) throw new InputError('host', 'provider slurm acts through the login node: give the connection inputs');
  if (provider === 'slurm' && (inputs['instance-id'] ?? '').trim())
    throw new InputError('instance-id', "provider slurm acts on the run's own recorded jobs, named by run-id; give no instance-id");
  const instanceId = instanceIdFor(provider, inputs['instance-id'] ?? '', connection, (inputs['run-id'] ?? '').trim());
  if (!instanceId) throw new InputError('instance-id', `is required for provider ${provider}: the exact instance to ${verb}`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError('instance-id', `${v.show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  const verifiedPath = (inputs['verified-path'] ?? '').trim() || undefined;
  const verifiedArtifact = (inputs['verified-artifact'] ?? '').trim() || undefined;
  if (verifiedPath && verifiedArtifact) throw new InputError('verified-path', "give either 'verified-path' or 'verified-artifact', not both");
  v.plainPath('verified-path', verifiedPath);
  if (verifiedArtifact && !/^[A-Za-z0-9._-]{1,200}$/.test(verifiedArtifact))
    throw new InputError('verified-artifact', `${v.show(verifiedArtifact)} is not an artifact name`);
  const allowParkUnverified = v.bool('allow-park-unverified', inputs['allow-park-unverified'], false);
  // Slurm's cancel and hold delete no file (the run record and checkpoints stay on the shared filesystem).
  if (!verifiedPath && !verifiedArtifact && provider !== 'slurm' && !(verb === 'park' && allowParkUnverified)) {
    throw new InputError(
      'verified-path',
      `teardown needs the proof: 'verified-path' (VERIFIED.json from collect) or 'verified-artifact'${verb === 'park' ? '; or allow-park-unverified: true for a reversible park' : ''}`,
    );
  }
  const apiKey = inputs['api-key'] || undefined;
  if (FACTS[provider].credentials === 'api-key' && !apiKey)
    throw new InputError(
      'api-key',
      `provider ${provider} needs its API key (pass it from a secret)`,
      `provider ${provider} needs its API key (--api-key "$YOUR_KEY_VARIABLE": from the environment, not typed into the history)`,
    );
  const apiUrl = (inputs['provider-api-url'] ?? '').trim() || undefined;
  if (apiUrl && !/^https:\/\/[^\s/]+/.test(apiUrl) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(apiUrl)) {
    throw new InputError('provider-api-url', 'must be https:// (or http:// on loopback, for a local proxy or test double)');
  }
  const teardownCommand = v.command('teardown-command', inputs['teardown-command'], provider === 'command');
  const awsRegion = (inputs['aws-region'] ?? '').trim() || undefined;
  if (provider === 'aws') {
    if (!awsRegion || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(awsRegion))
      throw new InputError('aws-region', `${awsRegion ? v.show(awsRegion) + ' is not' : 'is required:'} an AWS region like us-east-1`);
    if (!env['AWS_ACCESS_KEY_ID'] || !env['AWS_SECRET_ACCESS_KEY'])
      throw new InputError(
        'aws-region',
        'provider aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (e.g. from aws-actions/configure-aws-credentials)',
      );
    if (!/^i-[0-9a-f]{8,17}$/.test(instanceId)) throw new InputError('instance-id', `${v.show(instanceId)} is not an EC2 instance id (i-…)`);
  }
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
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
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
    timeoutS: (() => {
      const t = v.duration('teardown-timeout', inputs['teardown-timeout'], 600) ?? 600;
      if (t < 5 || t > 7200) throw new InputError('teardown-timeout', `${v.show(inputs['teardown-timeout'] ?? '')} is outside 5s to 2h`);
      return t;
    })(),
    connection,
  };
}

/** Everything the teardown phase runs with, parsed once: with report-to, where its mark goes. */
export type TeardownPhaseConfig = TeardownConfig & { store: StoreSpec | null };

export function parseTeardownPhase(inputs: Inputs, env: Inputs): TeardownPhaseConfig {
  const cfg = parseTeardown(inputs, env);
  return { ...cfg, store: parseStore(inputs, env) };
}
