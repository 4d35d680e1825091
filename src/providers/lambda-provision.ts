/**
 * Renting on Lambda Cloud (API v1, providers-rent-facts §1.1): the connection's public key registered once
 * (`/ssh-keys`: exactly one key per launch), capacity read from `/instance-types`, `instance-operations/launch`
 * with cloud-init `user_data` that installs the host key tether generated for this box, then `/instances/{id}`
 * until `active` with an address. Lambda's errors are typed from its own codes. Every answer is read strictly.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { BoxDataError, arr, int, obj, str, type Obj } from '../record/strict.ts';
import { answer, baseUrl, strictAnswer, type HttpAnswer } from './http.ts';
import { ProviderError, ProvisionError, type BoxState, type Candidate, type Provisioner, type ProvisionErrorKind, type ProvisionSettings } from './types.ts';

export const LAMBDA_API = 'https://cloud.lambda.ai/api/v1';

/** Lambda's error codes (its OpenAPI 1.8.3, ApiError*) as provision's kinds. */
const CODES: Record<string, ProvisionErrorKind> = {
  'instance-operations/launch/insufficient-capacity': 'capacity',
  'global/quota-exceeded': 'quota',
  'global/account-inactive': 'quota',
  'global/invalid-address': 'quota',
  'global/invalid-api-key': 'auth',
  'global/invalid-parameters': 'bad-request',
  'global/object-does-not-exist': 'bad-request',
  'global/duplicate': 'bad-request',
  'instance-operations/launch/file-system-in-wrong-region': 'bad-request',
  'global/internal-error': 'transient',
};

/** The kind and Lambda's own words of a non-200 answer. */
export function lambdaError(a: HttpAnswer, label: string): ProvisionError {
  const e = a.body && typeof a.body === 'object' ? (a.body as { error?: { code?: unknown; message?: unknown; suggestion?: unknown } }).error : undefined;
  const code = typeof e?.code === 'string' ? e.code.slice(0, 80) : '';
  const words = [typeof e?.message === 'string' ? e.message : '', typeof e?.suggestion === 'string' ? e.suggestion : '']
    .filter(Boolean)
    .join(' ')
    .slice(0, 300);
  const kind: ProvisionErrorKind =
    CODES[code] ?? (a.status === 429 ? 'rate-limit' : a.status >= 500 ? 'transient' : a.status === 401 ? 'auth' : a.status === 403 ? 'quota' : 'bad-request');
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ''}${words ? `: ${words}` : ''}`);
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

const strictly = strictAnswer('lambda');
const keyBody = (k: string) => k.trim().split(/\s+/).slice(0, 2).join(' ');

export function lambdaProvisioner(s: ProvisionSettings): Provisioner {
  const base = baseUrl(s.apiUrl, LAMBDA_API);
  const auth = { authorization: `Basic ${Buffer.from(`${s.apiKey}:`).toString('base64')}` };
  const ask = async (method: string, path: string, label: string, body?: unknown): Promise<Obj> => {
    let a: HttpAnswer;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `lambda: ${label}`);
    } catch (err) {
      // No answer (a timeout, a reset): worth asking again.
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? 'transient' : 'bad-request', err.message);
      throw err;
    }
    if (a.status !== 200) throw lambdaError(a, `lambda: ${label}`);
    // Every answer of this API is `{"data": …}`; anything else (an HTML page from a proxy) is not an answer.
    const o = a.body && typeof a.body === 'object' && !Array.isArray(a.body) ? (a.body as Obj) : null;
    if (!o || o['data'] === undefined) throw new ProvisionError('transient', `lambda: ${label}: the answer holds no data`);
    return o;
  };
  return {
    async prepareKey(publicKey) {
      const list = await ask('GET', '/ssh-keys', 'list ssh keys');
      const mine = strictly('list ssh keys', () =>
        arr(list, 'data', 'ssh-keys', 1000)
          .map((k) => obj(k, 'ssh key'))
          .find((k) => typeof k['public_key'] === 'string' && keyBody(k['public_key']) === keyBody(publicKey)),
      );
      if (mine) return strictly('list ssh keys', () => str(mine, 'name', 'ssh key', { max: 64, pattern: NAME }));
      const name = `tether-${createHash('sha256').update(keyBody(publicKey)).digest('hex').slice(0, 12)}`;
      const added = await ask('POST', '/ssh-keys', 'add ssh key', { name, public_key: keyBody(publicKey) });
      s.log(`provision: registered the connection's public key with Lambda as ${name}`);
      return strictly('add ssh key', () => str(obj(added['data'], 'ssh key'), 'name', 'ssh key', { max: 64, pattern: NAME }));
    },

    async candidates(types, regions) {
      const r = await ask('GET', '/instance-types', 'list instance types');
      return strictly('list instance types', () => lambdaCandidates(obj(r['data'], 'instance types'), types, regions));
    },

    async create(c, spec) {
      const image = spec.image ? (/^[0-9a-f]{32}$|^[0-9a-f-]{36}$/.test(spec.image) ? { id: spec.image } : { family: spec.image }) : undefined;
      const body = {
        region_name: c.region,
        instance_type_name: c.instanceType,
        ssh_key_names: [spec.keyRef],
        name: spec.name,
        user_data: spec.userData,
        ...(image ? { image } : {}),
      };
      const r = await ask('POST', '/instance-operations/launch', `launch ${c.instanceType} in ${c.region}`, body);
      return strictly('launch', () => {
        const ids = arr(obj(r['data'], 'launch'), 'instance_ids', 'launch', 1);
        const id = ids[0];
        if (typeof id !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) throw new BoxDataError('launch.instance_ids[0] is not an instance id');
        return id;
      });
    },

    async list(prefix) {
      const r = await ask('GET', '/instances', 'list instances');
      return strictly('list instances', () =>
        arr(r, 'data', 'instances', 10_000)
          .map((x) => obj(x, 'instance'))
          .filter((i) => typeof i['name'] === 'string' && i['name'].startsWith(prefix))
          .map((i) => {
            const status = str(i, 'status', 'instance', { max: 40 });
            const t = i['instance_type'] && typeof i['instance_type'] === 'object' ? (i['instance_type'] as Obj) : {};
            return {
              id: str(i, 'id', 'instance', { max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/ }),
              name: str(i, 'name', 'instance', { max: 64 }),
              status,
              // Everything but a terminated instance bills (unhealthy is the console's Alert state).
              billing: status !== 'terminated',
              hourlyPrice: typeof t['price_cents_per_hour'] === 'number' ? t['price_cents_per_hour'] / 100 : null,
              // Lambda's instance has no creation time; the provision record (when there is one) has it.
              createdAt: null,
            };
          }),
      );
    },

    describe: (id) => describeLambda(base, auth, s, id),
  };
}

