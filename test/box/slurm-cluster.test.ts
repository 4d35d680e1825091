import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../harness/slurm.ts';
import { waitFor } from '../harness/sh.ts';

let cl: Cluster;
beforeAll(async () => {
  cl = await createCluster();
}, 120_000);
afterAll(() => cl?.destroy());

describe('the test cluster itself', () => {
  it('runs a two-node job with srun on both nodes, and sacct -c knows it', async () => {
    const id = cl.slurm(`sbatch --parsable -N2 -o ${cl.dir}/j%j.out --wrap 'srun bash -c "echo \\$SLURMD_NODENAME \\$SLURM_PROCID"'`).trim();
    expect(id).toMatch(/^\d+$/);
    await waitFor('the job to complete', () => /COMPLETED/.test(cl.slurm(`sacct -c -n -j ${id} -o state`)), 30_000, 250);
    const out = cl.slurm(`cat ${cl.dir}/j${id}.out`).trim().split('\n').sort();
    expect(out).toEqual(['n1 0', 'n2 1']);
  }, 60_000);

  it('took the short scheduling intervals (slurmctld ignores, with only a log line, what it does not know)', () => {
    expect(cl.slurm('scontrol show config')).toMatch(/^SchedulerParameters\s*=\s*sched_interval=3,bf_interval=3$/m);
  });
});
