import { hostname } from 'node:os';
import type { ConnectionConfig, KeySource } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import type { Notify, PatrolPhaseConfig } from '../config/patrol.ts';
import { parseTetherFile, type HostEntry } from '../config/tether-file.ts';
import type { ActionsApi, PhaseContext } from '../ports/types.ts';
import type { HostObservation, ProbeFailure, SeenRun } from '../record/observation.ts';
import { durationText } from '../record/run-state.ts';
import type { Registration } from '../registry/entry.ts';
import { staleRegistration } from '../registry/fresh.ts';
import { registeredHosts } from '../registry/hosts.ts';
import { unlaunchedLine, type Provisioned } from '../registry/provisioned.ts';
import { budgetLines } from './budget.ts';
import type { Reporter, StatusStore } from '../report/reporter.ts';
import type { Session } from '../ssh/client.ts';
import { TransportError } from '../ssh/errors.ts';
import { loadCredential, type Credential } from '../ssh/keys.ts';
import { macKey, macKeyOf } from '../ssh/sign.ts';
import type { ArtifactUploader } from '../ports/types.ts';
import { adoptNewer } from './merge.ts';
import { mergeMemories, readMemory, type TickMemory } from './memory.ts';
import { patrolEnd } from './outputs.ts';
import { STATE_REMEDIATION } from './remediation.ts';
import { renderPatrol, renderStatusForTerminal, statusMarker } from './render.ts';
import { tick, type HostTarget, type TickResult } from './tick.ts';
import { baseRunId, combineNodes, nodeKey, planNodeStops } from './nodes.ts';
import type { AssessOptions } from './verdict.ts';
import { markNotified, noticeBody, planNotices } from './notify.ts';
import { code, inert } from '../report/markdown.ts';
import { PREEMPTION_LEAVES, type ProviderName } from '../record/names.ts';
import { applyProviderWords, checkResumes, planRecoveries, type ProviderWord } from './preempt.ts';
import { COLLECT_WHEN, planCollects } from './collects.ts';
import { costSince, planPolicies, policyLine, runOfUrl, savedLine, type PolicyOutcome, type PolicyWanted } from './policy.ts';
import { dispatchInputs } from '../record/dispatch.ts';

/** One read-only round trip to a host for all its runs (src/remote/probe.ts; the registry passes it in). */
export type ProbeHost = (conn: ConnectionConfig, cred: Credential, runRoot: string, runs: SeenRun[], timeoutMs: number) => Promise<HostObservation>;

/** A host with its key loaded. */
export type KeyedHost = HostEntry & { cred: Credential };

/** The checkpoint sync after a tick (src/sync/step.ts): each run's standing into the memory; what the `synced` output says. */
export type SyncStep = (
  cfg: PatrolPhaseConfig,
  hosts: HostEntry[],
  byName: Map<string, KeyedHost>,
  result: TickResult,
  workspace: string,
  reporter: Reporter,
  uploader: ArtifactUploader | undefined,
  /** This runner's name: a run another runner syncs (its sync fresh in the memory) is left to that runner. */
  runner: string,
) => Promise<Record<string, unknown>>;

/** What the patrol hands its follow (src/follow/patrol.ts): the hosts, the tick it mutates, and how to probe, sync and save. */
export interface FollowRun {
  cfg: PatrolPhaseConfig;
  hosts: KeyedHost[];
  /** Mutated as the follow re-ticks: memory and verdicts replaced. */
  result: TickResult;
  target(h: HostEntry): HostTarget;
  /** Runs on many boxes, by id: how many nodes each has (a node's event re-ticks all of them, combined). */
  nodes: Record<string, number>;
  /** One probe of a host, over the follower's connection when it holds one; a host's trouble as a value. */
  probe(h: KeyedHost, session: Session | null, runs: SeenRun[]): Promise<HostObservation | ProbeFailure>;
  opts: AssessOptions;
  /** The clock, which also moves the status's "last checked". */
  now(): Date;
  /** Syncs one host again (when `sync` is on). */
  resync?: (h: KeyedHost) => Promise<void>;
  save(merge: boolean): Promise<void>;
  reporter: Reporter;
}

/**
 * What the patrol is handed by the registry row (src/phases.ts): the probes (src/remote/probe.ts), the sync
 * step (src/sync/step.ts) and the follow (src/follow/patrol.ts). The patrol itself imports none of them.
 */
export interface PatrolSteps {
  probeHost: ProbeHost;
  /** The same probe over a connection a follow already holds. */
  probeOn?: (session: Session, runRoot: string, runs: SeenRun[], timeoutMs: number) => Promise<HostObservation>;
  sync?: SyncStep;
  follow?: (f: FollowRun) => Promise<void>;
  /** The instances named by tether at each provider the patrol has credentials for, less the known ones (provision/orphans.ts). */
  orphans?: (
    rent: PatrolPhaseConfig['rent'],
    env: PhaseContext['env'],
    known: ReadonlySet<string>,
    registered: ReadonlyArray<{ runId: string; provider: string; instanceId: string }>,
  ) => Promise<OrphanCheck>;
  /** The after-verified act for one run (src/teardown/auto.ts): proof, approval, box, provider; the outcome as a value. */
  afterVerified?: (want: PolicyWanted, a: AfterVerifiedArgs) => Promise<PolicyOutcome>;
  /** on-node-failure: stop (src/stop/nodes.ts): the surviving nodes' job stopped by its handle; each node's outcome. */
  stopNodes?: (
    targets: ReadonlyArray<{ rank: number; conn: ConnectionConfig; cred: Credential; runRoot: string }>,
    runId: string,
  ) => Promise<Array<{ rank: number; stopped: boolean; detail: string }>>;
}

