import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBox, type Box } from './box.ts';
import { runStartStep, sshdLogOf } from './cloud-init.ts';

/**
 * Paperspace for renting, on loopback, after its v1 API (providers-rent-facts §1.5; SkyPilot's client): Bearer
 * auth; errors `{code, message}`; `POST/DELETE /v1/startup-scripts` (name, script, isRunOnce); `POST /v1/machines`
 * (name, machineType, templateId, region, diskSize, publicIpType, startupScriptId, startOnCreate; `{data:
 * machine}`); `GET /v1/machines/{id}` and `/v1/machines` (`{items, hasMore, nextPage}`); `PATCH …/stop`;
 * `DELETE /v1/machines/{id}`. A machine boots a real box whose sshd comes up with its image's own host key,
 * then runs the startup script as root once (it is first boot), as Paperspace does.
 */
export const PAPERSPACE_KEY = 'ps-rent-secret';

export interface Machine {
  id: string;
  name: string;
  machineType: string;
  region: string;
  templateId: string;
  state: 'provisioning' | 'starting' | 'ready' | 'off' | 'stopping';
  startupScriptId: string;
  box: Box | null;
  scriptOutput: string;
  sshdLog: string;
}

export class PaperspaceDouble {
  readonly machines = new Map<string, Machine>();
  readonly scripts = new Map<string, { name: string; script: string; isRunOnce: boolean }>();
  readonly log: Array<{ method: string; path: string; body: string }> = [];
  /** machineType → regions with stock. */
  stock: Record<string, string[]> = { A100: ['ny2', 'ams1'], H100: ['ny2'] };
  /** The startup script is not run (a template without Paperspace's agent): the box keeps its own key. */
  skipScript = false;
  neverBoot = false;
  private server!: Server;
  private seq = 0;
  private starting: Promise<unknown>[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err) => this.json(res, 500, { code: 500, message: String(err) })));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get url(): string {
    return `${this.origin}/v1`;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.starting);
    for (const m of this.machines.values()) m.box?.destroy();
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
    this.log.push({ method: req.method ?? '', path, body: raw });
    const fail = (status: number, message: string) => this.json(res, status, { code: status, message });
    if (req.headers.authorization !== `Bearer ${PAPERSPACE_KEY}`) return fail(401, 'Unauthorized: invalid API key');
    let body: Record<string, unknown> = {};
    if (req.method === 'POST' && raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return fail(400, 'Invalid JSON body');
      }
    }
    if (path === '/v1/startup-scripts' && req.method === 'POST') {
      if (typeof body['name'] !== 'string' || typeof body['script'] !== 'string') return fail(400, 'name and script are required');
      const id = `scr${(++this.seq).toString(36)}`;
      this.scripts.set(id, { name: body['name'], script: body['script'], isRunOnce: body['isRunOnce'] === true });
      return this.json(res, 200, { id, name: body['name'], isRunOnce: body['isRunOnce'] === true, isEnabled: true });
    }
    const scr = /^\/v1\/startup-scripts\/([^/]+)$/.exec(path);
    if (scr && req.method === 'DELETE') {
      if (!this.scripts.delete(scr[1]!)) return fail(404, 'Startup script not found');
      return this.json(res, 200, { id: scr[1] });
    }
    if (path === '/v1/machines' && req.method === 'POST') return this.create(body, res, fail);
    if (path === '/v1/machines' && req.method === 'GET')
      return this.json(res, 200, { items: [...this.machines.values()].map((m) => this.describe(m)), hasMore: false });
    const one = /^\/v1\/machines\/([^/]+)(\/stop)?$/.exec(path);
    if (one) {
      const m = this.machines.get(one[1]!);
      if (!m) return fail(404, 'Machine not found');
      if (!one[2] && req.method === 'GET') return this.json(res, 200, { data: this.describe(m) });
      if (!one[2] && req.method === 'DELETE') {
        this.machines.delete(m.id);
        m.sshdLog = sshdLogOf(m.box);
        m.box?.destroy();
        m.box = null;
        return this.json(res, 200, { data: this.describe(m) });
      }
      if (one[2] && req.method === 'PATCH') {
        m.state = 'off';
        m.sshdLog = sshdLogOf(m.box);
        m.box?.destroy();
        m.box = null;
        return this.json(res, 200, { data: this.describe(m) });
      }
    }
    return fail(404, `no route ${req.method} ${path}`);
  }

  private create(body: Record<string, unknown>, res: ServerResponse, fail: (s: number, m: string) => void): void {
    for (const k of ['name', 'machineType', 'templateId', 'region'] as const) if (typeof body[k] !== 'string' || !body[k]) return fail(400, `${k} is required`);
    const sid = body['startupScriptId'];
    if (sid !== undefined && (typeof sid !== 'string' || !this.scripts.has(sid))) return fail(400, 'startupScriptId does not exist');
    const type = body['machineType'] as string;
    if (!(type in this.stock)) return fail(400, `Invalid machineType ${type}`);
    if (!this.stock[type]!.includes(body['region'] as string)) return fail(400, `${type} is out of capacity in ${String(body['region'])}`);
    const m: Machine = {
      id: `ps${(++this.seq).toString(36).padStart(6, '0')}`,
      name: body['name'] as string,
      machineType: type,
      region: body['region'] as string,
      templateId: body['templateId'] as string,
      state: 'provisioning',
      startupScriptId: (sid as string | undefined) ?? '',
      box: null,
      scriptOutput: '',
      sshdLog: '',
    };
    this.machines.set(m.id, m);
    if (!this.neverBoot) this.starting.push(this.boot(m));
    this.json(res, 200, { data: this.describe(m) });
  }

  private describe(m: Machine): Record<string, unknown> {
    return {
      id: m.id,
      name: m.name,
      state: m.state,
      machineType: m.machineType,
      region: m.region,
      publicIp: m.state === 'ready' && m.box ? m.box.addr : null,
      privateIp: m.box ? m.box.addr : null,
      publicIpType: 'dynamic',
      startupScriptId: m.startupScriptId || null,
      dtCreated: new Date().toISOString(),
    };
  }

  /** First boot: the image's sshd (its own key), then the startup script once, as root. */
  private async boot(m: Machine): Promise<void> {
    let box;
    try {
      box = await createBox();
    } catch (err) {
      // A machine that cannot start is one Paperspace reports off (provision then says so), never provisioning forever.
      process.stderr.write(`paperspace double: machine ${m.id} did not start: ${(err as Error).message}\n`);
      if (m.state === 'provisioning') m.state = 'off';
      return;
    }
    if (!this.machines.has(m.id) || m.state !== 'provisioning') return box.destroy();
    m.box = box;
    m.state = 'ready';
    // The agent fetches the script after the machine reports ready: one deleted before then never runs.
    await new Promise((r) => setTimeout(r, 500));
    const s = this.scripts.get(m.startupScriptId);
    if (!s || this.skipScript || m.box !== box) return;
    const q = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;
    // The box's login is root with its own authorized_keys: that is where the login key goes here.
    m.scriptOutput = await runStartStep(box, `TETHER_LOGIN_USER=root TETHER_AUTHORIZED_KEYS=${q(`${box.dir}/authorized_keys`)} bash -c ${q(s.script)}`, {});
  }
}
