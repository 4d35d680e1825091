import { InputError } from './errors.ts';
import { parseConnection, parseOwnConnection, parseSigningKey, type ConnectionConfig, type Inputs, type KeySource, type OwnConnection } from './connection.ts';
import { DEFAULT_RUN_ROOT } from './audit.ts';
import { STATES, type State } from '../record/run-state.ts';
import * as v from './values.ts';
import { parseSync, type SyncConfig } from './sync.ts';
import { RUN_ID } from '../record/grammar.ts';

export type ReportTo = { kind: 'pr' | 'issue'; number: number } | { kind: 'tracking-issue' };

export interface PatrolConfig {
  /** tether.yml path (many hosts), or undefined for the single host of the connection inputs. */
  config: string | undefined;
  /** No config and no host: patrol the runs launch registered where report-to points (run-ids, if any, narrow them). */
  registry: boolean;
  runIds: string[];
  runRoot: string;
  stallAfterS: number;
  failOn: State[];
  stateFile: string | undefined;
  progressRegexes: RegExp[];
  reportTo: ReportTo | undefined;
  /** Names the status comment (`<!-- tether:status:<header> -->`); '' for the default one. */
  header: string;
  concurrency: number;
  /** Checkpoints pulled and verified while runs train (`sync`), and the stale-checkpoint flag. */
  sync: SyncConfig;
  /** Seconds to follow the runs after the first tick (`follow`), or 0: one tick. */
  followS: number;
  /** Whom a notice mentions when a run enters a state that needs a person (`notify`). */
  notify: Notify;
}

/** `notify`: the run's launcher (from its registration), these people or teams, or nobody (no notice at all). */
export type Notify = { kind: 'launcher' } | { kind: 'none' } | { kind: 'names'; names: string[] };

/** `@login` or `@org/team`, as GitHub mentions them. */
const MENTION = /^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?)$/;

export function parseNotify(raw: string | undefined): Notify {
  const words = v.splitList((raw ?? '').replace(/\s+/g, ','));
  if (!words.length || (words.length === 1 && words[0] === 'launcher')) return { kind: 'launcher' };
  if (words.length === 1 && words[0] === 'none') return { kind: 'none' };
  if (words.length > 10) throw new InputError('notify', `names ${words.length} people or teams; at most 10`);
  return {
    kind: 'names',
    names: words.map((w) => {
      const m = MENTION.exec(w);
      if (!m) throw new InputError('notify', `${v.show(w)} is not launcher, none, @login or @org/team`);
      return m[1] as string;
    }),
  };
}

export function parseReportTo(raw: string | undefined): ReportTo | undefined {
  const v0 = (raw ?? '').trim();
  if (!v0) return undefined;
  if (v0 === 'tracking-issue') return { kind: 'tracking-issue' };
  const m = /^(pr|issue):#?([1-9][0-9]{0,9})$/.exec(v0);
  if (!m) throw new InputError('report-to', `${v.show(v0)} is not pr:<number>, issue:<number> or tracking-issue`);
  return { kind: m[1] as 'pr' | 'issue', number: Number(m[2]) };
}

/** A status comment's header (its own marker), or '' for the default comment. */
export function parseHeader(raw: string | undefined): string {
  const h = (raw ?? '').trim();
  // A header is named with the run-id grammar (1-64 of A-Z a-z 0-9 . _ -).
  if (h && !RUN_ID.test(h)) throw new InputError('header', `${v.show(h)} is not a header: use 1-64 of A-Z a-z 0-9 . _ -`);
  return h;
}

export function parsePatrol(inputs: Inputs): PatrolConfig {
  const config = (inputs['config'] ?? '').trim() || undefined;
  const runIds = v.splitList((inputs['run-ids'] ?? '').replace(/\s+/g, '\n')).map((id) => v.runId('run-ids', id));
  if (config && runIds.length) throw new InputError('run-ids', "give either 'config' (tether.yml, many hosts) or 'run-ids' with one host's connection inputs");
  const registry = !config && !(inputs['host'] ?? '').trim();
  const reportTo = parseReportTo(inputs['report-to']);
  if (registry && !reportTo)
    throw new InputError(
      'report-to',
      "is required to patrol the runs launch registered (no config and no host given): set it to where launch registered them (tracking-issue, pr:<n> or issue:<n>), or give 'config', or 'host' with 'run-ids'",
    );
  if (!config && !registry && runIds.length === 0)
    throw new InputError('run-ids', "is required: the run ids to patrol on this host (comma or newline separated), or use 'config'");
  if (runIds.length > 64) throw new InputError('run-ids', `has ${runIds.length} runs; at most 64 per host`);
  if (new Set(runIds).size !== runIds.length) throw new InputError('run-ids', 'lists a run id twice');
  const failOn = v.splitList(inputs['fail-on'] ?? '').map((s) => {
    if (!(STATES as readonly string[]).includes(s)) throw new InputError('fail-on', `${v.show(s)} is not a state (${STATES.join(', ')})`);
    return s as State;
  });
  const progressRegexes = v.splitList((inputs['progress-regex'] ?? '').replace(/,/g, '\u0000')).map((src) => {
    const text = src.replace(/\u0000/g, ',');
    try {
      return new RegExp(text);
    } catch (err) {
      throw new InputError('progress-regex', `${v.show(text)} is not a regular expression: ${(err as Error).message}`);
    }
  });
  const stateFile = (inputs['state-file'] ?? '').trim() || undefined;
  v.plainPath('state-file', stateFile);
  const concurrency = v.number('concurrency', inputs['concurrency'], 8, 1, 64);
  return {
    config,
    registry,
    concurrency,
    runIds,
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    stallAfterS: v.duration('stall-after', inputs['stall-after'], 1800) ?? 1800,
    failOn,
    stateFile,
    progressRegexes,
    reportTo,
    header: parseHeader(inputs['header']),
    sync: parseSync(inputs),
    followS: follow(inputs['follow']),
    notify: parseNotify(inputs['notify']),
  };
}

