import type { ConnectionConfig } from '../config/connection.ts';
import { stopRun } from '../remote/stop.ts';
import { connect } from '../ssh/client.ts';
import type { Credential } from '../ssh/keys.ts';

/** How long the surviving nodes' job gets between TERM and KILL (it may checkpoint, though its collective is gone). */
const NODE_STOP_GRACE_S = 30;

/**
 * on-node-failure: stop (issue 28 §2): the job on each surviving node of a failed run on many boxes stopped
 * through the backend that started it, by its recorded handle (stop.sh: TERM, the grace, then KILL; the record
 * ends FAILED, stage stopped). The job, never the box. Each node's trouble is that node's line.
 */
export async function stopNodes(
  targets: ReadonlyArray<{ rank: number; conn: ConnectionConfig; cred: Credential; runRoot: string }>,
  runId: string,
): Promise<Array<{ rank: number; stopped: boolean; detail: string }>> {
  return Promise.all(
    targets.map(async (t) => {
      try {
        const session = await connect({ ...t.conn, attempts: 1 }, t.cred);
        try {
          const s = await stopRun(session, `${t.runRoot}/${runId}`, NODE_STOP_GRACE_S);
          if (!s.wasAlive) return { rank: t.rank, stopped: false, detail: `had already ended (attempt ${s.attempt})` };
          return s.alive
            ? { rank: t.rank, stopped: false, detail: `still runs after TERM and KILL: stop it by hand` }
            : { rank: t.rank, stopped: true, detail: `stopped (attempt ${s.attempt}${s.escalated ? ', KILL after the grace' : ''})` };
        } finally {
          session.close();
        }
      } catch (err) {
        return { rank: t.rank, stopped: false, detail: `could not be stopped (${(err as Error).message.slice(0, 200)})` };
      }
    }),
  );
}
