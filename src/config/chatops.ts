import { parseConnection, type Inputs, type OwnConnection, parseOwnConnection } from './connection.ts';
import { withDefaults } from './defaults.ts';
import { InputError } from './errors.ts';
import { parseHeader, parsePatrolPhase, parseReportTo, parseStore, type PatrolPhaseConfig, type StoreSpec } from './patrol.ts';
import * as v from './values.ts';
import { PHASE_INPUTS } from './inputs.ts';

/** Repository roles as the API reports them, weakest first. */
export const ROLES = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ChatOpsConfig {
  minRole: Role;
  workflows: { collect: string; resume: string; teardown: string };
  ref: string;
}

const WORKFLOW = /^[A-Za-z0-9._-]{1,100}\.ya?ml$/;

export function parseChatOps(inputs: Inputs): ChatOpsConfig {
  const min = (inputs['min-permission'] ?? '').trim() || 'write';
  if (!(ROLES as readonly string[]).includes(min) || min === 'none')
    throw new InputError('min-permission', `${JSON.stringify(min)} is not a role (read, triage, write, maintain, admin)`);
  const wf = (name: string) => {
    const v = (inputs[name] ?? '').trim();
    if (v && !WORKFLOW.test(v))
      throw new InputError(name, `${JSON.stringify(v.slice(0, 120))} is not a workflow file name in .github/workflows (e.g. collect.yml)`);
    return v;
  };
  const ref = (inputs['workflow-ref'] ?? '').trim();
  if (ref && !/^[A-Za-z0-9._/-]{1,200}$/.test(ref)) throw new InputError('workflow-ref', `${JSON.stringify(ref.slice(0, 120))} is not a branch or tag name`);
  // What `/tether status` hands the patrol, checked here with everything else before anything is said on GitHub.
  parseReportTo(inputs['report-to']);
  parseHeader(inputs['header']);
  v.duration('stall-after', inputs['stall-after'], 1800);
  return {
    minRole: min as Role,
    workflows: { collect: wf('collect-workflow'), resume: wf('resume-workflow'), teardown: wf('teardown-workflow') },
    ref,
  };
}

/** Everything the chatops phase runs with, parsed once. */
export interface ChatOpsPhaseConfig {
  chatops: ChatOpsConfig;
  /** The token that reads roles, reacts, replies and dispatches (masked by the runner). */
  token: string;
  /** Status and registrations live where report-to points: the runs' tracking issues unless it says otherwise. */
  store: StoreSpec;
  /** The key (and timeouts) registrations are checked with, or null with no key at all: then none is looked up. */
  own: OwnConnection | null;
  /** The patrol `/tether status` runs, for these runs (all registered ones when empty). */
  patrolFor(runIds: string[]): PatrolPhaseConfig;
}

export function parseChatOpsPhase(inputs: Inputs, env: Inputs): ChatOpsPhaseConfig {
  const chatops = parseChatOps(inputs);
  if ((inputs['host'] ?? '').trim()) parseConnection(inputs, env);
  const reported = { ...inputs, 'report-to': (inputs['report-to'] ?? '').trim() || 'tracking-issue' };
  const store = parseStore(reported, env) as StoreSpec;
  const hasKey = Boolean((inputs['ssh-key'] ?? '').trim() || (inputs['ssh-key-path'] ?? '').trim() || env['SSH_AUTH_SOCK']);
  const own = hasKey ? parseOwnConnection(inputs, env) : null;
  const patrolNames = new Set<string>(PHASE_INPUTS.patrol);
  const patrolInputs = Object.fromEntries(Object.entries(reported).filter(([k]) => patrolNames.has(k)));
  return {
    chatops,
    token: inputs['github-token'] ?? '',
    store,
    own,
    patrolFor: (runIds) => parsePatrolPhase(withDefaults('patrol', { ...patrolInputs, 'run-ids': runIds.join(',') }), env),
  };
}
