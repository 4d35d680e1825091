/**
 * Renting on vast.ai (API v0, providers-rent-facts §1.3): the connection's key registered with the account first
 * (`/ssh/`: vast injects account keys at create and cannot add them later to a VM), offers from `POST /bundles/`
 * (one GPU, rentable, cheapest first), `PUT /asks/{offer}/` with tether's start step as `onstart` (it installs
 * the host key tether generated and reloads the sshd vast started before it), `label` as the name, and `price`
 * (a bid) for an interruptible box; then `/instances/{id}/` until running with an SSH address. `exited`,
 * `offline` and `unknown` never lead to running (vast's own poll trap). Every answer is read strictly.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { startStep } from './start-step.ts';
import { BoxDataError, arr, obj, str, type Obj } from '../record/strict.ts';
import { answer, baseUrl, strictAnswer, type HttpAnswer } from './http.ts';
import {
  ProviderError,
  ProvisionError,
  type BoxState,
  type Candidate,
  type Provisioner,
  type ProvisionErrorKind,
  type ProvisionSettings,
  type RentedInstance,
} from './types.ts';

export const VAST_API = 'https://console.vast.ai/api/v0';
/** vast's onstart field holds at most this many characters. */
export const ONSTART_MAX = 4048;
const ID = /^[0-9]{1,18}$/;
/** Offers kept per GPU type (cheapest first): enough to move past a few taken ones. */
const OFFERS_PER_TYPE = 3;

