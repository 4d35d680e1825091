import type { Backend } from './types.ts';

/** Slurm through its login node (`slurm:<job id>`): the job runs on compute nodes; state from squeue/sacct. */
export const slurm: Backend = { name: 'slurm', jobOnLoginHost: false, owns: (h) => /^slurm:\d+(_\d+)?$/.test(h) };
