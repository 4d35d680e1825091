import type { Registration } from './entry.ts';

/** What the patrol remembers of the newest registration it took for a run (in the signed tick memory). */
export interface SeenRegistration {
  launchedAt: string;
  attempt: number;
}

/**
 * Whether a registration that verified is also fresh: an older version of the comment (its edit history keeps
 * every one, each validly signed) must not point the patrol, or `/tether resume`, at a box the run left. The
 * registration is checked against the newest one already taken and against the box's own run record: an
 * attempt newer than the box's, or a box ahead with another job handle, is refused; a box ahead with the same
 * handle (a Slurm requeue) is fine. The refusal, or null. Pure.
 */
export function staleRegistration(e: Registration, box: { attempt: number; handle: string | null } | null, seen: SeenRegistration | undefined): string | null {
  if (seen && (e.launchedAt < seen.launchedAt || e.attempt < seen.attempt))
    return `registration of attempt ${e.attempt} (${e.launchedAt}) is older than the one already taken (attempt ${seen.attempt}, ${seen.launchedAt}): an old version of the comment, never followed`;
  if (!box || box.attempt === 0) return null;
  if (box.attempt < e.attempt)
    return `registration says attempt ${e.attempt}, the box's run record has attempt ${box.attempt}: it points at a box the run is not on`;
  if (box.attempt > e.attempt && e.handle && box.handle !== e.handle)
    return `the box's run record is at attempt ${box.attempt} (${box.handle ?? 'no handle'}), the registration at attempt ${e.attempt} (${e.handle}): the registration is stale (relaunch to re-register)`;
  return null;
}
