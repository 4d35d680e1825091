import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createBox, type Box } from './box.ts';
import { runStartStep, sshdLogOf } from './cloud-init.ts';

/**
 * vast.ai for renting, on loopback, after its API reference (providers-rent-facts §1.3): Bearer auth;
 * `GET/POST /api/v0/ssh/` (account keys, injected into every new instance); `POST /api/v0/bundles/` (offers:
 * id, gpu_name, num_gpus, dph_total, min_bid, geolocation, rentable); `PUT /api/v0/asks/{id}/` (client_id me,
 * image, disk, runtype, onstart ≤ 4048 characters, env, label, price for a bid; `{success, new_contract}`);
 * `GET /api/v0/instances/{id}/` (`{instances: {...}}`, `{instances: null}` once gone) and `/instances/`;
 * `DELETE` and `PUT state=stopped`. An instance starts a real box whose sshd comes up with a host key of its
 * own (vast's), and is `running` from then; its `onstart` runs a moment later, as vast runs it after start.
 */
export const VAST_KEY = 'vast-rent-secret';

export interface Offer {
  id: number;
  gpu_name: string;
  dph_total: number;
  geolocation: string;
}

export interface VastInstance {
  id: number;
  label: string;
  offer: number;
  actual_status: 'loading' | 'running' | 'exited' | 'stopped' | 'destroyed' | null;
  intended_status: 'running' | 'stopped';
  bid: number | null;
  image: string;
  onstart: string;
  env: Record<string, string>;
  box: Box | null;
  onstartOutput: string;
  /** The box's sshd log, kept when it went. */
  sshdLog: string;
  dph_total: number;
  /** The instance's disk while it is stopped (a copy of the box's home): a start gets it back. */
  disk: string | null;
  /** The bid that outbid this interruptible: only a higher one takes the machine back. */
  outbidBy: number | null;
}

