import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBox, type Box } from './box.ts';
import { runStartStep, sshdLogOf } from './cloud-init.ts';

/**
 * RunPod for renting, on loopback, after its REST v2 OpenAPI description (providers-rent-facts §1.2) and the
 * GraphQL mutation for interruptible pods: Bearer auth; problem documents `{title, status, detail, errors}`;
 * `GET /v2/catalog/gpus?include=AVAILABILITY&product=POD` (price per cloud, per-data-center stock);
 * `POST /v2/pods` (name, image, gpu{id,count}, ports, env, args; 201 PROVISIONING; 400 for a GPU that cannot
 * be placed, 402 for no balance, 422 for a body off the contract); `GET /v2/pods/{id}` (ssh.direct only once
 * RUNNING); `GET /v2/pods`; `DELETE /v2/pods/{id}` (204) and the stop action; `POST /graphql`
 * `podRentInterruptable`. A create starts a real box and runs the pod's `args` on it as its start command with
 * the pod's env (harness/cloud-init.ts `runStartStep`), then lets PUBLIC_KEY in, as RunPod's start.sh does.
 */
export const RUNPOD_KEY = 'rpa_rent_secret';

export interface Pod {
  id: string;
  name: string;
  gpu: string;
  dataCenterId: string;
  status: 'PROVISIONING' | 'STARTING' | 'RUNNING' | 'EXITED' | 'ERROR' | 'TERMINATED';
  interruptible: boolean;
  bid: number | null;
  env: Record<string, string>;
  args: string;
  image: string;
  box: Box | null;
  /** What the start command printed on the box. */
  startOutput: string;
  /** The box's sshd log, kept when it went. */
  sshdLog: string;
  createdAt: Date;
}