/** vast's errors ({success: false, error, msg}) as provision's kinds. */
export function vastError(a: HttpAnswer, label: string): ProvisionError {
  const b = a.body && typeof a.body === 'object' ? (a.body as { error?: unknown; msg?: unknown; detail?: unknown }) : {};
  const code = typeof b.error === 'string' ? b.error.slice(0, 60) : '';
  const words = [b.msg, b.detail]
    .filter((x) => typeof x === 'string')
    .join(' ')
    .slice(0, 300);
  const kind: ProvisionErrorKind =
    a.status === 401 || code === 'invalid_api_key'
      ? 'auth'
      : a.status === 402 || /credit|balance/i.test(`${code} ${words}`)
        ? 'quota'
        : a.status === 429
          ? 'rate-limit'
          : a.status >= 500
            ? 'transient'
            : /no_such_ask|unavailable|not available|rented/i.test(`${code} ${words}`)
              ? 'capacity'
              : a.status === 403
                ? 'auth'
                : 'bad-request';
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ''}${words ? `: ${words}` : ''}`);
}

const strictly = strictAnswer('vastai');
const keyBody = (k: string) => k.trim().split(/\s+/).slice(0, 2).join(' ');
const idOf = (o: Obj, field: string, what: string) => {
  const v = o[field];
  const t = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v : '';
  if (!ID.test(t)) throw new BoxDataError(`${what}.${field} is not an id`);
  return t;
};

export function vastProvisioner(s: ProvisionSettings): Provisioner {
  const base = baseUrl(s.apiUrl, VAST_API);
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const ask = async (method: string, path: string, label: string, body?: unknown): Promise<unknown> => {
    let a: HttpAnswer;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `vastai: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? 'transient' : 'bad-request', err.message);
      throw err;
    }
    if (a.status !== 200 || (a.body as { success?: unknown } | null)?.success === false) throw vastError(a, `vastai: ${label}`);
    if (a.body === null || typeof a.body !== 'object') throw new ProvisionError('transient', `vastai: ${label}: the answer is not JSON`);
    return a.body;
  };

  return {
    async restart(id, bid) {
      // Outbid: only a higher bid takes the machine back; then the instance is asked to run (providers-rent-facts §1.3).
      await ask('PUT', `/instances/bid_price/${encodeURIComponent(id)}/`, `raise the bid of ${id}`, { client_id: 'me', price: bid });
      await ask('PUT', `/instances/${encodeURIComponent(id)}/`, `start ${id}`, { state: 'running' });
    },

    async prepareKey(publicKey) {
      const list = await ask('GET', '/ssh/', 'list ssh keys');
      const mine = strictly('list ssh keys', () => {
        if (!Array.isArray(list)) throw new BoxDataError('the key list is not a list');
        return list
          .slice(0, 1000)
          .map((k) => obj(k, 'ssh key'))
          .find((k) => typeof k['key'] === 'string' && k['deleted_at'] == null && keyBody(k['key']) === keyBody(publicKey));
      });
      if (mine) return strictly('list ssh keys', () => idOf(mine, 'id', 'ssh key'));
      const added = await ask('POST', '/ssh/', 'add ssh key', { ssh_key: keyBody(publicKey) });
      const id = strictly('add ssh key', () => idOf(obj(obj(added, 'answer')['key'], 'key'), 'id', 'key'));
      s.log(
        `provision: registered the connection's public key with vast.ai (key ${id}, ${createHash('sha256').update(keyBody(publicKey)).digest('hex').slice(0, 12)})`,
      );
      return id;
    },

    async candidates(types, regions) {
      const query = {
        gpu_name: { in: types.map((t) => t.replace(/_/g, ' ')) },
        num_gpus: { eq: 1 },
        rentable: { eq: true },
        rented: { eq: false },
        type: 'on-demand',
        order: [['dph_total', 'asc']],
        limit: 200,
      };
      const r = await ask('POST', '/bundles/', 'search offers', query);
      return strictly('search offers', () => vastCandidates(obj(r, 'offers'), types, regions));
    },

    async create(c, spec) {
      if (!c.offer) throw new ProvisionError('bad-request', `vastai: ${c.instanceType}: no offer to rent`);
      const step = startStep(spec.hostKey);
      if (step.script.length > ONSTART_MAX)
        throw new ProvisionError('bad-request', `vastai: the start step is ${step.script.length} characters; onstart holds ${ONSTART_MAX}`);
      const body = {
        client_id: 'me',
        image: spec.image,
        disk: spec.diskGb ?? 32,
        runtype: 'ssh_direc ssh_proxy',
        onstart: step.script,
        env: step.env,
        label: spec.name,
        // Created stopped when the machine cannot start it is a contract that bills its disk: refuse instead.
        cancel_unavail: true,
        // A bid makes it interruptible; at the listed price it is outbid only by a higher one.
        ...(spec.spot && c.hourlyPrice !== null ? { price: c.hourlyPrice } : {}),
      };
      const r = await ask('PUT', `/asks/${encodeURIComponent(c.offer)}/`, `rent offer ${c.offer} (${c.instanceType})`, body);
      return strictly('rent offer', () => idOf(obj(r, 'answer'), 'new_contract', 'answer'));
    },

    async describe(id) {
      let a: HttpAnswer;
      try {
        a = await answer('GET', `${base}/instances/${encodeURIComponent(id)}/?owner=me`, auth, undefined, s.callTimeoutMs, 'vastai: show instance');
      } catch (err) {
        return { phase: 'pending', host: null, port: 22, detail: (err as Error).message };
      }
      if (a.status !== 200 || !a.body || typeof a.body !== 'object' || !('instances' in a.body))
        return { phase: 'pending', host: null, port: 22, detail: `HTTP ${a.status}` };
      const inst = (a.body as { instances: unknown }).instances;
      // `instances: null` is vast's "not found".
      if (inst === null) return { phase: 'gone', host: null, port: 22, detail: 'instances: null' };
      return strictly('show instance', () => vastBoxState(obj(inst, 'instance'), id));
    },

    async list(prefix) {
      const r = await ask('GET', '/instances/?owner=me', 'list instances');
      return strictly('list instances', () => vastListed(obj(r, 'answer'), prefix));
    },
  };
}

