import { baseUrl, call, jsonObject } from './http.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';
import type { ProviderModule } from './types.ts';

/**
 * RunPod REST v1: stop (park, volume disk billed 2×) or terminate (DELETE). A delete answering 200 is
 * not proof (RP14): gone = the pod answers 404. Leftovers: network volumes.
 */
export function runpodProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, 'https://rest.runpod.io/v1');
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call('GET', `${base}/pods/${id}`, auth, undefined, ctx.callTimeoutMs, 'runpod: get pod');
      if (r.status === 404 && jsonObject(r)) return { state: seen ? 'gone' : 'missing', detail: '404: no such pod' };
      if (r.status !== 200) return { state: 'unknown', detail: `HTTP ${r.status}, not an answer about the pod` };
      const pod = jsonObject(r);
      if (!pod || pod['id'] !== ctx.instanceId || typeof pod['desiredStatus'] !== 'string')
        return { state: 'unknown', detail: "an answer without this pod's id and desiredStatus" };
      seen = true;
      const s = pod['desiredStatus'].slice(0, 40);
      // TERMINATED pods still answer for a while: not gone until 404.
      return { state: s === 'EXITED' ? 'stopped' : s === 'RUNNING' ? 'running' : s === 'TERMINATED' ? 'changing' : 'unknown', detail: `desiredStatus ${s}` };
    },
    async request(verb) {
      const r =
        verb === 'destroy'
          ? await call('DELETE', `${base}/pods/${id}`, auth, undefined, ctx.callTimeoutMs, 'runpod: terminate')
          : await call('POST', `${base}/pods/${id}/stop`, auth, undefined, ctx.callTimeoutMs, 'runpod: stop');
      if (r.status === 404 || (r.status >= 200 && r.status < 300)) return;
      throw new ProviderError(`runpod: ${verb}: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call('GET', `${base}/networkvolumes`, auth, undefined, ctx.callTimeoutMs, 'runpod: list network volumes');
      const list = Array.isArray(r.body) ? (r.body as Array<{ name?: string; size?: number; dataCenterId?: string }>) : [];
      return list.map((v) => `RunPod network volume ${v.name ?? '?'} (${v.size ?? '?'} GB in ${v.dataCenterId ?? '?'}) bills until deleted`);
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider runpod. */
export const runpod: ProviderModule = {
  name: 'runpod',
  facts: {
    title: 'RunPod',
    credentials: 'api-key',
    loginUser: 'root',
    park: {
      action: 'stop (`POST /pods/{id}/stop`)',
      reversible: true,
      survives: 'the volume disk `/workspace` and any Network Volume; the container disk is wiped',
      keepsBilling: 'the volume disk, billed at 2× while stopped; the pod may come back with zero GPUs; stopped pods are removed after ~30 days',
    },
    destroy: {
      action: 'terminate (`DELETE /pods/{id}`)',
      reversible: false,
      survives: 'Network Volumes only; container and volume disks are deleted',
      keepsBilling: 'Network Volumes until you delete them',
    },
    traps: [
      'stop does not stop the meter for storage: the volume disk bills 2×',
      'a delete answering 200 is not proof: tether polls until the pod is gone (404)',
    ],
    verified: '2026-06',
  },
  make: (ctx, cfg) => runpodProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl),
};
