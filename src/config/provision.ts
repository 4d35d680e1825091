import { parseKeySource, type Inputs, type KeySource } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';
import { parseStore, type StoreSpec } from './patrol.ts';
import { NODES_MAX } from './nodes.ts';

/** `tether provision`: what to rent, where, for which run, and the key whose public half goes to the provider. */
export interface ProvisionPhaseConfig {
  runId: string;
  provider: string;
  /** The API key (masked), from the input or the provider's usual variable. */
  apiKey: string;
  apiUrl: string | undefined;
  types: string[];
  regions: string[];
  image: string | null;
  diskGb: number | null;
  maxHourlyPrice: number | null;
  spot: boolean;
  name: string;
  /** Boxes to rent: 1, or 2 to 16 for a run on many boxes (each named `<name>-<rank>`). */
  count: number;
  /** Empty: the provider's login user. */
  user: string;
  key: KeySource;
  connectTimeoutMs: number;
  timeoutS: number;
  awsRegion: string | undefined;
  subnet: string | null;
  securityGroup: string | null;
  /** report-to: where the provision record goes the moment the provider names the instance (launch's registration replaces it). */
  store: StoreSpec | null;
}

/** What a provider module must offer to be rented from: checked by the phase, which knows the registry. */
export interface RentFacts {
  /** An API key (the input or this variable), or AWS credentials from the environment with aws-region. */
  credentials: 'api-key' | 'aws';
  apiKeyEnv: string;
  spot: boolean;
  diskGb: boolean;
  /** The API lists prices, so max-hourly-price can be checked before a create. */
  prices: boolean;
  /** No default image exists (EC2: an AMI id is required). */
  needsImage: RegExp | null;
}

const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,63}$/;
// Lambda's us-east-1, RunPod's data centers (US-TX-3), vast's geolocations (US, Norway).
const REGION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The provision inputs, checked before any provider is asked. `rent` is the provider's row (null: it cannot be rented). */
export function parseProvisionPhase(inputs: Inputs, env: Inputs, rent: (provider: string) => RentFacts | null): ProvisionPhaseConfig {
  const runId = v.runId('run-id', inputs['run-id']);
  const provider = (inputs['provider'] ?? '').trim();
  if (!provider) throw new InputError('provider', 'is required: where to rent the box');
  const facts = rent(provider);
  if (!facts) throw new InputError('provider', `${v.show(provider)} cannot be rented by tether (yet)`);
  let apiKey = '';
  let awsRegion: string | undefined;
  if (facts.credentials === 'aws') {
    awsRegion = v.awsRegion('aws-region', inputs['aws-region']);
    v.requireAwsCredentials('aws-region', env);
    if ((inputs['regions'] ?? '').trim()) throw new InputError('regions', 'is not for EC2: one aws-region per provision (its subnet decides the zone)');
  } else {
    apiKey = (inputs['api-key'] ?? '').trim() || (env[facts.apiKeyEnv] ?? '').trim();
    if (!apiKey) throw new InputError('api-key', `is required: pass the provider's API key from a secret, or set ${facts.apiKeyEnv}`);
  }
  const subnet = (inputs['subnet'] ?? '').trim() || null;
  const securityGroup = (inputs['security-group'] ?? '').trim() || null;
  if ((subnet || securityGroup) && facts.credentials !== 'aws') throw new InputError(subnet ? 'subnet' : 'security-group', 'is for provider aws only');
  if (subnet && !/^subnet-[0-9a-f]{8,17}$/.test(subnet)) throw new InputError('subnet', `${v.show(subnet)} is not a subnet id (subnet-…)`);
  if (securityGroup && !/^sg-[0-9a-f]{8,17}$/.test(securityGroup))
    throw new InputError('security-group', `${v.show(securityGroup)} is not a security group id (sg-…)`);
  const apiUrl = v.apiUrl('provider-api-url', inputs['provider-api-url']);
  const types = v.splitList(inputs['instance-types'] ?? '');
  if (!types.length) throw new InputError('instance-types', 'is required: the instance types to ask for, in order of preference');
  if (types.length > 16) throw new InputError('instance-types', `lists ${types.length} types; at most 16`);
  for (const t of types) if (!TYPE.test(t)) throw new InputError('instance-types', `${v.show(t)} is not an instance type name`);
  const regions = v.splitList(inputs['regions'] ?? '');
  if (regions.length > 16) throw new InputError('regions', `lists ${regions.length} regions; at most 16`);
  for (const r of regions) if (!REGION.test(r)) throw new InputError('regions', `${v.show(r)} is not a region name (letters, digits, ., _ and -)`);
  const spot = v.bool('spot', inputs['spot'], false);
  if (spot && !facts.spot) throw new InputError('spot', `${provider} has no spot or interruptible boxes; drop spot: true`);
  const diskText = (inputs['disk-gb'] ?? '').trim();
  const diskGb = diskText ? v.number('disk-gb', diskText, 0, 10, 65_536) : null;
  if (diskGb !== null && !facts.diskGb) throw new InputError('disk-gb', `${provider} does not size the boot disk (its instance type decides); drop disk-gb`);
  const priceText = (inputs['max-hourly-price'] ?? '').trim().replace(/^\$/, '');
  const maxHourlyPrice = priceText ? v.number('max-hourly-price', priceText, 0, 0.01, 10_000) : null;
  if (maxHourlyPrice !== null && !facts.prices)
    throw new InputError(
      'max-hourly-price',
      `${provider}'s API lists no prices, so tether cannot hold a create to a price; drop max-hourly-price and choose the instance types`,
    );
  // More than one: the boxes of a run on many boxes (output nodes is launch's nodes), at most launch's NODES_MAX.
  const count = v.number('count', inputs['count'], 1, 1, NODES_MAX);
  if (!Number.isInteger(count)) throw new InputError('count', 'must be a whole number of boxes');
  const name = (inputs['name'] ?? '').trim() || `tether-${runId}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new InputError('name', `${v.show(name)} is not an instance name (1-64 of A-Z a-z 0-9 . _ -)`);
  const image = (inputs['image'] ?? '').trim() || null;
  if (image && !/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/.test(image)) throw new InputError('image', `${v.show(image)} is not an image name or id`);
  if (facts.needsImage && !(image && facts.needsImage.test(image)))
    throw new InputError(
      'image',
      `${image ? `${v.show(image)} is not` : 'is required:'} an image id of ${provider} (${facts.needsImage.source}); it has no default image`,
    );
  const user = (inputs['user'] ?? '').trim() ? v.user('user', inputs['user']) : '';
  const key = parseKeySource(inputs, env);
  if (key.kind === 'agent')
    throw new InputError('ssh-key', "provision registers the key's public half with the provider: give ssh-key or ssh-key-path, not an agent");
  const connectTimeoutMs = v.number('connect-timeout', inputs['connect-timeout'], 15, 1, 300) * 1000;
  const timeoutS = v.duration('provision-timeout', inputs['provision-timeout'], 900) ?? 900;
  if (timeoutS < 30 || timeoutS > 6 * 3600) throw new InputError('provision-timeout', 'is between 30s and 6h');
  return {
    runId,
    provider,
    apiKey,
    apiUrl,
    types,
    regions,
    image,
    diskGb,
    maxHourlyPrice,
    spot,
    name,
    count,
    user,
    key,
    connectTimeoutMs,
    timeoutS,
    awsRegion,
    subnet,
    securityGroup,
    store: parseStore(inputs, env),
  };
}
