import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { complete, findOperation, responseSchema, validate, validateRequest, type Match } from './openapi.ts';

/**
 * A local GitHub REST double for issues and issue comments, kept in memory. Every request is validated
 * against GitHub's OpenAPI description; every response is checked against it before it is sent. Lists
 * paginate with `per_page`/`page` and Link headers, as GitHub does.
 */
export interface DoubleUser {
  login: string;
  id: number;
  type: 'User' | 'Bot';
  /** Tokens of GitHub Apps / GITHUB_TOKEN cannot read /user. */
  app: boolean;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: DoubleUser;
  created_at: string;
  updated_at: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  user: DoubleUser;
  pull: boolean;
  created_at: string;
  updated_at: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  operationId: string;
  status: number;
  body?: unknown;
}

export interface GitHubDouble {
  url: string;
  repo: string;
  tokens: Record<string, DoubleUser>;
  issues: Map<number, Issue>;
  comments: Map<number, Comment>;
  requests: RequestRecord[];
  /** Problems found in our own responses; a test asserts it stays empty. */
  responseErrors: string[];
  addIssue(title: string, opts?: { pull?: boolean; by?: DoubleUser }): number;
  addComment(issue: number, body: string, by: DoubleUser): number;
  /** Makes each list request wait, so two clients can interleave (race tests). */
  listDelayMs: number;
  /** Repository roles by login (admin, maintain, write, triage, read); a login not here is no collaborator (404). */
  roles: Record<string, string>;
  /** Pull requests whose head is a fork. */
  forks: Set<number>;
  /** Workflow files that exist (a dispatch of another is a 404), and the inputs each declares (others: 422). */
  workflows: Record<string, string[]>;
  reactions: Array<{ commentId: number; content: string; by: string }>;
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<string, unknown>; runId: number }>;
  /** Workflow runs by id (GET /actions/runs/{id}): the workflow file, status and conclusion. */
  runs: Map<number, { path: string; status: string; conclusion: string | null }>;
  /** Each run's environment review log (GET /actions/runs/{id}/approvals), newest first, as GitHub lists it. */
  approvals: Map<number, Array<{ state: 'approved' | 'rejected'; environment: string; by: DoubleUser; comment?: string }>>;
  /**
   * The artifact service behind the REST artifact routes (list a run's artifacts, download one by a 302 to its
   * signed blob URL): artifacts of workflow run N are those the service holds under backend run id `String(N)`.
   */
  artifactStore: { list(runId: string): ArtifactRow[]; signedUrl(id: number): string | null } | null;
  /** Holds the next N comment creations until all N have arrived (at most 10 s): a client that listed
   * while another's creation was held saw no comment, which is the race two ticks can run into. */
  holdCreates(n: number): void;
  close(): Promise<void>;
}

/** An artifact as the service double holds it, for the REST routes. */
export interface ArtifactRow {
  id: number;
  name: string;
  size: number;
  digest: string | null;
  createdAt: string;
  expiresAt: string | null;
}

export const BOT: DoubleUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot', app: true };
export const HUMAN: DoubleUser = { login: 'octo-researcher', id: 1001, type: 'User', app: false };

