import { baseUrl, call, jsonObject } from './http.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';
import type { ProviderModule } from './types.ts';
import { vastProvisioner } from './vastai-provision.ts';

/**
 * vast.ai API v0: stop (park; the disk bills forever) or destroy (DELETE). Destroy is eventually
 * consistent (VAST15): gone = 404, `instances: null`, or actual_status destroyed/exited with
 * intended_status not running. Leftovers: volumes.
 */
export function vastaiProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, 'https://console.vast.ai/api/v0');
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call('GET', `${base}/instances/${id}/`, auth, undefined, ctx.callTimeoutMs, 'vastai: show instance');
      const doc = jsonObject(r);
      if (r.status === 404 && doc) return { state: seen ? 'gone' : 'missing', detail: '404: no such instance' };
      if (r.status !== 200 || !doc || !('instances' in doc)) return { state: 'unknown', detail: `HTTP ${r.status}, not an answer about the instance` };
      const inst = doc['instances'] as { id?: unknown; actual_status?: unknown; intended_status?: unknown; status_msg?: unknown } | null;
      // `instances: null` is vast's "not found": it proves a destroy only for an instance seen before.
      if (inst === null) return { state: seen ? 'gone' : 'missing', detail: 'instances: null' };
      if (typeof inst !== 'object' || String(inst.id) !== ctx.instanceId)
        return { state: 'unknown', detail: 'an answer about another instance, or without an id' };
      seen = true;
      const text = (x: unknown) => (typeof x === 'string' ? x.slice(0, 40) : 'unknown');
      const actual = text(inst.actual_status);
      const intended = text(inst.intended_status);
      const detail = `actual_status ${actual}, intended_status ${intended}${typeof inst.status_msg === 'string' && inst.status_msg ? `, ${inst.status_msg.slice(0, 80)}` : ''}`;
      if (actual === 'destroyed') return { state: 'gone', detail };
      if ((actual === 'exited' || actual === 'stopped') && intended !== 'running') return { state: ctx.verb === 'destroy' ? 'changing' : 'stopped', detail };
      return { state: actual === 'running' ? 'running' : 'changing', detail };
    },
    async request(verb) {
      const r =
        verb === 'destroy'
          ? await call('DELETE', `${base}/instances/${id}/`, auth, undefined, ctx.callTimeoutMs, 'vastai: destroy')
          : await call('PUT', `${base}/instances/${id}/`, auth, { state: 'stopped' }, ctx.callTimeoutMs, 'vastai: stop');
      if (r.status === 404) return;
      const ok = (r.body as { success?: boolean })?.success;
      if (r.status !== 200 || ok === false) throw new ProviderError(`vastai: ${verb}: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call('GET', `${base}/volumes/`, auth, undefined, ctx.callTimeoutMs, 'vastai: list volumes');
      const list = (r.body as { volumes?: Array<{ id?: number; disk_space?: number; status?: string }> })?.volumes ?? [];
      return list.map((v) => `vast.ai volume ${v.id ?? '?'} (${v.disk_space ?? '?'} GB, ${v.status ?? '?'}) bills until deleted`);
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider vastai. */
export const vastai: ProviderModule = {
  name: 'vastai',
  facts: {
    title: 'vast.ai',
    credentials: 'api-key',
    loginUser: 'root',
    park: {
      action: 'stop (`PUT /instances/{id}/` state=stopped)',
      reversible: true,
      survives: 'the instance disk; the GPU may be taken by someone else ("Scheduling" forever)',
      keepsBilling: 'the disk, forever (even at a negative balance), and bandwidth in every state',
    },
    destroy: {
      action: 'destroy (`DELETE /instances/{id}/`)',
      reversible: false,
      survives: 'nothing on the box; only copies you made off it',
      keepsBilling: 'volumes until you delete them',
    },
    traps: ['stop bills the disk forever', 'destroy is eventually consistent: tether polls until the instance is gone'],
    verified: '2026-06',
  },
  make: (ctx, cfg) => vastaiProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl),
  // No cloud-init: tether's onstart installs the host key and reloads the sshd vast started first (facts §2.2,
  // rank 1), so until it ran the box may answer with vast's own key (waited out, never authenticated to).
  provision: {
    hostKeyChannel: 'injected-start-step',
    credentials: 'api-key',
    apiKeyEnv: 'VAST_API_KEY',
    spot: true,
    diskGb: true,
    prices: true,
    // A Docker image reference: vast has no default image.
    needsImage: /^[a-z0-9][a-z0-9._/-]{0,200}(:[A-Za-z0-9._-]{1,128})?(@sha256:[0-9a-f]{64})?$/,
    keyInUserData: false,
    make: vastProvisioner,
  },
};
