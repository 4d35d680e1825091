/**
 * Strict readers for JSON that came from a box or an API: every field is checked for type and range,
 * and anything else is a BoxDataError naming the field (never a TypeError deep inside a parser). Pure.
 */
export class BoxDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoxDataError';
  }
}

export type Obj = Record<string, unknown>;

export function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BoxDataError(`${where} is not a JSON object`);
  return v as Obj;
}

export function arr(o: Obj, k: string, where: string, max: number): unknown[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new BoxDataError(`${where}.${k} is not a list`);
  if (v.length > max) throw new BoxDataError(`${where}.${k} has ${v.length} entries (at most ${max})`);
  return v;
}

/** A list of at most `max` strings, each matching `pattern` (`what` names one in the error: "a cell name"). */
export function strs(o: Obj, k: string, where: string, max: number, pattern: RegExp, what: string): string[] {
  return arr(o, k, where, max).map((x, i) => {
    if (typeof x !== 'string' || x.length > 256 || !pattern.test(x)) throw new BoxDataError(`${where}.${k}[${i}] is not ${what}`);
    return x;
  });
}

export function str(o: Obj, k: string, where: string, opts: { max: number; pattern?: RegExp }): string {
  const v = o[k];
  if (typeof v !== 'string') throw new BoxDataError(`${where}.${k} is not a string`);
  if (v.length > opts.max) throw new BoxDataError(`${where}.${k} is ${v.length} characters (at most ${opts.max})`);
  if (opts.pattern && !opts.pattern.test(v)) throw new BoxDataError(`${where}.${k} has an unexpected form`);
  return v;
}

export function optStr(o: Obj, k: string, where: string, opts: { max: number; pattern?: RegExp }): string | null {
  return o[k] === null || o[k] === undefined ? null : str(o, k, where, opts);
}

export function int(o: Obj, k: string, where: string, opts: { min?: number; max?: number } = {}): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new BoxDataError(`${where}.${k} is not an integer`);
  if (v < (opts.min ?? 0) || v > (opts.max ?? Number.MAX_SAFE_INTEGER)) throw new BoxDataError(`${where}.${k} is out of range (${v})`);
  return v;
}

export function optInt(o: Obj, k: string, where: string, opts: { min?: number; max?: number } = {}): number | null {
  return o[k] === null || o[k] === undefined ? null : int(o, k, where, opts);
}

export function bool(o: Obj, k: string, where: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new BoxDataError(`${where}.${k} is not true/false`);
  return v;
}

/** JSON.parse that reports a BoxDataError with a bounded excerpt instead of a SyntaxError. */
export function parseJson(text: string, where: string, maxBytes: number): unknown {
  if (text.length > maxBytes) throw new BoxDataError(`${where} is ${text.length} bytes (at most ${maxBytes})`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BoxDataError(`${where} is not valid JSON (${(err as Error).message.slice(0, 120)})`);
  }
}