/** What the after-verified act is handed for one run (the shape is src/teardown/auto.ts's input). */
export interface AfterVerifiedArgs {
  entry: Registration;
  conn: ConnectionConfig;
  cred: Credential;
  macKey: Buffer | null;
  rent: PatrolPhaseConfig['rent'];
  env: PhaseContext['env'];
  actions: ActionsApi | null;
  reporter: Reporter;
}

/** What the orphan check found (provision/orphans.ts gives it; the shape is the patrol's). */
export interface OrphanCheck {
  orphans: Array<{ provider: string; id: string; name: string; status: string; hourlyPrice: number | null; createdAt: string | null }>;
  /** Each registered run's instance in its provider's words, a preemption only when two readings agree. */
  instances: ProviderWord[];
  problems: string[];
  listed: string[];
}

/** The hosts to patrol and what the registry said of them. */
interface Chosen {
  hosts: HostEntry[];
  refused: string[];
  closedIssues: Array<{ runId: string; issue: number }>;
  entries: Record<string, Registration>;
  /** Instances provision recorded on which no run is registered yet (they bill with nothing behind them). */
  provisioned: Provisioned[];
}

/** Hosts from a tether.yml, the connection inputs, or the runs launch registered where report-to points. */
async function chooseHosts(cfg: PatrolPhaseConfig, ctx: PhaseContext, remote: StatusStore | undefined): Promise<Chosen> {
  const { reporter, env } = ctx;
  const none = { refused: [], closedIssues: [], entries: {}, provisioned: [] };
  if (cfg.config) return { hosts: parseTetherFile(ctx.ports.readConfig(cfg.config), env), ...none };
  if (cfg.single) {
    const c = cfg.single;
    return { hosts: [{ name: `${c.user}@${c.host}:${c.port}`, conn: c, runRoot: cfg.runRoot, runIds: cfg.runIds, hourlyPrice: null }], ...none };
  }
  if (!remote?.registered || !cfg.own) throw new InputError('report-to', 'needs the GitHub API to find registered runs, which only the action has');
  const cred = loadCredential(cfg.own.key);
  const found = (await remote.registered()).filter((f) => cfg.runIds.length === 0 || cfg.runIds.includes(f.runId));
  for (const id of cfg.runIds) if (!found.some((f) => f.runId === id)) reporter.warn(`patrol: run ${id} is not registered where report-to points`);
  const closedIssues = found.filter((f) => f.closedIssue !== undefined).map((f) => ({ runId: f.runId, issue: f.closedIssue as number }));
  const r = registeredHosts(found, cred, cfg.own);
  for (const why of r.refused) reporter.error(`patrol: registration refused, not patrolled: ${why}`);
  reporter.info(`patrol: ${Object.keys(r.entries).length} registered run(s) on ${r.hosts.length} host(s)`);
  return { hosts: r.hosts, refused: r.refused, closedIssues, entries: r.entries, provisioned: r.provisioned };
}

/** The tick memory from the first store that has one (a missing or broken store is a first tick, never a false alert). */
async function loadMemory(stores: StatusStore[], runIds: string[], read: (body: string) => TickMemory, reporter: Reporter): Promise<TickMemory> {
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
  return mergeMemories(bodies.map(read));
}

/**
 * A registration that verified must also be fresh (its comment's edit history keeps every signed version): a
 * stale one is refused by name and its run shown as probe-error, its memory left as it was.
 */
