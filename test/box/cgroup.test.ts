import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPhase, launchPhase } from '../harness/phases.ts';
import { createBox, type Box } from '../harness/box.ts';
import { cpuCgroup, type CpuCgroup } from '../harness/cgroup.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
let cg: CpuCgroup | null;
beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
  // 1.5 CPUs: the job must see OMP_NUM_THREADS=2 (rounded up), the audit 1.5 cores.
  cg = cpuCgroup(`tether-test-${process.pid}`, 150_000, 100_000);
  cg?.add(box.sshdPid());
});
afterAll(() => {
  box?.destroy();
  cg?.remove();
});

describe('a box with a CPU quota', () => {
  it('caps OMP/MKL threads of the job to the quota, and the audit reports it', async (ctx) => {
    if (!cg) return ctx.skip('cgroups are not writable on this machine');
    const r = captureReporter();
    const audit = await auditPhase(box.inputs({ 'require-gpu': 'false', 'min-free-gb': '1' }), {}, r);
    expect(audit).toBe(0);
    expect(JSON.parse(r.outputs['report'] ?? '{}').cgroup.cpuQuotaCores).toBe(1.5);
    const code = await launchPhase(
      box.inputs({
        'run-id': 'quota',
        command: 'echo "omp=$OMP_NUM_THREADS mkl=$MKL_NUM_THREADS"',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': '/tmp/tether-quota-run.json',
      }),
      {},
      captureReporter(),
      '/tmp',
    );
    expect(code).toBe(0);
    const dir = `${box.home}/.tether/runs/quota`;
    await waitFor('DONE', () => existsSync(`${dir}/DONE`), 10_000);
    expect(readFileSync(`${dir}/attempts/1/log`, 'utf8')).toContain('omp=2 mkl=2');
  });

  it('leaves a thread count the user chose alone', async (ctx) => {
    if (!cg) return ctx.skip('cgroups are not writable on this machine');
    const code = await launchPhase(
      box.inputs({
        'run-id': 'quota-user',
        command: 'echo "omp=$OMP_NUM_THREADS"',
        env: 'OMP_NUM_THREADS=7',
        workdir: '~/code',
        audit: 'false',
        'confirm-timeout': '1',
        'run-file': '/tmp/tether-quota-run.json',
      }),
      {},
      captureReporter(),
      '/tmp',
    );
    expect(code).toBe(0);
    const dir = `${box.home}/.tether/runs/quota-user`;
    await waitFor('DONE', () => existsSync(`${dir}/DONE`), 10_000);
    expect(readFileSync(`${dir}/attempts/1/log`, 'utf8')).toContain('omp=7');
  });
});
