import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { KeySource } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import type { PatrolPhaseConfig } from '../config/patrol.ts';
import { parseTetherFile, type HostEntry } from '../config/tether-file.ts';
import { mergeMemories, readMemory, type RunMemory, type TickMemory } from './memory.ts';
import type { State } from './remediation.ts';
import { syncAll } from './sync-step.ts';
import { adoptNewer, shownText } from './merge.ts';
import { worthWriting } from '../follow/schedule.ts';
import { tick } from './tick.ts';
import { summarize, summaryText } from './cells.ts';
import { ESCALATE, renderPatrol, renderStatusForTerminal, stateText, statusMarker } from '../report/patrol.ts';
import type { StatusStore } from '../report/reporter.ts';
import { loadCredential, type Credential } from '../ssh/keys.ts';
import type { ConnectionConfig } from '../config/connection.ts';
import type { HostObservation, SeenRun } from '../record/observation.ts';
import type { Session } from '../ssh/client.ts';
import { registeredHosts } from '../registry/hosts.ts';
import type { PhaseContext } from '../ports/types.ts';
import { TransportError } from '../ssh/errors.ts';
import { macKey, macKeyOf } from '../ssh/sign.ts';
import type { Registration } from '../registry/entry.ts';
import { staleRegistration } from '../registry/fresh.ts';
import { STATE_REMEDIATION } from './remediation.ts';

