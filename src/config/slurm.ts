import type { Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';

/**
 * Slurm inputs (backend: slurm). `slurm-options` is one `--option=value` a line, checked against an
 * allow-list of sbatch options with value patterns: nothing that moves tether's logs or working directory,
 * wraps a command, names the job, sets the signal, array or environment (tether sets those), and nothing that
 * could carry a second argument (no spaces, no shell text; each line is one argv word). Pure.
 */

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const NAMES = /^[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,31}$/;
const COUNT = /^[1-9][0-9]{0,5}$/;
const RANGE = /^[1-9][0-9]{0,5}(-[1-9][0-9]{0,5})?$/;
const MEM = /^[1-9][0-9]{0,9}[KMGT]?$/;
/** minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (sbatch --time). */
const TIME = /^([0-9]{1,7}|[0-9]{1,4}:[0-5][0-9]|[0-9]{1,4}:[0-5][0-9]:[0-5][0-9]|[0-9]{1,4}-[0-9]{1,2}(:[0-5][0-9](:[0-5][0-9])?)?)$/;
const GRES = /^[A-Za-z0-9_.-]{1,32}(:[A-Za-z0-9_.-]{1,32}){0,2}(,[A-Za-z0-9_.-]{1,32}(:[A-Za-z0-9_.-]{1,32}){0,2}){0,7}$/;
const NODELIST = /^[A-Za-z0-9_.,[\]-]{1,512}$/;
const CONSTRAINT = /^[A-Za-z0-9_.&|,[\]*()-]{1,256}$/;

/** The sbatch options a user may give, and each one's value pattern (null: a flag without a value). */
export const SBATCH_ALLOWED: Record<string, RegExp | null> = {
  partition: NAMES,
  account: NAME,
  qos: NAME,
  reservation: NAME,
  time: TIME,
  'time-min': TIME,
  nodes: RANGE,
  ntasks: COUNT,
  'ntasks-per-node': COUNT,
  'cpus-per-task': COUNT,
  'cpus-per-gpu': COUNT,
  gres: GRES,
  gpus: GRES,
  'gpus-per-node': GRES,
  'gpus-per-task': GRES,
  mem: MEM,
  'mem-per-cpu': MEM,
  'mem-per-gpu': MEM,
  constraint: CONSTRAINT,
  nodelist: NODELIST,
  exclude: NODELIST,
  exclusive: null,
  'gres-flags': /^(enforce-binding|disable-binding)$/,
  hint: /^(compute_bound|memory_bound|multithread|nomultithread)$/,
};

/** Options tether sets itself, and why a user may not. */
const TETHERS: Record<string, string> = {
  wrap: 'tether submits its own batch script (the command goes in `command`)',
  output: "tether keeps the job's output in the run record",
  error: "tether keeps the job's output in the run record",
  input: 'the job reads nothing from stdin',
  chdir: 'the job runs in `workdir`',
  'job-name': 'tether names the job after the run (tether-<run-id>)',
  comment: 'tether marks the job with its run and attempt (tether:<run-id>:<attempt>), which teardown checks before scancel',
  array: 'a sweep (`cells`) becomes the array',
  signal: 'use `signal-lead`',
  requeue: 'use `requeue`',
  'no-requeue': 'use `requeue: false`',
  export: "the job gets the step's `env` and `secrets`",
  'export-file': "the job gets the step's `env` and `secrets`",
  parsable: 'tether reads the job id itself',
  dependency: 'tether tracks the jobs it submitted, not others',
};

export interface SlurmConfig {
  /** The sbatch options, one argv word each, as launch submits them (the user's, then signal and requeue). */
  sbatchOptions: string[];
  /** SLURM_CONF for the commands on the login node, or ''. */
  slurmConf: string;
  signalLeadS: number;
  requeue: boolean;
}

export function parseSlurmOptions(raw: string | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  (raw ?? '').split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const where = `line ${i + 1}`;
    // Each line becomes one argv word; the value patterns below admit no shell text either.
    if (/\s/.test(t)) throw new InputError('slurm-options', `${where}: ${v.show(t)} holds a space; one --option=value a line`);
    const m = /^--([a-z][a-z-]{1,30})(?:=(.*))?$/.exec(t);
    if (!m) throw new InputError('slurm-options', `${where}: ${v.show(t)} is not --option=value (long sbatch options only)`);
    const [, name = '', value] = m;
    if (name in TETHERS) throw new InputError('slurm-options', `${where}: --${name} is not allowed: ${TETHERS[name]}`);
    if (!(name in SBATCH_ALLOWED))
      throw new InputError('slurm-options', `${where}: --${name} is not an sbatch option tether passes (allowed: ${Object.keys(SBATCH_ALLOWED).join(', ')})`);
    const pattern = SBATCH_ALLOWED[name];
    if (pattern === null) {
      if (value !== undefined) throw new InputError('slurm-options', `${where}: --${name} takes no value`);
    } else if (value === undefined || !pattern?.test(value)) {
      throw new InputError('slurm-options', `${where}: --${name} needs a value like ${example(name)}, got ${v.show(value ?? '')}`);
    }
    if (seen.has(name)) throw new InputError('slurm-options', `${where}: --${name} is given twice`);
    seen.add(name);
    out.push(t);
  });
  if (out.length > 32) throw new InputError('slurm-options', `has ${out.length} options; at most 32`);
  return out;
}

function example(name: string): string {
  const ex: Record<string, string> = { time: '12:00:00', nodes: '2', mem: '64G', gres: 'gpu:4', partition: 'gpu', account: 'proj123' };
  return ex[name] ?? (SBATCH_ALLOWED[name] === COUNT ? '4' : 'name');
}

/** The Slurm inputs, or undefined for another backend (where giving one is an input error). */
export function parseSlurm(inputs: Inputs, backend: string): SlurmConfig | undefined {
  const given = ['slurm-options', 'slurm-conf'].filter((k) => (inputs[k] ?? '').trim());
  if (backend !== 'slurm') {
    if (given.length) throw new InputError(given[0]!, 'is for backend: slurm');
    return undefined;
  }
  const conf = (inputs['slurm-conf'] ?? '').trim();
  if (conf && !/^(\/|~\/)[A-Za-z0-9_./-]{1,1024}$/.test(conf))
    throw new InputError('slurm-conf', `${v.show(conf)} is not an absolute path on the login node (or ~/…)`);
  const lead = v.number('signal-lead', inputs['signal-lead'], 360, 60, 65535);
  if (!Number.isInteger(lead)) throw new InputError('signal-lead', 'must be a whole number of seconds');
  const requeue = v.bool('requeue', inputs['requeue'], true);
  // Slurm may send the signal up to 60 s before the lead it was given; the lead's minimum leaves that slack.
  const sbatchOptions = [...parseSlurmOptions(inputs['slurm-options']), `--signal=B:TERM@${lead}`, requeue ? '--requeue' : '--no-requeue'];
  return { sbatchOptions, slurmConf: conf, signalLeadS: lead, requeue };
}
