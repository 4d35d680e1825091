import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local double of GitHub's artifact results service (Twirp, protobuf-JSON) and of the Azure
 * block-blob endpoint its signed URLs point at, following anchors.md §G: requests must use the proto
 * (snake_case) field names with int64 as strings, the JWT's `Actions.Results:<run>:<job>` scope must
 * match the ids in the body, blocks are stored by id and assembled in block-list order, Finalize's
 * size and sha256 are checked against the assembled bytes, a duplicate name in one workflow run is a
 * 409, every error body is JSON, and faults (5xx, quota, stalled PUTs) can be injected.
 */

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const KEY = 'tether-artifact-double';

const FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  CreateArtifact: { required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name', 'version'], optional: ['expires_at', 'mime_type'] },
  FinalizeArtifact: { required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name', 'size'], optional: ['hash'] },
  ListArtifacts: { required: ['workflow_run_backend_id', 'workflow_job_run_backend_id'], optional: ['name_filter', 'id_filter'] },
  GetSignedArtifactURL: { required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name'], optional: [] },
  DeleteArtifact: { required: ['workflow_run_backend_id', 'workflow_job_run_backend_id', 'name'], optional: [] },
};

export interface StoredArtifact {
  id: number;
  runId: string;
  jobId: string;
  name: string;
  expiresAt: string | null;
  mimeType: string | null;
  blobPath: string;
  blocks: Map<string, Buffer>;
  /** Block ids in the order the committed block list named them. */
  blockList: string[];
  /** Assembled by the block-list PUT. */
  bytes: Buffer | null;
  contentType: string | null;
  finalized: boolean;
  size: number;
  digest: string | null;
  createdAt: string;
}

export interface Fault {
  /** A Twirp method name, or 'block' / 'blocklist' / 'download' for blob routes. */
  route: string;
  status: number;
  /** How many requests in a row get it. */
  times: number;
  msg?: string;
}

export class ArtifactDouble {
  readonly artifacts: StoredArtifact[] = [];
  /** Every request, for assertions: route and, for Twirp, the raw JSON body. */
  readonly requests: { route: string; body?: unknown; query?: string }[] = [];
  readonly faults: Fault[] = [];
  /** Block PUTs answered by never responding (the client's stall timeout must end the upload). */
  stallBlocks = false;
  /** Holds the first block PUT this long, so later blocks arrive before it (order must come from the block list). */
  delayFirstBlockMs = 0;
  /** Block ids in arrival order. */
  readonly blockArrivals: string[] = [];
  private nextId = 1000;
  private delayedOne = false;
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) => json(res, 500, { code: 'internal', msg: err.message }));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The environment the client reads (anchors §G.1) for a job of a workflow run. */
  env(runId = 'run-1', jobId = 'job-1'): Record<string, string> {
    return {
      ACTIONS_RUNTIME_TOKEN: mintToken(runId, jobId),
      // Only the origin is used by the client; a path here proves it is dropped.
      ACTIONS_RESULTS_URL: `${this.origin}/ignored/path/`,
      GITHUB_SERVER_URL: 'https://github.localhost',
      NO_PROXY: '127.0.0.1,localhost',
    };
  }

  /** The REST routes' view (the GitHub double's artifactStore): a run's finalized artifacts, and a signed read URL by id. */
  restStore(): {
    list(runId: string): Array<{ id: number; name: string; size: number; digest: string | null; createdAt: string; expiresAt: string | null }>;
    signedUrl(id: number): string | null;
  } {
    return {
      list: (runId) =>
        this.artifacts
          .filter((a) => a.finalized && a.runId === runId)
          .map((a) => ({ id: a.id, name: a.name, size: a.size, digest: a.digest, createdAt: a.createdAt, expiresAt: a.expiresAt })),
      signedUrl: (id) => {
        const a = this.artifacts.find((x) => x.id === id && x.finalized);
        return a ? this.sign(a.blobPath, 'r') : null;
      },
    };
  }

  fault(f: Fault): void {
    this.faults.push({ ...f });
  }

  finalized(name?: string): StoredArtifact[] {
    return this.artifacts.filter((a) => a.finalized && (name === undefined || a.name === name));
  }

  private takeFault(route: string): Fault | undefined {
    const f = this.faults.find((x) => x.route === route && x.times > 0);
    if (f) f.times--;
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith(SERVICE)) return this.twirp(url.pathname.slice(SERVICE.length), req, body, res);
    if (url.pathname.startsWith('/devstoreaccount1/')) return this.blob(req, url, body, res);
    json(res, 404, { code: 'bad_route', msg: `no route for ${req.method} ${url.pathname}` });
  }

  private twirp(method: string, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const spec = FIELDS[method];
    if (!spec) return json(res, 404, { code: 'bad_route', msg: `no method ${method}` });
    if (!/^application\/json/.test(req.headers['content-type'] ?? ''))
      return json(res, 400, { code: 'malformed', msg: 'Content-Type must be application/json' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(res, 400, { code: 'malformed', msg: 'the request body is not JSON' });
    }
    this.requests.push({ route: method, body });
    const scope = scopeOf(req.headers.authorization);
    if (!scope) return json(res, 401, { code: 'unauthenticated', msg: 'missing or invalid bearer token' });
    for (const k of Object.keys(body))
      if (![...spec.required, ...spec.optional].includes(k))
        return json(res, 400, { code: 'malformed', msg: `unknown field ${k} (proto field names are snake_case)` });
    for (const k of spec.required) if (!(k in body)) return json(res, 400, { code: 'invalid_argument', msg: `${k} is required` });
    // Reads may name another job of the same run (download sends the uploading job's id); writes must be this job's.
    const reading = method === 'ListArtifacts' || method === 'GetSignedArtifactURL';
    if (body['workflow_run_backend_id'] !== scope.runId || (!reading && body['workflow_job_run_backend_id'] !== scope.jobId))
      return json(res, 403, { code: 'permission_denied', msg: 'backend ids do not match the token' });
    const fault = this.takeFault(method);
    if (fault) return json(res, fault.status, { code: fault.status === 429 ? 'resource_exhausted' : 'internal', msg: fault.msg ?? 'injected fault' });
    const runId = scope.runId;
    const name = typeof body['name'] === 'string' ? body['name'] : '';
    const inRun = (n: string) => this.artifacts.find((a) => a.runId === runId && a.name === n);

    switch (method) {
      case 'CreateArtifact': {
        if (body['version'] !== 7 && body['version'] !== 4)
          return json(res, 400, { code: 'invalid_argument', msg: `unsupported version ${String(body['version'])}` });
        if (!name || /["<>|*?:\r\n\\/]/.test(name)) return json(res, 400, { code: 'invalid_argument', msg: `invalid artifact name ${JSON.stringify(name)}` });
        const expires = body['expires_at'];
        if (expires !== undefined && (typeof expires !== 'string' || Number.isNaN(Date.parse(expires))))
          return json(res, 400, { code: 'invalid_argument', msg: 'expires_at must be an RFC 3339 string' });
        const mime = body['mime_type'];
        if (mime !== undefined && typeof mime !== 'string')
          return json(res, 400, { code: 'invalid_argument', msg: 'mime_type is a wrapper type: a plain JSON string' });
        const old = inRun(name);
        if (old?.finalized) return json(res, 409, { code: 'already_exists', msg: 'an artifact with this name already exists on the workflow run' });
        if (old) this.artifacts.splice(this.artifacts.indexOf(old), 1); // an unfinished upload may be retried
        const blobPath = `/devstoreaccount1/actions-results/${randomUUID()}/${encodeURIComponent(name)}.zip`;
        this.artifacts.push({
          id: this.nextId++,
          runId,
          jobId: scope.jobId,
          name,
          expiresAt: (expires as string | undefined) ?? null,
          mimeType: (mime as string | undefined) ?? null,
          blobPath,
          blocks: new Map(),
          blockList: [],
          bytes: null,
          contentType: null,
          finalized: false,
          size: 0,
          digest: null,
          createdAt: new Date().toISOString(),
        });
        return json(res, 200, { ok: true, signed_upload_url: this.sign(blobPath, 'cw') });
      }
      case 'FinalizeArtifact': {
        const a = inRun(name);
        if (!a || a.finalized) return json(res, 404, { code: 'not_found', msg: `no pending artifact named ${name}` });
        if (typeof body['size'] !== 'string' || !/^\d+$/.test(body['size']))
          return json(res, 400, { code: 'invalid_argument', msg: 'size is an int64: a JSON string of digits' });
        const bytes = a.bytes ?? Buffer.alloc(0);
        if (Number(body['size']) !== bytes.length)
          return json(res, 400, { code: 'invalid_argument', msg: `size ${body['size']} does not match the ${bytes.length} bytes uploaded` });
        const hash = body['hash'];
        if (hash !== undefined) {
          const want = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
          if (hash !== want) return json(res, 400, { code: 'invalid_argument', msg: `hash ${String(hash)} does not match the uploaded bytes (${want})` });
        }
        a.finalized = true;
        a.size = bytes.length;
        a.digest = typeof hash === 'string' ? hash : null;
        return json(res, 200, { ok: true, artifact_id: String(a.id) });
      }
      case 'ListArtifacts': {
        // Listing covers the whole workflow run (every job), as the service does.
        const nameFilter = body['name_filter'];
        const idFilter = body['id_filter'];
        if (idFilter !== undefined && (typeof idFilter !== 'string' || !/^\d+$/.test(idFilter)))
          return json(res, 400, { code: 'invalid_argument', msg: 'id_filter is an Int64Value: a JSON string' });
        const list = this.artifacts.filter(
          (a) =>
            a.finalized && a.runId === runId && (nameFilter === undefined || a.name === nameFilter) && (idFilter === undefined || String(a.id) === idFilter),
        );
        return json(res, 200, {
          artifacts: list.map((a) => ({
            workflow_run_backend_id: a.runId,
            workflow_job_run_backend_id: a.jobId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.size),
            created_at: a.createdAt,
            ...(a.digest ? { digest: a.digest } : {}),
          })),
        });
      }
      case 'GetSignedArtifactURL': {
        const a = inRun(name);
        if (!a?.finalized) return json(res, 404, { code: 'not_found', msg: `no artifact named ${name}` });
        return json(res, 200, { signed_url: this.sign(a.blobPath, 'r') });
      }
      case 'DeleteArtifact': {
        const a = inRun(name);
        if (!a?.finalized) return json(res, 404, { code: 'not_found', msg: `no artifact named ${name}` });
        this.artifacts.splice(this.artifacts.indexOf(a), 1);
        return json(res, 200, { ok: true, artifact_id: String(a.id) });
      }
    }
  }

  private sign(path: string, perms: string): string {
    const se = new Date(Date.now() + 3600_000).toISOString();
    const sig = createHmac('sha256', KEY).update(`${path}\n${se}\n${perms}`).digest('base64');
    return `${this.origin}${path}?sv=2023-11-03&se=${encodeURIComponent(se)}&sr=b&sp=${perms}&sig=${encodeURIComponent(sig)}`;
  }

  private blob(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const q = url.searchParams;
    const se = q.get('se') ?? '';
    const perms = q.get('sp') ?? '';
    const want = createHmac('sha256', KEY).update(`${url.pathname}\n${se}\n${perms}`).digest('base64');
    if (q.get('sig') !== want || Date.parse(se) < Date.now()) return blobError(res, 403, 'AuthenticationFailed', 'Signature did not match or expired');
    const a = this.artifacts.find((x) => x.blobPath === url.pathname);
    if (!a) return blobError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    const comp = q.get('comp');
    this.requests.push({ route: req.method === 'GET' ? 'download' : (comp ?? 'put'), query: url.search });
    if (req.method === 'GET') {
      if (!perms.includes('r')) return blobError(res, 403, 'AuthorizationPermissionMismatch', 'read not allowed by this signature');
      const fault = this.takeFault('download');
      if (fault) return blobError(res, fault.status, 'ServerBusy', fault.msg ?? 'injected fault');
      if (!a.finalized || !a.bytes) return blobError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
      res.writeHead(200, { 'content-type': a.contentType ?? 'application/octet-stream', 'content-length': a.bytes.length });
      res.end(a.bytes);
      return;
    }
    if (req.method !== 'PUT' || !perms.includes('w')) return blobError(res, 403, 'AuthorizationPermissionMismatch', 'write not allowed by this signature');
    if (a.finalized) return blobError(res, 409, 'BlobImmutable', 'the artifact is finalized');
    if (comp === 'block') {
      if (this.stallBlocks) return; // never answers; the client must give up on its own
      const fault = this.takeFault('block');
      if (fault) return blobError(res, fault.status, 'ServerBusy', fault.msg ?? 'injected fault');
      const id = q.get('blockid') ?? '';
      if (!/^[A-Za-z0-9+/]+=*$/.test(id) || Buffer.from(id, 'base64').length > 64)
        return blobError(res, 400, 'InvalidQueryParameterValue', 'blockid must be base64 of at most 64 bytes');
      const other = a.blocks.keys().next().value;
      if (other !== undefined && other.length !== id.length) return blobError(res, 400, 'InvalidBlobOrBlock', 'block ids of one blob must have equal length');
      if (Number(req.headers['content-length'] ?? -1) !== body.length)
        return blobError(res, 400, 'InvalidHeaderValue', 'Content-Length does not match the body');
      const answer = () => {
        a.blocks.set(id, body);
        this.blockArrivals.push(id);
        res.writeHead(201, blobHeaders());
        res.end();
      };
      if (this.delayFirstBlockMs > 0 && !this.delayedOne) {
        this.delayedOne = true;
        setTimeout(answer, this.delayFirstBlockMs);
      } else answer();
      return;
    }
    if (comp === 'blocklist') {
      const fault = this.takeFault('blocklist');
      if (fault) return blobError(res, fault.status, 'ServerBusy', fault.msg ?? 'injected fault');
      const xml = body.toString('utf8');
      if (!/<BlockList>[\s\S]*<\/BlockList>/.test(xml)) return blobError(res, 400, 'InvalidXmlDocument', 'the body is not a BlockList');
      const ids = [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2] as string);
      const parts: Buffer[] = [];
      for (const id of ids) {
        const b = a.blocks.get(id);
        if (!b) return blobError(res, 400, 'InvalidBlockList', `block ${id} was never uploaded`);
        parts.push(b);
      }
      a.bytes = Buffer.concat(parts);
      a.blockList = ids;
      const ct = req.headers['x-ms-blob-content-type'];
      a.contentType = typeof ct === 'string' ? ct : null;
      res.writeHead(201, blobHeaders());
      res.end();
      return;
    }
    blobError(res, 400, 'UnsupportedQueryParameter', `comp=${String(comp)} is not supported by this double`);
  }
}

/** An unsigned JWT carrying the scope the client reads (act does the same; the client never verifies it). */
export function mintToken(runId: string, jobId: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ scp: `Actions.ExampleScope Actions.Results:${runId}:${jobId}`, exp: Math.floor(Date.now() / 1000) + 86400 })}.${'x'.repeat(43)}`;
}

function scopeOf(auth: string | undefined): { runId: string; jobId: string } | null {
  const m = /^Bearer (.+)$/.exec(auth ?? '');
  const payload = m?.[1]?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { scp?: string };
    const part = (claims.scp ?? '').split(' ').find((s) => s.startsWith('Actions.Results:'));
    const f = part?.split(':');
    return f?.length === 3 ? { runId: f[1] as string, jobId: f[2] as string } : null;
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function blobHeaders(): Record<string, string> {
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2023-11-03',
    'x-ms-request-server-encrypted': 'true',
    date: new Date().toUTCString(),
    'content-length': '0',
  };
}

function blobError(res: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code, 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}
