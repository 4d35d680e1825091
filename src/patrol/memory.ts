import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { mac, macOk } from '../record/mac.ts';
import type { FailureClass } from './signatures.ts';
import { STATES, FAILURE_REMEDIATION, type State } from './remediation.ts';

/** What one tick remembers of a run for the next (kept in a hidden block of the comment / summary). */
export interface RunMemory {
  attempt: number;
  /** Bytes of the attempt log already scanned for crash signatures. */
  offset: number;
  state: State;
  cls: FailureClass | null;
  /** When the run entered `state` (ISO). */
  since: string;
  /** The state before the host became unreachable, carried while it stays so. */
  lastKnown: State | null;
  unreachableSince: string | null;
  unreachableTicks: number;
  oomKills: number | null;
  step: number | null;
  epoch: string | null;
  metrics: Record<string, number>;
  /** [epoch seconds, step, loss] points for the chart, at most HISTORY_MAX. */
  history: Array<[number, number | null, number | null]>;
  /** The run's tracking issue, once found: the next tick looks it up directly instead of searching. */
  issue?: number;
  /** The run's status comment, once found or written: the next tick fetches it by id instead of listing. */
  comment?: number;
  /** Set by teardown: what was done, to which instance, and when; the patrol stops probing the run. */
  teardown?: TeardownMark;
  /** A sweep's cells, by name: the same memory per cell (history kept shorter). */
  cells?: Record<string, RunMemory>;
  /** What the patrol's checkpoint sync (`sync`) last knew of the run. */
  sync?: SyncMemory;
  /** When this memory was made (the tick's time, ISO): of two patrols' memories of a run, the newer wins. */
  at?: string;
  /** The newest registration the patrol took for the run: an older one (from the comment's edit history) is refused. */
  registration?: { launchedAt: string; attempt: number };
  /** The states (state:class:attempt) a notice was posted for, newest last: each is told once. */
  notified?: string[];
  /** The provider's (confirmed) word that it preempted this attempt's box: the state stays `preempted` for that attempt. */
  preempted?: PreemptedMark;
  /** The first step this attempt's log reported (read from its first bytes): a recovery's resume is checked by it. */
  firstStep?: number | null;
  /** The recovery the patrol dispatched for this preempted attempt: never a second one for the same attempt. */
  recovery?: { attempt: number; at: string; url: string };
  /** on-node-failure: stop (a run on many boxes): the surviving nodes' job stopped once for this attempt, which ranks, and what came of it. */
  nodeStop?: { attempt: number; at: string; ranks: number[]; detail: string };
  /** The collect the patrol dispatched when this attempt ended (`auto-collect-workflow`): once per attempt. */
  collect?: { attempt: number; at: string; url: string; run?: number };
  /** The after-verified policy the patrol carried out for this attempt (issue 27 §3): never twice. */
  policy?: PolicyMark;
}

/** What the patrol did on its own after a verified collect: the verb, when, the provider's words, who approved it at launch. */
export interface PolicyMark {
  attempt: number;
  verb: 'park' | 'destroy';
  at: string;
  detail: string;
  approvedBy: string;
  /** When the patrol saw the run end (the state's `since`): the cost between then and the act is shown. */
  endedAt: string | null;
}

/** A preemption as the provider told it (issue 27 §1): when it was confirmed, its words, and the attempt it ended. */
export interface PreemptedMark {
  at: string;
  provider: string;
  words: string;
  attempt: number;
}

/** The sync's standing of a run, as the status shows it: its newest verified checkpoint on the runner, and a newer bad one. */
export interface SyncMemory {
  newest: { path: string; cell: string | null; step: number | null; writtenAt: string; where: string; sha256: string; artifact?: string } | null;
  /** The newest checkpoint judged, when it failed verification. */
  bad: { path: string; cell: string | null; writtenAt: string; why: string } | null;
  /** When the last sync ran (ISO), and why it stopped early, if it did. */
  at: string;
  error: string | null;
  /** Sync artifacts tether uploaded for the run (`sync-artifact`), newest first: the older ones are the user's to prune. */
  artifacts?: Array<{ name: string; bytes: number; at: string }>;
  /** The runner that holds the run's synced checkpoints (`RUNNER_NAME`, else its host name): only it syncs the run. */
  runner?: string;
}

