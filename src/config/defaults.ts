/**
 * Every input's default, as the text a user would write. action.yml declares these (`default:`, written by
 * scripts/gen-actions.ts), runPhase fills them into any input left empty before a phase parses its inputs,
 * and test/unit/defaults.test.ts checks each parser's own fallback agrees. An input that is not listed has
 * no default: it is required, optional with no value, depends on the machine (collect's `parallel`), or its
 * absence means something (launch's `workdir` against `sync-dir`, collect's `provider` and `artifact`, teardown's
 * `provider` and `verb`, which must be chosen).
 */
import { PHASE_INPUTS, type Phase } from './inputs.ts';

const COMMON: Record<string, string> = {
  port: '22',
  user: 'root',
  'accept-new-host-key': 'false',
  'connect-timeout': '15',
  'connect-attempts': '3',
  'run-root': '~/.tether/runs',
};

const AUDIT: Record<string, string> = {
  interpreter: 'python3',
  'min-free-gb': '10',
  'min-free-inodes': '100000',
  'checkpoint-budget-gb': '0',
  'require-gpu': 'true',
};

const BY_PHASE: Record<Phase, Record<string, string>> = {
  audit: AUDIT,
  launch: {
    ...AUDIT,
    backend: 'tmux',
    'signal-lead': '360',
    requeue: 'true',
    'gpus-per-cell': '1',
    'on-cell-failure': 'continue',
    resume: 'false',
    audit: 'true',
    'require-smoke': 'false',
    'confirm-timeout': '20',
    'run-file': 'tether-run.json',
    'sync-mode': 'dir',
  },
  patrol: { concurrency: '8', 'stall-after': '30m', sync: 'none', 'sync-keep': '2', 'sync-settle': '5s', 'sync-artifact': 'false', 'artifact-budget': '500MB' },
  collect: { 'latest-only': 'false', 'stall-timeout': '120s', 'artifact-budget': '500MB' },
  chatops: { 'min-permission': 'write', 'stall-after': '30m' },
  teardown: { 'allow-park-unverified': 'false', 'stop-running': 'false', approval: 'environment', 'dry-run': 'true', 'teardown-timeout': '10m' },
};

/** The defaults of one phase's inputs. */
export function defaultsOf(phase: Phase): Record<string, string> {
  const names: readonly string[] = PHASE_INPUTS[phase];
  return Object.fromEntries(Object.entries({ ...COMMON, ...BY_PHASE[phase] }).filter(([k]) => names.includes(k)));
}

/** The inputs with each empty one replaced by its default (what GitHub does with action.yml's `default:`). */
export function withDefaults(phase: Phase, inputs: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...inputs };
  for (const [k, d] of Object.entries(defaultsOf(phase))) if (!(out[k] ?? '').trim()) out[k] = d;
  return out;
}
