import { parseKeySource, type Inputs, type KeySource } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';
import { parseStore, type StoreSpec } from './patrol.ts';

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
  /** Empty: the provider's login user. */
  user: string;
  key: KeySource;
  connectTimeoutMs: number;
  timeoutS: number;
  /** report-to: where the provision record goes the moment the provider names the instance (launch's registration replaces it). */
  store: StoreSpec | null;
}

/** What a provider module must offer to be rented from: checked by the phase, which knows the registry. */
export interface RentFacts {
  apiKeyEnv: string;
  spot: boolean;
  diskGb: boolean;
}

const TYPE = /^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,63}$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The provision inputs, checked before any provider is asked. `rent` is the provider's row (null: it cannot be rented). */
export function parseProvisionPhase(inputs: Inputs, env: Inputs, rent: (provider: string) => RentFacts | null): ProvisionPhaseConfig {
  const runId = v.runId('run-id', inputs['run-id']);
  const provider = (inputs['provider'] ?? '').trim();
  if (!provider) throw new InputError('provider', 'is required: where to rent the box');
  const facts = rent(provider);
  if (!facts) throw new InputError('provider', `${v.show(provider)} cannot be rented by tether (yet)`);
  const apiKey = (inputs['api-key'] ?? '').trim() || (env[facts.apiKeyEnv] ?? '').trim();
  if (!apiKey) throw new InputError('api-key', `is required: pass the provider's API key from a secret, or set ${facts.apiKeyEnv}`);
  const apiUrl = (inputs['provider-api-url'] ?? '').trim() || undefined;
  if (apiUrl && !/^https:\/\/[^\s/]+(\/\S*)?$|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/\S*)?$/.test(apiUrl))
    throw new InputError('provider-api-url', 'must be https, or http on loopback (a proxy or a test double)');
  const types = v.splitList(inputs['instance-types'] ?? '');
  if (!types.length) throw new InputError('instance-types', 'is required: the instance types to ask for, in order of preference');
  if (types.length > 16) throw new InputError('instance-types', `lists ${types.length} types; at most 16`);
  for (const t of types) if (!TYPE.test(t)) throw new InputError('instance-types', `${v.show(t)} is not an instance type name`);
  const regions = v.splitList(inputs['regions'] ?? '');
  if (regions.length > 16) throw new InputError('regions', `lists ${regions.length} regions; at most 16`);
  for (const r of regions) if (!REGION.test(r)) throw new InputError('regions', `${v.show(r)} is not a region name (lowercase letters, digits and -)`);
  const spot = v.bool('spot', inputs['spot'], false);
  if (spot && !facts.spot) throw new InputError('spot', `${provider} has no spot or interruptible boxes; drop spot: true`);
  const diskText = (inputs['disk-gb'] ?? '').trim();
  const diskGb = diskText ? v.number('disk-gb', diskText, 0, 10, 65_536) : null;
  if (diskGb !== null && !facts.diskGb) throw new InputError('disk-gb', `${provider} does not size the boot disk (its instance type decides); drop disk-gb`);
  const priceText = (inputs['max-hourly-price'] ?? '').trim().replace(/^\$/, '');
  const maxHourlyPrice = priceText ? v.number('max-hourly-price', priceText, 0, 0.01, 10_000) : null;
  const count = v.number('count', inputs['count'], 1, 1, 64);
  if (count !== 1) throw new InputError('count', 'more than one box per run comes with multi-node runs (not yet); rent one box, or one per run');
  const name = (inputs['name'] ?? '').trim() || `tether-${runId}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new InputError('name', `${v.show(name)} is not an instance name (1-64 of A-Z a-z 0-9 . _ -)`);
  const image = (inputs['image'] ?? '').trim() || null;
  if (image && !/^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/.test(image)) throw new InputError('image', `${v.show(image)} is not an image name or id`);
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
    user,
    key,
    connectTimeoutMs,
    timeoutS,
    store: parseStore(inputs, env),
  };
}
