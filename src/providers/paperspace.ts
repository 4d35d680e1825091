import { baseUrl, call, jsonObject } from './http.ts';
import { PAPERSPACE_API, paperspaceProvisioner } from './paperspace-provision.ts';
import { ProviderError, type InstanceState, type Provider, type ProviderContext, type ProviderModule } from './types.ts';

/** Paperspace machine states (facts §1.5) as teardown reads them. */
const STATES: Record<string, InstanceState> = {
  ready: 'running',
  serviceready: 'running',
  off: 'stopped',
  provisioning: 'changing',
  starting: 'changing',
  restarting: 'changing',
  upgrading: 'changing',
  stopping: 'changing',
};

/**
 * Paperspace API v1: stop (park: `PATCH /machines/{id}/stop`, to `off`; storage and static IPs keep billing) or
 * delete (`DELETE /machines/{id}`). Gone = 404 for a machine this teardown saw.
 */
export function paperspaceProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, PAPERSPACE_API);
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call('GET', `${base}/machines/${id}`, auth, undefined, ctx.callTimeoutMs, 'paperspace: get machine');
      if (r.status === 404) return { state: seen ? 'gone' : 'missing', detail: '404: no such machine' };
      const doc = jsonObject(r);
      const m = (doc?.['data'] && typeof doc['data'] === 'object' ? doc['data'] : doc) as { id?: unknown; state?: unknown } | null;
      if (r.status !== 200 || !m || m.id !== ctx.instanceId || typeof m.state !== 'string')
        return { state: 'unknown', detail: `HTTP ${r.status}, not an answer about the machine` };
      seen = true;
      const s = m.state.slice(0, 40);
      return { state: STATES[s] ?? 'unknown', detail: `state ${s}` };
    },
    async request(verb) {
      const r =
        verb === 'destroy'
          ? await call('DELETE', `${base}/machines/${id}`, auth, undefined, ctx.callTimeoutMs, 'paperspace: delete')
          : await call('PATCH', `${base}/machines/${id}/stop`, auth, undefined, ctx.callTimeoutMs, 'paperspace: stop');
      if (r.status === 404 || (r.status >= 200 && r.status < 300)) return;
      const message = jsonObject(r)?.['message'];
      throw new ProviderError(`paperspace: ${verb}: HTTP ${r.status} ${typeof message === 'string' ? message.slice(0, 200) : r.text.slice(0, 200)}`, false);
    },
  };
}

/** The registry row (src/providers/index.ts): the facts and the verbs of provider paperspace. */
export const paperspace: ProviderModule = {
  name: 'paperspace',
  facts: {
    title: 'Paperspace',
    credentials: 'api-key',
    loginUser: 'paperspace',
    park: {
      action: 'stop (`PATCH /v1/machines/{id}/stop`, to `off`)',
      reversible: true,
      survives: 'the machine and its disk',
      keepsBilling: 'storage, static IPs and snapshots, every hour it is off',
    },
    destroy: {
      action: 'delete (`DELETE /v1/machines/{id}`)',
      reversible: false,
      survives: 'nothing on the machine; snapshots and shared drives you made',
      keepsBilling: 'snapshots, shared drives and private networks until you delete them',
    },
    traps: ['auto-shutdown stops the machine, it does not delete it: storage keeps billing', 'stop keeps billing storage and static IPs'],
    verified: '2026-12',
  },
  make: (ctx, cfg) => paperspaceProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl),
  // No cloud-init and no key registry: a startup script of tether's own installs the host key and the login key
  // (facts §2.2, rank 1); it may run after the image's sshd started, so another key is waited out.
  provision: {
    hostKeyChannel: 'injected-start-step',
    credentials: 'api-key',
    apiKeyEnv: 'PAPERSPACE_API_KEY',
    spot: false,
    diskGb: true,
    prices: false,
    // A template id (Paperspace's images are templates, such as ML-in-a-Box's).
    needsImage: /^[A-Za-z0-9_-]{4,64}$/,
    keyInUserData: false,
    make: paperspaceProvisioner,
  },
};
