import { SLURM_ALIVE } from '../backends/slurm.ts';
import { contractSh } from '../record/contract.ts';
import { BACKEND_NAMES } from '../record/names.ts';
import { scriptText } from './script-text.ts';

/**
 * lib.sh with the contract's variables (and the backends' states) ahead of its body: every script's preamble.
 * The shebang stays the first line: the wrapper becomes a Slurm batch script, and sbatch reads it there.
 */
const lib = (() => {
  const text = scriptText('lib.sh');
  const contract = contractSh({ TETHER_SLURM_ALIVE: SLURM_ALIVE.join(' ') });
  const nl = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
  return `${text.slice(0, nl)}${contract}\n${text.slice(nl)}`;
})();

/** The on-box scripts, as text. `wrapper` is written to the box; the rest run from stdin. */
export const SCRIPTS = {
  audit: scriptText('audit.sh'),
  checkpoints: scriptText('checkpoints.sh'),
  confirm: scriptText('confirm.sh'),
  follow: scriptText('follow.sh'),
  launch: scriptText('launch.sh'),
  logs: scriptText('logs.sh'),
  manifest: scriptText('manifest.sh'),
  nodes: scriptText('nodes.sh'),
  send: scriptText('send.sh'),
  poweroff: scriptText('poweroff.sh'),
  probe: scriptText('probe.sh'),
  restore: scriptText('restore.sh'),
  stop: scriptText('stop.sh'),
  sync: scriptText('sync.sh'),
  slurm_jobs: scriptText('slurm_jobs.sh'),
  slurm_audit: scriptText('slurm_audit.sh'),
} as const;
export type ScriptName = keyof typeof SCRIPTS;
/** The wrapper runs on its own long after the SSH session ended, so it carries lib.sh with it. */
export const WRAPPER = `${lib}\n${scriptText('wrapper.sh')}`;
/** One task of a sweep's Slurm array (backend slurm with cells): a batch script, so it carries lib.sh too. */
export const ARRAY = `${lib}\n${scriptText('array.sh')}`;
/** A sweep's queue, detached like the wrapper, so it carries lib.sh too. */
export const QUEUE = `${lib}\n${scriptText('queue.sh')}`;
/** lib.sh and every backend's functions (scripts/remote/backend_<name>.sh): what each on-box script is sent ahead of itself. */
export const LIB = [lib, ...BACKEND_NAMES.map((n) => scriptText(`backend_${n}.sh`))].join('\n');
