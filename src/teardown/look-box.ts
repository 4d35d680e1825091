/**
 * Teardown's one read-only look at the box, shared by the teardown phase and the patrol's after-verified act
 * (after-verified.ts): the host key the proof was collected from, the run's state there, and its checkpoint files
 * re-listed and re-hashed on the box (nothing written) against the verified manifest.
 */
import type { ConnectionConfig } from '../config/connection.ts';
import type { Reporter } from '../report/reporter.ts';
import { rebuildManifest } from '../remote/manifest.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';
import { TransportError } from '../ssh/errors.ts';
import { checkHostKey, checkRebuilt, type Gate, type RunSeen } from './gate.ts';
import type { CardRun } from './card.ts';
import { lookAtRun, stateOfLook } from '../patrol/look.ts';
import { probeOn } from '../remote/probe.ts';

type Proof = NonNullable<Extract<Gate, { ok: true }>['proof']>;

/**
 * One read-only look at the box: it must hold the proof's host key, the run must have ended there, and the
 * box may have written more since verification (its manifest is rebuilt and compared). Only silence counts as
 * "the box is gone"; a different host key or a refused key is another machine or a changed one: a refusal.
 */
export async function lookAtBox(
  cfg: { runId: string; runRoot: string },
  conn: ConnectionConfig,
  proof: Proof | null,
  reporter: Reporter,
  now: () => Date,
  notes: string[],
  unlooked: CardRun,
): Promise<{ seen: RunSeen } | { refused: string; run?: CardRun }> {
  try {
    const { session } = await openPinned({ conn, cred: loadCredential(conn.key) }, reporter, { attempts: 1 });
    try {
      const otherBox = proof && checkHostKey(proof.verified, session.hostFingerprint);
      if (otherBox) return { refused: otherBox };
      const at = now();
      const look = await lookAtRun(cfg.runId, (runs) => probeOn(session, cfg.runRoot, runs), at);
      // A box that answered but did not say the run ended (unreadable, no run record) is seen as not ended.
      const seen: RunSeen = look.kind === 'blind' ? { kind: 'not-seen', why: look.detail } : { kind: 'seen', state: stateOfLook(look, at) };
      if (proof) {
        const { manifest } = await rebuildManifest(session, cfg.runRoot, cfg.runId, proof.manifest.cells ?? []);
        const changed = checkRebuilt(proof.manifest, manifest);
        if (changed)
          return { refused: changed, run: seen.kind === 'seen' ? { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` } : unlooked };
        notes.push(`the box still answers: its ${manifest.file_count} checkpoint files are exactly the verified ones`);
      }
      return { seen };
    } finally {
      session.close();
    }
  } catch (err) {
    if (!(err instanceof TransportError) || err.kind === 'host_key_mismatch' || err.kind === 'auth_failed')
      return { refused: `could not look at the run on the box: ${(err as Error).message}` };
    if (proof) notes.push(`the box does not answer (${err.kind}); relying on VERIFIED.json from ${proof.verified.verified_at}`);
    return { seen: { kind: 'not-seen', why: `the box does not answer: ${err.kind}` } };
  }
}
