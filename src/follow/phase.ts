import type { ConnectionConfig } from '../config/connection.ts';
import { scriptCommand, scriptStdin } from '../remote/invoke.ts';
import { CRASH_HINT } from '../patrol/signatures.ts';
import { connect, type Session } from '../ssh/client.ts';
import type { Credential } from '../ssh/keys.ts';
import { parseEvent, type RunEventKind } from './events.ts';
import { idle, plan, reconnect, type HostClock } from './schedule.ts';

export interface FollowHost {
  name: string;
  conn: ConnectionConfig;
  cred: Credential;
  runRoot: string;
  runIds: string[];
}

export interface FollowOptions {
  /** How long to follow at most (ms). */
  durationMs: number;
  /** At most one look per host per this (ms). */
  debounceMs: number;
  /** A look at least this often without events (ms). */
  refreshMs: number;
  /** The follower reports a heartbeat older than this (s) as lost. */
  heartbeatLostS: number;
  /** A checkpoint is new once unchanged this long (s). */
  settleS: number;
  /** Reconnect backoff: first and longest wait (ms). */
  backoffMs: [number, number];
}

export interface FollowHooks {
  /**
   * Looks at one host again (through its open follow connection, or null to connect as a tick does) and
   * writes the status when that is worth it. `why`: the events since the last look (empty: a refresh).
   */
  reassess(host: string, session: Session | null, why: ReadonlySet<RunEventKind | 'connected' | 'dropped'>): Promise<void>;
  /** True when every followed run has ended (nothing more will change): the follow stops. */
  settled(): boolean;
  info(line: string): void;
}

/**
 * A follow: per host one SSH connection and one read-only follower on the box (scripts/remote/follow.sh,
 * sent on stdin) that says when something changed; each change is looked at within `debounceMs`. A
 * dropped connection is looked at at once (the look itself then finds the host unreachable, as a tick
 * would) and reconnected with capped backoff. Ends when every run has ended, at `durationMs`, or when
 * `signal` aborts. Returns why it ended.
 */
export async function followHosts(hosts: FollowHost[], opts: FollowOptions, hooks: FollowHooks, signal?: AbortSignal): Promise<string> {
  const clocks = new Map<string, HostClock>(hosts.map((h) => [h.name, idle()]));
  const why = new Map<string, Set<RunEventKind | 'connected' | 'dropped'>>(hosts.map((h) => [h.name, new Set()]));
  const sessions = new Map<string, Session>();
  let stopped = false;
  let wake: () => void = () => undefined;
  const request = (host: string, kind: RunEventKind | 'connected' | 'dropped') => {
    const c = clocks.get(host)!;
    c.pending = true;
    why.get(host)!.add(kind);
    wake();
  };
  // Every look starts from here: ended when stopped.
  let stopWaiting: () => void = () => undefined;
  const stopping = new Promise<void>((res) => (stopWaiting = res));
  const stop = () => {
    stopped = true;
    stopWaiting();
    wake();
  };
  signal?.addEventListener('abort', stop, { once: true });

  const keep = async (h: FollowHost) => {
    const ids = new Set(h.runIds);
    const data = [...h.runIds.map((id) => `run ${id}`), `hint ${Buffer.from(CRASH_HINT).toString('base64')}`, 'end'].join('\n') + '\n';
    let failures = 0;
    while (!stopped) {
      let session: Session | null = null;
      let lived: number | null = null;
      try {
        // Keepalives every 5 s, two missed: a box that stops answering is known within ~15 s.
        session = await connect({ ...h.conn, attempts: 1 }, h.cred, { keepaliveIntervalMs: 5000, keepaliveCountMax: 2 });
      } catch (err) {
        hooks.info(`follow: ${h.name}: cannot connect (${(err as Error).message}); retrying`);
      }
      if (session && !stopped) {
        const began = Date.now();
        sessions.set(h.name, session);
        const stream = session.stream(scriptCommand([h.runRoot, String(opts.heartbeatLostS), String(opts.settleS)]), scriptStdin('follow', data), (line) => {
          const ev = parseEvent(line, ids);
          if (ev && ev.kind !== 'start' && ev.kind !== 'alive') request(h.name, ev.kind);
        });
        request(h.name, 'connected');
        const reason = await Promise.race([stream.ended, session.closed, stopping.then(() => 'the follow ended')]);
        sessions.delete(h.name);
        stream.close();
        session.close();
        if (stopped) break;
        lived = Date.now() - began;
        hooks.info(`follow: ${h.name}: the follower stopped (${reason}); looking again and reconnecting`);
        request(h.name, 'dropped');
      }
      const next = reconnect(failures, lived, opts.backoffMs);
      failures = next.failures;
      const waitMs = next.waitMs;
      await Promise.race([new Promise((res) => setTimeout(res, waitMs)), stopping]);
    }
  };

  const start = Date.now();
  const keepers = hosts.map((h) => keep(h));
  let ended = 'the follow duration ran out';
  try {
    while (!stopped) {
      const now = Date.now();
      if (now - start >= opts.durationMs) break;
      const { due, waitMs } = plan(clocks, now, opts.debounceMs, opts.refreshMs);
      for (const host of due) {
        const reasons = new Set(why.get(host)!);
        why.get(host)!.clear();
        clocks.set(host, { lastAt: Date.now(), pending: false });
        await hooks.reassess(host, sessions.get(host) ?? null, reasons);
      }
      if (hooks.settled()) {
        ended = 'every followed run has ended';
        break;
      }
      if (due.length) continue;
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(waitMs, Math.max(0, opts.durationMs - (Date.now() - start))));
        wake = () => {
          clearTimeout(t);
          res();
        };
      });
      wake = () => undefined;
    }
    if (signal?.aborted) ended = 'the follow was stopped';
  } finally {
    stop();
    for (const s of sessions.values()) s.close();
    await Promise.all(keepers);
  }
  return ended;
}
