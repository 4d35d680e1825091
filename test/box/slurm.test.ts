import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createCluster, type Cluster } from '../harness/slurm.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * backend: slurm on a real two-node cluster (test/harness/slurm.ts): tether logs into the login node, writes
 * the run record on the shared filesystem and submits its wrapper as the batch script.
 */
let cl: Cluster;
const runs: ActionRun[] = [];
beforeAll(async () => {
  cl = await createCluster();
  cl.login.sh(`mkdir -p ${cl.login.home}/code`);
}, 120_000);
afterAll(() => {
  cl?.destroy();
  runs.forEach(removeWorkspace);
});

const runDir = (id: string) => `${cl.login.home}/.tether/runs/${id}`;
const read = (p: string) => readFileSync(p, 'utf8');
async function action(name: string, inputs: Record<string, string>) {
  const r = await runBuiltAction(name, cl.login.inputs({ 'slurm-conf': cl.conf, ...inputs }), {}, 120_000);
  runs.push(r);
  return r;
}
/** waitFor that, when it gives up, says what Slurm thinks: a job that never ran is diagnosable from the CI log. */
const slurmWait = (what: string, ok: () => boolean, ms: number, step: number, more: () => string = () => '') =>
  waitFor(what, ok, ms, step).catch((err: Error) => {
    throw new Error(`${err.message}\nsqueue: ${cl.slurm("squeue -h -o '%i %T %r %N'")}\nsinfo: ${cl.slurm("sinfo -h -N -o '%N %T %E'")}${more()}`);
  });
