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
    f.hosts.map((h) => ({ name: h.name, conn: h.conn, cred: h.cred, runRoot: h.runRoot, runIds: h.runIds })),
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
        const r = await tick([f.target(h)], result.memory, (_t, runs) => f.probe(h, session, runs), f.opts, f.now(), 1);
        result.memory = r.memory;
        result.verdicts = result.verdicts.map((v) => r.verdicts.find((x) => x.runId === v.runId) ?? v);
        if (f.resync && (why.has('checkpoint') || why.has('marker') || why.size === 0)) await f.resync(h);
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
        await f.save(true);
      },
      settled: () => result.verdicts.every((v) => ENDED.includes(v.state)),
      info: (line) => reporter.info(line),
    },
  );
  reporter.info(`follow: ${ended}`);
  await f.save(true);
}