function checkFresh(
  entries: Record<string, Registration>,
  result: TickResult,
  observed: Map<string, HostObservation>,
  memory: TickMemory,
  reporter: Reporter,
  refused: string[],
): void {
  for (const [id, e] of Object.entries(entries)) {
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
}

/**
 * What every tick's verdicts go through before anything acts on them: a run on many boxes gets one verdict from
 * its nodes' (issue 28 §2), registrations are checked fresh, and a failed run's surviving nodes are stopped when
 * it opted in (on-node-failure: stop).
 */
async function afterTick(
  ctx: PhaseContext,
  steps: PatrolSteps,
  chosen: Chosen,
  t: { result: TickResult; observed: Map<string, HostObservation>; memory: TickMemory; hosts: HostEntry[]; byName: Map<string, KeyedHost>; now: Date },
): Promise<void> {
  combineNodes(t.result, nodeCounts(chosen.entries), t.memory, t.now);
  checkFresh(chosen.entries, t.result, t.observed, t.memory, ctx.reporter, chosen.refused);
  await nodeStops(ctx, steps, chosen.entries, t.result, t.hosts, t.byName, t.now);
}

/**
 * on-node-failure: stop: a failed run on many boxes whose other nodes still wait in their collective has their
 * job stopped through its backend, once per attempt (a recorded opt-in, signed into the registration); the
 * status and output `node-stops` say what came of it on each node.
 */
async function nodeStops(
  ctx: PhaseContext,
  steps: PatrolSteps,
  entries: Record<string, Registration>,
  result: TickResult,
  hosts: HostEntry[],
  byName: Map<string, KeyedHost>,
  now: Date,
): Promise<void> {
  const stopping = new Set(Object.entries(entries).flatMap(([id, e]) => (e.nodes?.length && e.onNodeFailure === 'stop' ? [id] : [])));
  const done: Array<{ run_id: string; attempt: number; nodes: Array<{ rank: number; stopped: boolean; detail: string }> }> = [];
  for (const w of planNodeStops(result.verdicts, result.memory, stopping)) {
    if (!steps.stopNodes) break;
    const targets = w.ranks.flatMap((rank) => {
      const h = hosts.find((x) => x.runIds.includes(nodeKey(w.runId, rank)));
      const k = h ? byName.get(h.name) : undefined;
      return k ? [{ rank, conn: k.conn, cred: k.cred, runRoot: k.runRoot }] : [];
    });
    const out = await steps.stopNodes(targets, w.runId);
    const detail = `on-node-failure: stop: ${out.map((o) => `rank ${o.rank} ${o.detail}`).join(', ')}`;
    const m = result.memory.runs[w.runId];
    if (m) result.memory.runs[w.runId] = { ...m, nodeStop: { attempt: w.attempt, at: now.toISOString(), ranks: w.ranks, detail: detail.slice(0, 600) } };
    const v = result.verdicts.find((x) => x.runId === w.runId);
    if (v) v.detail = `${v.detail}; ${detail}`;
    ctx.reporter.info(`patrol: ${w.runId}: ${detail}`);
    done.push({ run_id: w.runId, attempt: w.attempt, nodes: out });
  }
  ctx.reporter.output('node-stops', JSON.stringify(done));
}

/** Runs on many boxes, by id: how many nodes each registration names. */
function nodeCounts(entries: Record<string, Registration>): Record<string, number> {
  return Object.fromEntries(Object.entries(entries).flatMap(([id, e]) => (e.nodes?.length ? [[id, e.nodes.length]] : [])));
}

/** The memory of these runs, with their nodes' (a run on many boxes keeps each node's under `<run>#<rank>`). */
function pick(memory: TickMemory, ids: string[]): TickMemory {
  const keep = (k: string) => ids.includes(baseRunId(k));
  return { ...memory, runs: Object.fromEntries(Object.entries(memory.runs).filter(([k]) => keep(k))) };
}

/**
 * The patrol phase: the hosts, the tick memory, one read-only probe per host and a verdict per run, then the
 * sync and the follow when asked for, the status written to every store, and the outputs. Tick memory comes
 * from the store (the sticky comment on GitHub, or `state-file`). Returns 1 when a run entered a `fail-on`
 * state on this tick, a registration was refused, or the status could not be written; else 0.
 */
export async function patrolPhase(cfg: PatrolPhaseConfig, ctx: PhaseContext, steps: PatrolSteps): Promise<number> {
  const { reporter, ports } = ctx;
  const remote = cfg.store ? ports.statusStore?.(cfg.store) : undefined;
  const artifacts = ports.artifacts?.();
  // Decided before anything touches a box: an artifact upload that cannot work is an input error.
  const noUpload = artifacts ? artifacts.unavailable() : 'this is the CLI: artifacts are uploaded by the patrol action';
  if (cfg.sync.artifact && noUpload) throw new InputError('sync-artifact', `needs the GitHub Actions artifact service, but ${noUpload}; leave it false`);
  const chosen = await chooseHosts(cfg, ctx, remote);
  const { refused } = chosen;
  let { hosts } = chosen;
  const billing = await billingNotes(cfg, ctx, steps, chosen);
  if (cfg.registry && hosts.length === 0) return Math.max(nothingRegistered(refused, reporter, billing.lines, billing.escalate), billing.code);
  // Tick memory is signed with a key from the patrol's own SSH key: editing a comment or the state file earns no trust.
  const memKey = memoryKeyOf(cfg.signingKey, hosts, reporter);
  const readBody = (body: string) => {
    const r = readMemory(body, memKey);
    if (r.note) reporter.warn(`patrol: ${r.note}`);
    return r.memory;
  };
  const names = new Set(hosts.map((h) => h.name));
  if (names.size !== hosts.length) throw new InputError('config', 'two hosts have the same name; give each a unique name');
  // Every key is loaded before the first connection: a bad key is a bad input, not a failed tick.
  const byName = new Map<string, KeyedHost>(hosts.map((h) => [h.name, { ...h, cred: loadCredential(h.conn.key) }]));
  let runIds = [...new Set(hosts.flatMap((h) => h.runIds).map(baseRunId))]; // (a run on many boxes is one run)
  const stateStore = cfg.stateFile ? ports.stateStore(cfg.stateFile) : undefined;
  const stores = [remote, stateStore].filter((s): s is StatusStore => s !== undefined);
  // Tracking-issue numbers remembered in the state file let the GitHub store look them up directly.
  if (remote?.hint && stateStore) await hintFrom(stateStore, remote, runIds, memKey);
  const memory = await loadMemory(stores, runIds, readBody, reporter);
  const kept = await keepOpen(chosen.closedIssues, memory, hosts, runIds, remote, reporter);
  hosts = kept.hosts;
  runIds = kept.runIds;
  const opts = { stallAfterS: cfg.stallAfterS, progressRegexes: cfg.progressRegexes, checkpointEveryS: cfg.sync.checkpointEveryS };
  const target = (h: HostEntry) => ({ label: h.name, runIds: h.runIds, hourlyPrice: h.hourlyPrice, ...(h.aliases ? { aliases: h.aliases } : {}) });
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
      const o = await steps.probeHost(h.conn, h.cred, h.runRoot, runs, 60_000).catch(asValue);
      if (!('transport' in o)) observed.set(t.label, o);
      return o;
    },
    opts,
    now,
    cfg.concurrency,
  );
  await afterTick(ctx, steps, chosen, { result, observed, memory, hosts, byName, now });
  const destroyed = await preemptionsAndDispatches(cfg, ctx, chosen.entries, result, billing, now, { steps, byName, memKey });
  addBudgets(billing, chosen.entries, result.verdicts, now, reporter);
  const uploader = cfg.sync.artifact ? artifacts : undefined;
  const sync = cfg.sync.mode !== 'none' ? steps.sync : undefined;
  // A run's synced checkpoints live on one runner: the one that synced it first, while its syncs stay fresh.
  const runner = (ctx.env['RUNNER_NAME'] ?? '').trim().slice(0, 100) || hostname();
  const synced: Record<string, unknown> | null = sync ? await sync(cfg, hosts, byName, result, ports.workspace, reporter, uploader, runner) : null;
  const render = (ids: string[]) =>
    renderPatrol(
      result.verdicts.filter((v) => ids.includes(v.runId)),
      pick(result.memory, ids),
      now,
      statusMarker(cfg.header),
      cfg.header,
      memKey,
      billing.lines,
    );
  const { save, written, failed } = statusWriter(result, stores, () => runIds, render, memKey, remote, reporter, noticesOf(cfg, chosen));
  await save(false);
  await closeDestroyed(destroyed, remote, reporter);
  if (cfg.followS && steps.follow)
    await steps.follow({
      cfg,
      hosts: hosts.map((h) => byName.get(h.name)!),
      result,
      target,
      nodes: nodeCounts(chosen.entries),
      probe: (h, session, runs) =>
        (session && steps.probeOn ? steps.probeOn(session, h.runRoot, runs, 20_000) : steps.probeHost(h.conn, h.cred, h.runRoot, runs, 20_000)).catch(asValue),
      opts,
      now: () => (now = new Date()),
      ...(sync && synced
        ? { resync: async (h: KeyedHost) => void Object.assign(synced, await sync(cfg, [h], byName, result, ports.workspace, reporter, uploader, runner)) }
        : {}),
      save,
      reporter,
    });
  reporter.summary(ports.statusMode === 'text' ? renderStatusForTerminal(result.verdicts, result.memory, now) : render(runIds));
  const end = patrolEnd(result.verdicts, memory, result.memory, cfg.failOn, { synced, statusUrls: [...written] });
  sayEnd(reporter, end);
  if (billing.escalate) reporter.output('escalate', 'true');
  return refused.length || end.failed || failed() || billing.code ? 1 : 0;
}

