/**
 * Renting on RunPod (REST v2, providers-rent-facts §1.2): the GPU types and their stock from
 * `/catalog/gpus?include=AVAILABILITY&product=POD`, `POST /pods` with `22/tcp` exposed, the connection's key as
 * `PUBLIC_KEY` (the convention RunPod's images install; no account key registry is needed) and tether's start
 * step as `args` (scripts/remote/host_key.sh installs the host key tether generated, then hands over to the
 * image's `/start.sh`), then `/pods/{id}` until RUNNING with `ssh.direct`. A spot (interruptible) pod has no v2
 * field: it goes through GraphQL's `podRentInterruptable`, bidding the listed price. v2's own retry table types
 * the errors (400 next candidate, 402 stop, 403 skip, 422 never retry, 429 back off, 5xx retry).
 */
import { isIP } from 'node:net';
import { startStep } from './start-step.ts';
import { BoxDataError, arr, obj, str, type Obj } from '../record/strict.ts';
import { answer, baseUrl, strictAnswer, isoOrNull, type HttpAnswer } from './http.ts';
import {
  ProviderError,
  ProvisionError,
  type BoxState,
  type Candidate,
  type CreateSpec,
  type Provisioner,
  type ProvisionErrorKind,
  type ProvisionSettings,
  type RentedInstance,
} from './types.ts';

