import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local doubles of four provider APIs, each under its own path prefix on one loopback server, following
 * the documented request and response shapes (runbook-facts §5.3): Lambda Cloud v1 (Basic auth, POST
 * /instance-operations/terminate, 404 with an error object once gone), RunPod REST v2 (Bearer, DELETE
 * /v2/pods/{id}, POST /v2/pods/{id}/action stop, 404 problem documents once gone), vast.ai v0 (Bearer, DELETE / PUT state=stopped,
 * `instances: null` once gone) and the EC2 Query API (SigV4 checked, XML). Faults: a delete that
 * answers 200 while the instance lingers, a call that never answers, and 5xx.
 */

export type Kind = 'lambda' | 'runpod' | 'vastai' | 'aws';

export interface FakeInstance {
  kind: Kind;
  id: string;
  /** running → (stopping) → stopped, or → terminating → gone. */
  status: 'running' | 'stopping' | 'stopped' | 'terminating' | 'gone';
  /** GETs that still show the instance after a delete/stop before it reaches its end state. */
  linger: number;
  target?: 'stopped' | 'gone';
}

export interface Fault {
  kind: Kind;
  /** 'get' | 'delete' | 'stop' | 'leftovers' */
  op: string;
  behaviour: 'hang' | 500 | 503 | 429;
  times: number;
}

export const KEYS = { lambda: 'lambda-secret-key', runpod: 'rpa_secret_key', vastai: 'vast-secret-key' } as const;
export const AWS_CREDS = { accessKeyId: 'AKIATETHERTEST000001', secretAccessKey: 'tether/test/secret/key/0000000000000000000', region: 'eu-west-1' };

export class ProviderDouble {
  readonly instances = new Map<string, FakeInstance>();
  readonly log: Array<{ kind: Kind; method: string; path: string; body: string }> = [];
  readonly faults: Fault[] = [];
  /** Listed by the leftovers audit. */
  leftovers = true;
  private server!: Server;
  private hanging: ServerResponse[] = [];
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  url(kind: Kind): string {
    return `${this.origin}/${kind}${kind === 'lambda' ? '/api/v1' : kind === 'runpod' ? '/v2' : kind === 'vastai' ? '/api/v0' : '/'}`;
  }

  add(kind: Kind, id: string, linger = 0): FakeInstance {
    const inst: FakeInstance = { kind, id, status: 'running', linger };
    this.instances.set(`${kind}:${id}`, inst);
    return inst;
  }

  calls(kind: Kind, op?: RegExp): Array<{ method: string; path: string; body: string }> {
    return this.log.filter((l) => l.kind === kind && (!op || op.test(`${l.method} ${l.path}`)));
  }

  private fault(kind: Kind, op: string): Fault | undefined {
    const f = this.faults.find((x) => x.kind === kind && x.op === op && x.times > 0);
    if (f) f.times--;
    return f;
  }

  /** A read: an instance that is on its way shows its in-between state `linger` times, then arrives. */
  private look(inst: FakeInstance | undefined): FakeInstance | undefined {
    if (!inst || inst.status === 'gone') return undefined;
    if (inst.target && (inst.status === 'terminating' || inst.status === 'stopping')) {
      if (inst.linger > 0) inst.linger--;
      else inst.status = inst.target;
      if (inst.status === 'gone') return undefined;
    }
    return inst;
  }

