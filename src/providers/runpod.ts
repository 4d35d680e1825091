import { baseUrl, call, jsonObject } from './http.ts';
import { ProviderError, type InstanceState, type Provider, type ProviderContext } from './types.ts';
import type { ProviderModule } from './types.ts';
import { RUNPOD_API, runpodProvisioner } from './runpod-provision.ts';

export { RUNPOD_API };

/** v2 `PodStatus`, as teardown reads it. TERMINATED is terminal by name; ERROR may still bill, so it is not an end. */
const STATES: Record<string, InstanceState> = {
  RUNNING: 'running',
  EXITED: 'stopped',
  TERMINATED: 'gone',
  PROVISIONING: 'changing',
  STARTING: 'changing',
};

/**
 * RunPod REST v2: stop (park: `POST /pods/{id}/action {"action":"stop"}`; the volume disk billed 2×) or terminate
 * (`DELETE /pods/{id}`, 204). A delete's 204 is not proof (RP14): gone = the pod answers 404 or TERMINATED.
 * Leftovers: network volumes (`GET /network-volumes`).
 */
export function runpodProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, RUNPOD_API);
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call('GET', `${base}/pods/${id}`, auth, undefined, ctx.callTimeoutMs, 'runpod: get pod');
      // v2's 404 is a problem document ({title, status, detail}); anything else is not an answer about the pod.
      if (r.status === 404 && jsonObject(r)?.['status'] === 404) return { state: seen ? 'gone' : 'missing', detail: '404: no such pod' };
      if (r.status !== 200) return { state: 'unknown', detail: `HTTP ${r.status}, not an answer about the pod` };
      const pod = jsonObject(r);
      if (!pod || pod['id'] !== ctx.instanceId || typeof pod['status'] !== 'string')
        return { state: 'unknown', detail: "an answer without this pod's id and status" };
      seen = true;
      const s = pod['status'].slice(0, 40);
      return { state: STATES[s] ?? 'unknown', detail: `status ${s}` };
    },
    async request(verb) {
      const r =
        verb === 'destroy'
          ? await call('DELETE', `${base}/pods/${id}`, auth, undefined, ctx.callTimeoutMs, 'runpod: terminate')
          : await call('POST', `${base}/pods/${id}/action`, auth, { action: 'stop' }, ctx.callTimeoutMs, 'runpod: stop');
      if (r.status === 404 || (r.status >= 200 && r.status < 300)) return;
      const detail = jsonObject(r)?.['detail'];
      throw new ProviderError(`runpod: ${verb}: HTTP ${r.status} ${typeof detail === 'string' ? detail.slice(0, 200) : r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call('GET', `${base}/network-volumes`, auth, undefined, ctx.callTimeoutMs, 'runpod: list network volumes');
      const list = (jsonObject(r)?.['networkVolumes'] ?? []) as Array<{ name?: string; size?: number; dataCenter?: string }>;
      return (Array.isArray(list) ? list : []).map(
        (v) => `RunPod network volume ${v.name ?? '?'} (${v.size ?? '?'} GB in ${v.dataCenter ?? '?'}) bills until deleted`,
      );
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
      action: 'stop (`POST /v2/pods/{id}/action`, `stop`)',
      reversible: true,
      survives: 'the volume disk `/workspace` and any Network Volume; the container disk is wiped',
      keepsBilling: 'the volume disk, billed at 2× while stopped; the pod may come back with zero GPUs; stopped pods are removed after ~30 days',
    },
    destroy: {
      action: 'terminate (`DELETE /v2/pods/{id}`)',
      reversible: false,
      survives: 'Network Volumes only; container and volume disks are deleted',
      keepsBilling: 'Network Volumes until you delete them',
    },
    traps: [
      'stop does not stop the meter for storage: the volume disk bills 2×',
      'a delete answering 204 is not proof: tether polls until the pod is gone (404 or TERMINATED)',
    ],
    verified: '2026-12',
  },
  make: (ctx, cfg) => runpodProvider(ctx, cfg.apiKey ?? '', cfg.apiUrl),
  // No cloud-init: tether's own start step (the pod's `args`) installs the host key before the image's start.sh
  // starts sshd (facts §2.2, rank 1); the connection's key rides in PUBLIC_KEY.
  provision: {
    hostKeyChannel: 'injected-start-step',
    credentials: 'api-key',
    apiKeyEnv: 'RUNPOD_API_KEY',
    spot: true,
    diskGb: true,
    prices: true,
    needsImage: null,
    keyInUserData: false,
    make: runpodProvisioner,
  },
};