/** RunPod's API: REST v2 (REST v1 was retired on 2026-11-15; providers-rent-facts §1.2). */
export const RUNPOD_API = 'https://api.runpod.io/v2';
/** RunPod's official images start with this (its `start.sh` installs PUBLIC_KEY and starts sshd). */
export const RUNPOD_IMAGE = 'runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404';
const POD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** v2's problem document ({title, status, detail, errors}) as provision's kinds, after v2's own retry table. */
export function runpodError(a: HttpAnswer, label: string, creating: boolean): ProvisionError {
  const b = a.body && typeof a.body === 'object' ? (a.body as { detail?: unknown; errors?: unknown }) : {};
  const detail = [typeof b.detail === 'string' ? b.detail : '', Array.isArray(b.errors) ? b.errors.filter((e) => typeof e === 'string').join('; ') : '']
    .filter(Boolean)
    .join(': ')
    .slice(0, 300);
  const kind: ProvisionErrorKind =
    a.status === 401
      ? 'auth'
      : a.status === 402
        ? 'quota'
        : a.status === 403
          ? creating
            ? 'capacity' // "your account cannot access the requested pool: skip this candidate"
            : 'auth'
          : a.status === 400 && creating
            ? 'capacity' // v2 gives no code for "no capacity"; a rule broken fails every candidate, and the step lists each detail
            : a.status === 429
              ? 'rate-limit'
              : a.status >= 500
                ? 'transient'
                : 'bad-request';
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${detail ? `: ${detail}` : ''}`);
}

const strictly = strictAnswer('runpod');

export function runpodProvisioner(s: ProvisionSettings): Provisioner {
  const base = baseUrl(s.apiUrl, RUNPOD_API);
  // GraphQL lives beside v2 on the same host (api.runpod.io/graphql).
  const graphql = `${base.replace(/\/v2\/?$/, '')}/graphql`;
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const ask = async (method: string, url: string, label: string, body: unknown, ok: number[], creating = false): Promise<Obj> => {
    let a: HttpAnswer;
    try {
      a = await answer(method, url, auth, body, s.callTimeoutMs, `runpod: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? 'transient' : 'bad-request', err.message);
      throw err;
    }
    if (!ok.includes(a.status)) throw runpodError(a, `runpod: ${label}`, creating);
    const o = a.body && typeof a.body === 'object' && !Array.isArray(a.body) ? (a.body as Obj) : null;
    if (!o) throw new ProvisionError('transient', `runpod: ${label}: the answer is not a JSON object`);
    return o;
  };

  return {
    // The key travels in the create call as PUBLIC_KEY: nothing to register.
    prepareKey: async () => '',

    async candidates(types, regions) {
      const r = await ask('GET', `${base}/catalog/gpus?include=AVAILABILITY&product=POD`, 'list GPU types', undefined, [200]);
      return strictly('list GPU types', () => runpodCandidates(r, types, regions));
    },

    async create(c, spec) {
      const body = runpodPodBody(c, spec);
      if (spec.spot) return rentInterruptible(c, spec, body);
      const pod = await ask('POST', `${base}/pods`, `create ${c.instanceType}${c.region ? ` in ${c.region}` : ''}`, body, [201], true);
      return strictly('create pod', () => str(pod, 'id', 'pod', { max: 64, pattern: POD_ID }));
    },

    async describe(id) {
      let a: HttpAnswer;
      try {
        a = await answer('GET', `${base}/pods/${encodeURIComponent(id)}`, auth, undefined, s.callTimeoutMs, 'runpod: get pod');
      } catch (err) {
        return { phase: 'pending', host: null, port: 22, detail: (err as Error).message };
      }
      if (a.status === 404 && (a.body as { status?: unknown } | null)?.status === 404)
        return { phase: 'gone', host: null, port: 22, detail: '404: no such pod' };
      if (a.status !== 200) return { phase: 'pending', host: null, port: 22, detail: `HTTP ${a.status}` };
      return strictly('get pod', () => runpodBoxState(obj(a.body, 'pod'), id));
    },

    async list(prefix) {
      const r = await ask('GET', `${base}/pods`, 'list pods', undefined, [200]);
      return strictly('list pods', () => runpodListed(r, prefix));
    },
  };

  /** GraphQL's `podRentInterruptable`: a bid of the listed price per GPU (what SkyPilot bids). Errors come as `errors[]` with HTTP 200. */
  async function rentInterruptible(c: Candidate, spec: CreateSpec, body: ReturnType<typeof runpodPodBody>): Promise<string> {
    const input = {
      name: body.name,
      imageName: body.image,
      gpuTypeId: c.instanceType,
      gpuCount: 1,
      bidPerGpu: c.hourlyPrice ?? 0,
      cloudType: 'SECURE',
      ports: '22/tcp',
      supportPublicIp: true,
      containerDiskInGb: spec.diskGb ?? 50,
      dockerArgs: body.args,
      env: Object.entries(body.env).map(([key, value]) => ({ key, value })),
      ...(c.region ? { dataCenterId: c.region } : {}),
    };
    const query = 'mutation Rent($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id desiredStatus } }';
    const label = `rent interruptible ${c.instanceType}${c.region ? ` in ${c.region}` : ''}`;
    const r = await ask('POST', graphql, label, { query, variables: { input } }, [200], true);
    const errors = Array.isArray(r['errors']) ? r['errors'] : [];
    if (errors.length) {
      const words = errors
        .map((e) => (e && typeof e === 'object' && typeof (e as Obj)['message'] === 'string' ? String((e as Obj)['message']) : ''))
        .join('; ')
        .slice(0, 300);
      // GraphQL gives no codes: a refused key and an empty balance read as such, anything else as no capacity for this candidate.
      const kind: ProvisionErrorKind = /unauthori[sz]ed|api key/i.test(words) ? 'auth' : /balance|insufficient funds/i.test(words) ? 'quota' : 'capacity';
      throw new ProvisionError(kind, `runpod: ${label}: ${words || 'the answer holds errors'}`);
    }
    return strictly(label, () => str(obj(obj(r['data'], 'data')['podRentInterruptable'], 'pod'), 'id', 'pod', { max: 64, pattern: POD_ID }));
  }
}

/** The v2 create body: port 22 published, the connection's key, and tether's start step before the image's own. Pure. */
export function runpodPodBody(c: Candidate, spec: CreateSpec) {
  const step = startStep(spec.hostKey);
  return {
    name: spec.name,
    image: spec.image ?? RUNPOD_IMAGE,
    gpu: { id: c.instanceType, count: 1 },
    cloud: 'SECURE',
    ...(c.region ? { dataCenterIds: [c.region] } : {}),
    ports: ['22/tcp'],
    ...(spec.diskGb ? { disk: spec.diskGb } : {}),
    env: { PUBLIC_KEY: spec.authorizedKey, ...step.env, TETHER_THEN: '/start.sh' },
    args: step.command,
  };
}

