import { parseKeySource, type Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import { parseReportTo, type StoreSpec } from './patrol.ts';
import * as v from './values.ts';
import { withDefaults } from './defaults.ts';

/**
 * `tether recover RUN` (issue 27 §2): the run whose provider preempted its box, where its signed registration
 * is, and what the step itself holds (the job's env and secrets, the sync directory, the provider's key). What to
 * run comes only from the registration; the new box's spec from provision's inputs (parsed by the phase).
 */
export interface RecoverConfig {
  runId: string;
  store: StoreSpec;
  /** `env` lines as given: their names must be the ones the run launched with. */
  env: Array<[string, string]>;
  secretNames: string[];
  /** The patrol's sync-dest on this runner (the restore source): `<sync-dest>/<run-id>`. */
  syncDest: string;
  confirmMs: number;
  confirmTimeout: string;
  /** Every input, for provision's and launch's own parsers (run at the phase's start, before anything is touched). */
  inputs: Inputs;
}

export function parseRecover(given: Inputs, env: Inputs): RecoverConfig {
  // Kept whole for provision's and launch's parsers, with the defaults filled (so a default given or left empty reads the same).
  const inputs = withDefaults('recover', given);
  const runId = v.runId('recover', inputs['recover']);
  const reportTo = parseReportTo(inputs['report-to']);
  if (!reportTo) throw new InputError('report-to', "is required: the run's signed registration (its recovery terms) is read there");
  const key = parseKeySource(inputs, env);
  if (key.kind === 'agent') throw new InputError('ssh-key', 'recover checks and re-signs the registration with the SSH key: give ssh-key or ssh-key-path');
  const syncDest = (inputs['sync-dest'] ?? '').trim();
  // Needed by a replace (the restore source); a restart-instance resumes from the instance's own disk.
  v.plainPath('sync-dest', syncDest);
  const t = v.duration('preempt-confirm', inputs['preempt-confirm'], 5) ?? 5;
  if (t < 1 || t > 60) throw new InputError('preempt-confirm', `${v.show(inputs['preempt-confirm'] ?? '')} is outside 1s to 60s`);
  return {
    runId,
    store: { reportTo, header: '', token: inputs['github-token'] ?? '', signingKey: key },
    env: v.envLines('env', inputs['env']),
    secretNames: v.names('secrets', inputs['secrets']),
    syncDest,
    confirmMs: t * 1000,
    confirmTimeout: (inputs['confirm-timeout'] ?? '').trim(),
    inputs,
  };
}
