import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PhaseContext } from '../ports/types.ts';
import type { Reporter } from '../report/reporter.ts';
import { code, inert } from '../report/markdown.ts';
import { TransportError } from '../ssh/errors.ts';
import { renderNodesCard, type CardNode } from '../teardown/card.ts';
import { InputError } from '../config/errors.ts';
import type { CollectOutcome } from './collect.ts';
import type { CollectNodes, CollectPhaseConfig } from './parse.ts';
import { removeProofs } from './local.ts';
import { rankDir } from '../record/grammar.ts';
import { ListingRefused } from '../record/listing.ts';

/** One box's collect: where its files go, the name its artifacts carry (the run id; with nodes, run and rank), and whether it shows the card. */
export type BoxCollect = CollectPhaseConfig & { dest: string; artifactLabel: string; cardShown: boolean };

/** What one box's collect ended in: the exit code, and the outcome (its run state and what was verified). */
export interface BoxResult {
  exit: number;
  outcome: CollectOutcome;
}

/** A rank's lines go to the step's log with the rank in front; its outputs and summary are kept for the run's own. */
function rankReporter(base: Reporter, rank: number): Reporter & { outputs: Record<string, string>; summaries: string[] } {
  const outputs: Record<string, string> = {};
  const summaries: string[] = [];
  return {
    outputs,
    summaries,
    info: (l) => base.info(`rank ${rank}: ${l}`),
    warn: (l) => base.warn(`rank ${rank}: ${l}`),
    error: (l) => base.error(`rank ${rank}: ${l}`),
    mask: (s) => base.mask(s),
    output: (n, v) => void (outputs[n] = v),
    summary: (md) => void summaries.push(md),
  };
}

interface RankDone {
  rank: number;
  where: string;
  verified: boolean;
  outputs: Record<string, string>;
  summary: string;
  outcome: CollectOutcome | null;
  failure: string | null;
  /** The node's listing showed no checkpoint files of the run (collect-from: all): nothing to pull, no proof written. */
  empty: boolean;
}

/**
 * Collect of a run on many boxes (issue 28 §3): rank 0 (collect-from: rank0, the default) or every node
 * (all), one after another, each into `<dest>/<run>/rank-<r>/` with its own manifest.json and VERIFIED.json for
 * exactly that node's box, verified as a one-box collect is. The run is verified only when every node read is.
 * One node's trouble (it does not answer) is that node's line; the others are still collected.
 */
export async function collectNodes(
  cfg: CollectPhaseConfig,
  m: CollectNodes,
  ctx: PhaseContext,
  one: (cfg: BoxCollect, reporter: Reporter) => Promise<BoxResult>,
): Promise<number> {
  const { reporter } = ctx;
  const root = join(resolve(ctx.ports.workspace, cfg.destDir), cfg.runId);
  try {
    mkdirSync(root, { recursive: true });
  } catch (err) {
    throw new InputError('dest-dir', `cannot create ${root}: ${(err as Error).message}`);
  }
  removeProofs(root); // no proof of an earlier collect (any rank, or a one-box layout) stands for this one
  const read = m.from === 'all' ? m.nodes : m.nodes.slice(0, 1);
  reporter.info(`collect: run ${cfg.runId} on ${m.nodes.length} nodes; collecting from ${m.from === 'all' ? 'every node' : 'rank 0'} into ${root}/rank-<r>`);
  const done: RankDone[] = [];
  for (const n of read) {
    const r = rankReporter(reporter, n.rank);
    const where = `${n.conn.host}:${n.conn.port}`;
    const card = cfg.card && n.instanceId ? { ...cfg.card, instanceId: n.instanceId } : null;
    const box: BoxCollect = {
      ...cfg,
      conn: n.conn,
      runRoot: n.runRoot,
      card,
      dest: join(root, rankDir(n.rank)),
      artifactLabel: `${cfg.runId}-rank${n.rank}`,
      cardShown: false,
    };
    try {
      const res = await one(box, r);
      done.push({
        rank: n.rank,
        where,
        verified: res.exit === 0,
        outputs: r.outputs,
        summary: r.summaries.join('\n\n'),
        outcome: res.outcome,
        failure: null,
        empty: false,
      });
    } catch (err) {
      if (err instanceof InputError) throw err;
      if (err instanceof ListingRefused && err.message.startsWith('no-checkpoints:')) {
        // Most jobs save on rank 0 only: a node holding none of the run's files has nothing to lose. No proof is
        // written for it, so teardown lists it again before it acts.
        reporter.info(`collect: rank ${n.rank} holds no checkpoint files of the run: nothing to pull from it`);
        done.push({
          rank: n.rank,
          where,
          verified: true,
          outputs: {},
          summary: 'No checkpoint files of the run on this node: nothing pulled (teardown lists it again before it acts).',
          outcome: null,
          failure: null,
          empty: true,
        });
        continue;
      }
      const why = err instanceof TransportError ? `${where} could not be reached (${err.kind}): ${err.message}` : (err as Error).message;
      reporter.error(`collect: rank ${n.rank}: ${why}`);
      done.push({ rank: n.rank, where, verified: false, outputs: {}, summary: '', outcome: null, failure: why, empty: false });
    }
  }
  const all = done.every((d) => d.verified) && done.some((d) => !d.empty);
  if (done.every((d) => d.empty)) reporter.error(`collect: no node read holds a checkpoint file of run ${cfg.runId}`);
  writeOutputs(reporter, root, done, all);
  reporter.summary(renderNodes(cfg, m, done, new Date()));
  if (!all) {
    reporter.error(
      `collect: run ${cfg.runId} is not verified: ${done
        .filter((d) => !d.verified)
        .map((d) => `rank ${d.rank}`)
        .join(', ')} not verified`,
    );
    return 1;
  }
  reporter.info(`collect: run ${cfg.runId}: ${done.length === 1 ? 'rank 0' : `all ${done.length} nodes`} verified; the proofs are under ${root}`);
  return 0;
}

