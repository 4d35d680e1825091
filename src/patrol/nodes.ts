import type { RunMemory, TickMemory } from './memory.ts';
import type { TickVerdict } from './tick.ts';
import { remediationText } from './verdict.ts';
import { baseRunId, nodeKey } from '../record/grammar.ts';
import { runOfNodes, STRAGGLER_STEPS, type NodeRow } from './node-verdict.ts';

export type { NodeRow };
export { baseRunId, nodeKey, runOfNodes, STRAGGLER_STEPS };

/**
 * One verdict for a run on many boxes (issue 28 §2), from each node's own verdict (probed as `<run>#<rank>`, one
 * round trip per node): any node failed → the run failed, naming the node and its class, and a collective
 * timeout on the others is a consequence, not a second cause; a node the patrol cannot reach while the others
 * run → `degraded`, never dead; one node's step lagging the others → `straggler`. The nodes' rows stay under the
 * run's line. Pure.
 */

function rowOf(v: TickVerdict | undefined, rank: number, key: string): NodeRow {
  if (!v)
    return {
      rank,
      host: '',
      state: 'unknown',
      cls: null,
      consequence: false,
      step: null,
      heartbeatAgeS: null,
      gpuUtilPct: null,
      detail: `${key} was not probed`,
    };
  const util = v.gpus.map((g) => g.utilPct).filter((u): u is number => u !== null);
  return {
    rank,
    host: v.host,
    state: v.state,
    cls: v.cls,
    consequence: false,
    step: v.step,
    heartbeatAgeS: v.heartbeatAgeS,
    gpuUtilPct: util.length ? Math.round(util.reduce((a, b) => a + b, 0) / util.length) : null,
    detail: v.detail,
  };
}

/** What belongs to the run itself in tick memory, never to one node's observation (status places, marks, dispatches). */
const RUN_MARKS: ReadonlyArray<keyof RunMemory> = [
  'issue',
  'comment',
  'teardown',
  'sync',
  'registration',
  'notified',
  'preempted',
  'recovery',
  'collect',
  'policy',
  'nodeStop',
];

/** What still runs of a run on many boxes whose job failed on one node (its marker written): what on-node-failure: stop stops. */
export interface NodeStopWanted {
  runId: string;
  attempt: number;
  ranks: number[];
}

/**
 * The runs whose surviving nodes' job the patrol stops this tick (`on-node-failure: stop`, signed into their
 * registration): the run failed, the cause is a node whose own job failed (final: its marker, never a node that is
 * only silent), others still run, and this attempt was not stopped before. Pure.
 */
export function planNodeStops(verdicts: readonly TickVerdict[], memory: TickMemory, stopping: ReadonlySet<string>): NodeStopWanted[] {
  const out: NodeStopWanted[] = [];
  for (const v of verdicts) {
    if (!stopping.has(v.runId) || v.state !== 'failed' || !v.nodes) continue;
    if (!v.nodes.some((n) => n.state === 'failed' && !n.consequence)) continue;
    if (memory.runs[v.runId]?.nodeStop?.attempt === v.attempt) continue;
    const ranks = v.nodes.filter((n) => ['running', 'stalled', 'launching'].includes(n.state)).map((n) => n.rank);
    if (ranks.length) out.push({ runId: v.runId, attempt: v.attempt, ranks });
  }
  return out;
}

/**
 * Replaces each multi-node run's node verdicts (`<run>#<rank>`) with one verdict for the run (rank 0's, with the
 * combined state, the union of flags and the rows), and writes the run's own memory from it (the nodes keep
 * theirs under their keys). `nodesOf`: run id → how many nodes. Pure but for the two values it rewrites.
 */
export function combineNodes(result: { verdicts: TickVerdict[]; memory: TickMemory }, nodesOf: Record<string, number>, prev: TickMemory, now: Date): void {
  for (const [runId, n] of Object.entries(nodesOf)) {
    const keys = Array.from({ length: n }, (_, k) => nodeKey(runId, k));
    const byKey = new Map(result.verdicts.filter((v) => keys.includes(v.runId)).map((v) => [v.runId, v]));
    if (!byKey.size) continue;
    const rows = keys.map((k, r) => rowOf(byKey.get(k), r, k));
    const run = runOfNodes(rows);
    const base = byKey.get(keys[0]!) ?? [...byKey.values()][0]!;
    const flags = [...new Set([...rows.flatMap((_, r) => byKey.get(keys[r]!)?.flags ?? []), ...run.flags])];
    const before = prev.runs[runId];
    const since = before && before.state === run.state ? before.since : now.toISOString();
    const verdict: TickVerdict = {
      ...base,
      runId,
      state: run.state,
      cls: run.cls,
      flags,
      detail: run.detail,
      remediation: remediationText(run.state, run.state === 'failed' ? (run.cls ?? 'other') : null, flags),
      // A run is as alive as all its nodes: its heartbeat is the oldest.
      heartbeatAgeS: rows.some((r) => r.heartbeatAgeS !== null) ? Math.max(...rows.map((r) => r.heartbeatAgeS ?? 0)) : null,
      since,
      nodes: rows,
    };
    const first = result.verdicts.findIndex((v) => keys.includes(v.runId));
    result.verdicts = result.verdicts.filter((v) => !keys.includes(v.runId));
    result.verdicts.splice(Math.min(first, result.verdicts.length), 0, verdict);
    // The run's memory: rank 0's observation, the combined state, and the run's own marks kept from before.
    const m0: RunMemory | undefined = result.memory.runs[keys[0]!];
    const marks = Object.fromEntries(Object.entries(before ?? {}).filter(([k]) => RUN_MARKS.includes(k as keyof RunMemory)));
    if (m0) result.memory.runs[runId] = { ...m0, ...marks, state: run.state, cls: run.cls, since, at: now.toISOString() };
  }
}
