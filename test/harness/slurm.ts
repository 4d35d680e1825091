import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createBox, type Box } from './box.ts';
import { readPidFile, signalPid } from './pids.ts';
import { routeBetween } from './route.ts';
import { waitFor } from './sh.ts';

/**
 * A real Slurm cluster from Debian's slurm-wlm and munge (test-infra-facts §6, §6a): three test boxes
 * (network namespaces) on the one filesystem, like a cluster with a shared /scratch. The login box runs sshd
 * (tether's way in) and slurmctld; two compute boxes each run `slurmd -N n<k>`. The cluster has its own
 * munged (own key and socket) and its own slurm.conf (SLURM_CONF), so clusters never share a daemon, and
 * every daemon is stopped by its PID.
 */
export interface Cluster {
  login: Box;
  nodes: Box[];
  dir: string;
  /** SLURM_CONF for clients (the `slurm-conf` input). */
  conf: string;
  /** A Slurm client command on the login node (sbatch, squeue, scontrol, sacct …), its stdout. */
  slurm(cmd: string, timeoutMs?: number): string;
  destroy(): void;
}

export function slurmPrerequisites(): string[] {
  return ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch']
    .filter((p) => !existsSync(p))
    .map((p) => `${p} (apt-get install slurm-wlm munge)`);
}

function run(cmd: string, args: string[], opts: { env?: Record<string, string>; allowFail?: boolean; timeoutMs?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 30_000 });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout ?? '';
}

function slurmConf(dir: string, login: Box, nodes: Box[]): string {
  const short = hostname().split('.')[0];
  return [
    'ClusterName=tether',
    `SlurmctldHost=${short}(${login.addr})`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    `AuthInfo=socket=${join(dir, 'munge', 'munge.sock')}`,
    `SlurmctldPort=${16817 + login.index * 2}`,
    `SlurmdPort=${16818 + login.index * 2}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool%n')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd-%n.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd-%n.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'JobAcctGatherType=jobacct_gather/linux',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/filetxt',
    `JobCompLoc=${join(dir, 'jobcomp.txt')}`,
    'MpiDefault=none',
    'ReturnToService=2',
    'SchedulerType=sched/backfill',
    // Scheduling passes every few seconds (defaults 60 s and 30 s): a job that could not start at submit (a
    // node or partition just back) starts within a test's wait, not a minute later.
    'SchedulerParameters=sched_interval=3,bf_interval=3',
    'MinJobAge=300',
    'KillWait=5',
    'SlurmdTimeout=10',
    ...nodes.map((n, k) => `NodeName=n${k + 1} NodeAddr=${n.addr} CPUs=2 RealMemory=2000 State=UNKNOWN`),
    `PartitionName=debug Nodes=${nodes.map((_, k) => `n${k + 1}`).join(',')} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

// Clusters still up when the test process exits: their routes and forwarding tokens go back (the boxes, and
// with them every daemon, go by box.ts's own exit hook).
const liveClusters = new Set<() => void>();
process.once('exit', () => {
  for (const d of liveClusters) d();
});

export async function createCluster(): Promise<Cluster> {
  const missing = slurmPrerequisites();
  if (missing.length) throw new Error(`a Slurm cluster needs: ${missing.join(', ')}`);
  const login = await createBox();
  const nodes: Box[] = [];
  let unroute: (() => void) | undefined;
  const pids: number[] = [];
  const dir = join(login.dir, 'slurm');
  const conf = join(dir, 'slurm.conf');
  const env = { SLURM_CONF: conf };
  const destroy = () => {
    if (!liveClusters.delete(destroy)) return;
    for (const pid of pids.reverse()) signalPid(pid, 'SIGTERM');
    unroute?.();
    for (const n of nodes) n.destroy();
    login.destroy();
  };
  liveClusters.add(destroy);
  try {
    nodes.push(await createBox(), await createBox());
    unroute = routeBetween([login, ...nodes]);
    for (const d of ['state', 'log', ...nodes.map((_, k) => `spooln${k + 1}`)]) mkdirSync(join(dir, d), { recursive: true });
    // Its own munged: its own key (munge wants it 0400, owned by munge) and socket, run as munge.
    const mdir = join(dir, 'munge');
    mkdirSync(mdir, { recursive: true });
    const uid = Number(run('id', ['-u', 'munge']).trim());
    const gid = Number(run('id', ['-g', 'munge']).trim());
    run('dd', ['if=/dev/urandom', `of=${join(mdir, 'munge.key')}`, 'bs=1024', 'count=1', 'status=none']);
    chmodSync(join(mdir, 'munge.key'), 0o400);
    for (const p of [mdir, join(mdir, 'munge.key')]) chownSync(p, uid, gid);
    chmodSync(dir, 0o755);
    chownSync(dir, 0, 0);
    // In the login box's namespace (its socket is a file, so every box reaches it), so that reclaiming the
    // box's slot after a killed test run stops it with the box's other processes.
    run('nsenter', [
      `--net=/run/netns/${login.ns}`,
      'runuser',
      '-u',
      'munge',
      '--',
      '/usr/sbin/munged',
      `--socket=${join(dir, 'munge', 'munge.sock')}`,
      `--key-file=${join(mdir, 'munge.key')}`,
      `--pid-file=${join(mdir, 'munged.pid')}`,
      `--log-file=${join(mdir, 'munged.log')}`,
      `--seed-file=${join(mdir, 'munged.seed')}`,
    ]);
    pids.push(await readPidFile(join(mdir, 'munged.pid'), 'munged', 5000));
    writeFileSync(conf, slurmConf(dir, login, nodes));
    // nsenter, not `ip netns exec` (which remounts /sys; slurmd then fails): test-infra-facts §6a.
    run('nsenter', [`--net=/run/netns/${login.ns}`, '/usr/sbin/slurmctld'], { env });
    pids.push(await readPidFile(join(dir, 'slurmctld.pid'), 'slurmctld'));
    nodes.forEach((n, k) => run('nsenter', [`--net=/run/netns/${n.ns}`, '/usr/sbin/slurmd', '-N', `n${k + 1}`], { env }));
    for (let k = 0; k < nodes.length; k++) {
      pids.push(await readPidFile(join(dir, `slurmd-n${k + 1}.pid`), `slurmd n${k + 1}`));
    }
    const slurm = (cmd: string, timeoutMs = 20_000) => run('bash', ['-c', cmd], { env, timeoutMs });
    await waitFor('both nodes idle', () => /^idle\s*\nidle\s*$/.test(slurm("sinfo -h -N -o '%T'").trim()), 30_000, 200);
    return { login, nodes, dir, conf, slurm, destroy };
  } catch (err) {
    destroy();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