/** The run's outputs: verified only when every node read is; the folder teardown takes; what each node gave. */
function writeOutputs(reporter: Reporter, root: string, done: RankDone[], all: boolean): void {
  const sum = (k: string) => String(done.reduce((a, d) => a + (Number(d.outputs[k]) || 0), 0));
  reporter.output('verified', String(all));
  reporter.output('verified-path', all ? root : '');
  reporter.output('files', sum('files'));
  reporter.output('bytes', sum('bytes'));
  reporter.output('dest', root);
  reporter.output('manifest-sha256', '');
  reporter.output('files-sha256', '');
  // Each node's records artifact, a line each: teardown with nodes takes the list (it tells the nodes apart by the box each proof names).
  const records = done.filter((d) => !d.empty).map((d) => d.outputs['verified-artifact'] ?? '');
  reporter.output('verified-artifact', all && records.every(Boolean) ? records.join('\n') : '');
  reporter.output(
    'nodes-collected',
    JSON.stringify(
      done.map((d) => ({
        rank: d.rank,
        host: d.where,
        verified: d.verified,
        empty: d.empty,
        files: Number(d.outputs['files'] ?? 0),
        bytes: Number(d.outputs['bytes'] ?? 0),
        manifest_sha256: d.outputs['manifest-sha256'] ?? '',
        artifact_name: d.outputs['artifact-name'] ?? '',
        path: join(root, rankDir(d.rank)),
      })),
    ),
  );
}

/** The run's summary: a section per node read, the nodes left on their boxes, and one card for every node. */
function renderNodes(cfg: CollectPhaseConfig, m: CollectNodes, done: RankDone[], now: Date): string {
  const head = `### tether collect — ${code(cfg.runId)} on ${m.nodes.length} nodes (collect-from: ${m.from})`;
  const parts = [head];
  for (const d of done) {
    parts.push(`#### Rank ${d.rank} — ${code(d.where)} → \`${rankDir(d.rank)}/\``);
    parts.push(d.failure ? `❌ not collected: ${inert(d.failure)}` : d.summary);
  }
  const left = m.nodes.filter((n) => !done.some((d) => d.rank === n.rank));
  if (left.length)
    parts.push(
      `Not collected (collect-from: rank0): ${left.map((n) => `rank ${n.rank} (${code(`${n.conn.host}:${n.conn.port}`)})`).join(', ')}. Teardown tears such a node down only when a listing of it shows no checkpoint files; collect-from: all collects them too.`,
    );
  if (cfg.card) {
    const card = cfg.card;
    const nodes: CardNode[] = m.nodes.map((n) => {
      const d = done.find((x) => x.rank === n.rank);
      const o = d?.outcome;
      return {
        rank: n.rank,
        instanceId: n.instanceId ?? '?',
        verified:
          !d || d.empty ? 'uncollected' : d.verified && o && o.pullFailure === null ? { files: o.manifest.file_count, bytes: o.manifest.total_bytes } : null,
        run: o
          ? { state: o.runState, source: `seen on the box at ${o.runState.observed_at}` }
          : { state: null, source: d ? 'not collected' : 'not looked at by collect' },
      };
    });
    parts.push(renderNodesCard({ provider: card.provider, verb: card.verb, runId: cfg.runId, nodes, now }));
  }
  return parts.join('\n\n');
}
