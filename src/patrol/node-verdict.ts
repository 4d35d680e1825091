import type { Flag, State } from './remediation.ts';
import { signatureIn, type FailureClass } from './signatures.ts';
import { isEnded } from '../record/run-state.ts';

/**
 * One verdict for a run on many nodes from each node's own row: the rule the SSH multi-node patrol
 * (src/patrol/nodes.ts, a row per node probed) and Slurm's multi-node jobs (a row per node srun named) share.
 * Any node failed → the run failed, naming the node and its class, and a collective timeout on the others is a
 * consequence, not a second cause; a node that cannot be read while the others run → `degraded`, never dead;
 * one node's step lagging the others → `straggler`. Pure.
 */

/** One node of a run on many boxes under the run's verdict. */
export interface NodeRow {
  rank: number;
  host: string;
  state: State;
  cls: FailureClass | null;
  /** This node's failure follows another's (a collective that timed out or lost its peer). */
  consequence: boolean;
  step: number | null;
  heartbeatAgeS: number | null;
  /** The node's GPUs' mean utilisation, when it has GPUs. */
  gpuUtilPct: number | null;
  detail: string;
}

/** A node's step may lag the most advanced node's by this many before it is flagged a straggler. */
export const STRAGGLER_STEPS = 10;
/** How long a surviving node waits in its collective by default (NCCL's and gloo's 30 minutes) while it bills. */
const COLLECTIVE_TIMEOUT_TEXT = '30 minutes by default';

/** Cannot say anything about the node's job this tick: not reached, or not readable. */
const UNSEEN: readonly State[] = ['unreachable', 'probe-error', 'host-key-changed', 'auth-refused'];

/** The run's state and why, from its nodes' rows (marking the consequences). */
export function runOfNodes(rows: NodeRow[]): { state: State; cls: FailureClass | null; detail: string; flags: Flag[] } {
  const failed = rows.filter((r) => r.state === 'failed');
  const gone = rows.filter((r) => r.state === 'dead' || r.state === 'rebooted' || r.state === 'preempted');
  const live = rows.filter((r) => ['running', 'launching', 'stalled', 'queued'].includes(r.state));
  const unseen = rows.filter((r) => UNSEEN.includes(r.state));
  const flags: Flag[] = [];
  const steps = rows.filter((r) => !isEnded(r.state) && r.step !== null).map((r) => r.step!);
  if (steps.length > 1 && Math.max(...steps) - Math.min(...steps) > STRAGGLER_STEPS) flags.push('straggler');
  if (failed.length || gone.length) {
    // The cause: the first node that failed for a reason of its own, else one that died or was taken, else one
    // that cannot be reached while the others' collectives lost a peer, else the first that failed.
    const own = failed.find((r) => r.cls !== 'collective') ?? gone[0];
    const silent = !own && failed.every((r) => r.cls === 'collective') ? unseen[0] : undefined;
    const cause = own ?? silent ?? failed[0]!;
    for (const r of failed) if (r !== cause && r.cls === 'collective') r.consequence = true;
    if (silent) {
      const others = failed.map((r) => `rank ${r.rank}`).join(', ');
      return {
        state: 'failed',
        cls: 'collective',
        detail: `rank ${silent.rank} ${silent.state}, probably the cause: ${others} failed in a collective that lost it (a consequence)`,
        flags,
      };
    }
    const state: State = cause.state === 'failed' ? 'failed' : cause.state;
    const others = rows.filter((r) => r.consequence).map((r) => `rank ${r.rank}`);
    const waiting = live.map((r) => `rank ${r.rank}`);
    const detail =
      `rank ${cause.rank} ${cause.state}${cause.cls ? ` (${cause.cls})` : ''}: ${cause.detail}` +
      (others.length ? `; ${others.join(', ')} failed in a collective as a consequence` : '') +
      (waiting.length
        ? `; ${waiting.join(', ')} still run${waiting.length === 1 ? 's' : ''}: waiting in a collective until its timeout (${COLLECTIVE_TIMEOUT_TEXT}) and billing; stop the job there (tether stop, or on-node-failure: stop)`
        : '');
    return { state, cls: cause.state === 'failed' ? cause.cls : null, detail, flags };
  }
  if (unseen.length && unseen.length < rows.length && live.length)
    return {
      state: 'degraded',
      cls: null,
      detail: `${unseen.map((r) => `rank ${r.rank} ${r.state}`).join(', ')}; ${live.map((r) => `rank ${r.rank} ${r.state}`).join(', ')}`,
      flags,
    };
  if (unseen.length === rows.length) return { state: rows[0]!.state, cls: null, detail: `no node could be read: ${rows[0]!.detail}`, flags };
  if (rows.every((r) => r.state === 'finished')) return { state: 'finished', cls: null, detail: `every node finished (${rows.length})`, flags };
  // Still going: the slowest of the live states speaks for the run (stalled over launching over running).
  const order: State[] = ['stalled', 'launching', 'queued', 'running', 'finished'];
  const worst = [...rows].sort((a, b) => rank(order, a.state) - rank(order, b.state))[0]!;
  return { state: worst.state, cls: null, detail: rows.map((r) => `rank ${r.rank} ${r.state}`).join(', '), flags };
}

