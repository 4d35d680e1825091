import { parseManifest, type Manifest } from '../record/manifest.ts';
import { filesSha256, manifestSha256, readVerified, type VerifiedDoc } from '../record/verified.ts';
import { allEnded, parseRunState, whereText, type RunState } from '../record/run-state.ts';
import type { CardRun } from './card.ts';
import type { Verb } from '../record/names.ts';

/** What teardown is about to act on: the instance, and the box when the connection inputs are given. */
export interface TeardownTarget {
  provider: string;
  instanceId: string;
  box: { host: string; port: number } | null;
}

/**
 * The proof must be for this box or instance (a proof is not transferable): the recorded provider and
 * instance id, when recorded, must be the ones named; the recorded host and port must be the connection's;
 * and with neither to compare, the proof cannot be tied to what is about to be torn down. Pure.
 */
export function checkBox(v: VerifiedDoc, t: TeardownTarget): string | null {
  const b = v.box;
  if (!b || typeof b.host !== 'string' || typeof b.port !== 'number' || typeof b.host_key_fingerprint !== 'string')
    return 'VERIFIED.json does not say which box it proves (written by an older tether?): collect again';
  const provider = typeof b.provider === 'string' ? b.provider : null;
  const instance = typeof b.instance_id === 'string' ? b.instance_id : null;
  if (instance !== null && (instance !== t.instanceId || provider !== t.provider))
    return `VERIFIED.json proves ${provider} instance ${JSON.stringify(instance)}, not ${t.provider} ${JSON.stringify(t.instanceId)}: a proof is never moved to another instance`;
  if (t.box && (t.box.host !== b.host || t.box.port !== b.port)) return `VERIFIED.json proves the box at ${b.host}:${b.port}, not ${t.box.host}:${t.box.port}`;
  if (instance === null && !t.box)
    return 'VERIFIED.json names no instance (give collect provider and instance-id) and no connection was given to compare its box with: cannot tell that this proof is for this instance';
  return null;
}

/** Once connected: the box answering must hold the host key the proof was collected from. */
export function checkHostKey(v: VerifiedDoc, seen: string): string | null {
  const want = v.box?.host_key_fingerprint;
  return want === seen ? null : `the box answering now has host key ${seen}, the proof was collected from ${String(want)}: another machine holds this address`;
}

export type Gate =
  { ok: true; proof: { verified: VerifiedDoc; manifest: Manifest; runState: RunState | null } | null; notes: string[] } | { ok: false; reason: string };

const refuse = (reason: string): Gate => ({ ok: false, reason });

/**
 * The teardown gate, pure: VERIFIED.json for exactly this run, the manifest it names (by sha256), a
 * full (not latest-only) collect. Without proof only a reversible park may pass, and only when asked.
 */
export function checkProof(runId: string, verb: Verb, files: { verifiedText: string; manifestText: string | null } | null, allowParkUnverified: boolean): Gate {
  if (!files) {
    if (verb === 'park' && allowParkUnverified)
      return { ok: true, proof: null, notes: ['no VERIFIED.json: parking (reversible) without verification, as allow-park-unverified asks'] };
    return refuse(
      `no VERIFIED.json for run ${runId}: collect (verified) must come first${verb === 'park' ? '; a reversible park without it needs allow-park-unverified: true' : ''}`,
    );
  }
  let v: VerifiedDoc;
  try {
    v = readVerified(files.verifiedText, runId);
  } catch (err) {
    return refuse((err as Error).message);
  }
  if (files.manifestText === null) return refuse('manifest.json is missing beside VERIFIED.json, so its hash cannot be checked');
  const sha = manifestSha256(files.manifestText);
  if (sha !== v.manifest_sha256)
    return refuse(`manifest.json (sha256 ${sha.slice(0, 12)}…) is not the manifest VERIFIED.json was written for (${v.manifest_sha256.slice(0, 12)}…)`);
  let manifest: Manifest;
  try {
    manifest = parseManifest(JSON.parse(files.manifestText), runId);
  } catch (err) {
    return refuse(`manifest.json beside VERIFIED.json: ${(err as Error).message}`);
  }
  if (filesSha256(manifest) !== v.files_sha256) return refuse('VERIFIED.json files_sha256 does not match its manifest');
  if (v.latest_only && verb === 'destroy')
    return refuse('VERIFIED.json covers only the latest checkpoint (latest-only): collect the whole run before destroying the box');
  let runState: RunState | null = null;
  if (v.run_state !== undefined) {
    try {
      runState = parseRunState(v.run_state, 'VERIFIED.json run_state');
    } catch (err) {
      return refuse(`${(err as Error).message}: collect again`);
    }
  }
  return {
    ok: true,
    proof: { verified: v, manifest, runState },
    notes: runState ? [] : ["VERIFIED.json does not record the run's state (an older tether): only the box itself can say the run ended"],
  };
}

/** Compares the manifest rebuilt on the box now with the verified one: the refusal when anything is new, changed or gone. */
export function checkRebuilt(verified: Manifest, now: Manifest): string | null {
  if (filesSha256(now) === filesSha256(verified)) return null;
  const before = new Map(verified.files.map((f) => [f.path, f.sha256]));
  const after = new Map(now.files.map((f) => [f.path, f.sha256]));
  const added = [...after.keys()].filter((p) => !before.has(p));
  const gone = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  const list = (label: string, ps: string[]) =>
    ps.length ? [`${label} ${ps.slice(0, 5).join(', ')}${ps.length > 5 ? ` and ${ps.length - 5} more` : ''}`] : [];
  return `the box's checkpoints changed since verification (${[...list('new:', added), ...list('changed:', changed), ...list('gone:', gone)].join('; ')}): collect again before teardown`;
}