/** The patrol's end as patrolEnd decided it (outputs.ts, pure): its outputs and lines, said. */
function sayEnd(reporter: Reporter, end: ReturnType<typeof patrolEnd>): void {
  for (const [k, v] of Object.entries(end.outputs)) reporter.output(k, v);
  for (const w of end.warnings) reporter.warn(w);
  for (const i of end.infos) reporter.info(i);
  for (const e of end.errors) reporter.error(e);
}

/** A patrol of the registry that found no run it may take: said so, with empty outputs. */
/**
 * Instances provisioned with no run registered on them: a status line each, a warning, the `unlaunched` output;
 * one older than UNLAUNCHED_GRACE_S escalates and fails the step (it bills with nothing behind it).
 */
const UNLAUNCHED_GRACE_S = 30 * 60;
export function unlaunchedNotes(found: Provisioned[], reporter: Reporter, now = new Date()): { lines: string[]; escalate: boolean; code: number } {
  const lines = found.map((p) => unlaunchedLine(p, now, code));
  const old = found.filter((p) => (now.getTime() - Date.parse(p.createdAt)) / 1000 >= UNLAUNCHED_GRACE_S);
  reporter.output(
    'unlaunched',
    JSON.stringify(found.map((p) => ({ run_id: p.runId, provider: p.provider, instance_id: p.instanceId, created_at: p.createdAt }))),
  );
  for (const p of found) {
    const line = `patrol: ${p.instanceId} (${p.provider}) was provisioned for ${p.runId} at ${p.createdAt} and no run is registered on it: it bills`;
    if (old.includes(p)) reporter.error(line);
    else reporter.warn(line);
  }
  return { lines, escalate: old.length > 0, code: old.length ? 1 : 0 };
}

/** What bills with nothing behind it, as status lines: instances provisioned and not launched, and orphans. */
async function billingNotes(
  cfg: PatrolPhaseConfig,
  ctx: PhaseContext,
  steps: PatrolSteps,
  chosen: Chosen,
): Promise<{ lines: string[]; escalate: boolean; code: number; instances: ProviderWord[] }> {
  const unlaunched = unlaunchedNotes(chosen.provisioned, ctx.reporter);
  const registered = Object.values(chosen.entries).flatMap((e) =>
    e.provider && e.instanceId ? [{ runId: e.runId, provider: e.provider, instanceId: e.instanceId }] : [],
  );
  const check = cfg.registry && steps.orphans ? await steps.orphans(cfg.rent, ctx.env, knownInstances(chosen), registered) : null;
  const orphans = check ? orphanNotes(check, ctx.reporter) : null;
  const left = Object.values(chosen.entries).flatMap((e) =>
    (e.recovery?.previous ?? []).map(
      (p) =>
        `📦 ${code(e.runId)}: its attempt ${p.attempt} ran on ${code(p.provider)} instance ${code(p.instanceId)}, which the provider preempted; ` +
        `${PREEMPTION_LEAVES[p.provider as ProviderName] ?? 'it may still hold files (and a disk that bills)'}. ` +
        'tether never destroys it on its own; **Do:** collect from it or tear it down through teardown’s approval',
    ),
  );
  return {
    instances: check?.instances ?? [],
    lines: [...unlaunched.lines, ...(orphans?.lines ?? []), ...left],
    escalate: unlaunched.escalate || !!orphans?.escalate,
    code: unlaunched.code || orphans?.code || 0,
  };
}

