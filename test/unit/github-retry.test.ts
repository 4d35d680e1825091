import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, connectionBroke } from '../../src/github/sticky.ts';

/** A server whose first N requests have their connection reset before any answer, as a stale keep-alive socket is. */
let server: Server;
let url = '';
let resets = 0;
const hits: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (resets > 0) {
      resets--;
      req.socket.resetAndDestroy();
      return;
    }
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ login: 'tether-bot', id: 1 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('a GitHub connection reset before any answer', () => {
  it('is asked again for a GET (at most three tries in all), never for a POST', async () => {
    const gh = client('t', url);
    hits.length = 0;
    resets = 2;
    expect((await gh.rest.users.getAuthenticated()).data.login).toBe('tether-bot');
    expect(hits).toEqual(['GET /user', 'GET /user', 'GET /user']);

    hits.length = 0;
    resets = 3;
    await expect(gh.rest.users.getAuthenticated()).rejects.toThrow();
    expect(hits).toHaveLength(3);

    hits.length = 0;
    resets = 1;
    await expect(gh.rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x' })).rejects.toThrow();
    expect(hits).toEqual(['POST /repos/o/r/issues/1/comments']);
    resets = 0;
  });

  it('is told apart from an answer and from a timeout', () => {
    const reset = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(connectionBroke(Object.assign(new Error('x'), { status: 500, cause: reset }))).toBe(true);
    expect(connectionBroke(Object.assign(new Error('x'), { status: 502, response: { status: 502 }, cause: reset }))).toBe(false);
    expect(connectionBroke(Object.assign(new Error('timeout'), { name: 'TimeoutError', code: 23 }))).toBe(false);
    expect(connectionBroke('ECONNRESET')).toBe(false);
  });
});