export async function startGitHubDouble(repo = 'lab/train'): Promise<GitHubDouble> {
  const [owner, name] = repo.split('/') as [string, string];
  let nextId = 9_000_000;
  let barrier: { want: number; waiting: Array<() => void> } | null = null;
  const passBarrier = () =>
    new Promise<void>((resolve) => {
      if (!barrier) return resolve();
      const b = barrier;
      b.waiting.push(resolve);
      if (b.waiting.length >= b.want) {
        barrier = null;
        b.waiting.forEach((r) => r());
      } else {
        setTimeout(() => {
          if (barrier === b) barrier = null;
          b.waiting.forEach((r) => r());
        }, 10_000).unref();
      }
    });
  const now = () => new Date().toISOString();
  const d: GitHubDouble = {
    url: '',
    repo,
    tokens: { 'ghs-actions-token': BOT, 'ghp-human-token': HUMAN },
    issues: new Map(),
    comments: new Map(),
    requests: [],
    responseErrors: [],
    listDelayMs: 0,
    roles: {},
    forks: new Set(),
    workflows: {},
    reactions: [],
    dispatches: [],
    runs: new Map(),
    approvals: new Map(),
    artifactStore: null,
    holdCreates: (n) => {
      barrier = { want: n, waiting: [] };
    },
    addIssue: (title, opts = {}) => {
      const number = d.issues.size + 1;
      d.issues.set(number, {
        number,
        title,
        body: '',
        state: 'open',
        labels: [],
        user: opts.by ?? HUMAN,
        pull: opts.pull ?? false,
        created_at: now(),
        updated_at: now(),
      });
      return number;
    },
    addComment: (issue, body, by) => {
      const id = ++nextId;
      d.comments.set(id, { id, issue, body, user: by, created_at: now(), updated_at: now() });
      return id;
    },
    close: () => new Promise((res) => server.close(() => res())),
  };
  const base = () => `https://github.test/${repo}`;
  const api = () => `${d.url}/repos/${repo}`;
  const user = (u: DoubleUser) => ({
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    type: u.type,
    site_admin: false,
    url: `${d.url}/users/${u.login}`,
    html_url: `https://github.test/${u.login}`,
  });
  const commentJson = (c: Comment) => ({
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${api()}/issues/comments/${c.id}`,
    html_url: `${base()}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${api()}/issues/${c.issue}`,
    body: c.body,
    user: user(c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'OWNER',
  });
  const issueJson = (i: Issue) => ({
    id: 500_000 + i.number,
    node_id: `I_${i.number}`,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    user: user(i.user),
    labels: i.labels.map((l, k) => ({
      id: k + 1,
      node_id: `L_${k}`,
      name: l,
      color: 'ededed',
      default: false,
      description: null,
      url: `${api()}/labels/${l}`,
    })),
    url: `${api()}/issues/${i.number}`,
    html_url: `${base()}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    comments: [...d.comments.values()].filter((c) => c.issue === i.number).length,
    created_at: i.created_at,
    updated_at: i.updated_at,
    ...(i.pull ? { pull_request: { url: `${api()}/pulls/${i.number}`, html_url: `${base()}/pull/${i.number}`, diff_url: null, patch_url: null } } : {}),
  });

  const send = (res: ServerResponse, m: Match | null, status: number, body: unknown, headers: Record<string, string> = {}) => {
    let out = body;
    if (m && status < 300 && body !== undefined) {
      const schema = responseSchema(m, status);
      out = complete(body, schema);
      const errs = validate(out, schema, `${m.op.operationId} ${status}`);
      if (errs.length) d.responseErrors.push(...errs.slice(0, 5));
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers });
    res.end(out === undefined ? undefined : JSON.stringify(out));
  };
  const error = (res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}) =>
    send(res, null, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...extra });

  const paginate = (req: URL, res: ServerResponse, m: Match, items: unknown[]) => {
    const per = Math.min(Number(req.searchParams.get('per_page') ?? 30), 100);
    const page = Math.max(Number(req.searchParams.get('page') ?? 1), 1);
    const last = Math.max(1, Math.ceil(items.length / per));
    const link = (p: number, rel: string) => {
      const u = new URL(req.toString());
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(per));
      return `<${u.toString()}>; rel="${rel}"`;
    };
    const links = [];
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
    send(res, m, 200, items.slice((page - 1) * per, page * per), links.length ? { link: links.join(', ') } : {});
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', d.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return error(res, 400, 'Problems parsing JSON');
      }
    }
    const m = findOperation(req.method ?? 'GET', url.pathname);
    const record: RequestRecord = { method: req.method ?? '', path: url.pathname + url.search, operationId: m?.op.operationId ?? '?', status: 0, body };
    d.requests.push(record);
    const reply = (status: number, fn: () => void) => {
      record.status = status;
      fn();
    };
    if (!m) return reply(404, () => error(res, 404, 'Not Found'));
    const auth = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const who = auth ? d.tokens[auth] : undefined;
    if (!who) return reply(401, () => error(res, 401, 'Bad credentials'));
    const problems = validateRequest(m, url.searchParams, body);
    if (problems.length)
      return reply(422, () => error(res, 422, 'Validation Failed', { errors: problems.map((p) => ({ resource: 'Request', code: 'invalid', message: p })) }));
    if (m.params['owner'] !== owner || m.params['repo'] !== name) {
      if (m.template.startsWith('/repos/')) return reply(404, () => error(res, 404, 'Not Found'));
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const issueNo = Number(m.params['issue_number']);
    const commentId = Number(m.params['comment_id']);
    switch (m.op.operationId) {
      case 'users/get-authenticated':
        if (who.app) return reply(403, () => error(res, 403, 'Resource not accessible by integration'));
        return reply(200, () =>
          send(res, m, 200, { ...user(who), name: who.login, public_repos: 0, followers: 0, following: 0, created_at: now(), updated_at: now() }),
        );
      case 'issues/list-comments': {
        if (!d.issues.has(issueNo)) return reply(404, () => error(res, 404, 'Not Found'));
        if (d.listDelayMs) await new Promise((r) => setTimeout(r, d.listDelayMs));
        // `since`: only comments last updated at or after that time, as GitHub documents it.
        const since = url.searchParams.get('since');
        const list = [...d.comments.values()]
          .filter((c) => c.issue === issueNo)
          .filter((c) => !since || Date.parse(c.updated_at) >= Date.parse(since))
          .sort((x, y) => x.id - y.id)
          .map(commentJson);
        return reply(200, () => paginate(url, res, m, list));
      }
      case 'issues/create-comment': {
        if (!d.issues.has(issueNo)) return reply(404, () => error(res, 404, 'Not Found'));
        await passBarrier();
        if (String(b['body']).length > 65536)
          return reply(422, () =>
            error(res, 422, 'Validation Failed', {
              errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }],
            }),
          );
        const id = d.addComment(issueNo, String(b['body']), who);
        return reply(201, () => send(res, m, 201, commentJson(d.comments.get(id) as Comment), { location: `${api()}/issues/comments/${id}` }));
      }
      case 'issues/get-comment': {
        const c = d.comments.get(commentId);
        if (!c) return reply(404, () => error(res, 404, 'Not Found'));
        return reply(200, () => send(res, m, 200, commentJson(c)));
      }
      case 'issues/update-comment': {
        const c = d.comments.get(commentId);
        if (!c) return reply(404, () => error(res, 404, 'Not Found'));
        if (c.user.login !== who.login) return reply(403, () => error(res, 403, 'Resource not accessible by integration'));
        if (String(b['body']).length > 65536) return reply(422, () => error(res, 422, 'Validation Failed'));
        c.body = String(b['body']);
        c.updated_at = now();
        return reply(200, () => send(res, m, 200, commentJson(c)));
      }
      case 'issues/delete-comment': {
        const c = d.comments.get(commentId);
        if (!c) return reply(404, () => error(res, 404, 'Not Found'));
        d.comments.delete(commentId);
        record.status = 204;
        res.writeHead(204);
        return res.end();
      }
      case 'issues/get': {
        const i = d.issues.get(issueNo);
        if (!i) return reply(404, () => error(res, 404, 'Not Found'));
        return reply(200, () => send(res, m, 200, issueJson(i)));
      }
      case 'issues/list-for-repo': {
        const state = url.searchParams.get('state') ?? 'open';
        const creator = url.searchParams.get('creator');
        const labels = url.searchParams.get('labels');
        const list = [...d.issues.values()]
          .filter((i) => state === 'all' || i.state === state)
          .filter((i) => !creator || i.user.login === creator)
          .filter((i) => !labels || labels.split(',').every((l) => i.labels.includes(l)))
          .sort((x, y) => y.number - x.number)
          .map(issueJson);
        return reply(200, () => paginate(url, res, m, list));
      }
      case 'issues/create': {
        const number = d.addIssue(String(b['title']), { by: who });
        const i = d.issues.get(number) as Issue;
        i.body = String(b['body'] ?? '');
        i.labels = ((b['labels'] as string[] | undefined) ?? []).map(String);
        return reply(201, () => send(res, m, 201, issueJson(i)));
      }
      case 'issues/update': {
        const i = d.issues.get(issueNo);
        if (!i) return reply(404, () => error(res, 404, 'Not Found'));
        if (typeof b['state'] === 'string') i.state = b['state'] as 'open' | 'closed';
        if (typeof b['body'] === 'string') i.body = b['body'];
        i.updated_at = now();
        return reply(200, () => send(res, m, 200, issueJson(i)));
      }
      case 'repos/get-collaborator-permission-level': {
        const login = String(m.params['username']);
        const role = d.roles[login];
        if (!role) return reply(404, () => error(res, 404, `${login} is not a user`));
        // `permission` is the older, coarser field: maintain reads as write, triage as read.
        const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
        const u: DoubleUser = { login, id: 7000 + login.length, type: 'User', app: false };
        return reply(200, () => send(res, m, 200, { permission, role_name: role, user: { ...user(u), permissions: {}, role_name: role } }));
      }
      case 'reactions/create-for-issue-comment': {
        if (!d.comments.has(commentId)) return reply(404, () => error(res, 404, 'Not Found'));
        d.reactions.push({ commentId, content: String(b['content']), by: who.login });
        return reply(201, () =>
          send(res, m, 201, { id: d.reactions.length, node_id: `R_${d.reactions.length}`, user: user(who), content: b['content'], created_at: now() }),
        );
      }
      case 'pulls/get': {
        const n = Number(m.params['pull_number']);
        const i = d.issues.get(n);
        if (!i?.pull) return reply(404, () => error(res, 404, 'Not Found'));
        const head = d.forks.has(n) ? 'fork-owner/train' : repo;
        return reply(200, () =>
          send(res, m, 200, {
            number: n,
            state: i.state,
            title: i.title,
            user: user(i.user),
            head: {
              ref: 'feature',
              sha: 'a'.repeat(40),
              label: `${head.split('/')[0]}:feature`,
              repo: { full_name: head, fork: d.forks.has(n), name: 'train' },
            },
            base: { ref: 'main', sha: 'b'.repeat(40), label: `${owner}:main`, repo: { full_name: repo, fork: false, name } },
          }),
        );
      }
      case 'actions/create-workflow-dispatch': {
        const wf = String(m.params['workflow_id']);
        const declared = d.workflows[wf];
        if (!declared) return reply(404, () => error(res, 404, 'Not Found'));
        const given = (b['inputs'] ?? {}) as Record<string, unknown>;
        const unknown = Object.keys(given).filter((k) => !declared.includes(k));
        if (unknown.length) return reply(422, () => error(res, 422, `Unexpected inputs provided: ${JSON.stringify(unknown)}`));
        const runId = 31_000 + d.dispatches.length;
        d.dispatches.push({ workflow: wf, ref: String(b['ref']), inputs: given, runId });
        if (b['return_run_details'] !== true) {
          record.status = 204;
          res.writeHead(204);
          return res.end();
        }
        return reply(200, () =>
          send(res, m, 200, { workflow_run_id: runId, run_url: `${d.url}/repos/${repo}/actions/runs/${runId}`, html_url: `${base()}/actions/runs/${runId}` }),
        );
      }
      case 'actions/get-workflow-run': {
        const id = Number(m.params['run_id']);
        const r = d.runs.get(id);
        if (!r) return reply(404, () => error(res, 404, 'Not Found'));
        return reply(200, () =>
          send(res, m, 200, {
            id,
            name: r.path.split('/').pop(),
            node_id: `WFR_${id}`,
            path: r.path,
            status: r.status,
            conclusion: r.conclusion,
            run_number: id % 1000,
            run_attempt: 1,
            event: 'workflow_dispatch',
            head_branch: 'main',
            head_sha: 'a'.repeat(40),
            url: `${api()}/actions/runs/${id}`,
            html_url: `${base()}/actions/runs/${id}`,
            created_at: now(),
            updated_at: now(),
          }),
        );
      }
      case 'actions/get-reviews-for-run': {
        const id = Number(m.params['run_id']);
        if (!d.runs.has(id)) return reply(404, () => error(res, 404, 'Not Found'));
        return reply(200, () =>
          send(
            res,
            m,
            200,
            (d.approvals.get(id) ?? []).map((a, k) => ({
              state: a.state,
              comment: a.comment ?? '',
              user: user(a.by),
              environments: [
                { id: 7000 + k, node_id: `EN_${k}`, name: a.environment, url: `${api()}/environments/${a.environment}`, html_url: `${base()}/deployments` },
              ],
            })),
          ),
        );
      }
      case 'actions/list-workflow-run-artifacts': {
        const id = Number(m.params['run_id']);
        const rows = d.artifactStore?.list(String(id)) ?? [];
        const per = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
        return reply(200, () =>
          send(res, m, 200, {
            total_count: rows.length,
            artifacts: rows.slice((page - 1) * per, page * per).map((a) => ({
              id: a.id,
              node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
              name: a.name,
              size_in_bytes: a.size,
              url: `${api()}/actions/artifacts/${a.id}`,
              archive_download_url: `${api()}/actions/artifacts/${a.id}/zip`,
              expired: false,
              created_at: a.createdAt,
              updated_at: a.createdAt,
              expires_at: a.expiresAt,
              digest: a.digest,
              workflow_run: { id, repository_id: 1, head_repository_id: 1, head_branch: 'main', head_sha: 'a'.repeat(40) },
            })),
          }),
        );
      }
      case 'actions/download-artifact': {
        const signed = d.artifactStore?.signedUrl(Number(m.params['artifact_id'])) ?? null;
        if (!signed || m.params['archive_format'] !== 'zip') return reply(404, () => error(res, 404, 'Not Found'));
        record.status = 302;
        res.writeHead(302, { location: signed });
        return res.end();
      }
      default:
        return reply(501, () => error(res, 501, `${m.op.operationId} is valid but not implemented by the test double`));
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      d.responseErrors.push(`handler crashed: ${(err as Error).message}`);
      if (!res.headersSent) error(res, 500, 'double crashed');
    });
  });
  // Node's 5 s idle keep-alive races a request sent on a socket it is closing (ECONNRESET in CI, where a test's
  // own synchronous shell calls hold the event loop for seconds); GitHub's front end keeps idle connections longer.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  d.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return d;
}
