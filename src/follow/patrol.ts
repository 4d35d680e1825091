/**
 * The patrol's follow (`follow`): after the first tick, one connection and one read-only follower per host
 * (followHosts); each event re-ticks that host over the connection it holds, syncs it when a checkpoint or
 * marker appeared, and writes the status when what it shows changed (or it has been quiet too long). Ends
 * early when every run has ended. The patrol hands in what it holds (src/patrol/phase.ts FollowRun).
 */
import { worthWriting } from './schedule.ts';
import { followHosts } from './phase.ts';
import { shownText } from '../patrol/merge.ts';
import type { FollowRun } from '../patrol/phase.ts';
import type { State } from '../patrol/remediation.ts';
import { stateText } from '../patrol/render.ts';
import { tick } from '../patrol/tick.ts';
import { combineNodes } from '../patrol/nodes.ts';

/** A follow looks at a host at most this often; the status changes that fast at most. */
const FOLLOW_DEBOUNCE_MS = 2000;
/** A follow writes the status at least this often while it runs ("last checked" stays fresh). */
const FOLLOW_QUIET_MS = 5 * 60_000;
/** States after which nothing more happens to a run without a person: a follow of only these ends. */
const ENDED: readonly State[] = ['finished', 'failed', 'dead', 'rebooted', 'unknown', 'torn-down', 'preempted'];

export async function followRuns(f: FollowRun): Promise<void> {
  const { cfg, result, reporter } = f;
  let shown = shownText(result);
  let lastWrite = Date.now();
  const byName = new Map(f.hosts.map((h) => [h.name, h]));
  const ended = await followHosts(
    // A node's follower watches the run's own record on that box (the node key is the patrol's name for it).
    f.hosts.map((h) => ({ name: h.name, conn: h.conn, cred: h.cred, runRoot: h.runRoot, runIds: [...new Set(h.runIds.map((id) => h.aliases?.[id] ?? id))] })),
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
        // A node of a run on many boxes: every node of that run is looked at again (this one over the connection
        // the follower holds), and the run gets one verdict again, as a whole tick gives it.
        const runs = [...new Set(Object.values(h.aliases ?? {}))].filter((id) => f.nodes[id]);
        const group = runs.length ? f.hosts.filter((x) => x === h || Object.values(x.aliases ?? {}).some((id) => runs.includes(id))) : [h];
        const before = result.memory;
        const at = f.now();
        const r = await tick(
          group.map((x) => f.target(x)),
          result.memory,
          (t, rs) => {
            const x = group.find((g) => g.name === t.label) ?? h;
            return f.probe(x, x === h ? session : null, rs);
          },
          f.opts,
          at,
          group.length,
        );
        if (runs.length) combineNodes(r, Object.fromEntries(runs.map((id) => [id, f.nodes[id]!])), before, at);
        result.memory = r.memory;
        result.verdicts = result.verdicts.map((v) => r.verdicts.find((x) => x.runId === v.runId) ?? v);
        if (f.resync && (why.has('checkpoint') || why.has('marker') || why.size === 0)) await f.resync(h);
        const next = shownText(result);
        if (!worthWriting(shown, next, lastWrite, Date.now(), FOLLOW_QUIET_MS)) return;
        if (next !== shown)
          reporter.info(
            `follow: ${name}: ${[...why].join(', ') || 'refresh'}: ${result.verdicts
              .filter((v) => v.host === name || runs.includes(v.runId))
              .map((v) => `${v.runId} ${stateText(v)}`)
              .join(', ')}`,
          );
        shown = next;
        lastWrite = Date.now();
        await f.save(true);
      },
      // A run on many boxes that failed on one node is ended only once every node's job has (the others bill meanwhile).
      settled: () => result.verdicts.every((v) => ENDED.includes(v.state) && (v.nodes ?? []).every((n) => ENDED.includes(n.state))),
      info: (line) => reporter.info(line),
    },
  );
  reporter.info(`follow: ${ended}`);
  await f.save(true);
}