/** One instance as it comes up. Pure. */
export function vastBoxState(inst: Obj, id: string): BoxState {
  if (idOf(inst, 'id', 'instance') !== id) throw new BoxDataError(`instance.id is not ${id}`);
  const text = (k: string) => (typeof inst[k] === 'string' ? (inst[k] as string).slice(0, 40) : '');
  const actual = text('actual_status');
  const intended = text('intended_status');
  const detail = `actual_status ${actual || 'none yet'}${intended ? `, intended_status ${intended}` : ''}${text('status_msg') ? `, ${text('status_msg')}` : ''}`;
  if (actual === 'destroyed') return { phase: 'gone', host: null, port: 22, detail };
  // The outbid signature (dstack's, from vast's states): all three say stopped on an interruptible (a bid).
  if (inst['is_bid'] === true && text('cur_state') === 'stopped' && intended === 'stopped' && text('next_state') === 'stopped')
    return { phase: 'failed', host: null, port: 22, detail, preempted: 'cur_state, intended_status and next_state stopped on an interruptible (is_bid)' };
  // vast's poll trap: these never reach running. A stop asked for at create (an unmet bid) does not either.
  if (['exited', 'offline', 'unknown'].includes(actual) || intended === 'stopped') return { phase: 'failed', host: null, port: 22, detail };
  if (actual !== 'running') return { phase: 'pending', host: null, port: 22, detail };
  // The direct path (the box's own address and its mapped 22) carries rsync; the proxy path otherwise.
  const ip = typeof inst['public_ipaddr'] === 'string' ? inst['public_ipaddr'].trim() : '';
  const ports = inst['ports'] && typeof inst['ports'] === 'object' ? (inst['ports'] as Obj) : {};
  const mapped = Array.isArray(ports['22/tcp']) ? (ports['22/tcp'][0] as Obj | undefined) : undefined;
  const hostPort = mapped && typeof mapped === 'object' ? Number(mapped['HostPort']) : NaN;
  if (isIP(ip) && Number.isInteger(hostPort) && hostPort > 0 && hostPort < 65536) return { phase: 'running', host: ip, port: hostPort, detail };
  const sshHost = typeof inst['ssh_host'] === 'string' && /^[A-Za-z0-9.-]{1,253}$/.test(inst['ssh_host']) ? inst['ssh_host'] : '';
  const sshPort = Number(inst['ssh_port']);
  if (sshHost && Number.isInteger(sshPort) && sshPort > 0 && sshPort < 65536) return { phase: 'running', host: sshHost, port: sshPort, detail };
  return { phase: 'pending', host: null, port: 22, detail: `${detail}, no SSH address yet` };
}

/** The wanted GPU types' cheapest offers, in the user's order, in the wanted places (vast's geolocation). Pure. */
export function vastCandidates(doc: Obj, types: readonly string[], regions: readonly string[]): { candidates: Candidate[]; skipped: string[] } {
  const offers = arr(doc, 'offers', 'offers', 1000).map((o) => obj(o, 'offer'));
  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  const inRegion = (geo: string) => !regions.length || regions.some((r) => geo.split(/,\s*/).some((part) => part.toLowerCase() === r.toLowerCase()));
  for (const t of types) {
    const name = t.replace(/_/g, ' ');
    const mine = offers
      .filter((o) => o['gpu_name'] === name)
      .map((o) => ({
        offer: idOf(o, 'id', 'offer'),
        geo: typeof o['geolocation'] === 'string' ? o['geolocation'].slice(0, 80) : '',
        price: typeof o['dph_total'] === 'number' && o['dph_total'] >= 0 && o['dph_total'] < 10_000 ? o['dph_total'] : null,
      }))
      .filter((o) => inRegion(o.geo))
      .sort((a, b) => (a.price ?? Infinity) - (b.price ?? Infinity))
      .slice(0, OFFERS_PER_TYPE);
    if (!mine.length) skipped.push(`${t}: no rentable offer${regions.length ? ` in ${regions.join(', ')}` : ''} now`);
    for (const o of mine) candidates.push({ instanceType: name, region: o.geo, hourlyPrice: o.price, offer: o.offer });
  }
  return { candidates, skipped };
}

/** The instances labelled with `prefix`, for the orphan check. Pure. */
export function vastListed(r: Obj, prefix: string): RentedInstance[] {
  return arr(r, 'instances', 'instances', 10_000)
    .map((x) => obj(x, 'instance'))
    .filter((i) => typeof i['label'] === 'string' && i['label'].startsWith(prefix))
    .map((i) => {
      const status = typeof i['actual_status'] === 'string' ? i['actual_status'].slice(0, 40) : 'unknown';
      const started = i['start_date'];
      return {
        id: idOf(i, 'id', 'instance'),
        name: str(i, 'label', 'instance', { max: 200 }),
        status,
        // A stopped instance still bills its disk; only a destroyed one is gone.
        billing: status !== 'destroyed',
        hourlyPrice: typeof i['dph_total'] === 'number' && i['dph_total'] >= 0 ? i['dph_total'] : null,
        // start_date: seconds since the epoch.
        createdAt: typeof started === 'number' && started > 1e9 && started < 1e10 ? new Date(started * 1000).toISOString() : null,
      };
    });
}
