/**
 * `tether stop RUN-ID` (and actions/stop, behind an environment with reviewers): stops a live run's job by its
 * recorded handle, through the backend that started it (TERM, `stop-grace` for the job to checkpoint, then KILL;
 * the record ends FAILED with stage `stopped`). The Iron Law holds: it refuses unless collect's VERIFIED.json for
 * exactly this run and this box is given (its manifest checked), and the box answers with the host key the proof
 * was collected from. Stopping deletes nothing; the box keeps running (teardown is another, gated, step).
 */
import { resolve } from 'node:path';
import type { StopPhaseConfig } from '../config/stop.ts';
import type { PhaseContext } from '../ports/types.ts';
import { stopRun } from '../remote/stop.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { checkHostKey, checkProof } from '../teardown/gate.ts';
import { proofFilesAt } from '../teardown/proof-files.ts';
import { code, inert } from '../report/markdown.ts';

export async function stopPhase(cfg: StopPhaseConfig, ctx: PhaseContext): Promise<number> {
  const { reporter, ports, env } = ctx;
  const refuse = (why: string) => {
    reporter.output('state', 'refused');
    reporter.output('reason', why);
    reporter.error(`stop refused: ${why}`);
    reporter.summary(`### ⛔ tether stop — ${code(cfg.runId)}: refused\n\n${inert(why)}`);
    return 1;
  };
  // A person asks for it: on a terminal the command itself; in a workflow, the words typed into `confirm`.
  if (env['GITHUB_ACTIONS'] === 'true' && cfg.confirm !== `stop ${cfg.runId}`)
    return refuse(
      `in a workflow, stop needs confirm: "stop ${cfg.runId}", typed by the person who dispatches it (run it behind an environment with reviewers)`,
    );
  // The proof first, before anything touches the box: a verb that deletes nothing still needs the results home.
  const gate = checkProof(cfg.runId, 'park', proofFilesAt(resolve(ports.workspace, cfg.verifiedPath)), false);
  if (!gate.ok) return refuse(gate.reason);
  const v = gate.proof!.verified;
  const b = v.box;
  if (!b || b.host !== cfg.conn.host || b.port !== cfg.conn.port)
    return refuse(
      `VERIFIED.json proves the box at ${String(b?.host)}:${String(b?.port)}, not ${cfg.conn.host}:${cfg.conn.port}: a proof is never moved to another box`,
    );
  const { session } = await openPinned({ conn: cfg.conn, cred: loadCredential(cfg.conn.key) }, reporter);
  try {
    const keyProblem = checkHostKey(v, session.hostFingerprint);
    if (keyProblem) return refuse(keyProblem);
    reporter.info(`stop: run ${cfg.runId}: TERM to its job through its backend, up to ${cfg.graceS} s to checkpoint and exit, then KILL`);
    const r = await stopRun(session, `${cfg.runRoot}/${cfg.runId}`, cfg.graceS);
    const state = !r.wasAlive ? 'not-running' : r.alive ? 'failed' : 'stopped';
    const why = !r.wasAlive
      ? `attempt ${r.attempt} was not running (${r.markerKind ?? 'no marker'}): nothing was signalled`
      : r.alive
        ? `attempt ${r.attempt} is still running after TERM and KILL (a process stuck in the kernel?): look at the box`
        : `attempt ${r.attempt} stopped (${r.escalated ? 'KILL after the grace' : 'it exited on TERM'}); the record says FAILED, stage stopped; the box keeps running`;
    reporter.output('state', state);
    reporter.output('reason', why);
    reporter.output('attempt', String(r.attempt));
    reporter.summary(`### ${state === 'stopped' ? '🛑' : state === 'failed' ? '❌' : 'ℹ️'} tether stop — ${code(cfg.runId)}: ${state}\n\n${inert(why)}`);
    if (state === 'failed') {
      reporter.error(`stop: ${why}`);
      return 1;
    }
    reporter.info(`stop: ${why}`);
    return 0;
  } finally {
    session.close();
  }
}
