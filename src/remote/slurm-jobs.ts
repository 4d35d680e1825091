/**
 * The TS side of scripts/remote/slurm_jobs.sh: the run's own Slurm jobs as the login node reports them, read
 * strictly (the provider decides what they mean, src/providers/slurm.ts). Pure.
 */
import { arr, BoxDataError, obj, str } from '../record/strict.ts';

export interface Job {
  id: string;
  state: string;
  reason: string;
}

/** slurm_jobs.sh's answer, field by field. Pure. */
export function parseJobs(raw: unknown): Job[] {
  const o = obj(raw, 'slurm_jobs');
  if (typeof o['error'] === 'string') throw new BoxDataError(`slurm_jobs: ${o['error'].slice(0, 500)}`);
  return arr(o, 'jobs', 'slurm_jobs', 10_000).map((x, i) => {
    const j = obj(x, `slurm_jobs.jobs[${i}]`);
    return {
      id: str(j, 'id', 'job', { max: 12, pattern: /^\d{1,12}$/ }),
      state: str(j, 'state', 'job', { max: 32, pattern: /^[A-Z_]{1,32}$/ }),
      reason: str(j, 'reason', 'job', { max: 256 }),
    };
  });
}