/**
 * The provider's confirmed word that it took a box makes the run `preempted`, whatever the network said (issue
 * 27 §1); a recovery is dispatched where its terms ask for one, a collect where a run ended; a recovered attempt
 * is checked to have resumed; an ended run's after-verified policy is carried out.
 */
async function preemptionsAndDispatches(
  cfg: PatrolPhaseConfig,
  ctx: PhaseContext,
  entries: Record<string, Registration>,
  result: TickResult,
  billing: { lines: string[]; instances: ProviderWord[] },
  now: Date,
  act: { steps: PatrolSteps; byName: Map<string, KeyedHost>; memKey: Buffer | null },
): Promise<Array<{ runId: string; reason: string }>> {
  for (const note of applyProviderWords(result.verdicts, result.memory, billing.instances, now)) ctx.reporter.warn(`patrol: ${note}`);
  await recoveries(cfg, ctx, entries, result, billing, now);
  await collects(cfg, ctx, entries, result, now);
  const restored = Object.entries(entries).map(([id, e]) => [id, e.recovery?.restored ? { attempt: e.attempt, step: e.recovery.restored.step } : null]);
  checkResumes(result.verdicts, result.memory, Object.fromEntries(restored));
  // A run that ended and was verified: its after-verified policy (the runs it destroyed come back, for their issues).
  return policies(cfg, ctx, act.steps, entries, result, act.byName, act.memKey, billing, now);
}

/** Registered runs that ended: their collect workflow dispatched once per attempt (`auto-collect-workflow`), signed into the memory. */
async function collects(cfg: PatrolPhaseConfig, ctx: PhaseContext, entries: Record<string, Registration>, result: TickResult, now: Date): Promise<void> {
  if (!cfg.collecting) return;
  const { workflow, ref, token } = cfg.collecting;
  const d = ctx.ports.dispatcher?.(token);
  const done: Array<{ run_id: string; attempt: number; url: string }> = [];
  for (const c of planCollects(result.verdicts, result.memory, new Set(Object.keys(entries)))) {
    if (!d) {
      ctx.reporter.warn(`patrol: ${c.runId} ended (${c.state}); dispatching ${workflow} needs the GitHub API and a token with actions: write`);
      break;
    }
    try {
      const url = await d.dispatch(workflow, ref, dispatchInputs(c.runId, 'tether-patrol', entries[c.runId]));
      const m = result.memory.runs[c.runId];
      const run = runOfUrl(url);
      if (m) result.memory.runs[c.runId] = { ...m, collect: { attempt: c.attempt, at: now.toISOString(), url: url.slice(0, 400), ...(run ? { run } : {}) } };
      ctx.reporter.info(`patrol: ${c.runId} ended (${c.state}): dispatched ${workflow} to collect it (${url})`);
      done.push({ run_id: c.runId, attempt: c.attempt, url });
    } catch (err) {
      ctx.reporter.warn(`patrol: the collect of ${c.runId} could not be dispatched (${(err as Error).message.slice(0, 300)}); tried again next tick`);
    }
  }
  ctx.reporter.output('collects', JSON.stringify(done));
}

/**
 * after-verified (issue 27 §3): each ended run whose signed registration asks the patrol to park or destroy its
 * box after a verified collect gets the act tried (proof, approval, box, provider: src/teardown/auto.ts), a
 * status line saying what it found, and on success a signed mark (never twice) that also ends its patrol. A run
 * that ended with no policy shows what its box has billed since.
 */