  private begin(inst: FakeInstance, target: 'stopped' | 'gone'): void {
    inst.target = target;
    inst.status = target === 'gone' ? 'terminating' : 'stopping';
    if (inst.linger === 0) inst.status = target;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.origin);
    const kind = url.pathname.split('/')[1] as Kind;
    this.log.push({ kind, method: req.method ?? '', path: url.pathname, body });
    const json = (status: number, doc: unknown) => {
      const t = JSON.stringify(doc);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(t) });
      res.end(t);
    };
    const faulted = (op: string) => {
      const f = this.fault(kind, op);
      if (!f) return false;
      if (f.behaviour === 'hang') this.hanging.push(res);
      else json(f.behaviour, { error: 'injected fault' });
      return true;
    };
    const p = url.pathname;
    if (kind === 'lambda') {
      if (req.headers.authorization !== `Basic ${Buffer.from(`${KEYS.lambda}:`).toString('base64')}`)
        return json(401, { error: { code: 'global/invalid-api-key', message: 'API key was invalid, expired, or deleted.' } });
      const m = /^\/lambda\/api\/v1\/instances\/([^/]+)$/.exec(p);
      if (m && req.method === 'GET') {
        if (faulted('get')) return;
        const inst = this.look(this.instances.get(`lambda:${decodeURIComponent(m[1]!)}`));
        if (!inst) return json(404, { error: { code: 'global/object-does-not-exist', message: 'Instance not found' } });
        return json(200, {
          data: {
            id: inst.id,
            status: inst.status === 'running' ? 'active' : inst.status === 'terminating' ? 'terminating' : 'terminated',
            ip: '198.51.100.7',
            region: { name: 'us-east-1' },
          },
        });
      }
      if (p === '/lambda/api/v1/instance-operations/terminate' && req.method === 'POST') {
        if (faulted('delete')) return;
        let ids: unknown;
        try {
          ids = (JSON.parse(body) as { instance_ids?: unknown }).instance_ids;
        } catch {
          return json(400, { error: { code: 'global/invalid-parameters', message: 'body is not JSON' } });
        }
        if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string'))
          return json(400, { error: { code: 'global/invalid-parameters', message: 'instance_ids must be a list of ids' } });
        const found = ids.map((id) => this.instances.get(`lambda:${id}`)).filter((i): i is FakeInstance => !!i && i.status !== 'gone');
        if (found.length !== ids.length) return json(404, { error: { code: 'global/object-does-not-exist', message: 'Instance not found' } });
        for (const inst of found) this.begin(inst, 'gone');
        return json(200, { data: { terminated_instances: found.map((i) => ({ id: i.id, status: 'terminating' })) } });
      }
      if (p === '/lambda/api/v1/file-systems' && req.method === 'GET') {
        if (faulted('leftovers')) return;
        return json(200, {
          data: this.leftovers ? [{ id: 'fs-1', name: 'datasets', region: { name: 'us-east-1' }, bytes_used: 53687091200, is_in_use: false }] : [],
        });
      }
    }
    if (kind === 'runpod') {
      // REST v2 (api.runpod.io/v2): errors are problem documents {title, status, detail}.
      const problem = (status: number, title: string, detail: string) => {
        const t = JSON.stringify({ title, status, detail });
        res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(t) });
        res.end(t);
      };
      if (req.headers.authorization !== `Bearer ${KEYS.runpod}`) return problem(401, 'Unauthorized', 'missing or invalid API key');
      const m = /^\/runpod\/v2\/pods\/([^/]+)(\/action)?$/.exec(p);
      if (m) {
        const key = `runpod:${decodeURIComponent(m[1]!)}`;
        if (req.method === 'GET' && !m[2]) {
          if (faulted('get')) return;
          const inst = this.look(this.instances.get(key));
          if (!inst) return problem(404, 'Not Found', 'pod not found');
          const status = inst.status === 'running' ? 'RUNNING' : inst.status === 'stopped' ? 'EXITED' : inst.status === 'stopping' ? 'RUNNING' : 'RUNNING';
          return json(200, {
            id: inst.id,
            name: inst.id,
            status,
            actions: status === 'RUNNING' ? ['stop', 'restart', 'terminate'] : ['start', 'terminate'],
            cost: 2.49,
            gpu: { id: 'NVIDIA H100 80GB HBM3', count: 1 },
          });
        }
        const inst = this.instances.get(key);
        if (req.method === 'DELETE' && !m[2]) {
          if (faulted('delete')) return;
          if (!inst || inst.status === 'gone') return problem(404, 'Not Found', 'pod not found');
          this.begin(inst, 'gone');
          res.writeHead(204);
          res.end();
          return;
        }
        if (req.method === 'POST' && m[2]) {
          if (faulted('stop')) return;
          let action: unknown;
          try {
            action = (JSON.parse(body) as { action?: unknown }).action;
          } catch {
            return problem(400, 'Bad Request', 'body is not JSON');
          }
          if (!['start', 'stop', 'restart', 'reset', 'terminate'].includes(String(action)))
            return problem(422, 'Unprocessable Entity', `$.action: value '${String(action)}' is not one of the allowed values`);
          if (!inst || inst.status === 'gone') return problem(404, 'Not Found', 'pod not found');
          if (action !== 'stop') return problem(409, 'Conflict', `action ${String(action)} is not handled by this double`);
          this.begin(inst, 'stopped');
          return json(200, { id: inst.id, name: inst.id, status: inst.status === 'stopped' ? 'EXITED' : 'RUNNING' });
        }
      }
      if (p === '/runpod/v2/network-volumes' && req.method === 'GET') {
        if (faulted('leftovers')) return;
        return json(200, { networkVolumes: this.leftovers ? [{ id: 'nv-1', name: 'ckpt-volume', size: 200, dataCenter: 'EU-RO-1', type: 'STANDARD' }] : [] });
      }
    }
    if (kind === 'vastai') {
      if (req.headers.authorization !== `Bearer ${KEYS.vastai}`) return json(401, { success: false, error: 'invalid_api_key' });
      const m = /^\/vastai\/api\/v0\/instances\/([^/]+)\/$/.exec(p);
      if (m) {
        const key = `vastai:${decodeURIComponent(m[1]!)}`;
        if (req.method === 'GET') {
          if (faulted('get')) return;
          const inst = this.look(this.instances.get(key));
          if (!inst) return json(200, { instances: null });
          const actual = inst.status === 'running' ? 'running' : inst.status === 'stopped' ? 'exited' : inst.status === 'stopping' ? 'running' : 'exited';
          return json(200, {
            instances: {
              id: Number(inst.id),
              actual_status: actual,
              intended_status: inst.status === 'running' ? 'running' : 'stopped',
              cur_state: inst.status === 'running' ? 'running' : 'stopped',
              status_msg: inst.status === 'terminating' ? 'destroying' : '',
            },
          });
        }
        const inst = this.instances.get(key);
        if (req.method === 'DELETE') {
          if (faulted('delete')) return;
          if (!inst || inst.status === 'gone') return json(404, { success: false, error: 'no_such_instance' });
          this.begin(inst, 'gone');
          return json(200, { success: true });
        }
        if (req.method === 'PUT') {
          if (faulted('stop')) return;
          let state: unknown;
          try {
            state = (JSON.parse(body) as { state?: unknown }).state;
          } catch {
            return json(400, { success: false, error: 'invalid_json' });
          }
          if (state !== 'stopped' && state !== 'running') return json(400, { success: false, error: 'invalid_args', msg: 'state must be running or stopped' });
          if (!inst || inst.status === 'gone') return json(404, { success: false, error: 'no_such_instance' });
          this.begin(inst, 'stopped');
          return json(200, { success: true });
        }
      }
      if (p === '/vastai/api/v0/volumes/' && req.method === 'GET') {
        if (faulted('leftovers')) return;
        return json(200, { volumes: this.leftovers ? [{ id: 77, disk_space: 100, status: 'available' }] : [] });
      }
    }
    if (kind === 'aws' && req.method === 'POST' && p === '/aws/') return this.ec2(req, p, body, res);
    json(404, { error: `no route ${req.method} ${p}` });
  }

  private ec2(req: IncomingMessage, path: string, body: string, res: ServerResponse): void {
    const xml = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (status: number, code: string, message: string) =>
      xml(
        status,
        `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>`,
      );
    if (!verifySigV4(req, path, body)) return error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    const q = new URLSearchParams(body);
    if (q.get('Version') !== '2016-11-15') return error(400, 'InvalidParameterValue', 'unsupported Version');
    const action = q.get('Action');
    const NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
    if (action === 'DescribeVolumes') {
      if (this.fault('aws', 'leftovers')) return error(503, 'Unavailable', 'injected');
      return xml(
        200,
        `<DescribeVolumesResponse ${NS}><volumeSet>${this.leftovers ? '<item><volumeId>vol-0abc</volumeId><size>500</size><status>available</status></item>' : ''}</volumeSet></DescribeVolumesResponse>`,
      );
    }
    const id = q.get('InstanceId.1') ?? '';
    const op = action === 'DescribeInstances' ? 'get' : action === 'TerminateInstances' ? 'delete' : action === 'StopInstances' ? 'stop' : '';
    if (!op) return error(400, 'InvalidAction', `unknown action ${action}`);
    const f = this.fault('aws', op);
    if (f) {
      if (f.behaviour === 'hang') return void this.hanging.push(res);
      return error(f.behaviour, 'InternalError', 'injected fault');
    }
    const inst = this.instances.get(`aws:${id}`);
    const name = (i: FakeInstance) =>
      ({ running: 'running', stopping: 'stopping', stopped: 'stopped', terminating: 'shutting-down', gone: 'terminated' })[i.status];
    if (op === 'get') {
      const seen = this.look(inst);
      // EC2 keeps listing a terminated instance for a while, as `terminated`.
      if (!inst) return error(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
      return xml(
        200,
        `<DescribeInstancesResponse ${NS}><reservationSet><item><instancesSet><item><instanceId>${id}</instanceId><instanceState><code>16</code><name>${seen ? name(seen) : 'terminated'}</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>`,
      );
    }
    if (!inst || inst.status === 'gone') return error(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    this.begin(inst, op === 'delete' ? 'gone' : 'stopped');
    const tagName = op === 'delete' ? 'TerminateInstancesResponse' : 'StopInstancesResponse';
    return xml(
      200,
      `<${tagName} ${NS}><instancesSet><item><instanceId>${id}</instanceId><currentState><name>${name(inst)}</name></currentState></item></instancesSet></${tagName}>`,
    );
  }
}

/** Recomputes AWS Signature V4 from the request as received (written apart from the client's signer). */
export function verifySigV4(req: IncomingMessage, path: string, body: string): boolean {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/ec2\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== AWS_CREDS.accessKeyId || m[3] !== AWS_CREDS.region) return false;
  const [, , day, region, signed, signature] = m as unknown as string[];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (
    !amzDate.startsWith(day!) ||
    Math.abs(
      Date.parse(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      ) - Date.now(),
    ) > 300_000
  )
    return false;
  const names = signed!.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return false;
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? '').trim()}\n`).join('');
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n${path}\n\n${canonicalHeaders}\n${signed}\n${sha(body)}`;
  const scope = `${day}/${region}/ec2/aws4_request`;
  const sts = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha(canonical)}`;
  let k: Buffer = createHmac('sha256', `AWS4${AWS_CREDS.secretAccessKey}`).update(day!).digest();
  for (const part of [region!, 'ec2', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return createHmac('sha256', k).update(sts).digest('hex') === signature;
}
