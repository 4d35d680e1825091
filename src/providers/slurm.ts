import type { ConnectionConfig } from '../config/connection.ts';
import { dataLines, parseJsonLine, runScript } from '../remote/invoke.ts';
import { parseJobs, type Job } from '../remote/slurm-jobs.ts';
import { BoxDataError } from '../record/strict.ts';
import { connect } from '../ssh/client.ts';
import { TransportError } from '../ssh/errors.ts';
import type { Credential } from '../ssh/keys.ts';
import { SLURM_ENDED } from '../backends/slurm.ts';
import { ProviderError, type InstanceState, type Provider, type ProviderContext } from './types.ts';
import { InputError } from '../config/errors.ts';
import { loadCredential } from '../ssh/keys.ts';
import type { ProviderModule } from './types.ts';

/** Whether a job in this Slurm state will not run again (src/backends/slurm.ts). */
const ended = (state: string) => (SLURM_ENDED as readonly string[]).includes(state);

/** Every job ended: gone; every job ended or held in the queue: stopped (parked); else running. Pure. */
export function jobsState(jobs: Job[]): { state: InstanceState; detail: string } {
  const list = jobs.map((j) => `${j.id} ${j.state}${j.reason ? ` (${j.reason})` : ''}`).join(', ');
  if (jobs.every((j) => ended(j.state))) return { state: 'gone', detail: `every job of the run has ended: ${list}` };
  if (jobs.every((j) => ended(j.state) || (j.state === 'PENDING' && /Held/i.test(j.reason)))) return { state: 'stopped', detail: `held: ${list}` };
  return { state: 'running', detail: list };
}

/**
 * Provider slurm: cancel (scancel) or park (scontrol hold) exactly the jobs the run recorded, through the
 * login node; proof is Slurm's own state (every job ended, or held), read again until it holds.
 */
export function slurmProvider(ctx: ProviderContext, conn: ConnectionConfig, cred: Credential, runRoot: string, jobs: string[] | null = null): Provider {
  // The job ids sbatch answered at launch (the signed registration), when known; else the run record's handles.
  const data = dataLines(jobs?.length ? { jobs: jobs.join(' ') } : {});
  const call = async (action: 'state' | 'cancel' | 'hold') => {
    let s;
    try {
      s = await connect({ ...conn, attempts: 1 }, cred);
    } catch (err) {
      if (err instanceof TransportError)
        throw new ProviderError(`slurm: the login node did not answer (${err.message})`, err.kind === 'unreachable' || err.kind === 'network');
      throw err;
    }
    try {
      return parseJobs(
        parseJsonLine('slurm_jobs', await runScript(s, 'slurm_jobs', [runRoot, ctx.runId, action], { data, timeoutMs: Math.max(ctx.callTimeoutMs, 60_000) })),
      );
    } catch (err) {
      if (err instanceof BoxDataError) throw new ProviderError(err.message, false);
      throw err;
    } finally {
      s.close();
    }
  };
  return {
    async state() {
      return jobsState(await call('state'));
    },
    async request(verb) {
      if (verb !== 'cancel' && verb !== 'park') throw new ProviderError(`slurm: ${verb} is not a Slurm action (cancel or park)`, false);
      const jobs = await call(verb === 'cancel' ? 'cancel' : 'hold');
      ctx.log(`slurm: ${verb === 'cancel' ? 'scancel' : 'scontrol hold'} of job(s) ${jobs.map((j) => j.id).join(', ')}`);
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider slurm. */
export const slurm: ProviderModule = {
  name: 'slurm',
  facts: {
    title: 'a Slurm cluster (through its login node)',
    credentials: 'ssh',
    park: {
      action: "`scontrol hold` of the run's pending jobs (release with launch `resume`)",
      reversible: true,
      survives: 'everything; a job already running keeps running (a hold only stops pending ones from starting)',
      keepsBilling: 'nothing while held; fair-share time is used only when a job runs',
    },
    destroy: null,
    cancel: {
      action: "`scancel` of exactly the run's recorded job ids (never a name or user match)",
      reversible: false,
      survives: 'every file on the shared filesystem (nothing is deleted); the work since the last checkpoint is lost',
      keepsBilling: 'nothing: the allocation ends',
    },
    missing: { destroy: 'a Slurm job is cancelled, not destroyed: use verb cancel' },
    traps: ['a cancelled job is not requeued: launch it again with resume: true from its last checkpoint', 'node-local $TMPDIR is wiped when the job ends'],
    scheduler: true,
    verified: '2026-11',
  },
  // What is acted on is the run's own jobs, so the "instance" is the run id on the login node.
  defaultInstance: (_box, runId) => runId,
  check: (cfg, given) => {
    if (!cfg.connection) throw new InputError('host', 'provider slurm acts through the login node: give the connection inputs');
    if (given.instanceId.trim())
      throw new InputError('instance-id', "provider slurm acts on the run's own recorded jobs, named by run-id; give no instance-id");
  },
  make: (ctx, cfg, _env, jobs) => {
    const conn = cfg.connection;
    if (!conn) throw new ProviderError('provider slurm needs the connection inputs of the login node', false);
    return slurmProvider(ctx, conn, loadCredential(conn.key), cfg.runRoot, jobs);
  },
};
