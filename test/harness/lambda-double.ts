import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Box } from './box.ts';
import { bootFromUserData } from './cloud-init.ts';

/**
 * Lambda Cloud API v1 for renting, on loopback, after its OpenAPI description 1.8.3 (providers-rent-facts §1.1):
 * Basic auth with the key as user name; `{"data": …}` answers and `{"error": {code, message, suggestion}}`
 * errors with Lambda's codes; `GET/POST /ssh-keys`; `GET /instance-types` (`price_cents_per_hour`,
 * `regions_with_capacity_available`); `POST /instance-operations/launch` (region_name, instance_type_name,
 * exactly one ssh_key_names entry, name ≤ 64, user_data ≤ 1 MB); `GET /instances/{id}` (booting → active with
 * `ip`, or terminated); `POST /instance-operations/terminate`. A launch starts a real box (harness/box.ts) whose
 * sshd uses the host key the user_data's cloud-config carried, as cloud-init's cc_ssh would, and lets the
 * registered account key in. Modes for the unhappy paths: a box that ignores user_data (its own host key), one
 * that never boots, no capacity for a type, a launch rate limit.
 */
export const LAMBDA_KEY = 'lambda-rent-secret';

export interface RentedInstance {
  id: string;
  name: string;
  type: string;
  region: string;
  status: 'booting' | 'active' | 'terminating' | 'terminated';
  box: Box | null;
  userData: string;
  sshKeyNames: string[];
  /** The box's sshd log, kept when it is terminated (what reached it before it went). */
  sshdLog: string;
  /** When the instance became `active` (ms since the epoch): where bench/provision.ts starts tether's clock. */
  activeAt: number;
}

