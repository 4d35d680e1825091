import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * GitHub's published OpenAPI description (@octokit/openapi), used by the REST double to validate every
 * request (operation, path and query parameters, JSON body) and every response it sends.
 */
type Schema = Record<string, unknown> & { $ref?: string };
const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Schema>>;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: Array<Parameter | Schema>;
  requestBody?: { required?: boolean; content?: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> } | Schema>;
}

export function deref<T>(x: T | Schema): T {
  let cur = x as Schema;
  for (let i = 0; cur && typeof cur === 'object' && typeof cur.$ref === 'string' && i < 32; i++) {
    const parts = cur.$ref.replace(/^#\//, '').split('/');
    cur = parts.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], spec) as Schema;
  }
  return cur as T;
}

const templates = Object.keys(spec.paths).map((t) => {
  const names: string[] = [];
  const re = new RegExp(`^${t.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
  return { t, re, names, literal: t.split('/').filter((s) => s && !s.startsWith('{')).length };
});

export interface Match {
  template: string;
  op: Operation;
  params: Record<string, string>;
}

/** The operation a request addresses; the template with the most literal segments wins, as on GitHub. */
export function findOperation(method: string, pathname: string): Match | null {
  let best: Match | null = null;
  let bestLiteral = -1;
  for (const { t, re, names, literal } of templates) {
    const m = re.exec(pathname);
    const op = m && spec.paths[t]?.[method.toLowerCase()];
    if (!m || !op || literal <= bestLiteral) continue;
    best = { template: t, op, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
    bestLiteral = literal;
  }
  return best;
}

/** Errors of `value` against a JSON schema (type, required, properties, enum, items, oneOf/anyOf, nullable). */
export function validate(value: unknown, schemaIn: Schema | undefined, at = '$'): string[] {
  const schema = deref<Schema>(schemaIn ?? {});
  if (!schema || Object.keys(schema).length === 0) return [];
  if (value === null) return schema.nullable || (Array.isArray(schema.type) && schema.type.includes('null')) ? [] : [`${at}: null is not allowed`];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = schema[key] as Schema[] | undefined;
    if (alts) return alts.some((s) => validate(value, s, at).length === 0) ? [] : [`${at}: matches none of ${key}`];
  }
  if (schema.allOf) return (schema.allOf as Schema[]).flatMap((s) => validate(value, s, at));
  const types = (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []) as string[];
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length && !types.some((t) => t === actual || (t === 'number' && actual === 'integer')))
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  const errors: string[] = [];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) errors.push(`${at}.${r}: required`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errors.push(...validate(v, props[k], `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
    }
  }
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...validate(v, schema.items as Schema, `${at}[${i}]`)));
  return errors;
}

function coerce(raw: string, schema: Schema | undefined): unknown {
  const s = deref<Schema>(schema ?? {});
  if (s.type === 'integer' || s.type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (s.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/** Validates a request against its operation: unknown query parameters are errors too (GitHub would ignore them silently). */
export function validateRequest(m: Match, query: URLSearchParams, body: unknown): string[] {
  const errors: string[] = [];
  const params = (m.op.parameters ?? []).map((p) => deref<Parameter>(p));
  for (const p of params.filter((x) => x.in === 'path')) errors.push(...validate(coerce(m.params[p.name] ?? '', p.schema), p.schema, `path.${p.name}`));
  const known = new Set(params.filter((x) => x.in === 'query').map((x) => x.name));
  for (const [k, v] of query) {
    if (!known.has(k)) errors.push(`query.${k}: not a parameter of ${m.op.operationId}`);
    else errors.push(...validate(coerce(v, params.find((x) => x.name === k)?.schema), params.find((x) => x.name === k)?.schema, `query.${k}`));
  }
  const rb = m.op.requestBody;
  const schema = rb?.content?.['application/json']?.schema;
  if (rb?.required && body === undefined) errors.push('body: required');
  if (schema && body !== undefined) errors.push(...validate(body, schema, 'body'));
  if (!rb && body !== undefined) errors.push(`body: ${m.op.operationId} takes no body`);
  return errors;
}

/** The response schema of an operation for a status code. */
export function responseSchema(m: Match, status: number): Schema | undefined {
  const r = deref<{ content?: Record<string, { schema: Schema }> }>(m.op.responses[String(status)] as Schema);
  return r?.content?.['application/json']?.schema;
}

/** Fills required fields missing from `value` with type-correct placeholders, so responses follow the schema. */
export function complete(value: unknown, schemaIn: Schema | undefined): unknown {
  const schema = deref<Schema>(schemaIn ?? {});
  if (schema.allOf) return (schema.allOf as Schema[]).reduce((v, s) => complete(v, s), value);
  const alts = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alts && value !== undefined && value !== null) return complete(value, alts.find((s) => validate(value, s).length === 0) ?? alts[0]);
  if (alts && value === undefined) return complete(undefined, alts[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (value === undefined) {
    if (schema.nullable) return null;
    if (schema.enum) return (schema.enum as unknown[])[0];
    if (type === 'string') return schema.format === 'date-time' ? new Date(0).toISOString() : schema.format === 'uri' ? 'https://github.test/' : '';
    if (type === 'integer' || type === 'number') return 0;
    if (type === 'boolean') return false;
    if (type === 'array') return [];
    if (type === 'object' || schema.properties) value = {};
    else return null;
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const obj = { ...(value as Record<string, unknown>) };
    const props = schema.properties as Record<string, Schema>;
    for (const r of (schema.required as string[] | undefined) ?? []) obj[r] = complete(obj[r], props[r]);
    for (const k of Object.keys(obj))
      if (props[k] && obj[k] !== undefined && obj[k] !== null && typeof obj[k] === 'object') obj[k] = complete(obj[k], props[k]);
    return obj;
  }
  if (Array.isArray(value) && schema.items) return value.map((v) => complete(v, schema.items as Schema));
  return value;
}