/** One instance as it comes up: `booting` and Alert wait, `active` with an address runs, the rest never will. */
async function describeLambda(base: string, auth: Record<string, string>, s: ProvisionSettings, id: string): Promise<BoxState> {
  let a: HttpAnswer;
  try {
    a = await answer('GET', `${base}/instances/${encodeURIComponent(id)}`, auth, undefined, s.callTimeoutMs, 'lambda: get instance');
  } catch (err) {
    return { phase: 'pending', host: null, port: 22, detail: (err as Error).message };
  }
  const code = (a.body as { error?: { code?: unknown } } | null)?.error?.code;
  if (a.status === 404 && code === 'global/object-does-not-exist') return { phase: 'gone', host: null, port: 22, detail: '404: no such instance' };
  // Anything but an answer about this instance proves nothing: still on its way, asked again.
  if (a.status !== 200) return { phase: 'pending', host: null, port: 22, detail: `HTTP ${a.status}` };
  return strictly('get instance', (): BoxState => {
    const d = obj(obj(a.body, 'instance')['data'], 'instance');
    if (str(d, 'id', 'instance', { max: 128 }) !== id) throw new BoxDataError(`instance.id is not ${id}`);
    const status = str(d, 'status', 'instance', { max: 40 });
    const ip = typeof d['ip'] === 'string' && isIP(d['ip']) === 4 ? d['ip'] : null;
    const detail = `status ${status}`;
    if (status === 'active')
      return ip ? { phase: 'running', host: ip, port: 22, detail } : { phase: 'pending', host: null, port: 22, detail: `${detail}, no address yet` };
    if (status === 'booting' || status === 'unhealthy') return { phase: 'pending', host: null, port: 22, detail };
    if (status === 'terminated') return { phase: 'gone', host: null, port: 22, detail };
    // terminating, preempted, or a state this version does not know: it will not become the box asked for.
    return { phase: 'failed', host: null, port: 22, detail };
  });
}

/** The wanted types × regions that Lambda has capacity for now, in the user's order, priced. Pure. */
export function lambdaCandidates(data: Obj, types: readonly string[], regions: readonly string[]): { candidates: Candidate[]; skipped: string[] } {
  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  for (const t of types) {
    const item = data[t];
    if (item === undefined) {
      skipped.push(`${t}: Lambda has no such instance type`);
      continue;
    }
    const it = obj(item, `instance type ${t}`);
    const spec = obj(it['instance_type'], `instance type ${t}`);
    const cents = int(spec, 'price_cents_per_hour', `instance type ${t}`, { min: 0, max: 10_000_000 });
    const withCapacity = arr(it, 'regions_with_capacity_available', `instance type ${t}`, 200).map((r) =>
      str(obj(r, 'region'), 'name', 'region', { max: 64, pattern: /^[a-z0-9-]{1,64}$/ }),
    );
    const wanted = regions.length ? regions : withCapacity;
    for (const r of wanted) {
      if (withCapacity.includes(r)) candidates.push({ instanceType: t, region: r, hourlyPrice: cents / 100 });
      else skipped.push(`${t} in ${r}: no capacity now`);
    }
    if (!wanted.length) skipped.push(`${t}: no capacity in any region now`);
  }
  return { candidates, skipped };
}
