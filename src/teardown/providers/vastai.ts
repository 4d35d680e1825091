import { baseUrl, call } from './http.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';

/**
 * vast.ai API v0: stop (park; the disk bills forever) or destroy (DELETE). Destroy is eventually
 * consistent (VAST15): gone = 404, `instances: null`, or actual_status destroyed/exited with
 * intended_status not running. Leftovers: volumes.
 */
export function vastaiProvider(ctx: ProviderContext, apiKey: string, apiUrl?: string): Provider {
  const base = baseUrl(apiUrl, 'https://console.vast.ai/api/v0');
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  return {
    async state() {
      const r = await call('GET', `${base}/instances/${id}/`, auth, undefined, ctx.callTimeoutMs, 'vastai: show instance');
      if (r.status === 404) return { state: 'gone', detail: '404: no such instance' };
      if (r.status !== 200) throw new ProviderError(`vastai: show instance: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
      const inst = (r.body as { instances?: { actual_status?: string | null; intended_status?: string; cur_state?: string; status_msg?: string } | null })?.instances;
      if (inst === null || inst === undefined) return { state: 'gone', detail: 'instances: null' };
      const actual = String(inst.actual_status ?? 'unknown');
      const intended = String(inst.intended_status ?? 'unknown');
      const detail = `actual_status ${actual}, intended_status ${intended}${inst.status_msg ? `, ${inst.status_msg}` : ''}`;
      if (actual === 'destroyed') return { state: 'gone', detail };
      if ((actual === 'exited' || actual === 'stopped') && intended !== 'running') return { state: ctx.verb === 'destroy' ? 'changing' : 'stopped', detail };
      return { state: actual === 'running' ? 'running' : 'changing', detail };
    },
    async request(verb) {
      const r = verb === 'destroy' ? await call('DELETE', `${base}/instances/${id}/`, auth, undefined, ctx.callTimeoutMs, 'vastai: destroy') : await call('PUT', `${base}/instances/${id}/`, auth, { state: 'stopped' }, ctx.callTimeoutMs, 'vastai: stop');
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