export interface TeardownMark {
  state: 'torn-down' | 'parked';
  reason: string;
  at: string;
}

export interface TickMemory {
  v: 1;
  tick: number;
  runs: Record<string, RunMemory>;
}

export const HISTORY_MAX = 96;
const OPEN = '<!-- tether:memory ';
const CLOSE = ' -->';

export function emptyMemory(): TickMemory {
  return { v: 1, tick: 0, runs: {} };
}

/** The MAC key the memory is signed with (src/ssh/sign.ts macKey), or null where none can be derived (an ssh agent). */
export type MemoryKey = Buffer | null;
const MAC_LABEL = 'tether tick memory v1';

/**
 * The hidden block: deflated JSON, base64, and its MAC (`.m<hex>`) under the runner's key, inside an HTML
 * comment (invisible in rendered markdown). Without a key it is written unsigned, and read back as such.
 */
export function memoryBlock(m: TickMemory, key: MemoryKey): string {
  const payload = `z${deflateRawSync(Buffer.from(JSON.stringify(m))).toString('base64')}`;
  return `${OPEN}${payload}${key ? `.m${mac(key, MAC_LABEL, payload)}` : ''}${CLOSE}`;
}

/** The MAC tag a block carries beyond its unsigned form (`.m` and 64 hex). */
const MAC_CHARS = 66;

/**
 * Keeps the block within `budget` characters, by construction: every run's history is thinned (every other
 * point, newest kept) first, then what matters least goes, step by step: cells' history and metrics, runs'
 * history, settled cells, then every cell, and last whole runs from the end. Offsets and states of the runs
 * kept are never dropped before their cells are. A hostile box's hundreds of cells cannot push the comment
 * past GitHub's limit. Pure.
 */
export function fitMemory(m: TickMemory, budget: number): TickMemory {
  const fits = (x: TickMemory) => memoryBlock(x, null).length + MAC_CHARS <= budget;
  let cur = m;
  for (let i = 0; i < 8 && !fits(cur); i++) cur = mapRuns(cur, thin);
  const steps: Array<(r: RunMemory) => RunMemory> = [
    (r) => (r.cells ? { ...r, cells: mapCells(r.cells, (c) => ({ ...c, history: [] })) } : r),
    (r) => (r.cells ? { ...r, cells: mapCells(r.cells, (c) => ({ ...c, metrics: {} })) } : r),
    (r) => ({ ...r, history: [] }),
    (r) => (r.cells ? { ...r, cells: Object.fromEntries(Object.entries(r.cells).filter(([, c]) => c.state !== 'finished' && c.state !== 'failed')) } : r),
    (r) => {
      const { cells: _cells, ...rest } = r;
      return rest;
    },
  ];
  for (const step of steps) {
    if (fits(cur)) return cur;
    cur = mapRuns(cur, step);
  }
  const ids = Object.keys(cur.runs);
  while (!fits(cur) && ids.length) {
    const drop = ids.pop() as string;
    const { [drop]: _gone, ...rest } = cur.runs;
    cur = { ...cur, runs: rest };
  }
  return cur;
}

const mapRuns = (m: TickMemory, f: (r: RunMemory) => RunMemory): TickMemory => ({
  ...m,
  runs: Object.fromEntries(Object.entries(m.runs).map(([id, r]) => [id, f(r)])),
});
const mapCells = (c: Record<string, RunMemory>, f: (r: RunMemory) => RunMemory) => Object.fromEntries(Object.entries(c).map(([n, x]) => [n, f(x)]));

/** Every other history point dropped (the newest kept), in the run and in each of its cells. */
function thin(r: RunMemory): RunMemory {
  const half = (h: RunMemory['history']) => h.filter((_, k, all) => (all.length - 1 - k) % 2 === 0);
  const out: RunMemory = { ...r, history: half(r.history) };
  if (r.cells) out.cells = Object.fromEntries(Object.entries(r.cells).map(([n, c]) => [n, { ...c, history: half(c.history) }]));
  return out;
}

/** Memory spread over several bodies (one tracking issue per run): runs merged, the highest tick kept. */
export function mergeMemories(list: TickMemory[]): TickMemory {
  return list.reduce((acc, m) => ({ v: 1, tick: Math.max(acc.tick, m.tick), runs: { ...acc.runs, ...m.runs } }), emptyMemory());
}

