import { BoxDataError } from '../record/strict.ts';
import { ProviderError, ProvisionError } from './types.ts';

export interface HttpAnswer {
  status: number;
  body: unknown;
  text: string;
}

/**
 * One JSON call with a hard client timeout (a hanging terminate must not hang the job: LAM14).
 * 5xx, 429 and timeouts are retryable; 401/403 name the key; the answer's body is kept for the caller.
 */
export async function call(method: string, url: string, headers: Record<string, string>, body: unknown, timeoutMs: number, label: string): Promise<HttpAnswer> {
  const a = await answer(method, url, headers, body, timeoutMs, label);
  if (a.status === 401 || a.status === 403)
    throw new ProviderError(`${label}: HTTP ${a.status}: the API key was refused (is the secret set and does it allow this?)`, false);
  if (a.status >= 500 || a.status === 429) throw new ProviderError(`${label}: HTTP ${a.status} ${a.text.slice(0, 200)}`, true);
  return a;
}

/**
 * The same bounded call, every HTTP status returned as an answer (provision types each provider's errors
 * itself: a 403 may be a refused key or an empty balance). Only a broken or missing answer throws.
 */
export async function answer(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
  label: string,
): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : ((e.cause as Error | undefined)?.message ?? e.message);
    throw new ProviderError(`${label}: ${why}`, true);
  }
  const text = await boundedText(res, label);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed, text };
}

/** At most MAX_ANSWER bytes of an answer are read: a provider (or whatever answers in its place) cannot flood the runner. */
const MAX_ANSWER = 1 << 20;
async function boundedText(res: Response, label: string): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > MAX_ANSWER) {
        await reader.cancel();
        throw new ProviderError(`${label}: the answer is larger than ${MAX_ANSWER} bytes; not read`, false);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(`${label}: the answer broke off (${(err as Error).message})`, true);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object answer, or null when the answer is anything else (an HTML error page, a list, nothing). */
export function jsonObject(a: HttpAnswer): Record<string, unknown> | null {
  const b = a.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Record<string, unknown>) : null;
}

/** A provider's base URL: its public API, or an override (a proxy, or a test double on loopback). */
export function baseUrl(override: string | undefined, fallback: string): string {
  return (override || fallback).replace(/\/+$/, '');
}

/** A time a provider gave, as ISO 8601, or null when it is not one. */
export const isoOrNull = (x: unknown): string | null =>
  typeof x === 'string' && x.length <= 40 && Number.isFinite(Date.parse(x)) ? new Date(x).toISOString() : null;

/**
 * A provider answer read strictly for provision: a field that is not as the API describes it is a transient
 * answer (asked again, bounded), never a value taken on trust.
 */
export function strictAnswer(provider: string): <T>(label: string, read: () => T) => T {
  return (label, read) => {
    try {
      return read();
    } catch (err) {
      if (err instanceof BoxDataError)
        throw new ProvisionError('transient', `${provider}: ${label}: the answer is not what the API describes (${err.message})`);
      throw err;
    }
  };
}
