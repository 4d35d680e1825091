import type { Backend } from './types.ts';

/** Slurm through its login node (`slurm:<job id>`): the job runs on compute nodes; state from squeue/sacct. */
export const slurm: Backend = { name: 'slurm', jobOnLoginHost: false, owns: (h) => /^slurm:\d+(_\d+)?$/.test(h) };

/** Slurm's job states before the end (queued, running, or on their way): the bash side gets them as TETHER_SLURM_ALIVE. */
export const SLURM_ALIVE = [
  'PENDING',
  'RUNNING',
  'CONFIGURING',
  'COMPLETING',
  'REQUEUED',
  'REQUEUE_HOLD',
  'REQUEUE_FED',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'SUSPENDED',
  'STOPPED',
] as const;

/** Slurm's states in which a job will not run again. */
export const SLURM_ENDED = [
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
] as const;

/** Slurm's terminal states that name the failure themselves, whatever the wrapper could write. */
export const SLURM_FAILURE = {
  TIMEOUT: 'timeout',
  DEADLINE: 'timeout',
  OUT_OF_MEMORY: 'oom',
  NODE_FAIL: 'node-fail',
  BOOT_FAIL: 'node-fail',
  CANCELLED: 'cancelled',
} as const satisfies Partial<Record<(typeof SLURM_ENDED)[number], string>>;
