/**
 * A pickle reader for the subset torch.save writes. It executes nothing: every GLOBAL must be on a short
 * allow-list of torch/collections names, which it interprets itself; anything else is refused. Pure.
 *
 * Bounded for hostile input: each opcode consumes at least one byte (so steps ≤ bytes), LONG values are
 * at most 8 bytes (torch writes int64), the stack and the memo are capped, and the object graph (which
 * memo reuse can make a DAG or a cycle) is walked iteratively, each object once, to a fixed depth.
 */
export const PICKLE_LIMITS = { stack: 1_000_000, memo: 1_000_000, longBytes: 8, depth: 256, nodes: 2_000_000 };
export type PV = null | boolean | number | bigint | string | Buffer | PV[] | PTuple | PDict | PGlobal | PStorage | PTensor;
export interface PTuple {
  t: 'tuple';
  items: PV[];
}
export interface PDict {
  t: 'dict';
  map: Map<string | number, PV>;
  keys: Array<string | number>;
}
export interface PGlobal {
  t: 'global';
  module: string;
  name: string;
}
export interface PStorage {
  t: 'storage';
  dtype: string;
  key: string;
  location: string;
  numel: number;
}
export interface PTensor {
  t: 'tensor';
  storage: PStorage;
  offset: number;
  shape: number[];
  stride: number[];
}

const STORAGE_DTYPES: Record<string, string> = {
  DoubleStorage: 'float64',
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
};
const ALLOWED = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.Size',
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`),
]);

/**
 * Python's pickle decodes text as UTF-8 with 'surrogatepass': anything else is a UnicodeDecodeError that
 * makes torch.load fail, so it is refused here too (Node's lenient decoding would accept it).
 */
function utf8(b: Buffer): string {
  for (let i = 0; i < b.length;) {
    const c = b[i] as number;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n ? 0 : 1)) throw new Error(`pickle text is not UTF-8 (byte 0x${c.toString(16)} at ${i})`);
    const c1 = b[i + 1] as number;
    if (n >= 1) {
      const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (c1 < lo || c1 > hi) throw new Error(`pickle text is not UTF-8 (byte 0x${c1.toString(16)} at ${i + 1})`);
      for (let k = 2; k <= n; k++) {
        const ck = b[i + k] as number;
        if (ck < 0x80 || ck > 0xbf) throw new Error(`pickle text is not UTF-8 (byte 0x${ck.toString(16)} at ${i + k})`);
      }
    }
    i += n + 1;
  }
  return b.toString('utf8');
}

/** The storage locations torch.load restores (torch.serialization's registry: cpu, cuda[:N], mps, meta). */
const LOCATION = /^(cpu|mps|meta|cuda(:\d{1,4})?)$/;

const MARK = Symbol('mark');
type Item = PV | typeof MARK;

const isTuple = (v: unknown): v is PTuple => typeof v === 'object' && v !== null && (v as PTuple).t === 'tuple';
const num = (v: PV | undefined): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN);
const ints = (v: PV | undefined): number[] => (isTuple(v) ? v.items.map(num) : Array.isArray(v) ? v.map(num) : []);

function newDict(): PDict {
  return { t: 'dict', map: new Map(), keys: [] };
}
/**
 * Whether Python could hash a value as a dict key: lists and dicts cannot, nor a tuple holding one (a dict
 * with such a key makes torch.load raise TypeError). Objects (tensors, storages, globals) hash by identity.
 */
function hashable(v: PV, depth = 0): boolean {
  if (Array.isArray(v)) return false;
  if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return true;
  if (v.t === 'dict') return false;
  if (v.t === 'tuple') return depth < PICKLE_LIMITS.depth && v.items.every((x) => hashable(x, depth + 1));
  return true;
}

function setItem(d: PDict, k: PV, v: PV): void {
  if (!hashable(k)) throw new Error(`a dict key is ${Array.isArray(k) ? 'a list' : 'unhashable'} (torch.load raises TypeError: unhashable type)`);
  const key = typeof k === 'string' || typeof k === 'number' ? k : typeof k === 'bigint' ? Number(k) : JSON.stringify(String(k));
  if (!d.map.has(key)) d.keys.push(key);
  d.map.set(key, v);
}

/** Python raises TypeError when a function gets another number of arguments: so does this reader. */
function arity(full: string, args: PV[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new Error(`${full}() takes ${min === max ? min : `${min} to ${max}`} arguments, ${args.length} given`);
}

function call(fn: PGlobal, args: PV[]): PV {
  const full = `${fn.module}.${fn.name}`;
  switch (full) {
    case 'collections.OrderedDict': {
      arity(full, args, 0, 1);
      const d = newDict();
      const src = args[0];
      if (src === undefined) return d;
      if (typeof src === 'object' && src !== null && !Array.isArray(src) && !Buffer.isBuffer(src) && src.t === 'dict') {
        for (const k of src.keys) setItem(d, k, src.map.get(k) as PV);
        return d;
      }
      const pairs = Array.isArray(src) ? src : isTuple(src) ? src.items : null;
      if (!pairs) throw new Error('OrderedDict() of something that is not a list of pairs');
      for (const pair of pairs) {
        const kv = isTuple(pair) ? pair.items : Array.isArray(pair) ? pair : null;
        if (!kv || kv.length !== 2) throw new Error('OrderedDict() of an item that is not a pair');
        setItem(d, kv[0] as PV, kv[1] as PV);
      }
      return d;
    }
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor': {
      // torch 1.13 takes exactly 6 (v2) or 4; torch 2 adds a 7th, the tensor's metadata dict, when there is any.
      if (full.endsWith('_v2')) {
        const last = args[6];
        if (
          args.length === 7 &&
          !(typeof last === 'object' && last !== null && !Array.isArray(last) && !Buffer.isBuffer(last) && last.t === 'dict' && last.keys.length > 0)
        )
          throw new Error(`${full}() takes 6 arguments (7 with torch 2's metadata dict), 7 given`);
        arity(full, args, 6, 7);
      } else arity(full, args, 4);
      const storage = args[0] as PStorage;
      if (!storage || storage.t !== 'storage') throw new Error(`${full} without a storage`);
      return { t: 'tensor', storage, offset: num(args[1]), shape: ints(args[2]), stride: ints(args[3]) };
      // Offsets, sizes and strides are checked where the view is checked (torch.ts), as torch.load does.
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state':
      arity(full, args, full.endsWith('_state') ? 4 : 3);
      if (!(typeof args[0] === 'object' && args[0] !== null && (args[0] as PTensor).t === 'tensor'))
        throw new Error(`${full}() of something that is not a tensor`);
      return args[0] ?? null;
    case 'torch.Size':
      arity(full, args, 0, 1);
      return { t: 'tuple', items: ints(args[0]) };
    default:
      throw new Error(`refusing to interpret ${full}`);
  }
}