/** The `confirm` fallback: when given (or required), it must name the verb and the exact instance; the refusal, or null. */
export function checkConfirm(verb: Verb, instanceId: string, confirm: string, required: boolean): string | null {
  const want = `${verb} ${instanceId}`;
  if ((!confirm && !required) || confirm === want) return null;
  return `confirm must be exactly "${want}"${confirm ? `, got "${confirm.slice(0, 80)}"` : ' (approval: confirm)'}`;
}

/** What teardown learnt of the run on the box itself: its state, or why it could not be looked at. */
export type RunSeen = { kind: 'seen'; state: RunState } | { kind: 'not-seen'; why: string };

export type RunCheck = { ok: true; shown: CardRun; kills: string | null; note: string } | { ok: false; shown: CardRun; reason: string };

/**
 * The run must have ended (no job process alive, in the run and every cell) before anything stops the
 * meter, unless the user said `stop-running`. Looked at on the box when it answers; when it cannot be looked
 * at, only the proof's own record of an ended run lets teardown go ahead. Refusals are values; pure.
 */
export function checkRunEnded(runId: string, seen: RunSeen, recorded: RunState | null, stopRunning: boolean): RunCheck {
  const stopHint = 'wait for it to end, or set stop-running: true to stop it';
  if (seen.kind === 'seen') {
    const shown: CardRun = { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` };
    const where = whereText(seen.state);
    if (allEnded(seen.state)) return { ok: true, shown, kills: null, note: `run ${runId} has ended on the box: ${where}` };
    if (stopRunning)
      return { ok: true, shown, kills: `run ${runId} is ${where}: tearing down kills it (stop-running: true)`, note: `stop-running: run ${runId} is ${where}` };
    return { ok: false, shown, reason: `run ${runId} is ${where} on the box: tearing down would kill it; ${stopHint}` };
  }
  if (recorded) {
    const shown: CardRun = {
      state: recorded,
      source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box cannot be looked at now: ${seen.why})`,
    };
    const where = whereText(recorded);
    if (allEnded(recorded))
      return { ok: true, shown, kills: null, note: `the box cannot be looked at (${seen.why}); the proof recorded run ${runId} as ended: ${where}` };
    if (stopRunning)
      return {
        ok: true,
        shown,
        kills: `run ${runId} was ${where} when collected, and may still run: tearing down kills it (stop-running: true)`,
        note: `stop-running: the proof recorded run ${runId} as live`,
      };
    return {
      ok: false,
      shown,
      reason: `the box cannot be looked at (${seen.why}) and the proof was collected while run ${runId} was ${where}: it may still be running; ${stopHint}`,
    };
  }
  const shown: CardRun = { state: null, source: `the box cannot be looked at (${seen.why}) and no proof records the run's state` };
  if (stopRunning)
    return {
      ok: true,
      shown,
      kills: `run ${runId}, whatever it is doing: its state is not known (stop-running: true)`,
      note: `stop-running: run ${runId}'s state is not known`,
    };
  return {
    ok: false,
    shown,
    reason: `cannot tell whether run ${runId} has ended: the box cannot be looked at (${seen.why}) and no VERIFIED.json records its state (collected by an older tether, or none given); ${stopHint}`,
  };
}

/**
 * Teardown of an instance no run was ever launched on (issue 26 §3): there are no results to prove, so its
 * proof is the signed provision record for exactly this provider and instance (launch's registration would have
 * replaced it), destroy only, and, when the box still answers, no run record of this run on it. The approval
 * and confirm stay as for any teardown. Pure.
 */
export function checkNeverLaunched(
  runId: string,
  record: { provider: string; instanceId: string; createdAt: string } | null,
  t: TeardownTarget,
  verb: Verb,
): Gate {
  if (!record) return { ok: false, reason: 'no VERIFIED.json was given and the run has no provision record' };
  if (verb !== 'destroy') return { ok: false, reason: `an instance nothing ran on is destroyed, not ${verb}ed: set verb: destroy` };
  if (record.provider !== t.provider || record.instanceId !== t.instanceId)
    return {
      ok: false,
      reason: `run ${runId}'s provision record names ${record.provider} instance ${JSON.stringify(record.instanceId)}, not ${t.provider} ${JSON.stringify(t.instanceId)}`,
    };
  return {
    ok: true,
    proof: null,
    notes: [
      `run ${runId} was never launched: its signed provision record names ${t.instanceId} (created ${record.createdAt}); nothing ran on it, so there is nothing to collect`,
    ],
  };
}

/**
 * A node of a run on many boxes that collect did not read (collect-from: rank0) may be torn down only when
 * the listing collect would take shows no checkpoint files of the run on it: the refusal naming them, or null. Pure.
 */
export function checkNodeEmpty(listed: string[]): string | null {
  if (!listed.length) return null;
  const names = listed.slice(0, 5).join(', ') + (listed.length > 5 ? ` and ${listed.length - 5} more` : '');
  return `not collected (collect-from: rank0), and it holds ${listed.length} checkpoint file(s) of the run (${names}): tearing it down would lose them; collect with collect-from: all first`;
}