/**
 * How far a block read back can be trusted: `signed` (its MAC holds under our key), `unsigned` (an older
 * tether's, or written without a key: adopted once, without any teardown mark), `forged` (a MAC that does not
 * hold: edited, or another key's), `malformed`, or `none` (no block: a first tick).
 */
export type MemoryTrust = 'none' | 'signed' | 'unsigned' | 'forged' | 'malformed';

export interface MemoryRead {
  memory: TickMemory;
  trust: MemoryTrust;
  /** What the patrol should say about it (a warning), or null when there is nothing to say. */
  note: string | null;
}

/** The last block of a body: its payload and MAC tag (empty when unsigned), or null when there is none. */
function lastBlock(body: string): { payload: string; tag: string } | null {
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return null;
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return null;
  const text = body.slice(start + OPEN.length, end);
  const dot = text.indexOf('.m');
  return dot < 0 ? { payload: text, tag: '' } : { payload: text.slice(0, dot), tag: text.slice(dot + 2) };
}

/** The block's JSON, inflated and strictly read; a BadMemory for anything not as tether writes it. */
function decode(payload: string): TickMemory {
  if (payload.length > MEMORY_TEXT_MAX) throw new BadMemory(`the block is ${payload.length} characters (at most ${MEMORY_TEXT_MAX})`);
  if (!/^z?[A-Za-z0-9+/]*={0,2}$/.test(payload)) throw new BadMemory('the block is not base64');
  let bytes: Buffer;
  try {
    bytes = payload.startsWith('z')
      ? inflateRawSync(Buffer.from(payload.slice(1), 'base64'), { maxOutputLength: MEMORY_JSON_MAX })
      : Buffer.from(payload, 'base64');
  } catch {
    throw new BadMemory('the block does not inflate (or inflates past its bound)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BadMemory('the block is not JSON');
  }
  return parseTickMemory(raw);
}

/**
 * Reads the block back from a comment, summary or state file, trusting only what tether signed: a block
 * whose MAC fails is ignored (a first tick, with a warning), never trusted and never fatal; an unsigned one
 * (an older tether, in tether's own comment) is adopted without its teardown marks, and said so. Pure.
 */
export function readMemory(body: string | undefined, key: MemoryKey): MemoryRead {
  const none: MemoryRead = { memory: emptyMemory(), trust: 'none', note: null };
  if (!body) return none;
  const b = lastBlock(body);
  if (!b) return none;
  let memory: TickMemory;
  try {
    memory = decode(b.payload);
  } catch (err) {
    return {
      memory: emptyMemory(),
      trust: 'malformed',
      note: `the tick memory block is unreadable (${(err as Error).message}): ignored, this tick starts afresh`,
    };
  }
  if (b.tag) {
    if (key && macOk(key, MAC_LABEL, b.payload, b.tag)) return { memory, trust: 'signed', note: null };
    return {
      memory: emptyMemory(),
      trust: 'forged',
      note: key
        ? "the tick memory block's signature does not hold under this runner's key (edited, or written with another key): ignored, never trusted; this tick starts afresh"
        : 'the tick memory block is signed, but this runner has no key to check it with (an ssh agent): ignored; give ssh-key or ssh-key-path',
    };
  }
  // Unsigned: what an older tether wrote. Everything but a teardown mark is adopted (a mark ends a run, and only
  // a signed one may); the next save signs it.
  const dropped = Object.values(memory.runs).filter((r) => r.teardown).length;
  const runs = Object.fromEntries(Object.entries(memory.runs).map(([id, r]) => [id, withoutTeardown(r)]));
  return {
    memory: { ...memory, runs },
    trust: 'unsigned',
    note: `adopted an unsigned tick memory block (written by an older tether${key ? '' : ', or without a key'})${dropped ? `, without its ${dropped} teardown mark(s): those runs are probed again` : ''}; it is ${key ? 'signed from this tick on' : 'still unsigned: give ssh-key or ssh-key-path so it can be signed'}`,
  };
}

function withoutTeardown(r: RunMemory): RunMemory {
  const { teardown: _teardown, ...rest } = r;
  return rest;
}

/** The memory in a body, unchecked: for tests and tools reading tether's own output. The patrol never uses this. */
export function unverifiedMemory(body: string | undefined): TickMemory {
  const b = body ? lastBlock(body) : null;
  if (!b) return emptyMemory();
  try {
    return decode(b.payload);
  } catch {
    return emptyMemory();
  }
}

/** A block that is not as tether writes it. */
export class BadMemory extends Error {}

/** Bounds on what a block may hold (a comment is at most 65,536 characters; the JSON inflates from it). */
const MEMORY_TEXT_MAX = 65_536;
const MEMORY_JSON_MAX = 4 << 20;
const RUNS_MAX = 4096;
/** Cells' memories one run may hold (read back bounded; a sweep has at most the contract's CELLS_MAX). */
const CELL_MEMORIES_MAX = 4096;
const METRICS_MAX = 64;
/** Notices remembered per run (older ones fall off: a state told long ago may be told again). */
export const NOTIFIED_MAX = 16;

type O = Record<string, unknown>;
const isObj = (v: unknown): v is O => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min = 0) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown, max: number) => typeof v === 'string' && v.length <= max;
const orNull = (v: unknown, f: (x: unknown) => boolean) => v === null || f(v);
const CLASSES = new Set(Object.keys(FAILURE_REMEDIATION));
const isState = (v: unknown) => typeof v === 'string' && (STATES as readonly string[]).includes(v);