function persistent(pid: PV, loaded: Map<string, PStorage>): PStorage {
  if (!isTuple(pid) || pid.items[0] !== 'storage') throw new Error('a persistent id that is not a torch storage');
  if (pid.items.length !== 5) throw new Error(`a storage id of ${pid.items.length} fields (torch writes 5)`);
  const [, type, key, location, numel] = pid.items;
  const g = type as PGlobal;
  const dtype = g?.t === 'global' ? STORAGE_DTYPES[g.name] : undefined;
  if (!dtype) throw new Error(`unknown storage type ${g?.t === 'global' ? `${g.module}.${g.name}` : '?'}`);
  // torch.load names the record f'data/{key}' and restores by location: a key that is not text or an
  // integer, or a location it has no deserializer for, fails there.
  const k =
    typeof key === 'string' ? key : typeof key === 'number' && Number.isInteger(key) ? String(key) : typeof key === 'boolean' ? (key ? 'True' : 'False') : null;
  if (k === null) throw new Error('a storage key that is not text');
  if (typeof location !== 'string' || !LOCATION.test(location))
    throw new Error(`storage location ${JSON.stringify(String(location).slice(0, 40))} is not one torch.load restores`);
  // torch.load builds each storage once, from the first reference to its key; later references reuse it
  // whatever dtype or size they name (so that is the storage every view is checked against).
  const first = loaded.get(k);
  if (first) return first;
  const st: PStorage = { t: 'storage', dtype, key: k, location, numel: num(numel) };
  loaded.set(k, st);
  return st;
}