export class LambdaDouble {
  readonly instances = new Map<string, RentedInstance>();
  readonly keys: Array<{ id: string; name: string; public_key: string }> = [];
  readonly log: Array<{ method: string; path: string; body: string }> = [];
  /** type → regions with capacity now. */
  capacity: Record<string, string[]> = { gpu_1x_a10: ['us-east-1'], gpu_1x_a100: ['us-west-2', 'us-east-1'], gpu_1x_h100_pcie: ['us-east-1'] };
  prices: Record<string, number> = { gpu_1x_a10: 75, gpu_1x_a100: 129, gpu_1x_h100_pcie: 249 };
  /** The next launches answer insufficient capacity although the listing showed capacity (it races). */
  raceCapacity = 0;
  /** The next launches answer 429. */
  rateLimited = 0;
  /** Boxes come up with a host key of their own, not the one user_data carried. */
  ignoreUserData = false;
  /** Instances stay booting and no box starts. */
  neverBoot = false;
  /** Instances whose name matches never boot (one box of a multi-node provision, say). */
  neverBootName: RegExp | null = null;
  /** Terminate answers 500 and changes nothing. */
  failTerminate = false;
  private server!: Server;
  private seq = 0;
  private starting: Promise<unknown>[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) => void this.handle(req, res).catch((err) => this.json(res, 500, { error: { code: 'global/internal-error', message: String(err) } })),
    );
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.origin}/api/v1`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    for (const i of this.instances.values()) i.box?.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  calls(re: RegExp): string[] {
    return this.log.map((l) => `${l.method} ${l.path}`).filter((l) => re.test(l));
  }

  private json(res: ServerResponse, status: number, doc: unknown): void {
    const t = JSON.stringify(doc);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t) });
    res.end(t);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.origin).pathname;
    this.log.push({ method: req.method ?? '', path, body: raw });
    const err = (status: number, code: string, message: string) => this.json(res, status, { error: { code, message } });
    if (req.headers.authorization !== `Basic ${Buffer.from(`${LAMBDA_KEY}:`).toString('base64')}`)
      return err(401, 'global/invalid-api-key', 'API key was invalid, expired, or deleted.');
    let body: Record<string, unknown> = {};
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return err(400, 'global/invalid-parameters', 'The request body is not valid JSON.');
      }
    }
    const region = (name: string) => ({ name, description: name });

    if (path === '/api/v1/ssh-keys' && req.method === 'GET') return this.json(res, 200, { data: this.keys });
    if (path === '/api/v1/ssh-keys' && req.method === 'POST') {
      const name = body['name'];
      const pub = body['public_key'];
      if (typeof name !== 'string' || name.length < 1 || name.length > 64) return err(400, 'global/invalid-parameters', 'name must be 1-64 characters');
      if (typeof pub !== 'string' || !/^ssh-(ed25519|rsa) [A-Za-z0-9+/=]+$/.test(pub))
        return err(400, 'global/invalid-parameters', 'public_key is not an SSH public key');
      if (this.keys.some((k) => k.name === name)) return err(400, 'global/duplicate', 'An SSH key with this name already exists.');
      const key = { id: `key${this.keys.length + 1}`, name, public_key: pub };
      this.keys.push(key);
      return this.json(res, 200, { data: key });
    }
    if (path === '/api/v1/instance-types' && req.method === 'GET')
      return this.json(res, 200, {
        data: Object.fromEntries(
          Object.keys(this.prices).map((t) => [
            t,
            {
              instance_type: {
                name: t,
                description: t,
                gpu_description: t,
                price_cents_per_hour: this.prices[t],
                specs: { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 },
              },
              regions_with_capacity_available: (this.capacity[t] ?? []).map(region),
            },
          ]),
        ),
      });
    if (path === '/api/v1/instance-operations/launch' && req.method === 'POST') return this.launch(body, res, err);
    if (path === '/api/v1/instances' && req.method === 'GET')
      return this.json(res, 200, { data: [...this.instances.values()].filter((i) => i.status !== 'terminated').map((i) => this.describe(i)) });
    const one = /^\/api\/v1\/instances\/([^/]+)$/.exec(path);
    if (one && req.method === 'GET') {
      const i = this.instances.get(decodeURIComponent(one[1]!));
      if (!i || i.status === 'terminated') return err(404, 'global/object-does-not-exist', 'Instance not found.');
      return this.json(res, 200, { data: this.describe(i) });
    }
    if (path === '/api/v1/instance-operations/terminate' && req.method === 'POST') {
      if (this.failTerminate) return err(500, 'global/internal-error', 'Something went wrong.');
      const ids = body['instance_ids'];
      if (!Array.isArray(ids) || !ids.length || !ids.every((x) => typeof x === 'string'))
        return err(400, 'global/invalid-parameters', 'instance_ids must be a list');
      const found = ids.map((id) => this.instances.get(id as string));
      if (found.some((i) => !i || i.status === 'terminated')) return err(404, 'global/object-does-not-exist', 'Instance not found.');
      for (const i of found as RentedInstance[]) {
        i.status = 'terminated';
        if (i.box) i.sshdLog = readFileSync(join(i.box.dir, 'sshd.log'), 'utf8');
        i.box?.destroy();
        i.box = null;
      }
      return this.json(res, 200, { data: { terminated_instances: (found as RentedInstance[]).map((i) => ({ id: i.id, status: 'terminating' })) } });
    }
    return err(404, 'global/object-does-not-exist', `no route ${req.method} ${path}`);
  }

  private launch(body: Record<string, unknown>, res: ServerResponse, err: (s: number, c: string, m: string) => void): void {
    const type = body['instance_type_name'];
    const where = body['region_name'];
    const names = body['ssh_key_names'];
    const name = body['name'] ?? '';
    const userData = body['user_data'] ?? '';
    if (typeof type !== 'string' || typeof where !== 'string') return err(400, 'global/invalid-parameters', 'region_name and instance_type_name are required');
    if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== 'string')
      return err(400, 'global/invalid-parameters', 'Currently, exactly one SSH key must be specified.');
    if (typeof name !== 'string' || name.length > 64) return err(400, 'global/invalid-parameters', 'name must be 64 characters or fewer');
    if (typeof userData !== 'string' || Buffer.byteLength(userData) > 1 << 20) return err(400, 'global/invalid-parameters', 'user_data must be at most 1 MB');
    const key = this.keys.find((k) => k.name === names[0]);
    if (!key) return err(404, 'global/object-does-not-exist', `SSH key ${String(names[0])} does not exist.`);
    if (!(type in this.prices)) return err(404, 'global/object-does-not-exist', `Instance type ${type} does not exist.`);
    if (this.rateLimited > 0) {
      this.rateLimited--;
      return err(429, 'global/too-many-requests', 'Launch requests are limited to 1 every 10 seconds.');
    }
    if (this.raceCapacity > 0 || !(this.capacity[type] ?? []).includes(where)) {
      if (this.raceCapacity > 0) this.raceCapacity--;
      return err(400, 'instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.');
    }
    const id = `${(++this.seq).toString(16).padStart(8, '0')}${'0'.repeat(24)}`;
    const inst: RentedInstance = { id, name, type, region: where, status: 'booting', box: null, userData, sshKeyNames: [key.name], sshdLog: '', activeAt: 0 };
    this.instances.set(id, inst);
    if (!this.neverBoot && !this.neverBootName?.test(inst.name)) this.starting.push(this.boot(inst, key.public_key));
    this.json(res, 200, { data: { instance_ids: [id] } });
  }

  /** An instance as Lambda's API describes it. */
  private describe(i: RentedInstance): Record<string, unknown> {
    const region = (name: string) => ({ name, description: name });
    return {
      id: i.id,
      name: i.name,
      status: i.status,
      ...(i.status === 'active' && i.box ? { ip: i.box.addr, private_ip: i.box.addr, hostname: i.name } : {}),
      ssh_key_names: i.sshKeyNames,
      file_system_names: [],
      region: region(i.region),
      instance_type: { name: i.type, description: i.type, gpu_description: i.type, price_cents_per_hour: this.prices[i.type] ?? 0 },
      actions: {},
    };
  }

  /** cloud-init's part: the host key from user_data's ssh_keys (unless told to ignore it), the account key let in. */
  private async boot(inst: RentedInstance, accountKey: string): Promise<void> {
    let box;
    try {
      box = await bootFromUserData(inst.userData, { ignoreHostKey: this.ignoreUserData, accountKeys: [accountKey] });
    } catch (err) {
      // An instance whose box cannot start ends terminated (provision then says so), never booting forever.
      process.stderr.write(`lambda double: instance ${inst.id} did not start: ${(err as Error).message}\n`);
      if (inst.status === 'booting') inst.status = 'terminated';
      return;
    }
    if (inst.status !== 'booting') return box.destroy(); // terminated while it booted
    inst.box = box;
    inst.status = 'active';
    inst.activeAt = Date.now();
  }
}
