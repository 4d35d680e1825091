import type { FailureClass } from './signatures.ts';

import { STATES, type State } from '../record/run-state.ts';

export { STATES, type State };
export const FLAGS = [
  'disk-pressure',
  'inode-pressure',
  'mem-pressure',
  'gpu-idle',
  'fast-finish',
  'bad-checkpoint',
  'checkpoint-stale',
  'foreign-checkpoints',
  'no-checkpoints',
  'unlaunched-cells',
  'blocked-disk',
  'spot-notice',
  'restarted-from-zero',
  'straggler',
] as const;
export type Flag = (typeof FLAGS)[number];

const RESUME = 'relaunch the identical command with launch `resume: true` (never a blind retry of something else)';

/** The fixed remediation of each state (runbook-facts §4 and §7.7). */
export const STATE_REMEDIATION: Record<Exclude<State, 'failed'>, string> = {
  queued:
    "waiting to start: a sweep's cell for a free slot (GPUs or max-parallel), or a Slurm job in the queue (its reason: Priority, Resources, a QOS limit …)",
  requeued:
    'Slurm put the job back in its queue (preemption, a failed node, or scontrol requeue): it resumes as the next attempt with the same job id, from its last checkpoint',
  launching: 'the job is starting; if it stays here for several ticks, read the attempt log',
  running: 'nothing to do',
  stalled:
    'alive but no log or checkpoint progress: see where it waits (`py-spy dump --pid <pid>`), a DataLoader worker join is common; do not wait forever, escalate',
  finished: 'ready to pull: run collect, which verifies the checkpoints before anything is torn down',
  dead: `no process and no DONE/FAILED marker (SSH hang-up, a manual kill or a provider action): ${RESUME}`,
  rebooted: `the box booted after the attempt started, so the job died with it: ${RESUME}`,
  unreachable: 'check the provider console for balance, power or preemption; nothing is known to have changed on the box',
  'host-key-changed':
    "THE BOX'S HOST KEY CHANGED: another machine answers at this address (a reinstalled or reassigned instance, or an interception). Nothing was sent to it; find out what happened in the provider console before pinning the new key",
  'auth-refused':
    "the box answers but refuses tether's key: the authorized key was removed or the user changed; fix authorized_keys (nothing is known about the run, and the box is not silent: it is not a billing or power problem)",
  'probe-error':
    'the box answered, but what it sent could not be read (a damaged or tampered run record, or output past its bounds); nothing is known to have changed: look at the run record on the box',
  unknown: 'no run record for this run id under run-root: check run-id, run-root and the host',
  preempted:
    'the provider (or Slurm) took the box or the job away, in its own words (never guessed from silence): what the job wrote after its newest synced checkpoint is lost with the box unless its disk survives; rent a new box and relaunch the identical command with `resume: true` from that checkpoint',
  degraded:
    'a run on many boxes with a node the patrol cannot reach while the others run: nothing is known to have failed; the others wait in their collective if it stopped. Check that node in the provider console',
  'torn-down': 'the instance was torn down after its checkpoints were verified; remove the run from the patrol (tether.yml) when you no longer want this line',
};

export const FAILURE_REMEDIATION: Record<FailureClass, string> = {
  'disk-full': `the disk filled during a write: prune periodic snapshots and scratch (keep best) or expand the disk, never shrink the experiment; then ${RESUME}`,
  oom: 'host-RAM (cgroup) OOM: size num_workers against memory.max and share big objects, do not shrink the batch; relaunch with the changed config as a new run id',
  'cuda-oom':
    'CUDA out of memory (usually deterministic): check free VRAM, concurrent jobs and zombie holders, then fix batch sizing or set expandable_segments; not a retry',
  killed: `killed by SIGKILL with no traceback: if memory was tight it was the OOM killer (check cgroup oom_kill and dmesg), otherwise something killed it; once known, ${RESUME}`,
  collective:
    "a collective operation (NCCL or gloo) timed out or lost a peer: on a run on many boxes it is usually another node's failure (its row names it); else check the network between the nodes",
  'code-error': 'a Python error in the code or config: investigate and fix; do not retry',
  nan: 'the loss went NaN/Inf: a numerics problem; do not retry blindly, check the learning rate and data',
  terminated: `stopped by SIGTERM, and neither the provider nor Slurm said it preempted the box (a provider stop, a kill -TERM, or a preemption nobody reported): ${RESUME}, on a fresh instance if the GPU was taken`,
  stopped: `stopped by tether on request (TERM, then KILL after the grace): the work since the last checkpoint is lost; when wanted, ${RESUME}`,
  timeout: `Slurm's time limit ended the job (TIMEOUT): it got TERM signal-lead seconds before, so the last checkpoint is recent; ${RESUME} (or raise --time)`,
  'node-fail': `a node of the job failed (NODE_FAIL): with requeue the job comes back on other nodes; otherwise ${RESUME}`,
  cancelled: 'cancelled in Slurm (scancel, by the user or an admin, CANCELLED): nothing to fix in the code; relaunch with resume: true when wanted',
  other: 'the command failed: read the attempt log; resume only once the cause is known',
};

export const FLAG_REMEDIATION: Record<Flag, string> = {
  'disk-pressure': 'disk ≥ 95% full: prune old checkpoints before the next save',
  'inode-pressure': 'inodes ≥ 95% used: cap per-sample outputs',
  'mem-pressure': 'cgroup memory > 90% of its limit: OOM risk',
  'gpu-idle': 'GPUs idle while the job runs: data-bound, stuck on CPU, or not using the GPU',
  'fast-finish': 'finished in under half the expected duration: check that it did real work',
  'bad-checkpoint':
    'its newest checkpoint failed verification on the runner (damaged, or NaN/Inf in a tensor): the last good one is kept; look at the training before it overwrites more',
  'checkpoint-stale': 'no new checkpoint in 1.5× checkpoint-every: a box that dies now loses everything since the newest one',
  'foreign-checkpoints':
    "checkpoints newer than the run's end: another run (or process) writes into the same folder; collect names them, and results may mix: give each run its own checkpoint directory",
  'unlaunched-cells':
    'the run record lists cells tether never launched (no cell record): they are ignored, never shown or remembered; someone or something edited cells.list on the box',
  'blocked-disk':
    "the sweep's queue holds this cell: the disk where the cells write is below the audit's floor (min-free-gb, min-free-inodes); free space (prune old checkpoints) and it starts by itself",
  'spot-notice':
    "EC2 gave the two-minute spot notice (the attempt's preempt_notice): the job was sent its preempt-signal to checkpoint, then TERM before the notice's time; the patrol syncs what it saved",
  'restarted-from-zero':
    "a recovery restored a checkpoint, but this attempt's first reported step is below its step: the job started from scratch; make it load the newest checkpoint in its folder (the runbook's contract)",
  straggler:
    "a run on many boxes where one node's step lags the others' by more than a few steps: that node is slower (its GPU, its disk or its network); the others wait for it at every collective",
  'no-checkpoints':
    "the run ended and its checkpoint globs match no file: nothing to collect; check the launch input 'checkpoints' against where the job saves",
};