/** One run's memory, field by field (a cell's has no cells of its own). */
function parseRun(v: unknown, where: string, depth: number): RunMemory {
  if (!isObj(v)) throw new BadMemory(`${where} is not an object`);
  const bad = (f: string) => new BadMemory(`${where}.${f} is not as tether writes it`);
  if (!isInt(v['attempt'])) throw bad('attempt');
  if (!isInt(v['offset'])) throw bad('offset');
  if (!isState(v['state'])) throw bad('state');
  if (!orNull(v['cls'], (x) => typeof x === 'string' && (CLASSES.has(x) || x === 'preempted'))) throw bad('cls');
  if (!isStr(v['since'], 40)) throw bad('since');
  if (!orNull(v['lastKnown'], isState)) throw bad('lastKnown');
  if (!orNull(v['unreachableSince'], (x) => isStr(x, 40))) throw bad('unreachableSince');
  if (!isInt(v['unreachableTicks'])) throw bad('unreachableTicks');
  if (!orNull(v['oomKills'], (x) => isInt(x))) throw bad('oomKills');
  if (!orNull(v['step'], isNum)) throw bad('step');
  if (!orNull(v['epoch'], (x) => isStr(x, 64))) throw bad('epoch');
  const metrics = v['metrics'];
  // A NaN or Inf loss is written to JSON as null.
  if (!isObj(metrics) || Object.keys(metrics).length > METRICS_MAX || !Object.values(metrics).every((x) => orNull(x, isNum))) throw bad('metrics');
  const history = v['history'];
  if (
    !Array.isArray(history) ||
    history.length > HISTORY_MAX ||
    !history.every((p) => Array.isArray(p) && p.length === 3 && isNum(p[0]) && orNull(p[1], isNum) && orNull(p[2], isNum))
  )
    throw bad('history');
  if (v['issue'] !== undefined && !isInt(v['issue'], 1)) throw bad('issue');
  if (v['comment'] !== undefined && !isInt(v['comment'], 1)) throw bad('comment');
  const t = v['teardown'];
  if (t !== undefined && !(isObj(t) && (t['state'] === 'torn-down' || t['state'] === 'parked') && isStr(t['reason'], 4000) && isStr(t['at'], 40)))
    throw bad('teardown');
  if (v['at'] !== undefined && !isStr(v['at'], 40)) throw bad('at');
  if (v['sync'] !== undefined && !isObj(v['sync'])) throw bad('sync');
  const reg = v['registration'];
  if (reg !== undefined && !(isObj(reg) && isStr(reg['launchedAt'], 40) && isInt(reg['attempt'], 1))) throw bad('registration');
  const notified = v['notified'];
  if (notified !== undefined && !(Array.isArray(notified) && notified.length <= NOTIFIED_MAX && notified.every((k) => isStr(k, 80)))) throw bad('notified');
  const pm = v['preempted'];
  if (pm !== undefined && !(isObj(pm) && isStr(pm['at'], 40) && isStr(pm['provider'], 32) && isStr(pm['words'], 300) && isInt(pm['attempt'])))
    throw bad('preempted');
  if (v['firstStep'] !== undefined && !orNull(v['firstStep'], isNum)) throw bad('firstStep');
  const dispatchMark = (x: unknown) => x === undefined || (isObj(x) && isInt(x['attempt']) && isStr(x['at'], 40) && isStr(x['url'], 400));
  if (!dispatchMark(v['recovery'])) throw bad('recovery');
  if (!dispatchMark(v['collect']) || (isObj(v['collect']) && v['collect']['run'] !== undefined && !isInt(v['collect']['run'], 1))) throw bad('collect');
  const ns = v['nodeStop'];
  if (
    ns !== undefined &&
    !(
      isObj(ns) &&
      isInt(ns['attempt'], 1) &&
      isStr(ns['at'], 40) &&
      isStr(ns['detail'], 600) &&
      Array.isArray(ns['ranks']) &&
      ns['ranks'].length <= 16 &&
      ns['ranks'].every((r) => isInt(r))
    )
  )
    throw bad('nodeStop');
  const pol = v['policy'];
  if (
    pol !== undefined &&
    !(
      isObj(pol) &&
      isInt(pol['attempt'], 1) &&
      (pol['verb'] === 'park' || pol['verb'] === 'destroy') &&
      isStr(pol['at'], 40) &&
      isStr(pol['detail'], 400) &&
      isStr(pol['approvedBy'], 45) &&
      orNull(pol['endedAt'], (x) => isStr(x, 40))
    )
  )
    throw bad('policy');
  const out = { ...(v as unknown as RunMemory) };
  // Before issue 27 a TERM was the class `preempted`; it is `terminated` now (a memory from then still reads).
  if (v['cls'] === 'preempted') out.cls = 'terminated';
  if (v['cells'] !== undefined) {
    const cells = v['cells'];
    if (depth > 0 || !isObj(cells) || Object.keys(cells).length > CELL_MEMORIES_MAX) throw bad('cells');
    out.cells = Object.fromEntries(Object.entries(cells).map(([n, c]) => [n, parseRun(c, `${where}.cells.${n.slice(0, 64)}`, depth + 1)]));
  }
  return out;
}

