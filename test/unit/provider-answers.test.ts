import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsProvider } from '../../src/providers/aws.ts';
import { drive } from '../../src/providers/drive.ts';
import { lambdaProvider } from '../../src/providers/lambda.ts';
import { runpodProvider } from '../../src/providers/runpod.ts';
import { ProviderError, type ProviderContext } from '../../src/providers/types.ts';
import { vastaiProvider } from '../../src/providers/vastai.ts';

/**
 * Provider answers that are not what the API documents: an HTML page with status 200, a missing or
 * mistyped field, another instance's id, a not-found for an instance never seen, an endless answer.
 * None of them may count as "gone".
 */
type Canned = { status: number; type?: string; body: string | Buffer };
let queue: Canned[] = [];
const hits: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    const c = queue.shift() ?? { status: 500, body: 'no canned answer' };
    res.writeHead(c.status, { 'content-type': c.type ?? 'application/json' });
    res.end(c.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  queue = [];
  hits.length = 0;
});

const ctx = (instanceId: string): ProviderContext => ({ instanceId, runId: 'r', verb: 'destroy', callTimeoutMs: 2000, log: () => undefined });
const html: Canned = { status: 200, type: 'text/html', body: '<html><body>Service temporarily unavailable</body></html>' };
const json = (status: number, doc: unknown): Canned => ({ status, body: JSON.stringify(doc) });

describe('provider answers are parsed strictly', () => {
  it.each<[string, () => Promise<{ state: string }>, Canned]>([
    ['lambda: an HTML page with 200', () => lambdaProvider(ctx('i-1'), 'k', base).state(), html],
    ['lambda: another instance, terminated', () => lambdaProvider(ctx('i-1'), 'k', base).state(), json(200, { data: { id: 'i-2', status: 'terminated' } })],
    ['lambda: status of the wrong type', () => lambdaProvider(ctx('i-1'), 'k', base).state(), json(200, { data: { id: 'i-1', status: 7 } })],
    [
      "lambda: a 404 that is not the API's not-found",
      () => lambdaProvider(ctx('i-1'), 'k', base).state(),
      { status: 404, type: 'text/html', body: '<h1>Not Found</h1>' },
    ],
    ['runpod: an HTML page with 200', () => runpodProvider(ctx('p-1'), 'k', base).state(), html],
    ['runpod: no status', () => runpodProvider(ctx('p-1'), 'k', base).state(), json(200, { id: 'p-1' })],
    ['vast.ai: an HTML page with 200 (was: gone)', () => vastaiProvider(ctx('7'), 'k', base).state(), html],
    ['vast.ai: an object without `instances` (was: gone)', () => vastaiProvider(ctx('7'), 'k', base).state(), json(200, { success: true })],
    ['vast.ai: another instance', () => vastaiProvider(ctx('7'), 'k', base).state(), json(200, { instances: { id: 8, actual_status: 'destroyed' } })],
    [
      'aws: NotFound inside an HTML page',
      () => awsProvider(ctx('i-0abc'), { region: 'eu-west-1', accessKeyId: 'A', secretAccessKey: 'S' }, base).state(),
      { status: 200, type: 'text/html', body: '<html>InvalidInstanceID.NotFound<Code>InvalidInstanceID.NotFound</Code></html>' },
    ],
    [
      'aws: a DescribeInstances answer about another instance',
      () => awsProvider(ctx('i-0abc'), { region: 'eu-west-1', accessKeyId: 'A', secretAccessKey: 'S' }, base).state(),
      {
        status: 200,
        type: 'text/xml',
        body: '<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-other</instanceId><instanceState><name>terminated</name></instanceState></item></instancesSet></item></reservationSet></DescribeInstancesResponse>',
      },
    ],
  ])('%s is unknown, never gone', async (_n, read, answer) => {
    queue.push(answer);
    expect((await read()).state).toBe('unknown');
  });

  it.each<[string, () => ReturnType<typeof lambdaProvider>, Canned]>([
    [
      'lambda 404',
      () => lambdaProvider(ctx('i-typo'), 'k', base),
      json(404, { error: { code: 'global/object-does-not-exist', message: 'Instance not found' } }),
    ],
    ['runpod 404', () => runpodProvider(ctx('p-typo'), 'k', base), json(404, { title: 'Not Found', status: 404, detail: 'pod not found' })],
    ['vast.ai instances: null', () => vastaiProvider(ctx('999'), 'k', base), json(200, { instances: null })],
    [
      'aws NotFound (a wrong region answers the same)',
      () => awsProvider(ctx('i-typo'), { region: 'us-east-1', accessKeyId: 'A', secretAccessKey: 'S' }, base),
      {
        status: 400,
        type: 'text/xml',
        body: '<?xml version="1.0"?><Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>x</Message></Error></Errors></Response>',
      },
    ],
  ])('%s for an instance never seen is not torn down: the teardown fails at once and asks nothing', async (_n, make, answer) => {
    queue.push(answer);
    const r = await drive(make(), 'destroy', ctx('x'), { deadlineMs: 5000, pollMs: 10, attempts: 3 });
    expect(r.ok).toBe(false);
    expect(r.requests).toBe(0);
    expect(r.detail).toMatch(/never saw it/);
    expect(hits).toHaveLength(1);
  });

  it('a not-found after the instance was seen is gone; a terminal state by name is gone at once', async () => {
    const p = lambdaProvider(ctx('i-1'), 'k', base);
    queue.push(
      json(200, { data: { id: 'i-1', status: 'active' } }),
      json(200, { data: { terminated_instances: [] } }),
      json(404, { error: { code: 'global/object-does-not-exist', message: 'x' } }),
    );
    const r = await drive(p, 'destroy', ctx('i-1'), { deadlineMs: 5000, pollMs: 10, attempts: 3 });
    expect(r).toMatchObject({ ok: true, state: 'gone', requests: 1, already: false });
    queue.push(json(200, { data: { id: 'i-1', status: 'terminated' } }));
    expect(await drive(lambdaProvider(ctx('i-1'), 'k', base), 'destroy', ctx('i-1'), { deadlineMs: 5000, pollMs: 10, attempts: 3 })).toMatchObject({
      ok: true,
      already: true,
      requests: 0,
    });
  });

  it('an answer larger than 1 MB is not read', async () => {
    queue.push({ status: 200, body: Buffer.alloc(3 << 20, 0x20) });
    await expect(runpodProvider(ctx('p-1'), 'k', base).state()).rejects.toThrow(ProviderError);
  });
});