/** Tick memory in a local file (the CLI, or a runner without report-to). */
export function fileStore(path: string): StatusStore {
  return {
    load: async () => {
      if (!existsSync(path)) return [];
      try {
        return [readFileSync(path, 'utf8')];
      } catch (err) {
        throw new InputError('state-file', `cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
      }
    },
    save: async (runIds, render) => {
      writeFileSync(path, render(runIds));
      return [path];
    },
  };
}

function readConfig(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('config', `cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
}

/** The one host given by the connection inputs. */
function single(conn: ConnectionConfig, runRoot: string, runIds: string[]): HostEntry {
  return { name: `${conn.user}@${conn.host}:${conn.port}`, conn, runRoot, runIds, hourlyPrice: null };
}

function pick(memory: TickMemory, ids: string[]): TickMemory {
  return { ...memory, runs: Object.fromEntries(ids.filter((id) => memory.runs[id]).map((id) => [id, memory.runs[id]!])) };
}

/** One read-only round trip to a host for all its runs (src/remote/probe.ts; the registry passes it in). */
export type ProbeHost = (conn: ConnectionConfig, cred: Credential, runRoot: string, runs: SeenRun[], timeoutMs: number) => Promise<HostObservation>;

/** The probes, handed in by the registry row (src/remote/probe.ts): the patrol itself never imports remote/. */
export interface PatrolProbes {
  probeHost: ProbeHost;
  /** The same probe over a connection a follow already holds. */
  probeOn?: (session: Session, runRoot: string, runs: SeenRun[], timeoutMs: number) => Promise<HostObservation>;
}

/**
 * The patrol phase for one host: one read-only probe, a verdict per run, status on every tick.
 * Tick memory comes from the store (the sticky comment on GitHub, or `state-file`); a missing or broken
 * store is a first tick, never a false alert. Returns 1 when a run entered a `fail-on` state on this tick or the status
 * could not be written, else 0.
 */
export async function patrolPhase(cfg: PatrolPhaseConfig, ctx: PhaseContext, probes: PatrolProbes): Promise<number> {
  const { env, reporter, ports } = ctx;
  const probe = probes.probeHost;
  const mode = ports.statusMode;
  const remote = cfg.store ? ports.statusStore?.(cfg.store) : undefined;
  const artifacts = ports.artifacts?.();
  // Decided before anything touches a box: an artifact upload that cannot work is an input error.
  const noUpload = artifacts ? artifacts.unavailable() : 'this is the CLI: artifacts are uploaded by the patrol action';
  if (cfg.sync.artifact && noUpload) throw new InputError('sync-artifact', `needs the GitHub Actions artifact service, but ${noUpload}; leave it false`);
  let refused: string[] = [];
  let closedIssues: Array<{ runId: string; issue: number }> = [];
  let registeredEntries: Record<string, Registration> = {};
  let hosts: HostEntry[];
  if (cfg.config) hosts = parseTetherFile(readConfig(cfg.config), env);
  else if (cfg.single) hosts = [single(cfg.single, cfg.runRoot, cfg.runIds)];
  else {
    if (!remote?.registered || !cfg.own) throw new InputError('report-to', 'needs the GitHub API to find registered runs, which only the action has');
    const cred = loadCredential(cfg.own.key);
    const found = (await remote.registered()).filter((f) => cfg.runIds.length === 0 || cfg.runIds.includes(f.runId));
    for (const id of cfg.runIds) if (!found.some((f) => f.runId === id)) reporter.warn(`patrol: run ${id} is not registered where report-to points`);
    closedIssues = found.filter((f) => f.closedIssue !== undefined).map((f) => ({ runId: f.runId, issue: f.closedIssue as number }));
    const r = registeredHosts(found, cred, cfg.own);
    registeredEntries = r.entries;
    hosts = r.hosts;
    refused = r.refused;
    for (const why of refused) reporter.error(`patrol: registration refused, not patrolled: ${why}`);
    reporter.info(`patrol: ${Object.keys(r.entries).length} registered run(s) on ${hosts.length} host(s)`);
    if (hosts.length === 0) {
      reporter.summary(refused.length ? `tether patrol: no registered run could be taken (${refused.length} refused)` : 'tether patrol: no registered runs');
      reporter.output('states', '{}');
      reporter.output('escalate', 'false');
      return refused.length ? 1 : 0;
    }
  }
  // Tick memory is signed with a key derived from the patrol's own SSH key: nobody who can only edit a
  // comment (or the state file) can make the patrol trust what they wrote.
  const memKey = memoryKeyOf(cfg.signingKey, hosts);
  if (!memKey)
    reporter.warn('patrol: tick memory cannot be signed with an ssh agent (give ssh-key or ssh-key-path): it is written unsigned and not trusted next tick');
  const readBody = (body: string) => {
    const r = readMemory(body, memKey);
    if (r.note) reporter.warn(`patrol: ${r.note}`);
    return r.memory;
  };
  const names = new Set(hosts.map((h) => h.name));
  if (names.size !== hosts.length) throw new InputError('config', 'two hosts have the same name; give each a unique name');
  // Every key is loaded before the first connection: a bad key is a bad input, not a failed tick.
  const byName = new Map(hosts.map((h) => [h.name, { ...h, cred: loadCredential(h.conn.key) }]));
  let runIds = hosts.flatMap((h) => h.runIds);
  const stores = [remote, cfg.stateFile ? fileStore(cfg.stateFile) : undefined].filter((s): s is StatusStore => s !== undefined);
  // Tracking-issue numbers remembered in the state file let the GitHub store look them up directly.
  if (remote?.hint && cfg.stateFile && existsSync(cfg.stateFile)) {
    let text = '';
    try {
      text = readFileSync(cfg.stateFile, 'utf8');
    } catch {
      // unreadable: the load below reports it
    }
    for (const [id, m] of Object.entries(readMemory(text, memKey).memory.runs))
      if ((Number.isSafeInteger(m.issue) && (m.issue as number) > 0) || m.comment) remote.hint(id, m.issue ?? 0, m.comment);
  }
  const bodies: string[] = [];
  for (const store of stores) {
    try {
      bodies.push(...(await store.load(runIds)));
      if (bodies.length) break;
    } catch (err) {
      if (err instanceof InputError) throw err;
      reporter.warn(`patrol: could not read the previous status (${(err as Error).message}); this tick starts without tick memory`);
    }
  }
  const memory = mergeMemories(bodies.map(readBody));
  // A tracking issue closed by anyone but tether's teardown does not end a run: only a signed teardown mark does.
  const finishedWith = new Set(closedIssues.filter((c) => memory.runs[c.runId]?.teardown).map((c) => c.runId));
  if (finishedWith.size) {
    // Torn down by tether (its signed mark) and its tracking issue closed: nothing more to patrol.
    reporter.info(`patrol: ${[...finishedWith].join(', ')}: torn down by tether's teardown, tracking issue closed: not patrolled`);
    hosts = hosts.map((h) => ({ ...h, runIds: h.runIds.filter((id) => !finishedWith.has(id)) })).filter((h) => h.runIds.length > 0);
    runIds = runIds.filter((id) => !finishedWith.has(id));
  }
  for (const c of closedIssues)
    if (!memory.runs[c.runId]?.teardown) {
      const why = `tracking issue #${c.issue} of run ${c.runId} was closed, but tether's teardown did not end the run: it is still patrolled`;
      reporter.warn(`patrol: ${why}; reopening the issue`);
      try {
        await remote?.reopen?.(c.runId, c.issue, why);
      } catch (err) {
        reporter.warn(`patrol: could not reopen #${c.issue} (${(err as Error).message})`);
      }
    }
  const opts = { stallAfterS: cfg.stallAfterS, progressRegexes: cfg.progressRegexes, checkpointEveryS: cfg.sync.checkpointEveryS };
  const target = (h: HostEntry) => ({ label: h.name, runIds: h.runIds, hourlyPrice: h.hourlyPrice });
  // A host that cannot be reached is a value for the pure tick, not an exception.
  const asValue = (err: unknown) => {
    if (err instanceof TransportError) return { transport: err.kind, message: err.message };
    throw err;
  };
  let now = new Date();
  const observed = new Map<string, HostObservation>();
  const result = await tick(
    hosts.map(target),
    memory,
    async (t, runs) => {
      const h = byName.get(t.label)!;
      const o = await probe(h.conn, h.cred, h.runRoot, runs, 60_000).catch(asValue);
      if (!('transport' in o)) observed.set(t.label, o);
      return o;
    },
    opts,
    now,
    cfg.concurrency,
  );
  // A registration that verified must also be fresh (its comment's edit history keeps every signed version).
  for (const [id, e] of Object.entries(registeredEntries)) {
    const v = result.verdicts.find((x) => x.runId === id);
    const run = v ? observed.get(v.host)?.runs.find((x) => x.id === id) : undefined;
    const stale = staleRegistration(e, run?.exists ? { attempt: run.attempt, handle: run.handle } : null, memory.runs[id]?.registration);
    if (!v) continue;
    if (stale) {
      reporter.error(`patrol: registration refused, not patrolled: ${id}: ${stale}`);
      refused.push(`${id}: ${stale}`);
      const prev = memory.runs[id];
      if (prev) result.memory.runs[id] = prev;
      else delete result.memory.runs[id];
      Object.assign(v, { state: 'probe-error', cls: null, flags: [], detail: `registration refused: ${stale}`, remediation: STATE_REMEDIATION['probe-error'] });
    } else if (result.memory.runs[id]) {
      result.memory.runs[id] = { ...result.memory.runs[id]!, registration: { launchedAt: e.launchedAt, attempt: e.attempt } };
    }
  }
  const uploader = cfg.sync.artifact ? artifacts : undefined;
  const workspace = ports.workspace;
  const synced: Record<string, unknown> | null = cfg.sync.mode !== 'none' ? await syncAll(cfg, hosts, byName, result, workspace, reporter, uploader) : null;
  const render = (ids: string[]) =>
    renderPatrol(
      result.verdicts.filter((v) => ids.includes(v.runId)),
      pick(result.memory, ids),
      now,
      statusMarker(cfg.header),
      cfg.header,
      memKey,
    );
  let code = 0;
  const written = new Set<string>();
  /** Writes the status to every store (in a follow, first taking any run another patrol saw more recently). */
  const save = async (merge: boolean) => {
    for (const [id, issue] of Object.entries(remote?.known?.() ?? {})) {
      const m = result.memory.runs[id];
      if (m) result.memory.runs[id] = { ...m, issue };
    }
    for (const store of stores) {
      try {
        if (merge) adoptNewer(result, mergeMemories((await store.load(runIds)).map((b) => readMemory(b, memKey).memory)));
        // The status comments' ids (signed into the memory): the next tick fetches them directly, no listing.
        for (const [id, comment] of Object.entries(remote?.knownComments?.() ?? {})) {
          const m = result.memory.runs[id];
          if (m) result.memory.runs[id] = { ...m, comment };
        }
        for (const w of await store.save(runIds, render)) written.add(w);
      } catch (err) {
        reporter.error(`patrol: the status could not be written (${(err as Error).message}); the job summary still has it`);
        code = 1;
      }
    }
  };
  await save(false);
  if (cfg.followS) {
    const { followHosts } = await import('../follow/phase.ts');
    let shown = shownText(result);
    let lastWrite = Date.now();
    const ended = await followHosts(
      hosts.map((h) => ({ name: h.name, conn: h.conn, cred: byName.get(h.name)!.cred, runRoot: h.runRoot, runIds: h.runIds })),
      {
        durationMs: cfg.followS * 1000,
        debounceMs: FOLLOW_DEBOUNCE_MS,
        refreshMs: Math.min(60_000, Math.max(5000, (cfg.stallAfterS * 1000) / 3)),
        heartbeatLostS: Math.max(30, Math.min(cfg.stallAfterS, 300)),
        settleS: cfg.sync.settleS,
        backoffMs: [2000, 30_000],
      },
      {
        reassess: async (name, session, why) => {
          const h = byName.get(name)!;
          now = new Date();
          const r = await tick(
            [target(h)],
            result.memory,
            (_t, runs) =>
              (session && probes.probeOn ? probes.probeOn(session, h.runRoot, runs, 20_000) : probe(h.conn, h.cred, h.runRoot, runs, 20_000)).catch(asValue),
            opts,
            now,
            1,
          );
          result.memory = r.memory;
          result.verdicts = result.verdicts.map((v) => r.verdicts.find((x) => x.runId === v.runId) ?? v);
          if (synced && (why.has('checkpoint') || why.has('marker') || why.size === 0))
            Object.assign(synced, await syncAll(cfg, [h], byName, result, workspace, reporter, uploader));
          const next = shownText(result);
          if (!worthWriting(shown, next, lastWrite, Date.now(), FOLLOW_QUIET_MS)) return;
          if (next !== shown)
            reporter.info(
              `follow: ${name}: ${[...why].join(', ') || 'refresh'}: ${result.verdicts
                .filter((v) => v.host === name)
                .map((v) => `${v.runId} ${stateText(v)}`)
                .join(', ')}`,
            );
          shown = next;
          lastWrite = Date.now();
          await save(true);
        },
        settled: () => result.verdicts.every((v) => ENDED.includes(v.state)),
        info: (line) => reporter.info(line),
      },
    );
    reporter.info(`follow: ${ended}`);
    await save(true);
  }
  reporter.summary(mode === 'text' ? renderStatusForTerminal(result.verdicts, result.memory, now) : render(runIds));
  const states = Object.fromEntries(
    result.verdicts.map((v) => [
      v.runId,
      {
        state: v.state,
        class: v.cls,
        step: v.step,
        epoch: v.epoch,
        metrics: v.metrics,
        flags: v.flags,
        host: v.host,
        ...(v.cells
          ? {
              summary: summaryText(summarize(v.cells)),
              cells: Object.fromEntries(v.cells.map((c) => [c.runId, { state: c.state, class: c.cls, attempt: c.attempt, step: c.step, gpus: c.cellGpus }])),
            }
          : {}),
      },
    ]),
  );
  reporter.output('states', JSON.stringify(states));
  if (synced) reporter.output('synced', JSON.stringify(synced));
  reporter.output('escalate', String(result.verdicts.some((v) => ESCALATE.includes(v.state))));
  reporter.output('tick', String(result.memory.tick));
  reporter.output('status-url', [...written].filter((w) => w.startsWith('http')).join('\n'));
  for (const v of result.verdicts)
    if (v.state !== 'running' && v.state !== 'finished' && v.state !== 'launching') reporter.warn(`${v.runId}: ${stateText(v)}: ${v.detail}. ${v.remediation}`);
  // The one symlink rule: a symlink the checkpoint globs match is never followed, pulled or counted, and said so.
  for (const v of result.verdicts)
    if (v.checkpoints.symlinks)
      reporter.warn(
        `${v.runId}: ${v.checkpoints.symlinks} file(s) its checkpoint globs match are symlinks: skipped, never followed (not counted, synced or collected)`,
      );
  if (refused.length) code = 1;
  // fail-on fails the job when a run *enters* such a state (another state, class or attempt than the last
  // tick remembered): one notification, not one per tick while it stays there.
  const entered = result.verdicts.filter((v) => cfg.failOn.includes(v.state) && enteredNow(memory.runs[v.runId], result.memory.runs[v.runId], v));
  // A sweep's cell that enters such a state is news too (`run/cell`), while the run goes on.
  const cellsEntered = result.verdicts.flatMap((v) =>
    (v.cells ?? [])
      .filter((c) => cfg.failOn.includes(c.state) && enteredNow(memory.runs[v.runId]?.cells?.[c.runId], result.memory.runs[v.runId]?.cells?.[c.runId], c))
      .map((c) => ({ ...c, runId: `${v.runId}/${c.runId}`, host: v.host, hourlyPrice: v.hourlyPrice })),
  );
  entered.push(...cellsEntered.filter((c) => !entered.some((v) => v.runId === c.runId)));
  reporter.output('entered', JSON.stringify(entered.map((v) => v.runId)));
  const staying = result.verdicts.filter((v) => cfg.failOn.includes(v.state) && !entered.includes(v));
  if (staying.length) reporter.info(`patrol: still ${staying.map((v) => `${v.runId} ${stateText(v)}`).join(', ')} (already reported when it began)`);
  if (entered.length) {
    reporter.error(`patrol: ${entered.map((v) => `${v.runId} is ${stateText(v)}`).join(', ')} (fail-on: ${cfg.failOn.join(',')})`);
    code = 1;
  }
  return code;
}

/**
 * The key tick memory is signed with: from the patrol's own key inputs (ssh-key, ssh-key-path), else the
 * first host's key (a tether.yml); null when only an ssh agent is given.
 */
function memoryKeyOf(key: KeySource | null, hosts: HostEntry[]): Buffer | null {
  return macKeyOf(key) ?? (hosts[0] ? macKey(loadCredential(hosts[0].conn.key)) : null);
}

/** Whether this tick's verdict is news against what the last tick remembered of the run. */
function enteredNow(prev: RunMemory | undefined, now: RunMemory | undefined, v: { state: string; cls: string | null }): boolean {
  if (!prev) return true;
  return prev.state !== v.state || prev.cls !== v.cls || prev.attempt !== now?.attempt;
}

/** A follow looks at a host at most this often; the status changes that fast at most. */
const FOLLOW_DEBOUNCE_MS = 2000;
/** A follow writes the status at least this often while it runs ("last checked" stays fresh). */
const FOLLOW_QUIET_MS = 5 * 60_000;
/** States after which nothing more happens to a run without a person: a follow of only these ends. */
const ENDED: readonly State[] = ['finished', 'failed', 'dead', 'rebooted', 'unknown', 'torn-down'];