export function unpickle(data: Buffer): PV {
  const stack: Item[] = [];
  const memo = new Map<number, PV>();
  const loaded = new Map<string, PStorage>();
  let p = 0;
  const push = (v: Item) => {
    if (stack.length >= PICKLE_LIMITS.stack) throw new Error(`pickle stack deeper than ${PICKLE_LIMITS.stack}`);
    stack.push(v);
  };
  const remember = (k: number, v: PV) => {
    if (memo.size >= PICKLE_LIMITS.memo && !memo.has(k)) throw new Error(`pickle memo larger than ${PICKLE_LIMITS.memo}`);
    memo.set(k, v);
  };
  const need = (n: number) => {
    if (p + n > data.length) throw new Error('pickle data is truncated');
  };
  const u8 = () => (need(1), data[p++] as number);
  const u16 = () => (need(2), (p += 2), data.readUInt16LE(p - 2));
  const u32 = () => (need(4), (p += 4), data.readUInt32LE(p - 4));
  const bytes = (n: number) => (need(n), (p += n), data.subarray(p - n, p));
  const line = () => {
    const end = data.indexOf(0x0a, p);
    if (end < 0) throw new Error('pickle data is truncated');
    const s = utf8(data.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = (): PV => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new Error('pickle stack underflow');
    return v;
  };
  const popMark = (): PV[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new Error('pickle MARK missing');
    const items = stack.splice(i) as PV[];
    items.shift();
    return items;
  };
  const top = (): PV => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new Error('pickle stack underflow');
    return v;
  };
  for (let steps = 0; steps < 50_000_000; steps++) {
    const op = u8();
    switch (op) {
      case 0x80: {
        const proto = u8();
        if (proto > 5) throw new Error(`unsupported pickle protocol: ${proto}`);
        break; // PROTO
      }
      case 0x95:
        bytes(8);
        break; // FRAME
      case 0x7d:
        push(newDict());
        break; // }
      case 0x5d:
        push([]);
        break; // ]
      case 0x29:
        push({ t: 'tuple', items: [] });
        break; // )
      case 0x28:
        push(MARK);
        break; // (
      case 0x71:
        remember(u8(), top());
        break; // q BINPUT
      case 0x72:
        remember(u32(), top());
        break; // r LONG_BINPUT
      case 0x94:
        remember(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // h BINGET, j LONG_BINGET
        const i = op === 0x68 ? u8() : u32();
        if (!memo.has(i)) throw new Error(`pickle memo ${i} missing`);
        push(memo.get(i) as PV);
        break;
      }
      case 0x58:
        push(utf8(bytes(u32())));
        break; // X BINUNICODE
      case 0x8c:
        push(utf8(bytes(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        push(utf8(bytes(Number((need(8), (p += 8), data.readBigUInt64LE(p - 8))))));
        break;
      case 0x43:
        push(Buffer.from(bytes(u8())));
        break; // C SHORT_BINBYTES
      case 0x42:
        push(Buffer.from(bytes(u32())));
        break; // B BINBYTES
      case 0x63:
      case 0x93: {
        // c GLOBAL, STACK_GLOBAL
        let module: string;
        let name: string;
        if (op === 0x63) {
          module = line();
          name = line();
        } else {
          const n = pop();
          const m = pop();
          if (typeof n !== 'string' || typeof m !== 'string') throw new Error('STACK_GLOBAL requires str');
          name = n;
          module = m;
        }
        // torch.load maps any global whose name is a storage type's to that type, whatever its module.
        if (Object.hasOwn(STORAGE_DTYPES, name)) module = 'torch';
        if (!ALLOWED.has(`${module}.${name}`))
          throw new Error(`refusing to interpret ${module}.${name} (only tensors, storages and dicts are read; use trusted-load-command for other objects)`);
        push({ t: 'global', module, name });
        break;
      }
      case 0x51:
        push(persistent(pop(), loaded));
        break; // Q BINPERSID
      case 0x74:
        push({ t: 'tuple', items: popMark() });
        break; // t
      case 0x85:
        push({ t: 'tuple', items: [pop()] });
        break;
      case 0x86: {
        const b = pop();
        const a = pop();
        push({ t: 'tuple', items: [a, b] });
        break;
      }
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        push({ t: 'tuple', items: [a, b, c] });
        break;
      }
      case 0x4b:
        push(u8());
        break; // K BININT1
      case 0x4d:
        push(u16());
        break; // M BININT2
      case 0x4a:
        push((need(4), (p += 4), data.readInt32LE(p - 4)));
        break; // J BININT
      case 0x8a:
      case 0x8b: {
        // LONG1, LONG4
        const n = op === 0x8a ? u8() : u32();
        // torch writes int64 at most; a longer LONG would only cost quadratic time to decode.
        if (n > PICKLE_LIMITS.longBytes) throw new Error(`pickle LONG of ${n} bytes at byte ${p - 1} (torch writes at most ${PICKLE_LIMITS.longBytes})`);
        const b = bytes(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
        if (n && (b[n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x49: {
        const s = line();
        // Python's int() of the line: digits (underscores between them), a sign, spaces around; else ValueError.
        if (s !== '01' && s !== '00' && !/^\s*[+-]?\d+(_\d+)*\s*$/.test(s)) throw new Error('pickle INT is not an integer (could not convert string to int)');
        push(s === '01' ? true : s === '00' ? false : Number(s.replace(/[_\s]/g, '')));
        break;
      } // I INT
      case 0x88:
        push(true);
        break;
      case 0x89:
        push(false);
        break;
      case 0x4e:
        push(null);
        break; // N
      case 0x47:
        push((need(8), (p += 8), data.readDoubleBE(p - 8)));
        break; // G BINFLOAT
      case 0x46: {
        // Python's float() of the line; anything else is a ValueError.
        const f = line().trim();
        if (!/^[+-]?((\d+(_\d+)*)(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/.test(f) && !/^[+-]?(inf|infinity|nan)$/i.test(f))
          throw new Error('pickle FLOAT is not a number (could not convert string to float)');
        push(/^[+-]?inf/i.test(f) ? (f.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(f) ? NaN : Number(f.replace(/_/g, '')));
        break;
      } // F FLOAT
      case 0x52:
      case 0x81: {
        // R REDUCE, NEWOBJ
        const args = pop();
        const fn = pop() as PGlobal;
        if (fn?.t !== 'global') throw new Error('pickle REDUCE of something that is not an allowed global');
        push(call(fn, isTuple(args) ? args.items : []));
        break;
      }
      case 0x73: {
        const v = pop();
        const k = pop();
        const d = top() as PDict;
        if (d?.t !== 'dict') throw new Error('SETITEM on a non-dict');
        setItem(d, k, v);
        break;
      }
      case 0x75: {
        // u SETITEMS
        const items = popMark();
        const d = top() as PDict;
        if (d?.t !== 'dict') throw new Error('SETITEMS on a non-dict');
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i] as PV, items[i + 1] as PV);
        break;
      }
      case 0x61: {
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) throw new Error('APPEND to a non-list');
        l.push(v);
        break;
      }
      case 0x65: {
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) throw new Error('APPENDS to a non-list');
        for (const it of items) l.push(it);
        break;
      }
      case 0x62:
        pop();
        break; // BUILD: object state (e.g. _metadata) carries no tensors we need
      case 0x2e:
        return pop(); // STOP
      default:
        throw new Error(`pickle opcode 0x${op.toString(16)} at byte ${p - 1} is not one torch writes`);
    }
  }
  throw new Error('pickle too long');
}

/**
 * Every tensor in the object graph, named by its first path (dict keys and list indices joined with '.').
 * Iterative, each container visited once (memo reuse and cycles cost nothing extra), depth-capped.
 */
export function tensorsIn(root: PV): Array<{ name: string; tensor: PTensor }> {
  const out: Array<{ name: string; tensor: PTensor }> = [];
  const seen = new Set<object>();
  const todo: Array<[PV, string, number]> = [[root, '', 0]];
  let nodes = 0;
  const join = (prefix: string, k: string | number) => (prefix ? `${prefix}.${k}` : String(k));
  // Children are pushed in reverse so the walk (LIFO) meets them in document order.
  while (todo.length) {
    const [v, name, depth] = todo.pop() as [PV, string, number];
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (++nodes > PICKLE_LIMITS.nodes) throw new Error(`the pickle holds more than ${PICKLE_LIMITS.nodes} containers`);
    if (depth > PICKLE_LIMITS.depth) throw new Error(`the pickle nests deeper than ${PICKLE_LIMITS.depth}`);
    const kids: Array<[PV, string, number]> = [];
    if (Array.isArray(v)) v.forEach((x, i) => kids.push([x, join(name, i), depth + 1]));
    else if (v.t === 'tensor') out.push({ name, tensor: v });
    else if (v.t === 'tuple') v.items.forEach((x, i) => kids.push([x, join(name, i), depth + 1]));
    else if (v.t === 'dict') for (const k of v.keys) kids.push([v.map.get(k) as PV, join(name, k), depth + 1]);
    for (let i = kids.length - 1; i >= 0; i--) todo.push(kids[i] as [PV, string, number]);
  }
  return out;
}