/**
 * Where a phase's status and registrations live on GitHub (`report-to`), as the GitHub port takes it: the
 * target, the comment's header, the token, and the key tether signs its items with.
 */
export interface StoreSpec {
  reportTo: ReportTo;
  header: string;
  token: string;
  signingKey: KeySource | null;
}

/** The store `report-to` asks for, or null without one. */
export function parseStore(inputs: Inputs, env: Inputs): StoreSpec | null {
  const reportTo = parseReportTo(inputs['report-to']);
  const header = parseHeader(inputs['header']);
  const signingKey = parseSigningKey(inputs, env);
  return reportTo ? { reportTo, header, token: inputs['github-token'] ?? '', signingKey } : null;
}

/** Everything the patrol phase runs with, parsed once. */
export interface PatrolPhaseConfig extends PatrolConfig {
  /** The one host of the connection inputs (neither config nor the registry). */
  single: ConnectionConfig | null;
  /** The registry's hosts come from registrations; key and timeouts stay the patrol's own. */
  own: OwnConnection | null;
  /** The key tick memory is signed with (ssh-key or ssh-key-path; a tether.yml's first host otherwise). */
  signingKey: KeySource | null;
  store: StoreSpec | null;
  /**
   * Where to list the instances tether rented (orphans: billing with no run or record behind them): the one
   * provider given (`provider`, `api-key`, `provider-api-url`, `aws-region`), or each rentable provider whose
   * usual credentials are in the environment. Raw: the provider registry decides (provision/orphans.ts).
   */
  rent: { provider: string; apiKey: string; apiUrl: string | undefined; awsRegion: string | undefined; confirmMs: number };
  /** The launch workflow a recovery is dispatched to (`recover-workflow`), its ref, and the token it needs. */
  recovery: { workflow: string; ref: string; token: string } | null;
  /** The collect workflow dispatched when a registered run has ended (`auto-collect-workflow`), same ref and token. */
  collecting: { workflow: string; ref: string; token: string } | null;
}

export function parsePatrolPhase(inputs: Inputs, env: Inputs): PatrolPhaseConfig {
  const cfg = parsePatrol(inputs);
  const single = !cfg.config && !cfg.registry ? parseConnection(inputs, env) : null;
  const own = cfg.registry ? parseOwnConnection(inputs, env) : null;
  const apiUrl = v.apiUrl('provider-api-url', inputs['provider-api-url']);
  const rent = {
    provider: (inputs['provider'] ?? '').trim(),
    apiKey: (inputs['api-key'] ?? '').trim(),
    apiUrl,
    awsRegion: (inputs['aws-region'] ?? '').trim() || undefined,
    confirmMs: 1000 * preemptConfirm(inputs['preempt-confirm']),
  };
  if ((rent.apiKey || apiUrl) && !rent.provider)
    throw new InputError('provider', 'is required with api-key or provider-api-url: the provider whose instances the patrol lists');
  const ref = (inputs['workflow-ref'] ?? '').trim() || (env['GITHUB_REF_NAME'] ?? '').trim();
  const dispatched = (name: 'recover-workflow' | 'auto-collect-workflow') => {
    const workflow = (inputs[name] ?? '').trim();
    if (!workflow) return null;
    if (!/^[A-Za-z0-9._-]{1,100}\.ya?ml$/.test(workflow))
      throw new InputError(name, `${v.show(workflow)} is not a workflow file name (e.g. tether-launch.yml)`);
    if (!ref) throw new InputError('workflow-ref', `is required with ${name} outside a workflow (the branch the dispatched workflow runs on)`);
    if (!cfg.registry) throw new InputError(name, 'dispatches for registered runs: it needs report-to and no config or host');
    return { workflow, ref, token: inputs['github-token'] ?? '' };
  };
  const recovery = dispatched('recover-workflow');
  const collecting = dispatched('auto-collect-workflow');
  return { ...cfg, single, own, signingKey: parseSigningKey(inputs, env), store: parseStore(inputs, env), rent, recovery, collecting };
}

/** How long before the confirming reading of a preemption: long enough for a provider's answer to settle, within one tick. */
function preemptConfirm(raw: string | undefined): number {
  const t = v.duration('preempt-confirm', raw, 5) ?? 5;
  if (t < 1 || t > 60) throw new InputError('preempt-confirm', `${v.show(raw ?? '')} is outside 1s to 60s`);
  return t;
}

/** A follow's length: at most 5 d, a self-hosted runner's job limit (the patrol holds the key, so it runs on one). */
function follow(raw: string | undefined): number {
  const t = v.duration('follow', raw, 0) ?? 0;
  if (t !== 0 && (t < 10 || t > 5 * 86400)) throw new InputError('follow', `${v.show(raw ?? '')} is outside 10s to 5d (the runner's job limit)`);
  return t;
}