/** A whole tick memory, strictly: the schema, the tick, and every run as tether writes it. */
export function parseTickMemory(raw: unknown): TickMemory {
  if (!isObj(raw) || raw['v'] !== 1 || !isInt(raw['tick']) || !isObj(raw['runs'])) throw new BadMemory('not a tick memory (v, tick, runs)');
  const entries = Object.entries(raw['runs']);
  if (entries.length > RUNS_MAX) throw new BadMemory(`${entries.length} runs (at most ${RUNS_MAX})`);
  return { v: 1, tick: raw['tick'] as number, runs: Object.fromEntries(entries.map(([id, r]) => [id, parseRun(r, `runs.${id.slice(0, 64)}`, 0)])) };
}

/** The body with its hidden block(s) taken out (the visible status only). */
export function withoutMemory(body: string): string {
  let out = body;
  for (let start = out.indexOf(OPEN); start >= 0; start = out.indexOf(OPEN)) {
    const end = out.indexOf(CLOSE, start + OPEN.length);
    out = out.slice(0, start) + (end < 0 ? '' : out.slice(end + CLOSE.length));
  }
  return out;
}

/** Marks a run as torn down (or parked) in the tick memory; a run never patrolled gets a fresh entry. Pure. */
export function markTeardown(m: TickMemory, runId: string, mark: TeardownMark): TickMemory {
  const prev: RunMemory = m.runs[runId] ?? {
    attempt: 0,
    offset: 0,
    state: 'finished',
    cls: null,
    since: mark.at,
    lastKnown: null,
    unreachableSince: null,
    unreachableTicks: 0,
    oomKills: null,
    step: null,
    epoch: null,
    metrics: {},
    history: [],
  };
  return { ...m, runs: { ...m.runs, [runId]: { ...prev, teardown: mark } } };
}