const rank = (order: State[], s: State) => (order.includes(s) ? order.indexOf(s) : -1);

/**
 * srun's own word on the tasks that ended badly, at the start of a line of the job's log:
 * `srun: error: n2: task 1: Exited with exit code 3` (also `tasks 0-3`, `Killed`, `Terminated`, a signal's name).
 * With `srun --label`, a task's own lines start `1: `, and they give the node its class.
 */
const SRUN_TASK = /^srun: error: ([A-Za-z0-9][A-Za-z0-9._-]{0,63}): tasks? ([0-9]{1,5})(?:-([0-9]{1,5}))?: ([A-Za-z][A-Za-z0-9 ]{0,60}?)(?: ([0-9]{1,3}))?$/;
const LABELLED = /^ *([0-9]{1,5}): (.*)$/;
/** Bounds on what is read from a hostile log: lines, nodes, tasks per node. */
const SRUN_LINES_MAX = 20_000;
const SRUN_NODES_MAX = 256;

/**
 * A Slurm multi-node job's failed nodes as rows (null when srun named none): one row per node srun reported,
 * in the order srun reported them, its rank the node's first task, its class from its own labelled lines (or
 * from srun's words: `Killed` is killed). Read strictly from the log's tail; the box's text is never trusted
 * beyond these shapes. Pure.
 */
export function srunNodeRows(log: string): NodeRow[] | null {
  const lines = log.split('\n').slice(-SRUN_LINES_MAX);
  const nodes = new Map<string, { tasks: Set<number>; words: string }>();
  const byTask = new Map<number, string[]>();
  for (const line of lines) {
    const m = SRUN_TASK.exec(line);
    if (m) {
      if (!nodes.has(m[1]!) && nodes.size >= SRUN_NODES_MAX) continue;
      const n = nodes.get(m[1]!) ?? { tasks: new Set<number>(), words: '' };
      const lo = Number(m[2]);
      const hi = m[3] === undefined ? lo : Math.min(Number(m[3]), lo + 1024);
      for (let t = lo; t <= hi; t++) n.tasks.add(t);
      n.words ||= `${m[4]}${m[5] ? ` ${m[5]}` : ''}`;
      nodes.set(m[1]!, n);
      continue;
    }
    const l = LABELLED.exec(line);
    if (l) {
      const t = Number(l[1]);
      const own = byTask.get(t) ?? [];
      if (own.length < 200) own.push(l[2]!);
      byTask.set(t, own);
    }
  }
  if (!nodes.size) return null;
  return [...nodes.entries()].map(([host, n]) => {
    const tasks = [...n.tasks].sort((a, b) => a - b);
    const own = tasks.flatMap((t) => byTask.get(t) ?? []).join('\n');
    const cls: FailureClass = signatureIn(own) ?? (/^Killed/.test(n.words) ? 'killed' : /^Terminated/.test(n.words) ? 'terminated' : 'other');
    return {
      rank: tasks[0]!,
      host,
      state: 'failed' as State,
      cls,
      consequence: false,
      step: null,
      heartbeatAgeS: null,
      gpuUtilPct: null,
      detail: `srun: ${host} task${tasks.length > 1 ? 's' : ''} ${tasks.length > 1 ? `${tasks[0]}-${tasks[tasks.length - 1]}` : tasks[0]}: ${n.words}`,
    };
  });
}