async function policies(
  cfg: PatrolPhaseConfig,
  ctx: PhaseContext,
  steps: PatrolSteps,
  entries: Record<string, Registration>,
  result: TickResult,
  byName: Map<string, KeyedHost>,
  memKey: Buffer | null,
  billing: { lines: string[] },
  now: Date,
): Promise<Array<{ runId: string; reason: string }>> {
  const { reporter } = ctx;
  const destroyed: Array<{ runId: string; reason: string }> = [];
  const verbs = Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, e.policy?.afterVerified ?? null]));
  const done: Array<{ run_id: string; attempt: number; verb: string; outcome: string; why?: string }> = [];
  const token = cfg.collecting?.token || cfg.store?.token || '';
  for (const w of planPolicies(result.verdicts, result.memory, verbs)) {
    const v = result.verdicts.find((x) => x.runId === w.runId)!;
    const host = byName.get(v.host);
    const entry = entries[w.runId]!;
    let o: PolicyOutcome;
    if (!cfg.collecting) o = { kind: 'waiting', why: 'the patrol has no auto-collect-workflow: a collect it dispatched is the proof it acts on' };
    else if (!steps.afterVerified || !host) o = { kind: 'refused', why: 'this patrol cannot carry out the policy (no after-verified step or host)' };
    else
      o = await steps.afterVerified(w, {
        entry,
        conn: host.conn,
        cred: host.cred,
        macKey: memKey,
        rent: cfg.rent,
        env: ctx.env,
        actions: ctx.ports.actionsApi?.(token) ?? null,
        reporter,
      });
    const m = result.memory.runs[w.runId];
    billing.lines.push(policyLine(w.runId, w.verb, o, { since: m?.since ?? v.since, hourlyPrice: entry.hourlyPrice }, now, code, inert));
    done.push({ run_id: w.runId, attempt: w.attempt, verb: w.verb, outcome: o.kind, ...(o.kind === 'done' ? {} : { why: o.why }) });
    if (o.kind === 'done' && m) {
      const state = w.verb === 'park' ? 'parked' : 'torn-down';
      const reason = `${entry.instanceId} ${state} by the patrol after a verified collect (after-verified, approved by @${o.approvedBy}): ${o.detail}`.slice(
        0,
        4000,
      );
      result.memory.runs[w.runId] = {
        ...m,
        policy: { attempt: w.attempt, verb: w.verb, at: o.at, detail: o.detail.slice(0, 400), approvedBy: o.approvedBy, endedAt: m.since ?? null },
        teardown: { state, reason, at: o.at },
      };
      Object.assign(v, {
        state: 'torn-down',
        cls: null,
        flags: [],
        detail: `${state} at ${o.at}: ${reason}`,
        since: o.at,
        remediation: STATE_REMEDIATION['torn-down'],
      });
      reporter.info(`patrol: ${w.runId}: ${reason}`);
      if (w.verb === 'destroy') destroyed.push({ runId: w.runId, reason });
    } else if (o.kind === 'waiting') reporter.info(`patrol: ${w.runId}: after-verified ${w.verb} waits: ${o.why}`);
    else if (o.kind !== 'done') reporter.warn(`patrol: ${w.runId}: after-verified ${w.verb} ${o.kind}: ${o.why}`);
  }
  const planned = new Set(done.map((d) => d.run_id));
  for (const v of result.verdicts) {
    const e = entries[v.runId];
    const m = result.memory.runs[v.runId];
    if (!e || !m || planned.has(v.runId)) continue;
    if (m.policy) {
      const line = savedLine(v.runId, m.policy, e.hourlyPrice, now, code);
      if (line) billing.lines.push(line);
    } else if (!m.teardown && e.hourlyPrice && (COLLECT_WHEN as readonly string[]).includes(v.state)) {
      const c = costSince(m.since, e.hourlyPrice, now);
      if (c?.cost != null)
        billing.lines.push(
          `💸 ${code(v.runId)} ended ${durationText(c.s)} ago and its box still bills: $${c.cost.toFixed(2)} since, at $${e.hourlyPrice}/h. **Do:** collect, then tear down (or launch with after-verified)`,
        );
    }
  }
  reporter.output('policies', JSON.stringify(done));
  return destroyed;
}

/** As teardown does: a run the patrol destroyed has its tracking issue closed, once its status says so. */
async function closeDestroyed(destroyed: Array<{ runId: string; reason: string }>, remote: StatusStore | undefined, reporter: Reporter): Promise<void> {
  for (const d of destroyed)
    await remote
      ?.closeTracking?.(d.runId, `🏁 ${code(d.runId)} destroyed by the patrol after a verified collect: ${inert(d.reason)}. Closing this tracking issue.`)
      .catch((err: Error) => reporter.warn(`patrol: could not close the tracking issue of ${d.runId} (${err.message})`));
}

/**
 * Preempted runs: a recovery dispatched (the launch workflow with `recover: <run-id>`) where the run's signed
 * terms ask for one, once per attempt (signed into the tick memory), and a status line for each.
 */
async function recoveries(
  cfg: PatrolPhaseConfig,
  ctx: PhaseContext,
  entries: Record<string, Registration>,
  result: TickResult,
  billing: { lines: string[]; instances: ProviderWord[] },
  now: Date,
): Promise<void> {
  const { reporter, ports } = ctx;
  const terms = Object.fromEntries(Object.entries(entries).map(([id, e]) => [id, e.recovery ?? null]));
  const steps = planRecoveries(result.verdicts, result.memory, terms, billing.instances, cfg.recovery?.workflow ?? null);
  const done: Array<{ run_id: string; attempt: number; action: string; url?: string }> = [];
  for (const s of steps) {
    billing.lines.push(s.line);
    if (s.action !== 'dispatch' || !cfg.recovery) {
      done.push({ run_id: s.runId, attempt: s.attempt, action: s.action });
      continue;
    }
    const d = ports.dispatcher?.(cfg.recovery.token);
    if (!d) {
      reporter.warn(`patrol: ${s.runId} is preempted and asks for a recovery, but dispatching needs the GitHub API and a token with actions: write`);
      done.push({ run_id: s.runId, attempt: s.attempt, action: 'no-dispatcher' });
      continue;
    }
    try {
      // The commit the run launched with: the launch workflow checks it out, so its code packs to the same release.
      const commit = entries[s.runId]?.commit;
      const url = await d.dispatch(cfg.recovery.workflow, cfg.recovery.ref, { recover: s.runId, ...(commit ? { 'recover-commit': commit } : {}) });
      const m = result.memory.runs[s.runId];
      if (m) result.memory.runs[s.runId] = { ...m, recovery: { attempt: s.attempt, at: now.toISOString(), url: url.slice(0, 400) } };
      reporter.info(`patrol: ${s.runId} preempted: dispatched ${cfg.recovery.workflow} with recover: ${s.runId} (${url})`);
      done.push({ run_id: s.runId, attempt: s.attempt, action: 'dispatched', url });
    } catch (err) {
      // Not marked: the next tick tries again.
      reporter.warn(`patrol: the recovery of ${s.runId} could not be dispatched (${(err as Error).message.slice(0, 300)}); tried again next tick`);
      done.push({ run_id: s.runId, attempt: s.attempt, action: 'dispatch-failed' });
    }
  }
  reporter.output('recoveries', JSON.stringify(done));
}

