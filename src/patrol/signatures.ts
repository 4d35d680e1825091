/** Failure classes and the log signatures that name them (runbook-facts §4). Pure. */
export const FAILURE_CLASSES = [
  'disk-full',
  'oom',
  'cuda-oom',
  'killed',
  'code-error',
  'nan',
  'terminated',
  'stopped',
  'timeout',
  'node-fail',
  'cancelled',
  'collective',
  'other',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

const SIGNATURES: Array<[FailureClass, RegExp]> = [
  ['disk-full', /No space left on device|basic_ios::clear|unexpected pos \d+ vs \d+|Disk quota exceeded/],
  ['cuda-oom', /CUDA out of memory|torch\.(?:cuda\.)?OutOfMemoryError|CUDA error: out of memory/],
  ['nan', /\bloss\b[^\n]{0,24}\b(?:nan|inf)\b|Loss is (?:NaN|Inf)|non-finite loss|\bNaN (?:or Inf )?(?:found|detected) in (?:loss|gradients?)/i],
  ['oom', /Out of memory: Killed process|oom-kill:|Memory cgroup out of memory/],
  // A distributed job's collective that timed out or lost its peer: on a run on many boxes, a consequence of another node.
  [
    'collective',
    /Watchdog caught collective operation timeout|ProcessGroupNCCL|NCCL (?:error|communicator was aborted)|gloo\/transport\/tcp|Connection closed by peer|Timed out waiting \d+ms for (?:recv|send) operation|DistBackendError/,
  ],
  ['code-error', /Traceback \(most recent call last\)/],
];

/**
 * What a follower on the box looks for in new log bytes (bash `=~` with nocasematch: POSIX ERE): a superset of the signatures
 * above, so no crash goes unseen; a false hit only makes the runner look again, where SIGNATURES decide.
 */
export const CRASH_HINT =
  'Traceback \\(most recent call last\\)|out of memory|OutOfMemoryError|No space left on device|basic_ios::clear|unexpected pos|Disk quota exceeded|oom-kill|Killed process|loss.{0,24}(nan|inf)|non-finite|NaN (or Inf )?(found|detected)';

/** The first class whose signature appears in `text`, in the table's order of precedence. */
export function signatureIn(text: string): FailureClass | null {
  for (const [cls, re] of SIGNATURES) if (re.test(text)) return cls;
  return null;
}

/**
 * Why an attempt that wrote FAILED failed. OOM is asserted only from the cgroup oom_kill counter rising,
 * kernel OOM lines or exit 137 with such evidence, never from host load (runbook R45). Stage `stopped` is
 * tether's own stop by handle (stop.sh), which no log line can turn into something else.
 */
export function classifyFailure(exitCode: number, signal: string | null, log: string, oomKillRose: boolean, stage = ''): FailureClass {
  if (stage === 'stopped') return 'stopped';
  const seen = signatureIn(log);
  if (seen && seen !== 'code-error') return seen;
  const sig = signal ?? (exitCode > 128 ? String(exitCode - 128) : null);
  const killed = sig === 'KILL' || sig === '9' || exitCode === 137;
  if (killed && oomKillRose) return 'oom';
  if (seen === 'code-error') return 'code-error';
  if (killed) return 'killed';
  // A TERM alone names no cause (a provider's stop, a kill -TERM, a preemption nobody reported): `preempted` is
  // the provider's or Slurm's word only (issue 27 §1), never a guess from a signal.
  if (sig === 'TERM' || sig === '15' || exitCode === 143) return 'terminated';
  return 'other';
}