/** One pod as it comes up: RUNNING with a direct SSH endpoint runs; EXITED or ERROR never will. Pure. */
export function runpodBoxState(pod: Obj, id: string): BoxState {
  if (str(pod, 'id', 'pod', { max: 64 }) !== id) throw new BoxDataError(`pod.id is not ${id}`);
  const status = str(pod, 'status', 'pod', { max: 40 });
  const detail = `status ${status}`;
  if (status === 'TERMINATED') return { phase: 'gone', host: null, port: 22, detail };
  if (status === 'EXITED' || status === 'ERROR') return { phase: 'failed', host: null, port: 22, detail };
  if (status !== 'RUNNING') return { phase: 'pending', host: null, port: 22, detail };
  const ssh = pod['ssh'] && typeof pod['ssh'] === 'object' ? (pod['ssh'] as Obj) : {};
  // Only `direct` carries SCP and rsync; the proxy is an interactive shell only.
  const direct = ssh['direct'] && typeof ssh['direct'] === 'object' ? (ssh['direct'] as Obj) : null;
  const host = direct && typeof direct['host'] === 'string' && isIP(direct['host']) ? direct['host'] : null;
  const port =
    direct && Number.isInteger(direct['port']) && (direct['port'] as number) > 0 && (direct['port'] as number) < 65536 ? (direct['port'] as number) : 0;
  if (!host || !port) return { phase: 'pending', host: null, port: 22, detail: `${detail}, no direct SSH endpoint yet` };
  return { phase: 'running', host, port, detail };
}

/** The wanted GPU types × data centers that RunPod has pod stock for now, in the user's order, priced (secure cloud). Pure. */
export function runpodCandidates(doc: Obj, types: readonly string[], regions: readonly string[]): { candidates: Candidate[]; skipped: string[] } {
  const gpus = arr(doc, 'gpus', 'gpus', 1000).map((g) => obj(g, 'gpu'));
  const candidates: Candidate[] = [];
  const skipped: string[] = [];
  for (const t of types) {
    const g = gpus.find((x) => x['id'] === t || x['name'] === t);
    if (!g) {
      skipped.push(`${t}: RunPod has no such GPU type`);
      continue;
    }
    const id = str(g, 'id', 'gpu', { max: 100 });
    if (g['secure'] !== true) {
      skipped.push(`${t}: not offered on RunPod's secure cloud`);
      continue;
    }
    const price = obj(g['price'], `gpu ${id} price`)['secure'];
    const hourly = typeof price === 'number' && price >= 0 && price < 10_000 ? price : null;
    const dcs = (Array.isArray(g['dataCenters']) ? g['dataCenters'] : [])
      .map((d) => obj(d, 'data center'))
      .filter((d) => d['availability'] !== 'NONE')
      .map((d) => str(d, 'id', 'data center', { max: 64, pattern: /^[A-Za-z0-9-]{1,64}$/ }));
    if (!regions.length) {
      // Any data center with stock: the scheduler places it.
      if (dcs.length || (g['availability'] !== undefined && g['availability'] !== 'NONE'))
        candidates.push({ instanceType: id, region: '', hourlyPrice: hourly });
      else skipped.push(`${t}: no pod stock in any data center now`);
      continue;
    }
    for (const r of regions) {
      if (dcs.includes(r)) candidates.push({ instanceType: id, region: r, hourlyPrice: hourly });
      else skipped.push(`${t} in ${r}: no pod stock now`);
    }
  }
  return { candidates, skipped };
}

/** The pods named with `prefix`, for the orphan check. Pure. */
export function runpodListed(r: Obj, prefix: string): RentedInstance[] {
  return arr(r, 'pods', 'pods', 10_000)
    .map((x) => obj(x, 'pod'))
    .filter((p) => typeof p['name'] === 'string' && p['name'].startsWith(prefix))
    .map((p) => {
      const status = str(p, 'status', 'pod', { max: 40 });
      return {
        id: str(p, 'id', 'pod', { max: 64, pattern: POD_ID }),
        name: str(p, 'name', 'pod', { max: 200 }),
        status,
        // A stopped (EXITED) pod still bills its volume disk, at twice the rate.
        billing: status !== 'TERMINATED',
        hourlyPrice: typeof p['cost'] === 'number' && p['cost'] >= 0 ? p['cost'] : null,
        createdAt: isoOrNull(p['createdAt']),
      };
    });
}