/** Budgets signed at launch: a gauge each, and crossing one escalates and fails the step (nothing is acted on). */
function addBudgets(
  billing: { lines: string[]; escalate: boolean; code: number },
  entries: Record<string, Registration>,
  verdicts: ReadonlyArray<{ runId: string; state: string }>,
  now: Date,
  reporter: Reporter,
): void {
  const live = new Set(verdicts.filter((v) => v.state !== 'torn-down').map((v) => v.runId));
  for (const b of budgetLines(entries, live, now, code)) {
    billing.lines.push(b.line);
    if (!b.crossed) continue;
    billing.escalate = true;
    billing.code = 1;
    reporter.error(`patrol: run ${b.runId} is over its budget (${b.line.replace(/\*\*|`/g, '')})`);
  }
}

/** Every instance a signed registration or provision record names, as `provider:id`. */
function knownInstances(chosen: Chosen): Set<string> {
  const known = new Set<string>();
  for (const e of Object.values(chosen.entries)) {
    if (e.provider && e.instanceId) known.add(`${e.provider}:${e.instanceId}`);
    // The boxes a run left behind on its recoveries are its own, listed on the status (never orphans).
    for (const p of e.recovery?.previous ?? []) known.add(`${p.provider}:${p.instanceId}`);
  }
  for (const p of chosen.provisioned) known.add(`${p.provider}:${p.instanceId}`);
  return known;
}

/** An orphan's age and cost so far, where its provider says when it was created (and, for the cost, its price). Pure. */
export function orphanCost(o: { hourlyPrice: number | null; createdAt: string | null }, now: Date): { ageS: number | null; cost: number | null } {
  const t = o.createdAt ? Date.parse(o.createdAt) : NaN;
  if (!Number.isFinite(t)) return { ageS: null, cost: null };
  const ageS = Math.max(0, Math.round((now.getTime() - t) / 1000));
  return { ageS, cost: o.hourlyPrice === null ? null : (o.hourlyPrice * ageS) / 3600 };
}
const orphanCostText = (c: { ageS: number | null; cost: number | null }) =>
  c.ageS === null ? '' : `: up ${durationText(c.ageS)}${c.cost !== null ? `, about $${c.cost.toFixed(2)} so far` : ''}`;

/** Instances tether's name prefix marks that bill with nothing behind them: a line each, an error, the `orphans` output, escalate. */
function orphanNotes(c: OrphanCheck, reporter: Reporter, now = new Date()): { lines: string[]; escalate: boolean; code: number } {
  const costs = c.orphans.map((o) => orphanCost(o, now));
  reporter.output(
    'orphans',
    JSON.stringify(
      c.orphans.map((o, i) => ({
        provider: o.provider,
        instance_id: o.id,
        name: o.name,
        status: o.status,
        age_s: costs[i]!.ageS,
        cost_so_far: costs[i]!.cost === null ? null : Number(costs[i]!.cost.toFixed(2)),
      })),
    ),
  );
  reporter.output(
    'instances',
    JSON.stringify(
      Object.fromEntries(
        c.instances.map((i) => [
          i.runId,
          { provider: i.provider, instance_id: i.instanceId, phase: i.phase, detail: i.detail, ...(i.preempted ? { preempted: i.preempted } : {}) },
        ]),
      ),
    ),
  );
  // The provider's own word about a run's instance, when it is not simply up: what a network blip cannot say.
  const said = c.instances
    .filter((i) => i.phase !== 'running' || i.preempted)
    .map((i) =>
      i.preempted
        ? `📟 ${code(i.runId)}: ${code(i.provider)} says it preempted instance ${code(i.instanceId)} (${inert(i.preempted)}; read twice), now ${code(i.phase)}`
        : `📟 ${code(i.runId)}: ${code(i.provider)} says instance ${code(i.instanceId)} is ${i.phase === 'gone' ? 'gone' : i.phase} (${inert(i.detail)})`,
    );
  for (const p of c.problems) reporter.warn(`patrol: orphan check: ${p}`);
  const lines = c.orphans.map(
    (o, i) =>
      `🧟 ${code(o.id)} (${code(o.provider)}, named ${code(o.name)}, ${code(o.status)}${o.hourlyPrice !== null ? `, $${o.hourlyPrice.toFixed(2)}/h` : ''}) bills with no run and no provision record behind it${orphanCostText(costs[i]!)}. ` +
      '**Do:** if it is yours, destroy it at the provider; tether destroys nothing it cannot prove it rented',
  );
  for (const o of c.orphans) reporter.error(`patrol: orphan: ${o.provider} instance ${o.id} (${o.name}) bills with no run or provision record behind it`);
  if (c.listed.length) reporter.info(`patrol: orphan check: listed ${c.listed.join(', ')}: ${c.orphans.length} orphan(s)`);
  return { lines: [...lines, ...said, ...c.problems.map((p) => `⚠️ orphan check: ${p}`)], escalate: c.orphans.length > 0, code: c.orphans.length ? 1 : 0 };
}

function nothingRegistered(refused: string[], reporter: Reporter, unlaunched: string[] = [], escalate = false): number {
  if (unlaunched.length) reporter.summary(['tether patrol: no registered runs, but instances bill:', '', ...unlaunched.map((l) => `- ${l}`)].join('\n'));
  else reporter.summary(refused.length ? `tether patrol: no registered run could be taken (${refused.length} refused)` : 'tether patrol: no registered runs');
  reporter.output('states', '{}');
  reporter.output('escalate', String(escalate));
  return refused.length ? 1 : 0;
}

/** Whom each run's notice mentions by default: the login that dispatched its launch, signed in its registration. */
function noticesOf(cfg: PatrolPhaseConfig, chosen: Chosen): { notify: Notify; launchers: Record<string, string | null>; perRun: boolean } {
  const launchers = Object.fromEntries(Object.entries(chosen.entries).map(([id, e]) => [id, e.launchedBy ?? null]));
  return { notify: cfg.notify, launchers, perRun: cfg.reportTo?.kind === 'tracking-issue' };
}

/** The state file's remembered tracking issues and comment ids, handed to the GitHub store as hints. */
async function hintFrom(stateStore: StatusStore, remote: StatusStore, runIds: string[], memKey: Buffer | null): Promise<void> {
  const [text] = await stateStore.load(runIds).catch(() => [] as string[]); // unreadable: the load after this reports it
  for (const [id, m] of Object.entries(readMemory(text ?? '', memKey).memory.runs))
    if ((Number.isSafeInteger(m.issue) && (m.issue as number) > 0) || m.comment) remote.hint?.(id, m.issue ?? 0, m.comment);
}

/**
 * A tracking issue closed by anyone but tether's teardown does not end a run: only a signed teardown mark does.
 * Runs torn down by tether whose issue is closed are not patrolled; any other closed issue is reopened.
 */
async function keepOpen(
  closedIssues: Chosen['closedIssues'],
  memory: TickMemory,
  hosts: HostEntry[],
  runIds: string[],
  remote: StatusStore | undefined,
  reporter: Reporter,
): Promise<{ hosts: HostEntry[]; runIds: string[] }> {
  const finishedWith = new Set(closedIssues.filter((c) => memory.runs[c.runId]?.teardown).map((c) => c.runId));
  if (finishedWith.size) {
    // Torn down by tether (its signed mark) and its tracking issue closed: nothing more to patrol.
    reporter.info(`patrol: ${[...finishedWith].join(', ')}: torn down by tether's teardown, tracking issue closed: not patrolled`);
    hosts = hosts.map((h) => ({ ...h, runIds: h.runIds.filter((id) => !finishedWith.has(baseRunId(id))) })).filter((h) => h.runIds.length > 0);
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
  return { hosts, runIds };
}

