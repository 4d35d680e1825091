/**
 * Renting on Paperspace (api.paperspace.com/v1, providers-rent-facts §1.5): no key registry and no cloud-init,
 * so tether's start step goes in a startup script of its own (`POST /startup-scripts`, run once at first boot
 * as root: it installs the host key tether generated, makes sshd serve it alone and lets the connection's key
 * in for the `paperspace` user), then `POST /machines` with it, a template (`image`), a region and a dynamic
 * public IP; then `/machines/{id}` until `ready` with `publicIp`. The script holds the box's private host key,
 * so it is deleted once the box answered with that key (the script ran) or the machine is gone (`release`).
 * Paperspace lists no prices here.
 */
import { startStep } from './start-step.ts';
import { BoxDataError, arr, obj, str, type Obj } from '../record/strict.ts';
import { isIP } from 'node:net';
import { answer, baseUrl, strictAnswer, isoOrNull, type HttpAnswer } from './http.ts';
import {
  ProviderError,
  ProvisionError,
  type BoxState,
  type Provisioner,
  type ProvisionErrorKind,
  type ProvisionSettings,
  type RentedInstance,
} from './types.ts';

export const PAPERSPACE_API = 'https://api.paperspace.com/v1';
/** Paperspace's regions, tried in this order when none is named. */
export const PAPERSPACE_REGIONS = ['ny2', 'ca1', 'ams1'] as const;
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Paperspace's errors ({code, message}) as provision's kinds. */
export function paperspaceError(a: HttpAnswer, label: string): ProvisionError {
  const b = a.body && typeof a.body === 'object' ? (a.body as { code?: unknown; message?: unknown }) : {};
  const code = typeof b.code === 'string' || typeof b.code === 'number' ? String(b.code).slice(0, 40) : '';
  const words = typeof b.message === 'string' ? b.message.slice(0, 300) : '';
  const kind: ProvisionErrorKind =
    a.status === 401 || a.status === 403
      ? 'auth'
      : a.status === 402 || /billing|payment|balance|quota|limit/i.test(words)
        ? 'quota'
        : a.status === 429
          ? 'rate-limit'
          : a.status >= 500
            ? 'transient'
            : /capacity|out of stock|not available|unavailable/i.test(words)
              ? 'capacity'
              : 'bad-request';
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ''}${words ? `: ${words}` : ''}`);
}

const strictly = strictAnswer('paperspace');

/** The startup script: the key and the login key set, then host_key.sh. Pure. */
export function paperspaceStartupScript(hostPrivateKey: string, authorizedKey: string): string {
  const step = startStep({ privateKey: hostPrivateKey });
  const body = step.script.replace(/^#!.*\n/, '');
  const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/usr/bin/env bash',
    `export TETHER_HOST_KEY=${q(step.env['TETHER_HOST_KEY']!)}`,
    `export TETHER_AUTHORIZED_KEY=${q(authorizedKey)}`,
    'export TETHER_LOGIN_USER=${TETHER_LOGIN_USER:-paperspace}',
    body,
  ].join('\n');
}

export function paperspaceProvisioner(s: ProvisionSettings): Provisioner {
  const base = baseUrl(s.apiUrl, PAPERSPACE_API);
  const auth = { authorization: `Bearer ${s.apiKey}` };
  /** machine id → its startup script's id, until the script is deleted. */
  const scripts = new Map<string, string>();
  const ask = async (method: string, path: string, label: string, body?: unknown): Promise<Obj> => {
    let a: HttpAnswer;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `paperspace: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? 'transient' : 'bad-request', err.message);
      throw err;
    }
    if (a.status !== 200) throw paperspaceError(a, `paperspace: ${label}`);
    const o = a.body && typeof a.body === 'object' && !Array.isArray(a.body) ? (a.body as Obj) : null;
    if (!o) throw new ProvisionError('transient', `paperspace: ${label}: the answer is not a JSON object`);
    return o;
  };
  const forget = scriptForgetter(base, auth, s, scripts);

  return {
    // The key goes in the startup script: nothing to register.
    prepareKey: async () => '',

    // Paperspace lists no capacity here: each type in each region, in order; create answers capacity.
    candidates: async (types, regions) => ({
      candidates: types.flatMap((t) => (regions.length ? regions : PAPERSPACE_REGIONS).map((r) => ({ instanceType: t, region: r, hourlyPrice: null }))),
      skipped: [],
    }),

    async create(c, spec) {
      if (!spec.image) throw new ProvisionError('bad-request', 'paperspace: a template id (image) is required');
      const made = await ask('POST', '/startup-scripts', 'create startup script', {
        name: `${spec.name}-host-key`.slice(0, 64),
        script: paperspaceStartupScript(spec.hostKey.privateKey, spec.authorizedKey),
        isRunOnce: true,
      });
      const scriptId = strictly('create startup script', () => str(made, 'id', 'startup script', { max: 64, pattern: ID }));
      let machine: string;
      try {
        const r = await ask('POST', '/machines', `create ${c.instanceType} in ${c.region}`, {
          name: spec.name,
          machineType: c.instanceType,
          templateId: spec.image,
          region: c.region,
          diskSize: spec.diskGb ?? 100,
          publicIpType: 'dynamic',
          startupScriptId: scriptId,
          startOnCreate: true,
        });
        machine = strictly('create machine', () => str(obj(r['data'], 'machine'), 'id', 'machine', { max: 64, pattern: ID }));
      } catch (err) {
        scripts.set('(none)', scriptId);
        await forget('(none)');
        throw err;
      }
      scripts.set(machine, scriptId);
      return machine;
    },

    async describe(id) {
      let a: HttpAnswer;
      try {
        a = await answer('GET', `${base}/machines/${encodeURIComponent(id)}`, auth, undefined, s.callTimeoutMs, 'paperspace: get machine');
      } catch (err) {
        return { phase: 'pending', host: null, port: 22, detail: (err as Error).message };
      }
      if (a.status === 404) return { phase: 'gone', host: null, port: 22, detail: '404: no such machine' };
      if (a.status !== 200) return { phase: 'pending', host: null, port: 22, detail: `HTTP ${a.status}` };
      return strictly('get machine', () => paperspaceBoxState(obj((a.body as Obj)?.['data'] ?? a.body, 'machine'), id));
    },

    release: forget,

    async list(prefix) {
      const items: Obj[] = [];
      let after = '';
      // Paged ({items, hasMore, nextPage}); bounded.
      for (let page = 0; page < 20; page++) {
        const r = await ask('GET', `/machines${after ? `?after=${encodeURIComponent(after)}` : ''}`, 'list machines');
        items.push(...strictly('list machines', () => arr(r, 'items', 'machines', 1000).map((x) => obj(x, 'machine'))));
        if (r['hasMore'] !== true || typeof r['nextPage'] !== 'string') break;
        after = r['nextPage'];
      }
      return strictly('list machines', () => paperspaceListed(items, prefix));
    },
  };
}

