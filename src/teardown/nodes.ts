import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readVerified } from '../record/verified.ts';
import { rankDir } from '../record/grammar.ts';
import { InputError } from '../config/errors.ts';
import type { PhaseContext } from '../ports/types.ts';
import { listBoxFiles } from '../remote/manifest.ts';
import { probeOn } from '../remote/probe.ts';
import type { Reporter } from '../report/reporter.ts';
import { lookAtRun, stateOfLook } from '../patrol/look.ts';
import { TransportError } from '../ssh/errors.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { FACTS } from '../providers/index.ts';
import { driveVerb, type Driven } from './act.ts';
import { renderNodesCard, type CardNode, type CardRun } from './card.ts';
import { checkBox, checkConfirm, checkNodeEmpty, checkProof, checkRunEnded, type RunSeen } from './gate.ts';
import { lookAtBox } from './look-box.ts';
import type { TeardownNode, TeardownPhaseConfig } from './parse.ts';
import { proofFilesAt, type ProofFiles } from './proof-files.ts';
import type { Finish } from './render.ts';

/** One node as the gate left it: refused with the reason, or cleared with what the card shows and what going ahead kills. */
type NodeGate = { rank: number; card: CardNode; notes: string[] } & ({ ok: true; kills: string | null } | { ok: false; reason: string });

/** Where rank r's proof is under the run folder collect wrote. */
const rankProof = (root: string, rank: number) => join(root, rankDir(rank));

/**
 * Each node's proof files, by rank: from the run folder (`rank-<r>/`, or for rank 0 the folder itself, a one-box
 * collect of rank 0), or from collect's records artifacts, each downloaded and given to the node whose box its
 * VERIFIED.json names. A download that fails, a proof of no node of this run, or two for one node: the refusal.
 */
