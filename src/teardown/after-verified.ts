/**
 * The patrol's `after-verified` act (issue 27 §3), with every effect handed in and the outcome as a value: the
 * Iron Law without a person at the keyboard. It acts only when each of these holds, in this order, and any
 * doubt is a refusal the status shows:
 *
 * 1. the collect the patrol dispatched for this attempt uploaded a verified records artifact, whose VERIFIED.json
 *    carries tether's MAC under this runner's key (VERIFIED.mac) and passes teardown's own gate for this verb;
 * 2. the proof is of this attempt and of this provider's instance and box;
 * 3. the launch's workflow run has an approval in the environment the registration names (GitHub's word, read now);
 * 4. the box answers with the host key the proof was collected from, no job of the run is alive on it, and its
 *    checkpoint files, re-listed and re-hashed there (nothing written), are exactly the verified ones;
 *
 * then the provider is asked for the verb and polled to a terminal state.
 */
import type { Registration } from '../registry/entry.ts';
import type { PolicyOutcome, PolicyWanted } from '../patrol/policy.ts';
import { checkBox, checkProof, checkRunEnded, type Gate, type RunSeen } from './gate.ts';

export type Proof = NonNullable<Extract<Gate, { ok: true }>['proof']>;

export interface AfterVerifiedDeps {
  /** The collect run's verified records (VERIFIED.json, manifest.json, VERIFIED.mac): null when it has none (yet); a string is why it could not be read. */
  proof(collectRun: number): Promise<{ verifiedText: string; manifestText: string | null; macText: string | null } | null | string>;
  /** Whether `macText` is tether's MAC of `verifiedText` under this runner's key. */
  macOk(verifiedText: string, macText: string): boolean;
  /** The launch's workflow run approved in the named environment: by whom, or why not. */
  approval(policy: NonNullable<Registration['policy']>): Promise<{ by: string } | { refused: string }>;
  /** One read-only look at the box against the proof (host key, the run, the files re-hashed): what was seen, or a refusal. */
  look(proof: Proof): Promise<{ seen: RunSeen; note: string } | { refused: string }>;
  /** The provider asked for the verb and polled to a terminal state. */
  act(verb: 'park' | 'destroy'): Promise<{ ok: boolean; detail: string }>;
  now(): Date;
}

export async function afterVerified(want: PolicyWanted, entry: Registration, deps: AfterVerifiedDeps): Promise<PolicyOutcome> {
  const policy = entry.policy;
  const refuse = (why: string): PolicyOutcome => ({ kind: 'refused', why });
  if (!policy || policy.afterVerified !== want.verb) return refuse('the signed registration holds no such policy');
  if (!entry.provider || !entry.instanceId) return refuse('the signed registration names no provider instance to act on');
  if (want.collectRun === null)
    return { kind: 'waiting', why: `no collect was dispatched for attempt ${want.attempt} yet (auto-collect-workflow), or GitHub did not name its run` };

  const files = await deps.proof(want.collectRun);
  if (files === null) return { kind: 'waiting', why: `collect run ${want.collectRun} has no verified records artifact (yet)` };
  if (typeof files === 'string') return refuse(files);
  if (files.macText === null)
    return refuse('the proof carries no VERIFIED.mac (collected without the runner key, or by an older tether): not known as tether’s own');
  if (!deps.macOk(files.verifiedText, files.macText))
    return refuse('VERIFIED.mac does not verify with this patrol’s key: the proof is not tether’s own (edited, or made with another key)');
  const gate = checkProof(want.runId, want.verb, { verifiedText: files.verifiedText, manifestText: files.manifestText }, false);
  if (!gate.ok) return refuse(gate.reason);
  const proof = gate.proof;
  if (!proof) return refuse('no proof');
  if (proof.verified.attempt !== want.attempt)
    return refuse(`the proof is of attempt ${proof.verified.attempt}, the run is at attempt ${want.attempt}: a newer attempt's files are not proven`);
  const other = checkBox(proof.verified, { provider: entry.provider, instanceId: entry.instanceId, box: { host: entry.host, port: entry.port } });
  if (other) return refuse(other);

  const approved = await deps.approval(policy);
  if ('refused' in approved) return refuse(approved.refused);

  const looked = await deps.look(proof);
  if ('refused' in looked) return refuse(looked.refused);
  // Acting alone, the patrol needs the box itself to say the run ended: a proof's own record is not enough.
  if (looked.seen.kind !== 'seen') return refuse(`${looked.seen.why}: its files cannot be re-hashed against the proof`);
  const ran = checkRunEnded(want.runId, looked.seen, proof.runState, false);
  if (!ran.ok) return refuse(ran.reason);

  const r = await deps.act(want.verb);
  if (!r.ok) return { kind: 'failed', why: r.detail };
  return { kind: 'done', verb: want.verb, detail: r.detail, approvedBy: approved.by, at: deps.now().toISOString() };
}