/** One machine as it comes up: `ready` with a public IP runs; `off` and `failed` never will (it was started on create). Pure. */
export function paperspaceBoxState(m: Obj, id: string): BoxState {
  if (str(m, 'id', 'machine', { max: 64 }) !== id) throw new BoxDataError(`machine.id is not ${id}`);
  const state = str(m, 'state', 'machine', { max: 40 });
  const detail = `state ${state}`;
  if (state === 'off' || state === 'failed' || state === 'stopping') return { phase: 'failed', host: null, port: 22, detail };
  if (state !== 'ready') return { phase: 'pending', host: null, port: 22, detail };
  const ip = typeof m['publicIp'] === 'string' && isIP(m['publicIp']) ? m['publicIp'] : null;
  return ip ? { phase: 'running', host: ip, port: 22, detail } : { phase: 'pending', host: null, port: 22, detail: `${detail}, no public IP yet` };
}

/** The machines named with `prefix`, for the orphan check: an `off` machine still bills its storage and any static IP. Pure. */
export function paperspaceListed(items: Obj[], prefix: string): RentedInstance[] {
  return items
    .filter((m) => typeof m['name'] === 'string' && m['name'].startsWith(prefix))
    .map((m) => ({
      id: str(m, 'id', 'machine', { max: 64, pattern: ID }),
      name: str(m, 'name', 'machine', { max: 200 }),
      status: str(m, 'state', 'machine', { max: 40 }),
      billing: true,
      hourlyPrice: null,
      createdAt: isoOrNull(m['dtCreated']),
    }));
}

/** Deletes the startup script of a machine: it held the box's private host key. Best effort, said when it fails. */
function scriptForgetter(base: string, auth: Record<string, string>, s: ProvisionSettings, scripts: Map<string, string>) {
  return async (machine: string): Promise<void> => {
    const id = scripts.get(machine);
    if (!id) return;
    scripts.delete(machine);
    try {
      const a = await answer(
        'DELETE',
        `${base}/startup-scripts/${encodeURIComponent(id)}`,
        auth,
        undefined,
        s.callTimeoutMs,
        'paperspace: delete startup script',
      );
      if (a.status !== 200 && a.status !== 204 && a.status !== 404) throw new Error(`HTTP ${a.status}`);
    } catch (err) {
      s.log(`provision: deleting startup script ${id} (it holds ${machine}'s host key) failed: ${(err as Error).message}; delete it in the console`);
    }
  };
}
