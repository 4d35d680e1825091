import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditConfig } from '../config/audit.ts';
import type { ConnectionConfig } from '../config/connection.ts';
import type { LaunchPhaseConfig } from '../config/launch.ts';
import { nodeEnv } from '../config/nodes.ts';
import type { PhaseContext } from '../ports/types.ts';
import type { StatusStore } from '../report/reporter.ts';
import { nodeState, listenFor, reaches, routeSource } from '../remote/nodes.ts';
import { stopRun } from '../remote/stop.ts';
import { sortedJson } from '../record/spec.ts';
import type { RegisteredNode } from '../registry/entry.ts';
import { code, inert } from '../report/markdown.ts';
import { fence } from './render.ts';
import type { Reporter } from '../report/reporter.ts';
import type { Session } from '../ssh/client.ts';
import { loadCredential, type Credential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { launch, runAudit, type LaunchOutcome } from './launch.ts';
import type { Release } from './release.ts';
import { launcherOf, register } from './register.ts';

/**
 * One run on many boxes over plain SSH (issue 28 §1): every node is reached with its own pin, asked whether the
 * run lives there, audited, its clock compared, and rank 0's rendezvous port tried from every other node, before
 * any node starts. Then every node starts the same command as the same attempt, with its place in the run in its
 * spec and environment; when one cannot start, the ones that did are stopped again. One registration names them all.
 */

/** How far a node's clock may be from the runner's (heartbeats and steps are compared across nodes). */
export const NODE_CLOCK_SKEW_MS = 2000;
/** How long rank 0 listens on master-port for the other nodes' knock, and how long each keeps knocking. */
const LISTEN_S = 10;
const KNOCK_S = 8;

interface Node {
  rank: number;
  conn: ConnectionConfig;
  session: Session;
  runRoot: string;
  workdir: string;
  instanceId: string | null;
}

/** Every node runs the same live attempt and a registry is given: nothing starts, the live run is registered. */
class LiveRun extends Error {
  constructor(readonly attempt: number) {
    super(`every node runs attempt ${attempt}`);
  }
}

/** A refusal before anything started: said once, nothing touched on any node. */
class Refused extends Error {
  constructor(
    message: string,
    readonly exit: number,
    readonly result: 'refused' | 'blocked',
  ) {
    super(message);
  }
}

export async function launchNodes(
  phaseCfg: LaunchPhaseConfig,
  ctx: PhaseContext,
  o: { release: Release | undefined; auditCfg: AuditConfig | undefined; store: StatusStore | undefined },
): Promise<number> {
  const { reporter } = ctx;
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes!;
  const cred = loadCredential(phaseCfg.conn.key);
  const nodes = await openAll(m, phaseCfg, cred, reporter);
  try {
    let floor: number;
    let masterAddr: string;
    try {
      floor = await checkStates(nodes, cfg.runId, cfg.resume, o.auditCfg?.interpreter ?? phaseCfg.audit.interpreter, !!o.store?.register);
      if (o.auditCfg) await auditAll(nodes, o.auditCfg, reporter);
      masterAddr = m.masterAddr ?? (await defaultMasterAddr(nodes));
      await rendezvous(nodes, masterAddr, m.masterPort, o.auditCfg?.interpreter ?? phaseCfg.audit.interpreter);
    } catch (err) {
      if (err instanceof LiveRun) return await registerLive(phaseCfg, ctx, o, nodes, err.attempt, cred);
      if (!(err instanceof Refused)) throw err;
      return refusedAll(reporter, cfg.runId, nodes.length, err);
    }
    reporter.info(`launch: ${nodes.length} nodes, rank 0 at ${masterAddr}:${m.masterPort}; starting attempt ${floor + 1} on each`);
    const outcomes = await launchEach(phaseCfg, nodes, floor, masterAddr, o.release, reporter);
    const bad = outcomes.map((x, rank) => ({ x, rank })).filter(({ x }) => 'error' in x || x.result !== 'started');
    if (bad.length) return await undoPartial(nodes, outcomes, bad, cfg.runId, reporter);
    return await reportStarted(phaseCfg, ctx, o, nodes, outcomes as LaunchOutcome[], masterAddr, cred);
  } finally {
    for (const n of nodes) n.session.close();
  }
}

/** launch.sh on every node at once, each with its place in the run: an outcome per node (an error as a value). */
function launchEach(
  phaseCfg: LaunchPhaseConfig,
  nodes: Node[],
  floor: number,
  masterAddr: string,
  release: Release | undefined,
  reporter: Reporter,
): Promise<Array<LaunchOutcome | { error: string }>> {
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes!;
  return Promise.all(
    nodes.map(async (n) => {
      try {
        return await launch(
          {
            ...cfg,
            runRoot: n.runRoot,
            workdir: n.workdir,
            attemptFloor: floor,
            node: { rank: n.rank, nnodes: nodes.length, masterAddr, masterPort: m.masterPort },
            ...(n.instanceId ? { instanceId: n.instanceId } : {}),
          },
          [...cfg.env, ...phaseCfg.secrets, ...nodeEnv(n.rank, nodes.length, masterAddr, m.masterPort)],
          undefined,
          { session: n.session, now: () => new Date(), log: (l) => reporter.info(`rank ${n.rank}: ${l}`) },
          release,
        );
      } catch (err) {
        return { error: (err as Error).message };
      }
    }),
  );
}

function refusedAll(reporter: Reporter, runId: string, count: number, err: Refused): number {
  reporter.output('result', err.result);
  reporter.output('run-id', runId);
  reporter.summary(`### ⛔ tether launch of ${code(runId)} on ${count} nodes: nothing started\n\n${inert(err.message)}`);
  reporter.error(`launch ${err.result}: ${err.message}`);
  return err.exit;
}

/**
 * Launching again while every node runs the same attempt, with a registry: nothing starts (launch.sh on each
 * node refuses a live run, and says whether the work is the recorded one), and the live run is registered with
 * every node, so a registration that failed (a read-only token, say) is mended by relaunching.
 */
async function registerLive(
  phaseCfg: LaunchPhaseConfig,
  ctx: PhaseContext,
  o: { release: Release | undefined; store: StatusStore | undefined },
  nodes: Node[],
  attempt: number,
  cred: Credential,
): Promise<number> {
  const { reporter } = ctx;
  const m = phaseCfg.nodes!;
  const masterAddr = m.masterAddr ?? (await defaultMasterAddr(nodes));
  const outcomes = await launchEach(phaseCfg, nodes, attempt, masterAddr, o.release, reporter);
  // A node whose job ended since it was looked at may have started the next attempt (with resume): stopped again,
  // as a partial start is.
  if (outcomes.some((x) => !('error' in x) && x.result === 'started'))
    return await undoPartial(
      nodes,
      outcomes,
      outcomes.map((x, rank) => ({ x, rank })).filter(({ x }) => 'error' in x || x.result !== 'started'),
      phaseCfg.launch.runId,
      reporter,
    );
  const other = outcomes.findIndex((x) => 'error' in x || x.result !== 'refused' || x.refusal !== 'alive');
  if (other >= 0) {
    const x = outcomes[other]!;
    const why = 'error' in x ? x.error : x.message;
    return refusedAll(reporter, phaseCfg.launch.runId, nodes.length, new Refused(`rank ${other}: ${why}; nothing was started on any node`, 1, 'refused'));
  }
  reporter.info(`launch: every node runs attempt ${attempt}; nothing was started, the running run is registered for the patrol`);
  return await reportStarted(phaseCfg, ctx, o, nodes, outcomes as LaunchOutcome[], masterAddr, cred, 'registered');
}

/** Every node started: the outputs, the summary, the run file and the one registration that names them all. */
async function reportStarted(
  phaseCfg: LaunchPhaseConfig,
  ctx: PhaseContext,
  o: { release: Release | undefined; store: StatusStore | undefined },
  nodes: Node[],
  started: LaunchOutcome[],
  masterAddr: string,
  cred: Credential,
  how: 'started' | 'registered' = 'started',
): Promise<number> {
  const { reporter } = ctx;
  const cfg = phaseCfg.launch;
  const m = phaseCfg.nodes!;
  const r0 = started[0]!;
  reporter.output('result', how);
  reporter.output('run-id', cfg.runId);
  reporter.output('attempt', String(r0.attempt));
  reporter.output('handle', r0.handle);
  reporter.output('run-dir', r0.runDir);
  reporter.output('host-key-fingerprint', nodes[0]!.session.hostFingerprint);
  const table = started.map((x, rank) => ({
    rank,
    host: `${nodes[rank]!.conn.user}@${nodes[rank]!.conn.host}:${nodes[rank]!.conn.port}`,
    attempt: x.attempt,
    pid: x.pid,
    handle: x.handle,
    run_dir: x.runDir,
  }));
  reporter.output('nodes', JSON.stringify(table));
  reporter.summary(
    `### ✅ tether launch — ${code(cfg.runId)} on ${nodes.length} nodes: ${how === 'started' ? 'started' : 'already running, registered (nothing started)'}\n\n` +
      `attempt ${r0.attempt}; rank 0 at ${code(`${masterAddr}:${m.masterPort}`)}\n\n| rank | node | pid | handle |\n|---|---|---|---|\n` +
      table.map((t) => `| ${t.rank} | ${code(t.host)} | ${t.pid ?? ''} | ${code(t.handle)} |`).join('\n'),
  );
  const runFile = resolve(ctx.ports.workspace, phaseCfg.runFile);
  writeFileSync(
    runFile,
    sortedJson({
      schema: 'tether.run/v1',
      run_id: cfg.runId,
      attempt: r0.attempt,
      backend: cfg.backend,
      master_addr: masterAddr,
      master_port: m.masterPort,
      nodes: table.map((t, rank) => ({ ...t, host_key_fingerprint: nodes[rank]!.session.hostFingerprint, run_root: nodes[rank]!.runRoot })),
      checkpoints: cfg.checkpoints,
      commit: cfg.commit ?? null,
      release: o.release?.id ?? null,
    }) + '\n',
  );
  reporter.output('run-file', runFile);
  if (!o.store?.register) return 0;
  const registered: RegisteredNode[] = nodes.map((n) => ({
    rank: n.rank,
    host: n.conn.host,
    port: n.conn.port,
    user: n.conn.user,
    hostKeyFingerprint: n.session.hostFingerprint,
    runRoot: n.runRoot,
    instanceId: n.instanceId,
  }));
  return await register(
    o.store.register.bind(o.store),
    r0,
    { ...cfg, runRoot: nodes[0]!.runRoot, ...(nodes[0]!.instanceId ? { instanceId: nodes[0]!.instanceId } : {}) },
    nodes[0]!.conn,
    nodes[0]!.session,
    cred,
    reporter,
    launcherOf(ctx.env),
    o.release?.id ?? null,
    phaseCfg.policy,
    undefined,
    { nodes: registered, onNodeFailure: m.onNodeFailure },
  );
}

/** Every node's pinned session, opened together; one that cannot be reached fails the launch before any start. */
async function openAll(m: NonNullable<LaunchPhaseConfig['nodes']>, phaseCfg: LaunchPhaseConfig, cred: Credential, reporter: Reporter): Promise<Node[]> {
  const opened = await Promise.allSettled(m.conns.map((conn) => openPinned({ conn, cred }, reporter)));
  const failed = opened.findIndex((x) => x.status === 'rejected');
  if (failed >= 0) {
    for (const x of opened) if (x.status === 'fulfilled') x.value.session.close();
    const err = (opened[failed] as PromiseRejectedResult).reason as Error;
    err.message = `rank ${failed} (${m.conns[failed]!.host}:${m.conns[failed]!.port}): ${err.message}; nothing was started on any node`;
    throw err;
  }
  return opened.map((x, rank) => ({
    rank,
    conn: m.conns[rank]!,
    session: (x as PromiseFulfilledResult<Awaited<ReturnType<typeof openPinned>>>).value.session,
    runRoot: m.nodes[rank]!.runRoot ?? phaseCfg.launch.runRoot,
    workdir: m.nodes[rank]!.workdir ?? phaseCfg.launch.workdir,
    instanceId: m.nodes[rank]!.instanceId ?? null,
  }));
}

/**
 * Whether the run lives on any node (then nothing starts: a run is as alive as any of its nodes), whether its
 * record exists without resume, and each node's clock against the runner's. The attempt every node starts after.
 */
async function checkStates(nodes: Node[], runId: string, resume: boolean, interp: string, registerLive: boolean): Promise<number> {
  const states = await Promise.all(
    nodes.map(async (n) => {
      const t0 = Date.now();
      const s = await nodeState(n.session, n.runRoot, runId, interp);
      const t1 = Date.now();
      return { s, skew: Math.max(0, Math.abs(s.nowMs - (t0 + t1) / 2) - (t1 - t0) / 2) };
    }),
  );
  const alive = states.findIndex((x) => x.s.alive);
  if (alive >= 0 && registerLive && states.every((x) => x.s.alive && x.s.attempt === states[0]!.s.attempt)) throw new LiveRun(states[0]!.s.attempt);
  if (alive >= 0)
    throw new Refused(
      `${runId} runs on rank ${alive} (attempt ${states[alive]!.s.attempt}): a run on many boxes is alive while any node runs it; nothing was started on any node`,
      1,
      'refused',
    );
  const exists = states.findIndex((x) => x.s.exists);
  if (exists >= 0 && !resume)
    throw new Refused(
      `${runId} already has a record on rank ${exists} (attempt ${states[exists]!.s.attempt}); resume: true starts attempt ${Math.max(...states.map((x) => x.s.attempt)) + 1} on every node, or pick a new run id`,
      1,
      'refused',
    );
  const pythons = states.map((x) => x.s.python ?? `no ${interp}`);
  if (new Set(pythons).size > 1)
    throw new Refused(
      `the nodes' Python differs (${interp}): ${pythons.map((p, r) => `rank ${r} ${p}`).join(', ')}; every node must run the same`,
      3,
      'blocked',
    );
  const off = states.findIndex((x) => x.skew > NODE_CLOCK_SKEW_MS);
  if (off >= 0)
    throw new Refused(
      `rank ${off}'s clock is ${(states[off]!.skew / 1000).toFixed(1)} s off the runner's (at most ${NODE_CLOCK_SKEW_MS / 1000} s): set its time (chrony or systemd-timesyncd) before a run on many boxes`,
      3,
      'blocked',
    );
  return Math.max(...states.map((x) => x.s.attempt));
}

/** The audit on every node (its gate each), then what must agree across them: the interpreter's torch. */
async function auditAll(nodes: Node[], auditCfg: AuditConfig, reporter: Reporter): Promise<void> {
  const audits = await Promise.all(nodes.map((n) => runAudit(n.session, { ...auditCfg, runRoot: n.runRoot })));
  const failures = audits.flatMap((a, rank) => a.gate.failures.map((f) => `rank ${rank}: ${f}`));
  for (const [rank, a] of audits.entries()) for (const w of a.gate.warnings) reporter.warn(`audit: rank ${rank}: ${w}`);
  const torch = audits.map((a) => a.report.interpreter.torchVersion ?? 'none');
  if (new Set(torch).size > 1) failures.push(`the nodes' torch differs: ${torch.map((t, r) => `rank ${r} ${t}`).join(', ')}`);
  if (failures.length) throw new Refused(`the audit gate blocked the launch:\n${failures.map((f) => `- ${f}`).join('\n')}`, 3, 'blocked');
}

/** Rank 0's own source address toward rank 1, as rank 0's routing table says. */
async function defaultMasterAddr(nodes: Node[]): Promise<string> {
  const src = await routeSource(nodes[0]!.session, nodes[1]!.conn.host);
  if (!src)
    throw new Refused(
      `rank 0 could not say its own address toward rank 1 (${nodes[1]!.conn.host}) with ip route get: give master-addr, the address the other nodes reach rank 0 at`,
      1,
      'refused',
    );
  return src;
}

/** Rank 0 listens on master-port; every other node must reach it there, or nothing starts. */
async function rendezvous(nodes: Node[], addr: string, port: number, interp: string): Promise<void> {
  const [heard, ...knocks] = await Promise.all([
    listenFor(nodes[0]!.session, interp, port, LISTEN_S, nodes.length - 1),
    ...nodes.slice(1).map((n) => reaches(n.session, addr, port, KNOCK_S)),
  ]);
  if ('error' in (heard as object)) {
    const e = (heard as { error: string }).error;
    throw new Refused(
      e === 'port-in-use'
        ? `master-port ${port} is in use on rank 0: pick another master-port`
        : `rank 0 could not listen on master-port ${port} to check the rendezvous (${e}; it uses ${interp})`,
      3,
      'blocked',
    );
  }
  const missed = (knocks as boolean[]).map((ok, i) => ({ ok, rank: i + 1 })).filter((k) => !k.ok);
  if (missed.length)
    throw new Refused(
      `${missed.map((k) => `rank ${k.rank}`).join(', ')} cannot reach rank 0 at ${addr}:${port} (master-addr, master-port): open the port between the nodes, or give the address they reach rank 0 at`,
      3,
      'blocked',
    );
}

/** Some nodes did not start: the ones that did are stopped again (the job, through its backend), and the run failed. */
async function undoPartial(
  nodes: Node[],
  outcomes: Array<LaunchOutcome | { error: string }>,
  bad: Array<{ x: LaunchOutcome | { error: string }; rank: number }>,
  runId: string,
  reporter: Reporter,
): Promise<number> {
  const why = bad.map(({ x, rank }) => `rank ${rank}: ${'error' in x ? x.error : `${x.result}: ${x.message.split('\n').join(' ')}`}`);
  const stopped: string[] = [];
  for (const [rank, x] of outcomes.entries()) {
    if ('error' in x || x.result !== 'started') continue;
    try {
      const s = await stopRun(nodes[rank]!.session, x.runDir, 10);
      stopped.push(`rank ${rank} ${s.alive ? 'still runs (the stop did not take: stop it by hand)' : 'stopped'}`);
    } catch (err) {
      stopped.push(`rank ${rank} could not be stopped (${(err as Error).message.slice(0, 200)}): stop it by hand`);
    }
  }
  const text = `${why.join('; ')}. ${stopped.length ? `The nodes that were running were stopped again: ${stopped.join(', ')}.` : 'No node is left running.'}`;
  // What the failed nodes' jobs printed first: the traceback is usually there.
  const heads = bad
    .filter(({ x }) => !('error' in x) && x.logHead.trim())
    .map(
      ({ x, rank }) => `<details><summary>rank ${rank}: first lines of the job log</summary>\n\n${fence((x as LaunchOutcome).logHead.trimEnd())}\n</details>`,
    );
  for (const { x, rank } of bad) if (!('error' in x) && x.logHead.trim()) reporter.info(`rank ${rank}: first lines of the job log:\n${x.logHead.trimEnd()}`);
  reporter.output('result', 'failed');
  reporter.output('run-id', runId);
  reporter.summary(
    `### ❌ tether launch of ${code(runId)} on ${nodes.length} nodes: not started on every node\n\n${inert(text)}${heads.length ? `\n\n${heads.join('\n')}` : ''}`,
  );
  reporter.error(`launch failed: ${text}`);
  return 1;
}