export class RunpodDouble {
  readonly pods = new Map<string, Pod>();
  readonly log: Array<{ method: string; path: string; body: string }> = [];
  /** GPU id → data centers with stock. */
  stock: Record<string, string[]> = { 'NVIDIA A100 80GB PCIe': ['US-TX-3'], 'NVIDIA H100 80GB HBM3': ['US-KS-2', 'EU-RO-1'] };
  prices: Record<string, number> = { 'NVIDIA A100 80GB PCIe': 1.64, 'NVIDIA H100 80GB HBM3': 2.99, 'NVIDIA GeForce RTX 4090': 0.69 };
  /** GPU types whose next create cannot be placed although the catalog shows stock (it races): 400. */
  unplaceable = new Set<string>();
  /** The account's balance: at 0 a create answers 402. */
  balance = 100;
  /** The image ignores `args` (a custom image with an ENTRYPOINT of its own): the box keeps its own host key. */
  ignoreArgs = false;
  /** Pods stay PROVISIONING and no box starts. */
  neverBoot = false;
  /** Delete answers 500 and changes nothing. */
  failDelete = false;
  private server!: Server;
  private seq = 0;
  private starting: Promise<unknown>[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err) => this.problem(res, 500, 'Internal Server Error', String(err))));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.origin}/v2`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    for (const p of this.pods.values()) p.box?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  calls(re: RegExp): string[] {
    return this.log.map((l) => `${l.method} ${l.path}`).filter((l) => re.test(l));
  }

  private json(res: ServerResponse, status: number, doc: unknown, type = 'application/json'): void {
    const t = doc === undefined ? '' : JSON.stringify(doc);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(t) });
    res.end(t);
  }

  private problem(res: ServerResponse, status: number, title: string, detail: string, errors?: string[]): void {
    this.json(res, status, { title, status, detail, ...(errors ? { errors } : {}) }, 'application/problem+json');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const path = url.pathname;
    this.log.push({ method: req.method ?? '', path: `${path}${url.search}`, body: raw });
    if (req.headers.authorization !== `Bearer ${RUNPOD_KEY}`) return this.problem(res, 401, 'Unauthorized', 'missing or invalid API key');
    let body: Record<string, unknown> = {};
    if (req.method === 'POST' && raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.problem(res, 422, 'Unprocessable Entity', 'the body is not JSON');
      }
    }
    if (path === '/v2/catalog/gpus' && req.method === 'GET') {
      if (url.searchParams.get('include') === 'AVAILABILITY' && url.searchParams.get('product') !== 'POD')
        return this.problem(res, 400, 'Bad Request', 'include=AVAILABILITY requires product');
      return this.json(res, 200, {
        gpus: Object.entries(this.prices).map(([id, price]) => {
          const dcs = this.stock[id] ?? [];
          return {
            id,
            name: id.replace(/^NVIDIA (GeForce )?/, ''),
            pool: null,
            manufacturer: 'NVIDIA',
            memory: 80,
            secure: true,
            community: true,
            price: { secure: price, community: Math.round(price * 70) / 100 },
            maxCount: { secure: 8, community: 4 },
            availability: dcs.length ? 'HIGH' : 'NONE',
            ...(dcs.length ? { dataCenters: dcs.map((d) => ({ id: d, name: d, availability: 'HIGH' })) } : {}),
          };
        }),
      });
    }
    if (path === '/v2/pods' && req.method === 'POST') return this.create(body, res, false);
    if (path === '/v2/pods' && req.method === 'GET')
      return this.json(res, 200, { pods: [...this.pods.values()].filter((p) => p.status !== 'TERMINATED').map((p) => this.describe(p)) });
    const m = /^\/v2\/pods\/([^/]+)(\/action)?$/.exec(path);
    if (m) {
      const pod = this.pods.get(decodeURIComponent(m[1]!));
      if (!pod || pod.status === 'TERMINATED') return this.problem(res, 404, 'Not Found', 'pod not found');
      if (!m[2] && req.method === 'GET') return this.json(res, 200, this.describe(pod));
      if (!m[2] && req.method === 'DELETE') {
        if (this.failDelete) return this.problem(res, 500, 'Internal Server Error', 'upstream failure');
        pod.status = 'TERMINATED';
        pod.sshdLog = sshdLogOf(pod.box);
        pod.box?.destroy();
        pod.box = null;
        res.writeHead(204).end();
        return;
      }
      if (m[2] && req.method === 'POST' && body['action'] === 'stop') {
        pod.status = 'EXITED';
        pod.sshdLog = sshdLogOf(pod.box);
        pod.box?.destroy();
        pod.box = null;
        return this.json(res, 200, this.describe(pod));
      }
    }
    if (path === '/graphql' && req.method === 'POST') {
      const q = typeof body['query'] === 'string' ? body['query'] : '';
      const input = ((body['variables'] as Record<string, unknown> | undefined)?.['input'] ?? {}) as Record<string, unknown>;
      if (!/podRentInterruptable\s*\(/.test(q)) return this.json(res, 200, { errors: [{ message: 'unknown operation' }] });
      const env = Array.isArray(input['env']) ? Object.fromEntries((input['env'] as Array<{ key: string; value: string }>).map((e) => [e.key, e.value])) : {};
      return this.create(
        {
          name: input['name'],
          image: input['imageName'],
          gpu: { id: input['gpuTypeId'], count: input['gpuCount'] },
          ports: typeof input['ports'] === 'string' ? input['ports'].split(',') : [],
          env,
          args: input['dockerArgs'],
          ...(input['dataCenterId'] ? { dataCenterIds: [input['dataCenterId']] } : {}),
          bid: input['bidPerGpu'],
        },
        res,
        true,
      );
    }
    return this.problem(res, 404, 'Not Found', `no route ${req.method} ${path}`);
  }

  private create(body: Record<string, unknown>, res: ServerResponse, interruptible: boolean): void {
    const fail = (status: number, title: string, detail: string, errors?: string[]) =>
      interruptible ? this.json(res, 200, { errors: [{ message: detail }] }) : this.problem(res, status, title, detail, errors);
    const gpu = body['gpu'] as { id?: unknown; count?: unknown } | undefined;
    const env = body['env'] ?? {};
    const errors: string[] = [];
    if (typeof body['name'] !== 'string' || !body['name']) errors.push('$.name: required');
    if (typeof body['image'] !== 'string' || !body['image']) errors.push('$.image: required unless templateId is set');
    if (!gpu || typeof gpu.id !== 'string' || gpu.count !== 1) errors.push('$.gpu: {id, count} required');
    if (typeof env !== 'object' || Array.isArray(env) || !Object.values(env as object).every((v) => typeof v === 'string')) errors.push('$.env: strings only');
    if (body['args'] !== undefined && typeof body['args'] !== 'string') errors.push('$.args: string');
    if (errors.length) return fail(422, 'Unprocessable Entity', 'the body does not match the contract', errors);
    if (this.balance <= 0) return fail(402, 'Payment Required', 'insufficient balance');
    const id = gpu!.id as string;
    const wanted = (body['dataCenterIds'] as string[] | undefined) ?? [];
    const stock = this.stock[id] ?? [];
    const dc = wanted.length ? wanted.find((d) => stock.includes(d)) : stock[0];
    if (!(id in this.prices) || !dc || this.unplaceable.delete(id)) return fail(400, 'Bad Request', `There are no instances currently available for ${id}`);
    const pod: Pod = {
      id: `pod${(++this.seq).toString(36).padStart(8, '0')}`,
      name: body['name'] as string,
      gpu: id,
      dataCenterId: dc,
      status: 'PROVISIONING',
      interruptible,
      bid: interruptible && typeof body['bid'] === 'number' ? body['bid'] : null,
      env: env as Record<string, string>,
      args: (body['args'] as string | undefined) ?? '',
      image: body['image'] as string,
      box: null,
      startOutput: '',
      sshdLog: '',
      createdAt: new Date(),
    };
    this.pods.set(pod.id, pod);
    if (!this.neverBoot) this.starting.push(this.boot(pod));
    if (interruptible) return this.json(res, 200, { data: { podRentInterruptable: { id: pod.id, desiredStatus: 'RUNNING' } } });
    this.json(res, 201, this.describe(pod));
  }

  /** A pod as v2 describes it. */
  private describe(p: Pod): Record<string, unknown> {
    const up = p.status === 'RUNNING' && p.box;
    return {
      id: p.id,
      name: p.name,
      image: p.image,
      args: p.args,
      disk: 50,
      ports: ['22/tcp'],
      env: Object.fromEntries(Object.keys(p.env).map((k) => [k, '***'])),
      registry: null,
      status: p.status,
      actions: p.status === 'RUNNING' ? ['stop', 'restart', 'terminate'] : ['terminate'],
      mounts: {},
      gpu: { id: p.gpu, count: 1 },
      cloud: 'SECURE',
      dataCenterId: p.dataCenterId,
      cudaVersion: '12.8',
      ssh: {
        proxy: { host: 'ssh.runpod.io', port: 22, username: `${p.id}-64411eb2`, command: `ssh ${p.id}-64411eb2@ssh.runpod.io` },
        direct: up ? { host: p.box!.addr, port: 22, username: 'root', command: `ssh root@${p.box!.addr} -p 22` } : null,
      },
      template: null,
      cost: p.bid ?? this.prices[p.gpu] ?? 0,
      locked: false,
      globalNetworking: { enabled: false },
      runtime: up ? { ports: [{ private: 22, public: 22, type: 'tcp', ip: p.box!.addr }] } : {},
      createdAt: p.createdAt.toISOString(),
      startedAt: up ? new Date().toISOString() : null,
    };
  }

  /** The container starts: its start command (`args`) runs with the pod's env, then start.sh lets PUBLIC_KEY in. */
  private async boot(p: Pod): Promise<void> {
    let box;
    try {
      box = await createBox({ authorizedKeys: p.env['PUBLIC_KEY'] ? [p.env['PUBLIC_KEY']] : [] });
    } catch (err) {
      // A container that cannot start is one RunPod reports ERROR (provision then says so), never provisioning forever.
      process.stderr.write(`runpod double: pod ${p.id} did not start: ${(err as Error).message}\n`);
      if (p.status === 'PROVISIONING') p.status = 'ERROR';
      return;
    }
    if (p.status !== 'PROVISIONING') return box.destroy(); // terminated while it booted
    p.status = 'STARTING';
    if (!this.ignoreArgs && p.args) p.startOutput = await runStartStep(box, p.args, p.env);
    if ((p.status as Pod['status']) !== 'STARTING') return box.destroy();
    p.box = box;
    p.status = 'RUNNING';
  }
}