/**
 * Writes the status to every store (in a follow, first taking any run another patrol saw more recently), with
 * the tracking issues and comment ids the GitHub store learnt signed into the memory. A store that fails is an
 * error line and a failed step, never the end of the tick.
 */
function statusWriter(
  result: TickResult,
  stores: StatusStore[],
  runIds: () => string[],
  render: (ids: string[]) => string,
  memKey: Buffer | null,
  remote: StatusStore | undefined,
  reporter: Reporter,
  notices?: { notify: Notify; launchers: Record<string, string | null>; perRun: boolean },
): { save(merge: boolean): Promise<void>; written: Set<string>; failed(): boolean } {
  const written = new Set<string>();
  let failed = false;
  /** New comments for runs that entered a state needing a person: one per place per save, each state told once. */
  const notify = async () => {
    if (!notices || !remote?.notify) return;
    const planned = planNotices(result.verdicts, result.memory, notices.notify, notices.launchers);
    for (const group of notices.perRun ? planned.map((n) => [n]) : planned.length ? [planned] : []) {
      const ids = group.map((n) => n.runId);
      try {
        const url = await remote.notify(ids, noticeBody(group));
        markNotified(result.memory, group);
        reporter.info(
          `patrol: notified ${[...new Set(group.flatMap((n) => n.mentions))].map((m) => `@${m}`).join(' ') || 'the issue'} about ${ids.join(', ')} at ${url}`,
        );
      } catch (err) {
        reporter.warn(`patrol: the notice about ${ids.join(', ')} could not be posted (${(err as Error).message}); it is tried again on the next tick`);
      }
    }
  };
  const save = async (merge: boolean) => {
    await notify();
    for (const [id, issue] of Object.entries(remote?.known?.() ?? {})) {
      const m = result.memory.runs[id];
      if (m) result.memory.runs[id] = { ...m, issue };
    }
    for (const store of stores) {
      try {
        if (merge) adoptNewer(result, mergeMemories((await store.load(runIds())).map((b) => readMemory(b, memKey).memory)));
        // The status comments' ids (signed into the memory): the next tick fetches them directly, no listing.
        for (const [id, comment] of Object.entries(remote?.knownComments?.() ?? {})) {
          const m = result.memory.runs[id];
          if (m) result.memory.runs[id] = { ...m, comment };
        }
        for (const w of await store.save(runIds(), render)) written.add(w);
      } catch (err) {
        reporter.error(`patrol: the status could not be written (${(err as Error).message}); the job summary still has it`);
        failed = true;
      }
    }
  };
  return { save, written, failed: () => failed };
}

/**
 * The key tick memory is signed with: from the patrol's own key inputs (ssh-key, ssh-key-path), else the
 * first host's key (a tether.yml); null when only an ssh agent is given.
 */
function memoryKeyOf(key: KeySource | null, hosts: HostEntry[], reporter: Reporter): Buffer | null {
  const k = macKeyOf(key) ?? (hosts[0] ? macKey(loadCredential(hosts[0].conn.key)) : null);
  if (!k)
    reporter.warn('patrol: tick memory cannot be signed with an ssh agent (give ssh-key or ssh-key-path): it is written unsigned and not trusted next tick');
  return k;
}
