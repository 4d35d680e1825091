import type { Session } from '../ssh/client.ts';
import { ATTEMPT_MAX } from '../record/grammar.ts';
import { bool, BoxDataError, int, obj, str } from '../record/strict.ts';
import { parseJsonLine, runScript } from './invoke.ts';

/** What a multi-node launch asks each node before it starts anything (scripts/remote/nodes.sh). */
export interface NodeState {
  exists: boolean;
  attempt: number;
  alive: boolean;
  /** The node's clock when it answered (epoch ms). */
  nowMs: number;
  /** The interpreter's Python version, or null when it does not run there. */
  python: string | null;
}

const WHERE = "nodes.sh's answer";

export function parseNodeState(raw: unknown): NodeState {
  const o = obj(raw, WHERE);
  if ('error' in o) throw new BoxDataError(`nodes.sh state: ${str(o, 'error', WHERE, { max: 64 })}`);
  return {
    exists: bool(o, 'exists', WHERE),
    attempt: int(o, 'attempt', WHERE, { min: 0, max: ATTEMPT_MAX }),
    alive: bool(o, 'alive', WHERE),
    nowMs: int(o, 'now_ms', WHERE, { min: 0, max: 1e14 }),
    python: o['python'] === null ? null : str(o, 'python', WHERE, { max: 40, pattern: /^[0-9]{1,2}\.[0-9]{1,3}\.[0-9A-Za-z+.]{1,20}$/ }),
  };
}

export async function nodeState(session: Session, runRoot: string, runId: string, interp: string): Promise<NodeState> {
  const r = await runScript(session, 'nodes', ['state', runRoot, runId, interp], { timeoutMs: 30_000, maxOutput: 4096 });
  return parseNodeState(parseJsonLine('nodes', r));
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** Rank 0's own source address toward `addr` (`ip route get`), or null when the node cannot say. */
export async function routeSource(session: Session, addr: string): Promise<string | null> {
  const o = obj(parseJsonLine('nodes', await runScript(session, 'nodes', ['route', addr], { timeoutMs: 20_000, maxOutput: 4096 })), WHERE);
  if (o['src'] === null) return null;
  const src = str(o, 'src', WHERE, { max: 15 });
  return IPV4.test(src) ? src : null;
}

/** A listener on rank 0 for at most `secs`, until `want` connections came: how many came, or why none could. */
export async function listenFor(session: Session, interp: string, port: number, secs: number, want: number): Promise<{ accepted: number } | { error: string }> {
  const r = await runScript(session, 'nodes', ['listen', interp, String(port), String(secs), String(want)], { timeoutMs: (secs + 15) * 1000, maxOutput: 4096 });
  const o = obj(parseJsonLine('nodes', r), WHERE);
  if ('error' in o) return { error: str(o, 'error', WHERE, { max: 64, pattern: /^[a-z-]+$/ }) };
  return { accepted: int(o, 'accepted', WHERE, { min: 0, max: 99 }) };
}

/** Whether this node reaches `addr:port` within `secs`. */
export async function reaches(session: Session, addr: string, port: number, secs: number): Promise<boolean> {
  const r = await runScript(session, 'nodes', ['reach', addr, String(port), String(secs)], { timeoutMs: (secs + 15) * 1000, maxOutput: 4096 });
  return bool(obj(parseJsonLine('nodes', r), WHERE), 'reached', WHERE);
}
