/** provision's parser with the provider registry's rent facts (which providers can be rented, and what they offer). */
import type { Inputs } from '../config/connection.ts';
import { parseProvisionPhase, type ProvisionPhaseConfig } from '../config/provision.ts';
import { PROVIDER_LIST } from '../providers/index.ts';

export type { ProvisionPhaseConfig };

/** The providers that can be rented, by name. */
export const RENTABLE = PROVIDER_LIST.filter((p) => p.provision).map((p) => p.name);

export function parseProvision(inputs: Inputs, env: Inputs): ProvisionPhaseConfig {
  return parseProvisionPhase(inputs, env, (name) => {
    const m = PROVIDER_LIST.find((p) => p.name === name && p.provision);
    const r = m?.provision;
    return r ? { credentials: r.credentials, apiKeyEnv: r.apiKeyEnv, spot: r.spot, diskGb: r.diskGb, prices: r.prices, needsImage: r.needsImage } : null;
  });
}
