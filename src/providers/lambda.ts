import { baseUrl, call, jsonObject } from './http.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';
import type { ProviderModule } from './types.ts';
import { LAMBDA_API, lambdaProvisioner } from './lambda-provision.ts';

/**
 * Lambda Cloud API v1: terminate only (no stop state exists; an in-OS shutdown leaves the instance in
 * Alert, still billing: R65). Gone = 404 or status `terminated`. Leftovers: file systems (NFS bills
 * until deleted).
 */
export function lambdaProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, LAMBDA_API);
  const auth = { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call('GET', `${base}/instances/${id}`, auth, undefined, ctx.callTimeoutMs, 'lambda: get instance');
      const code = (jsonObject(r)?.['error'] as { code?: unknown } | undefined)?.code;
      if (r.status === 404 && code === 'global/object-does-not-exist') return { state: seen ? 'gone' : 'missing', detail: '404: no such instance' };
      if (r.status !== 200) return { state: 'unknown', detail: `HTTP ${r.status}, not an answer about the instance` };
      const data = jsonObject(r)?.['data'] as { id?: unknown; status?: unknown } | undefined;
      if (!data || data.id !== ctx.instanceId || typeof data.status !== 'string')
        return { state: 'unknown', detail: "an answer without this instance's id and status" };
      seen = true;
      const status = data.status;
      // `unhealthy` is the console's Alert state: it bills.
      return {
        state:
          status === 'terminated'
            ? 'gone'
            : status === 'terminating' || status === 'booting'
              ? 'changing'
              : status === 'active' || status === 'unhealthy'
                ? 'running'
                : 'unknown',
        detail: `status ${status.slice(0, 40)}`,
      };
    },
    async request(verb) {
      if (verb !== 'destroy') throw new ProviderError('lambda: park is not possible: Lambda has no stop state (an in-OS shutdown keeps billing)', false);
      const r = await call('POST', `${base}/instance-operations/terminate`, auth, { instance_ids: [ctx.instanceId] }, ctx.callTimeoutMs, 'lambda: terminate');
      if (r.status === 404) return; // already gone: the state read will say so
      if (r.status !== 200) throw new ProviderError(`lambda: terminate: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call('GET', `${base}/file-systems`, auth, undefined, ctx.callTimeoutMs, 'lambda: list file systems');
      const list = (r.body as { data?: Array<{ name?: string; region?: { name?: string }; bytes_used?: number }> })?.data ?? [];
      return list.map(
        (f) => `Lambda file system ${f.name ?? '?'} (${f.region?.name ?? '?'}, ${((f.bytes_used ?? 0) / 2 ** 30).toFixed(1)} GiB used) bills until deleted`,
      );
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider lambda. */
export const lambda: ProviderModule = {
  name: 'lambda',
  facts: {
    title: 'Lambda Cloud',
    credentials: 'api-key',
    loginUser: 'ubuntu',
    park: null,
    destroy: {
      action: 'terminate (`POST /instance-operations/terminate`)',
      reversible: false,
      survives: 'NFS file systems (`/lambda/nfs/<name>`); the local NVMe is erased',
      keepsBilling: 'NFS file systems ($0.20/GiB/month) until you delete them',
    },
    missing: { park: 'Lambda has no stop or suspend state, and `sudo shutdown` leaves the instance in Alert, still billing: only terminate stops the meter' },
    traps: ['in-OS shutdown keeps billing (Alert state)', 'the terminate call can hang: tether times out and re-queries the instance'],
    verified: '2026-06',
  },
  make: (ctx, cfg) => lambdaProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl),
  // user_data is cloud-init: its ssh_keys install the host key tether generated for this box (facts §2.2, rank 1).
  provision: {
    hostKeyChannel: 'injected-user-data',
    credentials: 'api-key',
    apiKeyEnv: 'LAMBDA_API_KEY',
    spot: false,
    diskGb: false,
    prices: true,
    needsImage: null,
    keyInUserData: false,
    make: lambdaProvisioner,
  },
};