export class VastDouble {
  readonly instances = new Map<number, VastInstance>();
  readonly keys: Array<{ id: number; user_id: number; key: string; created_at: string; deleted_at: null }> = [];
  readonly log: Array<{ method: string; path: string; body: string }> = [];
  offers: Offer[] = [
    { id: 5006600, gpu_name: 'RTX 4090', dph_total: 0.41, geolocation: 'Norway, NO' },
    { id: 5006601, gpu_name: 'RTX 4090', dph_total: 0.35, geolocation: 'California, US' },
    { id: 5006700, gpu_name: 'A100 SXM4', dph_total: 1.1, geolocation: 'Texas, US' },
  ];
  /** Offers someone else rents between the search and the create. */
  taken = new Set<number>();
  /** Credit left: at 0 a create answers insufficient credit. */
  credit = 50;
  /** Instances never leave `loading`, or exit at once (a broken image). */
  neverBoot = false;
  exitOnBoot = false;
  /** onstart is not run (a template whose own onstart replaced it): the box keeps vast's key. */
  ignoreOnstart = false;
  /** Milliseconds between running and onstart. */
  onstartDelayMs = 1500;
  private server!: Server;
  private seq = 17_000_000;
  private starting: Promise<unknown>[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) => void this.handle(req, res).catch((err) => this.json(res, 500, { success: false, error: 'server_error', msg: String(err) })),
    );
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.origin}/api/v0`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    for (const i of this.instances.values()) {
      i.box?.destroy();
      if (i.disk) rmSync(i.disk, { recursive: true, force: true });
    }
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
    const url = new URL(req.url ?? '/', this.origin);
    const path = url.pathname;
    this.log.push({ method: req.method ?? '', path: `${path}${url.search}`, body: raw });
    const fail = (status: number, error: string, msg: string) => this.json(res, status, { success: false, error, msg });
    if (req.headers.authorization !== `Bearer ${VAST_KEY}`) return fail(401, 'invalid_api_key', 'Invalid user key');
    let body: Record<string, unknown> = {};
    if ((req.method === 'POST' || req.method === 'PUT') && raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return fail(400, 'invalid_args', 'the body is not JSON');
      }
    }
    if (path === '/api/v0/ssh/' && req.method === 'GET') return this.json(res, 200, this.keys);
    if (path === '/api/v0/ssh/' && req.method === 'POST') {
      const k = body['ssh_key'];
      if (typeof k !== 'string' || !/^ssh-(ed25519|rsa) [A-Za-z0-9+/=]+/.test(k)) return fail(400, 'invalid_args', 'ssh_key is not an OpenSSH public key');
      const key = { id: this.keys.length + 101, user_id: 7, key: k, created_at: new Date().toISOString(), deleted_at: null };
      this.keys.push(key);
      return this.json(res, 200, { success: true, key: { id: key.id, user_id: 7, public_key: k, created_at: key.created_at, deleted_at: null } });
    }
    if (path === '/api/v0/bundles/' && req.method === 'POST') {
      const names = ((body['gpu_name'] as { in?: string[] } | undefined)?.in ?? []) as string[];
      const rented = new Set([...this.instances.values()].filter((i) => i.actual_status !== 'destroyed').map((i) => i.offer));
      return this.json(res, 200, {
        offers: this.offers
          .filter((o) => names.includes(o.gpu_name) && !rented.has(o.id))
          .map((o) => ({
            ...o,
            num_gpus: 1,
            rentable: true,
            rented: false,
            min_bid: Math.round(o.dph_total * 40) / 100,
            machine_id: o.id % 1000,
            is_bid: false,
          })),
      });
    }
    const ask = /^\/api\/v0\/asks\/(\d+)\/$/.exec(path);
    if (ask && req.method === 'PUT') return this.rent(Number(ask[1]), body, res, fail);
    if (path === '/api/v0/instances/' && req.method === 'GET')
      return this.json(res, 200, { instances: [...this.instances.values()].filter((i) => i.actual_status !== 'destroyed').map((i) => this.describe(i)) });
    const one = /^\/api\/v0\/instances\/(\d+)\/$/.exec(path);
    if (one) {
      const i = this.instances.get(Number(one[1]));
      if (req.method === 'GET') return this.json(res, 200, { instances: i && i.actual_status !== 'destroyed' ? this.describe(i) : null });
      if (!i || i.actual_status === 'destroyed') return fail(404, 'no_such_instance', 'Instance not found');
      if (req.method === 'DELETE') {
        i.actual_status = 'destroyed';
        if (i.disk) rmSync(i.disk, { recursive: true, force: true });
        i.disk = null;
        i.sshdLog = sshdLogOf(i.box);
        i.box?.destroy();
        i.box = null;
        return this.json(res, 200, { success: true });
      }
      if (req.method === 'PUT' && body['state'] === 'stopped') {
        this.stopInstance(i);
        return this.json(res, 200, { success: true });
      }
      if (req.method === 'PUT' && body['state'] === 'running') {
        // A stopped instance starts on its own machine when it is free: for an outbid one, only with a higher bid.
        if (i.actual_status === 'stopped' && (i.outbidBy === null || (i.bid ?? 0) > i.outbidBy)) {
          i.intended_status = 'running';
          i.outbidBy = null;
          this.starting.push(this.boot(i));
        }
        return this.json(res, 200, { success: true });
      }
    }
    const bid = /^\/api\/v0\/instances\/bid_price\/(\d+)\/$/.exec(path);
    if (bid && req.method === 'PUT') {
      const i = this.instances.get(Number(bid[1]));
      if (!i || i.actual_status === 'destroyed') return fail(404, 'no_such_instance', 'Instance not found');
      if (body['client_id'] !== 'me' || typeof body['price'] !== 'number' || !(body['price'] > 0))
        return fail(400, 'invalid_args', 'client_id me and a price are required');
      if (i.bid === null) return fail(400, 'invalid_args', 'not an interruptible instance');
      i.bid = body['price'];
      return this.json(res, 200, { success: true });
    }
    return fail(404, 'not_found', `no route ${req.method} ${path}`);
  }

  private rent(offerId: number, body: Record<string, unknown>, res: ServerResponse, fail: (s: number, e: string, m: string) => void): void {
    const offer = this.offers.find((o) => o.id === offerId);
    if (body['client_id'] !== 'me') return fail(400, 'invalid_args', 'client_id must be me');
    if (typeof body['image'] !== 'string' || !body['image']) return fail(400, 'invalid_args', 'image is required');
    if (typeof body['onstart'] === 'string' && body['onstart'].length > 4048) return fail(400, 'invalid_args', 'onstart is limited to 4048 characters');
    const env = body['env'] ?? {};
    if (typeof env !== 'object' || Array.isArray(env)) return fail(400, 'invalid_args', 'env must be an object');
    if (this.credit <= 0) return fail(402, 'insufficient_credit', 'Your account lacks credit; see the billing page.');
    const rented = [...this.instances.values()].some((i) => i.offer === offerId && i.actual_status !== 'destroyed');
    if (!offer || this.taken.has(offerId) || rented) return fail(400, 'no_such_ask', `Instance type by id ${offerId} is not available.`);
    const inst: VastInstance = {
      id: ++this.seq,
      label: typeof body['label'] === 'string' ? body['label'] : '',
      offer: offerId,
      actual_status: null,
      intended_status: 'running',
      bid: typeof body['price'] === 'number' ? body['price'] : null,
      image: body['image'],
      onstart: typeof body['onstart'] === 'string' ? body['onstart'] : '',
      env: env as Record<string, string>,
      box: null,
      onstartOutput: '',
      sshdLog: '',
      dph_total: offer.dph_total,
      disk: null,
      outbidBy: null,
    };
    this.instances.set(inst.id, inst);
    if (!this.neverBoot) this.starting.push(this.boot(inst));
    this.json(res, 200, { success: true, new_contract: inst.id });
  }

  private describe(i: VastInstance): Record<string, unknown> {
    const o = this.offers.find((x) => x.id === i.offer);
    return {
      id: i.id,
      label: i.label,
      machine_id: i.offer % 1000,
      actual_status: i.actual_status,
      intended_status: i.intended_status,
      cur_state: i.actual_status === 'running' ? 'running' : 'stopped',
      next_state: i.intended_status,
      status_msg: i.actual_status === 'exited' ? 'Error response from daemon: image failed to start' : '',
      image_uuid: i.image,
      gpu_name: o?.gpu_name ?? '',
      num_gpus: 1,
      dph_total: i.bid ?? i.dph_total,
      is_bid: i.bid !== null,
      geolocation: o?.geolocation ?? '',
      ssh_host: i.box ? 'ssh5.vast.ai' : null,
      ssh_port: i.box ? 21_000 + (i.id % 1000) : null,
      ...(i.box ? { public_ipaddr: i.box.addr, ports: { '22/tcp': [{ HostIp: '0.0.0.0', HostPort: '22' }] } } : { public_ipaddr: null, ports: {} }),
      start_date: Date.now() / 1000,
      extra_env: Object.keys(i.env).map((k) => [k, '***']),
    };
  }

  /**
   * A higher bid takes the machine (vast's `client:outbid`): the interruptible is stopped, its processes killed,
   * its disk kept; vast reports it stopped in all three of its state fields. An on-demand instance is stopped
   * the same way by `stop` (a stop from vast's own console).
   */
  outbid(id: number, by?: number): void {
    const i = this.instances.get(id);
    if (!i || i.bid === null) throw new Error(`${id} is not an interruptible of this double`);
    i.outbidBy = by ?? i.bid * 1.1;
    this.stopInstance(i);
  }
  stopInstance(i: VastInstance): void {
    i.intended_status = 'stopped';
    i.actual_status = 'stopped';
    i.sshdLog = sshdLogOf(i.box);
    // The disk is kept while stopped (vast bills it): the box's home, with the run record and checkpoints.
    if (i.box) {
      i.disk = mkdtempSync(join(tmpdir(), `vast-disk-${i.id}-`));
      cpSync(i.box.home, i.disk, { recursive: true, preserveTimestamps: true });
    }
    i.box?.destroy();
    i.box = null;
  }

  /** The container starts with vast's own sshd (its own host key, the account keys let in); onstart runs after. */
  private async boot(i: VastInstance): Promise<void> {
    i.actual_status = 'loading';
    let box: Box;
    try {
      box = await createBox({ authorizedKeys: this.keys.map((k) => k.key) });
    } catch (err) {
      // A container that cannot start is one vast reports exited (provision then moves on), never one left loading.
      process.stderr.write(`vast double: instance ${i.id} did not start: ${(err as Error).message}\n`);
      if (i.actual_status === 'loading') i.actual_status = 'exited';
      return;
    }
    if (i.actual_status !== 'loading') return box.destroy();
    if (this.exitOnBoot) {
      box.destroy();
      i.actual_status = 'exited';
      return;
    }
    if (i.disk) {
      cpSync(i.disk, box.home, { recursive: true, preserveTimestamps: true });
      rmSync(i.disk, { recursive: true, force: true });
      i.disk = null;
    }
    i.box = box;
    i.actual_status = 'running';
    if (this.ignoreOnstart || !i.onstart) return;
    await new Promise((r) => setTimeout(r, this.onstartDelayMs));
    if (i.box !== box) return;
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    i.onstartOutput = await runStartStep(box, `bash -c ${q(i.onstart)}`, i.env);
  }
}