async function proofsOf(
  cfg: TeardownPhaseConfig & { nodes: TeardownNode[] },
  workspace: string,
  fetchArtifact: ((name: string, dir: string) => Promise<unknown>) | undefined,
): Promise<Map<number, NonNullable<ProofFiles>> | string> {
  if (cfg.verifiedPath) {
    const out = new Map<number, NonNullable<ProofFiles>>();
    const root = resolve(workspace, cfg.verifiedPath);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new InputError(
        'verified-path',
        `${root} is not a folder: with nodes it is the run folder collect wrote (its verified-path output), holding rank-<r>/VERIFIED.json`,
      );
    for (const n of cfg.nodes) {
      const files = proofFilesAt(rankProof(root, n.rank)) ?? (n.rank === 0 ? proofFilesAt(root) : null);
      if (files) out.set(n.rank, files);
    }
    return out;
  }
  if (!fetchArtifact) throw new InputError('verified-artifact', "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  const names = (cfg.verifiedArtifact ?? '').split(/\s+/).filter(Boolean);
  // The proofs are read into memory as each arrives; the downloads go when this returns.
  const tmp = mkdtempSync(join(tmpdir(), 'tether-proofs-'));
  try {
    return await artifactProofs(cfg, names, tmp, fetchArtifact);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Each records artifact downloaded into its own folder under `tmp`, its proof given to the node whose box it names. */
async function artifactProofs(
  cfg: TeardownPhaseConfig & { nodes: TeardownNode[] },
  names: string[],
  tmp: string,
  fetchArtifact: (name: string, dir: string) => Promise<unknown>,
): Promise<Map<number, NonNullable<ProofFiles>> | string> {
  const out = new Map<number, NonNullable<ProofFiles>>();
  for (const [i, name] of names.entries()) {
    const dir = join(tmp, String(i));
    try {
      await fetchArtifact(name, dir);
    } catch (err) {
      return `the proof artifact ${name} could not be downloaded: ${(err as Error).message.split('\n')[0]}`;
    }
    const files = proofFilesAt(join(dir, 'VERIFIED.json'));
    if (!files) return `the artifact ${name} holds no VERIFIED.json`;
    let box;
    try {
      box = readVerified(files.verifiedText, cfg.runId).box;
    } catch (err) {
      return `the artifact ${name}: ${(err as Error).message}`;
    }
    const node = cfg.nodes.find((n) => box && n.connection.host === box.host && n.connection.port === box.port);
    if (!node) return `the artifact ${name} proves ${box ? `the box at ${box.host}:${box.port}` : 'no box'}, which is no node of run ${cfg.runId}`;
    if (out.has(node.rank)) return `two proof artifacts are for rank ${node.rank}; give each node's once`;
    out.set(node.rank, files);
  }
  return out;
}

/**
 * Teardown of a run on many boxes (issue 28 §3): every node's instance behind this one approval, and only when
 * every node passes. A node collect read needs its own proof (rank-<r>/VERIFIED.json for exactly that box, the
 * box's files unchanged since, its run ended); a node collect-from: rank0 left is torn down only when a listing of
 * it now shows no checkpoint files of the run (and its run ended). Any node's doubt refuses the whole teardown
 * and nothing is asked of any provider; then each instance is asked and polled to a terminal state.
 */
export async function teardownNodes(
  cfg: TeardownPhaseConfig & { nodes: TeardownNode[] },
  ctx: PhaseContext,
  deps: {
    now: () => Date;
    pollMs?: number;
    afterTeardown?: (state: 'torn-down' | 'parked', summary: string) => Promise<void>;
    fetchArtifact?: (name: string, dir: string) => Promise<unknown>;
  },
  finish: Finish,
): Promise<number> {
  const { reporter, env } = ctx;
  const ids = cfg.nodes.map((n) => n.instanceId);
  const proofs = await proofsOf(cfg, ctx.ports.workspace, deps.fetchArtifact);
  if (typeof proofs === 'string') {
    const reason = `nothing was asked of ${cfg.provider} for any of the ${ids.length} nodes: ${proofs}`;
    const card = renderNodesCard({
      provider: cfg.provider,
      verb: cfg.verb,
      runId: cfg.runId,
      nodes: cfg.nodes.map((n) => ({ rank: n.rank, instanceId: n.instanceId, verified: null, run: { state: null, source: 'the box was not looked at' } })),
      now: deps.now(),
    });
    return finish('refused', reason, 1, { kind: 'refused', runId: cfg.runId, reason, notes: [], card });
  }
  const gates = await Promise.all(cfg.nodes.map((n) => gateNode(cfg, n, proofs.get(n.rank) ?? null, reporter, deps.now)));
  const card = renderNodesCard({ provider: cfg.provider, verb: cfg.verb, runId: cfg.runId, nodes: gates.map((g) => g.card), now: deps.now() });
  const notes = gates.flatMap((g) => g.notes.map((n) => `rank ${g.rank}: ${n}`));
  const refusals = gates.flatMap((g) => (g.ok ? [] : [`rank ${g.rank} (${g.card.instanceId}): ${g.reason}`]));
  const confirm = checkConfirm(cfg.verb, ids.join(' '), cfg.confirm, cfg.approval === 'confirm');
  if (confirm) refusals.push(confirm);
  if (refusals.length) {
    const reason = `nothing was asked of ${cfg.provider} for any of the ${ids.length} nodes: ${refusals.join(' | ')}`;
    return finish('refused', reason, 1, { kind: 'refused', runId: cfg.runId, reason, notes, card });
  }
  for (const g of gates) if (g.ok && g.kills) reporter.warn(`teardown: rank ${g.rank}: ${g.kills}`);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  if (cfg.dryRun) {
    const reason = `would ${cfg.verb} ${ids.length} instances (${ids.join(', ')}) on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish('dry-run', reason, 0, { kind: 'dry-run', runId: cfg.runId, reason, notes, card });
  }
  // Every node passed: each instance is asked and polled to its terminal state, all at once (one slow API call does not hold the others).
  const results = await Promise.all(
    cfg.nodes.map(async (n) => {
      const r = await driveVerb({ ...cfg, instanceId: n.instanceId, connection: n.connection }, env, nodeReporter(reporter, n.rank), deps.pollMs ?? 5000);
      return { n, r };
    }),
  );
  const line = ({ n, r }: { n: TeardownNode; r: Driven }) =>
    `rank ${n.rank} ${n.instanceId}: ${r.kind === 'done' ? `${r.detail}${r.already ? ' (already was)' : ''}` : r.kind === 'failed' ? `failed: ${r.reason}` : `NOT confirmed: ${r.detail}`}`;
  const bad = results.filter((x) => x.r.kind !== 'done');
  if (bad.length) {
    const reason = `${bad.length} of ${results.length} nodes not confirmed (the run stays on the patrol): ${results.map(line).join(' | ')}`;
    return finish('failed', reason, 1, { kind: 'failed', runId: cfg.runId, reason, notes, card });
  }
  const state = cfg.verb === 'park' ? 'parked' : 'torn-down';
  const leftovers = results.flatMap(({ n, r }) =>
    r.kind === 'done' && r.leftovers
      ? 'error' in r.leftovers
        ? [`rank ${n.rank}: could not list what still bills: ${r.leftovers.error}`]
        : r.leftovers.map((l) => `rank ${n.rank}: ${l}`)
      : [],
  );
  const reason = `${ids.length} nodes ${state}: ${results.map(line).join(' | ')}`;
  const exit = finish(state, reason, 0, {
    kind: 'done',
    runId: cfg.runId,
    state,
    instanceId: ids.join(', '),
    detail: results.map(line).join('; '),
    already: results.every(({ r }) => r.kind === 'done' && r.already),
    verb: cfg.verb,
    keepsBilling: FACTS[cfg.provider][cfg.verb]?.keepsBilling ?? null,
    leftovers: results.some(({ r }) => r.kind === 'done' && r.leftovers) ? leftovers : null,
    notes,
    card,
  });
  if (deps.afterTeardown) await deps.afterTeardown(state, reason);
  return exit;
}

function nodeReporter(base: Reporter, rank: number): Reporter {
  return {
    ...base,
    info: (l) => base.info(`rank ${rank}: ${l}`),
    warn: (l) => base.warn(`rank ${rank}: ${l}`),
    error: (l) => base.error(`rank ${rank}: ${l}`),
  };
}

/** One node through the gate: with its proof as a one-box teardown checks it, or, uncollected, shown to hold no checkpoint files. */
async function gateNode(cfg: TeardownPhaseConfig, n: TeardownNode, files: ProofFiles, reporter: Reporter, now: () => Date): Promise<NodeGate> {
  const refuse = (reason: string, run: CardRun, verified: CardNode['verified'], notes: string[] = []): NodeGate => ({
    rank: n.rank,
    ok: false,
    reason,
    notes,
    card: { rank: n.rank, instanceId: n.instanceId, verified, run },
  });
  const target = { provider: cfg.provider, instanceId: n.instanceId, box: { host: n.connection.host, port: n.connection.port } };
  const box = { runId: cfg.runId, runRoot: n.runRoot };
  if (!files) return gateUncollected(cfg, n, reporter, now, refuse);
  const gate = checkProof(cfg.runId, cfg.verb, files, false);
  const unlooked: CardRun = { state: null, source: 'the box was not looked at' };
  if (!gate.ok) return refuse(gate.reason, unlooked, null);
  const proof = gate.proof!;
  const verified = { files: proof.verified.file_count, bytes: proof.verified.bytes };
  const recorded = proof.runState;
  const shownRecorded: CardRun = recorded
    ? { state: recorded, source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box was not looked at)` }
    : unlooked;
  const wrongBox = checkBox(proof.verified, target);
  if (wrongBox) return refuse(wrongBox, shownRecorded, verified);
  const notes = [...gate.notes];
  const looked = await lookAtBox(box, n.connection, proof, reporter, now, notes, shownRecorded);
  if ('refused' in looked) return refuse(looked.refused, looked.run ?? shownRecorded, verified, notes);
  const ran = checkRunEnded(cfg.runId, looked.seen, recorded, cfg.stopRunning);
  if (!ran.ok) return refuse(ran.reason, ran.shown, verified, notes);
  notes.push(ran.note);
  return { rank: n.rank, ok: true, kills: ran.kills, notes, card: { rank: n.rank, instanceId: n.instanceId, verified, run: ran.shown, kills: ran.kills } };
}

/**
 * A node collect did not read: it must answer with its pinned key, its run must have ended (or stop-running),
 * and the listing collect would take must be empty. A node that does not answer cannot show it holds nothing.
 */
async function gateUncollected(
  cfg: TeardownPhaseConfig,
  n: TeardownNode,
  reporter: Reporter,
  now: () => Date,
  refuse: (reason: string, run: CardRun, verified: CardNode['verified'], notes?: string[]) => NodeGate,
): Promise<NodeGate> {
  let seen: RunSeen;
  let listed: string[];
  try {
    const { session } = await openPinned({ conn: n.connection, cred: loadCredential(n.connection.key) }, reporter, { attempts: 1 });
    try {
      const at = now();
      const look = await lookAtRun(cfg.runId, (runs) => probeOn(session, n.runRoot, runs), at);
      seen = look.kind === 'blind' ? { kind: 'not-seen', why: look.detail } : { kind: 'seen', state: stateOfLook(look, at) };
      listed = (await listBoxFiles(session, n.runRoot, cfg.runId, { latestOnly: false, cells: [] })).files.map((f) => f.path);
    } finally {
      session.close();
    }
  } catch (err) {
    const why = err instanceof TransportError ? `it does not answer (${err.kind})` : (err as Error).message;
    return refuse(
      `not collected, and it cannot be listed (${why}): nothing shows it holds no checkpoint files; collect with collect-from: all, or bring it back`,
      { state: null, source: `not looked at: ${why}` },
      'uncollected',
    );
  }
  const run: CardRun = seen.kind === 'seen' ? { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` } : { state: null, source: seen.why };
  const empty = checkNodeEmpty(listed);
  if (empty) return refuse(empty, run, 'uncollected');
  const ran = checkRunEnded(cfg.runId, seen, null, cfg.stopRunning);
  if (!ran.ok) return refuse(ran.reason, ran.shown, 'uncollected');
  const notes = ['not collected (collect-from: rank0); its listing shows no checkpoint files of the run', ran.note];
  return {
    rank: n.rank,
    ok: true,
    kills: ran.kills,
    notes,
    card: { rank: n.rank, instanceId: n.instanceId, verified: 'uncollected', run: ran.shown, kills: ran.kills },
  };
}