/** What a job that left the queue became (sacct), and what its run record holds: for a wait that gave up. */
const jobStory = (job: string, dir: string) => () => {
  const sh = (cmd: string) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 20_000 }).stdout;
  return (
    `\nsacct: ${cl.slurm(`sacct -n -P -j ${job} -o jobid,state,exitcode,reason,nodelist,start,end`)}` +
    `\nrecord: ${sh(`cd ${JSON.stringify(dir)} 2>/dev/null && find . -maxdepth 3 | sort | head -40`)}` +
    `\nslurm.out: ${sh(`tail -c 2000 ${JSON.stringify(dir)}/attempts/*/slurm.out 2>/dev/null`)}` +
    `\nmarkers: ${sh(`cat ${JSON.stringify(dir)}/DONE ${JSON.stringify(dir)}/FAILED 2>/dev/null`)}`
  );
};
const launch = (inputs: Record<string, string>) => action('launch', { workdir: '~/code', backend: 'slurm', audit: 'false', 'confirm-timeout': '2', ...inputs });

describe('backend slurm', () => {
  it('a two-node job: submitted through the login node, srun on both nodes, DONE in the record, patrol finished', async () => {
    const r = await launch({
      'run-id': 'sl-two',
      command: `srun bash -c 'echo "node $SLURMD_NODENAME rank $SLURM_PROCID"'`,
      'slurm-options': '--nodes=2\n--time=5',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['handle']).toMatch(/^slurm:\d+$/);
    const job = r.outputs['handle']!.slice(6);
    const dir = runDir('sl-two');
    await waitFor('the job to finish', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 60_000, 250);
    expect(JSON.parse(read(`${dir}/DONE`))).toMatchObject({ attempt: 1, exit_code: 0, stage: 'command' });
    expect(read(`${dir}/attempts/1/job_id`).trim()).toBe(job);
    expect(read(`${dir}/attempts/1/nodes`).trim()).toBe('n[1-2]');
    expect(read(`${dir}/attempts/1/log`).trim().split('\n').sort()).toEqual(['node n1 rank 0', 'node n2 rank 1']);
    // What sbatch got: tether's own options after the user's, the lead signal and requeue.
    expect(JSON.parse(read(`${dir}/spec.json`)).sbatch_options).toEqual(['--nodes=2', '--time=5', '--signal=B:TERM@360', '--requeue']);

    const p = await action('patrol', { 'run-ids': 'sl-two' });
    expect(p.code, p.stdout).toBe(0);
    expect(JSON.parse(p.outputs['states']!)['sl-two'].state).toBe('finished');
  }, 120_000);

  it("a two-node job whose task on one node fails: srun names it, and the patrol's multi-node rule makes the other node's collective a consequence", async () => {
    // Task 1 (on n2) fails for its own reason; task 0 (on n1) then loses its peer, as gloo says it.
    const job = [
      'if [ "$SLURM_PROCID" = 1 ]; then echo "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB"; exit 1; fi',
      'sleep 2',
      'echo "RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:598] Connection closed by peer [10.0.0.2]:29500"',
      'exit 1',
    ].join('; ');
    const r = await launch({ 'run-id': 'sl-two-fail', command: `srun --label bash -c '${job}'`, 'slurm-options': '--nodes=2\n--time=5' });
    expect(r.code, r.stdout).toBe(0);
    const dir = runDir('sl-two-fail');
    await waitFor('the job to fail', () => existsSync(`${dir}/FAILED`) || existsSync(`${dir}/DONE`), 60_000, 250);
    expect(read(`${dir}/attempts/1/log`)).toMatch(/^srun: error: n2: task 1: Exited with exit code 1$/m);
    const p = await action('patrol', { 'run-ids': 'sl-two-fail' });
    const v = JSON.parse(p.outputs['states']!)['sl-two-fail'] as {
      state: string;
      class: string;
      nodes: Array<{ rank: number; host: string; consequence: boolean }>;
    };
    expect(v).toMatchObject({ state: 'failed', class: 'cuda-oom' });
    // The status names the cause node in the run's line.
    expect(p.summary).toMatch(/rank 1 failed \\?\(cuda-oom\\?\): srun: n2 task 1: Exited with exit code 1; rank 0 failed in a collective as a consequence/);
    expect(v.nodes.map((n) => [n.rank, n.host, n.consequence])).toEqual([
      [1, 'n2', false],
      [0, 'n1', true],
    ]);
  }, 120_000);

  it('a second launch while the job waits or runs submits nothing', async () => {
    const r = await launch({ 'run-id': 'sl-once', command: 'sleep 600', 'slurm-options': '--time=10' });
    expect(r.code, r.stdout).toBe(0);
    const before = cl.slurm('squeue -h -o %i').trim().split('\n').filter(Boolean).length;
    const again = await launch({ 'run-id': 'sl-once', command: 'sleep 600', 'slurm-options': '--time=10' });
    expect(again.code).toBe(1);
    expect(again.outputs['result']).toBe('refused');
    expect(again.stdout).toMatch(/already queued or running: attempt 1, slurm:\d+/);
    expect(cl.slurm('squeue -h -o %i').trim().split('\n').filter(Boolean).length).toBe(before);
    cl.slurm(`scancel ${r.outputs['handle']!.slice(6)}`);
  }, 120_000);

  it("sbatch's own refusal (a partition that does not exist) is a failed launch in Slurm's words, and leaves no attempt", async () => {
    const r = await launch({ 'run-id': 'sl-badpart', command: 'true', 'slurm-options': '--partition=nosuch' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sbatch refused the job: .*(invalid partition|Invalid partition)/i);
    expect(existsSync(`${runDir('sl-badpart')}/attempts/1`)).toBe(false);
  }, 60_000);

  it('a sweep becomes one array job (%2: at most two at once); each task is its cell; one fails: per-cell states, the run FAILED naming it', async () => {
    cl.login.sh(`mkdir -p ${cl.login.home}/code/seen`);
    // Each cell notes when it ran (ns); cell c then fails.
    const stamp = (c: string, end = '') => `${c}: s=$(date +%s%N); sleep 2; echo "$s $(date +%s%N)" > seen/${c}${end}`;
    const cells = [stamp('a'), stamp('b'), stamp('c', '; exit 3'), stamp('d')].join('\n');
    const r = await launch({ 'run-id': 'sl-array', cells, 'gpus-per-cell': '0', 'max-parallel': '2', 'slurm-options': '--time=5' });
    expect(r.code, r.stdout).toBe(0);
    const dir = runDir('sl-array');
    await waitFor('the array to end', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 120_000, 500);
    expect(JSON.parse(read(`${dir}/FAILED`))).toMatchObject({ stage: 'cells', failed_cells: ['c'] });
    for (const c of ['a', 'b', 'd']) expect(JSON.parse(read(`${dir}/cells/${c}/DONE`))).toMatchObject({ attempt: 1, exit_code: 0 });
    expect(JSON.parse(read(`${dir}/cells/c/FAILED`))).toMatchObject({ attempt: 1, exit_code: 3 });
    const job = r.outputs['handle']!.slice(6);
    ['a', 'b', 'c', 'd'].forEach((c, i) => expect(read(`${dir}/cells/${c}/attempts/1/handle`).trim()).toBe(`slurm:${job}_${i}`));
    const spans = ['a', 'b', 'c', 'd'].map((c) => read(`${cl.login.home}/code/seen/${c}`).trim().split(' ').map(BigInt));
    for (const [s] of spans) expect(spans.filter(([s2, e2]) => s2! <= s! && s! < e2!).length).toBeLessThanOrEqual(2);
    const p = await action('patrol', { 'run-ids': 'sl-array' });
    const st = JSON.parse(p.outputs['states']!)['sl-array'];
    expect(st.state).toBe('failed');
    expect(st.summary).toBe('3/4 done, 1 failed: other');
    expect(st.cells.c).toMatchObject({ state: 'failed' });
  }, 180_000);

  it('a sweep on Slurm: cancel ends every task (the array job), and resume submits only the unfinished cells', async () => {
    cl.login.sh(`echo 600 > ${cl.login.home}/code/dur`);
    const cells = ['quick: true', 'slow1: sleep "$(cat dur)"', 'slow2: sleep "$(cat dur)"'].join('\n');
    const r = await launch({ 'run-id': 'sl-sweep-resume', cells, 'gpus-per-cell': '0', 'slurm-options': '--time=10' });
    expect(r.code, r.stdout).toBe(0);
    const dir = runDir('sl-sweep-resume');
    await waitFor('the quick cell', () => existsSync(`${dir}/cells/quick/DONE`), 60_000, 250);
    await waitFor('the slow cells to run', () => existsSync(`${dir}/cells/slow2/attempts/1/pid_start`), 60_000, 250);
    const tdArgs = { 'run-id': 'sl-sweep-resume', provider: 'slurm', verb: 'cancel', 'dry-run': 'false', 'teardown-timeout': '60s' };
    // Cells still run: the cancel kills them, so it needs the user's explicit word.
    const refused = await action('teardown', tdArgs);
    expect(refused.outputs['state'], refused.stdout).toBe('refused');
    expect(refused.outputs['reason']).toMatch(/cells not ended: .*slow1 \(\w+\).*slow2 \(\w+\) of 3 on the box: tearing down would kill it/);
    expect(cl.slurm(`squeue -h -j ${r.outputs['handle']!.slice(6)} -o %i`).trim()).not.toBe('');
    const td = await action('teardown', { ...tdArgs, 'stop-running': 'true' });
    expect(td.outputs['state'], td.stdout).toBe('torn-down');
    expect(cl.slurm(`squeue -h -j ${r.outputs['handle']!.slice(6)} -o %i`).trim()).toBe('');

    cl.login.sh(`echo 0.2 > ${cl.login.home}/code/dur`);
    const again = await launch({ 'run-id': 'sl-sweep-resume', cells, 'gpus-per-cell': '0', 'slurm-options': '--time=10', resume: 'true' });
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs['attempt']).toBe('2');
    await waitFor('the resumed sweep', () => existsSync(`${dir}/DONE`), 90_000, 250);
    // Only the unfinished cells were in the array; the finished one ran once.
    expect(readdirSync(`${dir}/cells/quick/attempts`)).toEqual(['1']);
    for (const c of ['slow1', 'slow2']) expect(JSON.parse(read(`${dir}/cells/${c}/DONE`))).toMatchObject({ attempt: 2 });
    expect(read(`${dir}/cells/slow1/attempts/2/handle`).trim()).toMatch(new RegExp(`^slurm:${again.outputs['handle']!.slice(6)}_1$`));
  }, 180_000);

  it('hostile slurm-options are input errors before any connection to the login node', async () => {
    const connections = () => (read(`${cl.login.dir}/sshd.log`).match(/Connection from/g) ?? []).length;
    const before = connections();
    for (const opts of ['--wrap=true', '--output=/etc/passwd', '--partition=gpu;id', '--account=$(id)', '--mem=1G\n--frobnicate=1', '--nodes=2 --wrap=x']) {
      const r = await launch({ 'run-id': 'sl-hostile', command: 'true', 'slurm-options': opts });
      expect(r.code, opts).toBe(2);
      expect(r.stdout).toMatch(/::error::input 'slurm-options': line \d/);
    }
    expect(connections()).toBe(before);
    expect(existsSync(runDir('sl-hostile'))).toBe(false);
  }, 60_000);

  it('collect pulls and verifies a checkpoint a compute node wrote, through the login node and the shared filesystem', async () => {
    const r = await launch({
      'run-id': 'sl-ckpt',
      command: `/usr/bin/python3 -c "import torch, os; os.makedirs('ck', exist_ok=True); torch.save({'w': torch.ones(5)}, 'ck/last.pt')"`,
      checkpoints: 'ck/*.pt',
      'slurm-options': '--time=5',
    });
    expect(r.code, r.stdout).toBe(0);
    const dir = runDir('sl-ckpt');
    await slurmWait('the job to end', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 90_000, 250);
    expect(existsSync(`${dir}/DONE`), existsSync(`${dir}/attempts/1/log`) ? read(`${dir}/attempts/1/log`) : 'no log').toBe(true);
    const c = await action('collect', { 'run-id': 'sl-ckpt', 'dest-dir': 'dest', artifact: 'none' });
    expect(c.code, c.stdout).toBe(0);
    expect(c.outputs['verified']).toBe('true');
  }, 120_000);

  it('the login node black-holed: unreachable within the connect timeout, and the job is untouched', async () => {
    const r = await launch({ 'run-id': 'sl-dark', command: 'sleep 600', 'slurm-options': '--time=10' });
    const job = r.outputs['handle']!.slice(6);
    cl.login.blackhole();
    try {
      const t0 = Date.now();
      const p = await action('patrol', { 'run-ids': 'sl-dark', 'connect-timeout': '3' });
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(JSON.parse(p.outputs['states']!)['sl-dark'].state).toBe('unreachable');
    } finally {
      cl.login.clearFirewall();
    }
    expect(['PENDING', 'RUNNING']).toContain(cl.slurm(`squeue -h -j ${job} -o %T`).trim());
    cl.slurm(`scancel ${job}`);
  }, 60_000);

  describe("Slurm's own states reach the patrol", () => {
    const patrolState = async (id: string) => JSON.parse((await action('patrol', { 'run-ids': id, 'stall-after': '1h' })).outputs['states']!)[id];
    const jobOf = (r: ActionRun) => r.outputs['handle']!.slice(6);

    it('held in the queue: queued with its reason; cancelled by hand: failed, cancelled', async () => {
      // A blocker holds node n1 whole, so the run's job (n1 only) waits in the queue; then it is held too.
      const blocker = cl.slurm(`sbatch --parsable -w n1 --exclusive -o /dev/null --wrap 'sleep 600'`).trim();
      try {
        const r = await launch({ 'run-id': 'sl-held', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n1' });
        expect(await patrolState('sl-held')).toMatchObject({ state: 'queued' });
        const p = await action('patrol', { 'run-ids': 'sl-held', 'stall-after': '1h' });
        // (the summary is markdown: the parentheses of box text arrive escaped)
        expect(p.summary).toMatch(/Slurm job \d+ pending for \d+ s \\\((Resources|Priority)\\\)/);
        cl.slurm(`scontrol hold ${jobOf(r)}`);
        const held = await patrolState('sl-held');
        expect(held.state).toBe('queued');
        expect(JSON.stringify(held)).not.toMatch(/class":"[a-z]/);
        cl.slurm(`scancel ${jobOf(r)}`);
        await waitFor('the job to leave squeue', () => !cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim(), 30_000, 250);
        const c = await action('patrol', { 'run-ids': 'sl-held', 'stall-after': '1h' });
        expect(JSON.parse(c.outputs['states']!)['sl-held']).toMatchObject({ state: 'failed', class: 'cancelled' });
        // The test cluster keeps no accounting database (sacct -c), so Slurm does not say who; the job never ran.
        expect(c.summary).toMatch(/Slurm job \d+ CANCELLED\. \*\*Do:/);
      } finally {
        cl.slurm(`scancel ${blocker}`);
      }
    }, 90_000);

    it('a time limit of seconds: TERM reaches the job first (signal-lead), then failed, timeout', async () => {
      const r = await launch({
        'run-id': 'sl-time',
        command: `trap 'echo got TERM; exit 143' TERM; while true; do sleep 1; done`,
        'slurm-options': '--time=0:05',
        'signal-lead': '60',
        requeue: 'false',
      });
      const dir = runDir('sl-time');
      await waitFor('the time limit', () => !cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim(), 120_000, 500);
      expect(await patrolState('sl-time')).toMatchObject({ state: 'failed', class: 'timeout' });
      // The lead signal reaches the job, or (when Slurm sends it before the job has started, as a limit this
      // short allows) the wrapper, which then never starts it; either way the marker is written.
      expect(read(`${dir}/attempts/1/log`)).toMatch(/got TERM|TERM arrived before the command started/);
      expect(read(`${dir}/FAILED`)).toMatch(/"signal":"TERM"/);
    }, 150_000);

    it('a node set DOWN under a running job (no requeue): failed, node-fail', async () => {
      const r = await launch({ 'run-id': 'sl-node', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n2', requeue: 'false' });
      await waitFor('the job to run', () => cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim() === 'RUNNING', 30_000, 250);
      cl.slurm('scontrol update nodename=n2 state=down reason=tether-test');
      try {
        await waitFor('the job to end', () => !cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim(), 60_000, 250);
        expect(await patrolState('sl-node')).toMatchObject({ state: 'failed', class: 'node-fail' });
      } finally {
        // ReturnToService=2 brings n2 back when its slurmd registers again; resume it if it is still down.
        if (/down/i.test(cl.slurm("sinfo -h -n n2 -o '%T'"))) cl.slurm('scontrol update nodename=n2 state=resume');
        await slurmWait('n2 idle again', () => /^idle/.test(cl.slurm("sinfo -h -n n2 -o '%T'").trim()), 60_000, 250);
      }
    }, 120_000);

    it('a node set DOWN under a running job with requeue on: Slurm queues it again, so requeued, never failed', async () => {
      const r = await launch({ 'run-id': 'sl-node-rq', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n2' });
      await waitFor('the job to run', () => cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim() === 'RUNNING', 30_000, 250);
      // Slurm says RUNNING a moment before the batch script runs: the attempt has run once its wrapper wrote started_at.
      await waitFor('the wrapper to start', () => existsSync(`${runDir('sl-node-rq')}/attempts/1/started_at`), 30_000, 100);
      cl.slurm('scontrol update nodename=n2 state=down reason=tether-test');
      try {
        await slurmWait('the job to be pending again', () => cl.slurm(`squeue -h -j ${jobOf(r)} -o %T`).trim() === 'PENDING', 60_000, 250);
        const st = await patrolState('sl-node-rq');
        expect(st).toMatchObject({ state: 'requeued' });
        expect(JSON.stringify(st)).not.toMatch(/node-fail/);
      } finally {
        if (/down/i.test(cl.slurm("sinfo -h -n n2 -o '%T'"))) cl.slurm('scontrol update nodename=n2 state=resume');
        cl.slurm(`scancel ${jobOf(r)}`);
        // The next tests need n2 taking jobs again, not still cleaning up the killed one.
        await slurmWait('n2 idle again', () => /^idle/.test(cl.slurm("sinfo -h -n n2 -o '%T'").trim()), 60_000, 250);
      }
    }, 120_000);

    it('scontrol requeue: requeued, then the next attempt runs under the same job id', async () => {
      // On n1: the tests before set n2 down and up again.
      const r = await launch({ 'run-id': 'sl-requeue', command: 'echo "run $SLURM_RESTART_COUNT"; sleep 600', 'slurm-options': '--time=10\n--nodelist=n1' });
      const job = jobOf(r);
      const dir = runDir('sl-requeue');
      await waitFor('attempt 1 to start', () => existsSync(`${dir}/attempts/1/pid_start`), 30_000, 250);
      cl.slurm(`scontrol requeue ${job}`);
      await slurmWait('the job to be pending again', () => cl.slurm(`squeue -h -j ${job} -o %T`).trim() === 'PENDING', 30_000, 250);
      expect(await patrolState('sl-requeue')).toMatchObject({ state: 'requeued' });
      // Slurm delays a requeued job (reason BeginTime); let it start now. Under load the controller may set that
      // delay after the first update, so it is asked again every 10 s while the job still waits.
      let asked = 0;
      const startNow = () => {
        cl.slurm(`scontrol update jobid=${job} starttime=now`);
        asked = Date.now();
      };
      startNow();
      await slurmWait(
        'attempt 2 to start',
        () => {
          if (existsSync(`${dir}/attempts/2/pid_start`)) return true;
          if (Date.now() - asked > 10_000 && cl.slurm(`squeue -h -j ${job} -o %T`).trim() === 'PENDING') startNow();
          return false;
        },
        90_000,
        500,
        jobStory(job, dir),
      );
      expect(read(`${dir}/attempts/2/job_id`).trim()).toBe(job);
      expect(read(`${dir}/attempts/2/handle`).trim()).toBe(`slurm:${job}`);
      await slurmWait('attempt 2 to log', () => existsSync(`${dir}/attempts/2/log`) && /run 1/.test(read(`${dir}/attempts/2/log`)), 30_000, 250);
      expect((await patrolState('sl-requeue')).state).toBe('running');
      cl.slurm(`scancel ${job}`);
    }, 150_000);
  });

  describe("teardown on Slurm: cancel or hold exactly the run's own jobs", () => {
    const teardown = (id: string, extra: Record<string, string>) =>
      action('teardown', { 'run-id': id, provider: 'slurm', 'teardown-timeout': '60s', ...extra });
    const jobOf = (r: ActionRun) => r.outputs['handle']!.slice(6);
    const stateOf = (job: string) => cl.slurm(`squeue -h -j ${job} -o %T`).trim();

    it('cancel: dry run first; then scancel of this run only, proven by Slurm; the other run and every file stay', async () => {
      const mine = await launch({ 'run-id': 'sl-cancel', command: 'echo hi > ~/code/cancel-proof; sleep 600', 'slurm-options': '--time=10' });
      const other = await launch({ 'run-id': 'sl-keep', command: 'sleep 600', 'slurm-options': '--time=10' });
      await waitFor('both jobs to run', () => stateOf(jobOf(mine)) === 'RUNNING' && stateOf(jobOf(other)) === 'RUNNING', 30_000, 250);

      const dry = await teardown('sl-cancel', { verb: 'cancel', 'stop-running': 'true' });
      expect(dry.code, dry.stdout).toBe(0);
      expect(dry.outputs['state']).toBe('dry-run');
      expect(dry.summary).toMatch(/\| verb \| \*\*cancel\*\*: `scancel` of exactly the run's recorded job ids/);
      expect(stateOf(jobOf(mine))).toBe('RUNNING');

      const wrongConfirm = await teardown('sl-cancel', { verb: 'cancel', 'dry-run': 'false', approval: 'confirm', confirm: 'cancel sl-keep' });
      expect(wrongConfirm.outputs['state']).toBe('refused');
      expect(stateOf(jobOf(mine))).toBe('RUNNING');

      // The job runs: the right confirm alone does not kill it; stop-running says so explicitly.
      const live = await teardown('sl-cancel', { verb: 'cancel', 'dry-run': 'false', approval: 'confirm', confirm: 'cancel sl-cancel' });
      expect(live.outputs['state']).toBe('refused');
      expect(live.outputs['reason']).toMatch(
        /^run sl-cancel is (running|launching) .*: tearing down would kill it; wait for it to end, or set stop-running: true/,
      );
      expect(stateOf(jobOf(mine))).toBe('RUNNING');
      const done = await teardown('sl-cancel', {
        verb: 'cancel',
        'dry-run': 'false',
        approval: 'confirm',
        confirm: 'cancel sl-cancel',
        'stop-running': 'true',
      });
      expect(done.summary).toMatch(/\| kills \| \*\*run sl-cancel is /);
      expect(done.code, done.stdout).toBe(0);
      expect(done.outputs['state']).toBe('torn-down');
      expect(stateOf(jobOf(mine))).toBe('');
      expect(stateOf(jobOf(other))).toBe('RUNNING');
      expect(existsSync(`${runDir('sl-cancel')}/spec.json`)).toBe(true);
      expect(read(`${cl.login.home}/code/cancel-proof`).trim()).toBe('hi');
      // A second cancel finds every job already ended: nothing is asked again.
      const again = await teardown('sl-cancel', { verb: 'cancel', 'dry-run': 'false' });
      expect(again.outputs['state']).toBe('torn-down');
      expect(again.stdout).not.toMatch(/scancel of job/);
      // resume: true submits attempt 2 of the recorded request (the patrol saw it cancelled, not finished).
      const resumed = await launch({
        'run-id': 'sl-cancel',
        command: 'echo hi > ~/code/cancel-proof; sleep 600',
        'slurm-options': '--time=10',
        resume: 'true',
      });
      expect(resumed.code, resumed.stdout).toBe(0);
      expect(resumed.outputs['attempt']).toBe('2');
      expect(jobOf(resumed)).not.toBe(jobOf(mine));
      cl.slurm(`scancel ${jobOf(resumed)} ${jobOf(other)}`);
    }, 120_000);

    it("a job that writes another job's id into its own handle file never gets that job cancelled (issue 23 §5)", async () => {
      const evil = await launch({ 'run-id': 'sl-evil', command: 'sleep 600', 'slurm-options': '--time=10' });
      const victim = await launch({ 'run-id': 'sl-victim', command: 'sleep 600', 'slurm-options': '--time=10' });
      await waitFor('both jobs to run', () => stateOf(jobOf(evil)) === 'RUNNING' && stateOf(jobOf(victim)) === 'RUNNING', 30_000, 250);
      // The job carries its run and attempt where Slurm keeps them.
      expect(cl.slurm(`squeue -h -j ${jobOf(evil)} -o '%j|%k'`).trim()).toBe('tether-sl-evil|tether:sl-evil:1');
      // What the job itself could do: it owns its run record.
      cl.login.sh(`printf 'slurm:${jobOf(victim)}\\n' > ${runDir('sl-evil')}/attempts/1/handle`);
      const td = await teardown('sl-evil', { verb: 'cancel', 'dry-run': 'false', 'stop-running': 'true' });
      expect(td.outputs['state'], td.stdout).toBe('failed');
      expect(td.stdout).toMatch(
        new RegExp(
          `job ${jobOf(victim)} is not run sl-evil's own \\(squeue says name tether-sl-victim, comment tether:sl-victim:1, user \\w+\\): nothing was cancelled or held`,
        ),
      );
      expect(stateOf(jobOf(victim))).toBe('RUNNING');
      cl.slurm(`scancel ${jobOf(evil)} ${jobOf(victim)}`);
    }, 120_000);

    it('park holds the pending job and resume releases it; destroy and instance-id are refused for provider slurm', async () => {
      const blocker = cl.slurm(`sbatch --parsable -w n1 --exclusive -o /dev/null --wrap 'sleep 600'`).trim();
      try {
        const r = await launch({ 'run-id': 'sl-park', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n1' });
        expect(stateOf(jobOf(r))).toBe('PENDING');
        // A queued run has not ended: even a hold needs stop-running.
        const queued = await teardown('sl-park', { verb: 'park', 'dry-run': 'false' });
        expect(queued.outputs['state']).toBe('refused');
        expect(queued.outputs['reason']).toMatch(/^run sl-park is queued/);
        const park = await teardown('sl-park', { verb: 'park', 'dry-run': 'false', 'stop-running': 'true' });
        expect(park.code, park.stdout).toBe(0);
        expect(park.outputs['state']).toBe('parked');
        expect(cl.slurm(`squeue -h -j ${jobOf(r)} -o %r`).trim()).toMatch(/Held/i);
        // resume releases the held job: the same attempt queues again, and nothing new is submitted.
        const released = await launch({ 'run-id': 'sl-park', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n1', resume: 'true' });
        expect(released.code, released.stdout).toBe(0);
        expect(released.outputs['attempt']).toBe('1');
        expect(released.stdout).toMatch(new RegExp(`released the held job ${jobOf(r)}: attempt 1 is queued again`));
        expect(cl.slurm(`squeue -h -j ${jobOf(r)} -o %r`).trim()).not.toMatch(/Held/i);
        expect(cl.slurm(`squeue -h -n tether-sl-park -o %i`).trim().split('\n')).toEqual([jobOf(r)]);
        // Not held any more: a second resume refuses, as for any queued job.
        const again = await launch({ 'run-id': 'sl-park', command: 'sleep 600', 'slurm-options': '--time=10\n--nodelist=n1', resume: 'true' });
        expect(again.stdout).toMatch(/already queued or running: attempt 1/);
        const parkAgain = await teardown('sl-park', { verb: 'park', 'dry-run': 'false', 'stop-running': 'true' });
        expect(parkAgain.outputs['state']).toBe('parked');
        const destroy = await teardown('sl-park', { verb: 'destroy' });
        expect(destroy.code).toBe(2);
        expect(destroy.stdout).toMatch(/a Slurm job is cancelled, not destroyed: use verb cancel/);
        const withId = await teardown('sl-park', { verb: 'cancel', 'instance-id': 'x' });
        expect(withId.stdout).toMatch(/provider slurm acts on the run's own recorded jobs/);
        cl.slurm(`scancel ${jobOf(r)}`);
      } finally {
        cl.slurm(`scancel ${blocker}`);
      }
    }, 120_000);
  });
  // Last: it sets the partition down and up again, which no other test should run after.
  it('the audit gate on Slurm: sinfo answers and the partition exists and is up; the login node needs no GPU', async () => {
    const audited = (extra: Record<string, string>) => launch({ audit: 'true', 'min-free-gb': '1', 'min-free-inodes': '1000', command: 'true', ...extra });
    const missing = await audited({ 'run-id': 'sl-audit-1', 'slurm-options': '--partition=nosuch' });
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/slurm: partition nosuch does not exist \(partitions: debug\)/);
    cl.slurm('scontrol update partitionname=debug state=down');
    try {
      const down = await audited({ 'run-id': 'sl-audit-2' });
      expect(down.code).toBe(3);
      expect(down.stdout).toMatch(/slurm: partition debug is down, not up/);
    } finally {
      cl.slurm('scontrol update partitionname=debug state=up');
    }
    // Nothing was submitted by the blocked launches (tether names each job tether-<run-id>).
    expect(
      cl.slurm("squeue -h -n tether-sl-audit-1,tether-sl-audit-2 -o %i; sacct -c -n -P -o jobname | grep -c '^tether-sl-audit-[12]$' || true").trim(),
    ).toBe('0');
    const ok = await audited({ 'run-id': 'sl-audit-3', 'slurm-options': '--time=1' });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.outputs['result']).toBe('started');
    // (the same count sees a launch that did submit)
    await waitFor(
      'sl-audit-3 in the accounting',
      () => cl.slurm("sacct -c -n -P -o jobname | grep -c '^tether-sl-audit-3$' || true").trim() === '1',
      30_000,
      250,
    );
  }, 120_000);
});
