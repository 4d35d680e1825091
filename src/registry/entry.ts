/**
 * The run registry: what launch leaves on GitHub so the patrol finds the run without a file edit (host,
 * port, user, the host key launch pinned, run root, backend, expected duration). One comment per run, by
 * tether's own identity, holding the entry and a signature made with the SSH key that launched it; the
 * patrol accepts an entry only when that signature verifies with its own key. Pure.
 */
import { RUN_ID } from '../record/grammar.ts';
import { sortedJson } from '../record/spec.ts';
import { arr, BoxDataError, int, obj, optInt, optStr, parseJson, str } from '../record/strict.ts';
import { FINGERPRINT } from '../record/hostkey.ts';
import { ENVIRONMENT_NAME, INSTANCE_ID, RECOVERY_CELLS_MAX, RECOVERY_COMMAND_MAX } from '../record/names.ts';
import { CELLS_MAX } from '../record/contract.ts';
import { SAFE_PATH } from '../record/contract.ts';
import type { RecordedJump } from '../config/connection.ts';
import type { PolicyTerms } from '../config/launch.ts';

export type { PolicyTerms };

export const REGISTRATION_SCHEMA = 'tether.registration/v1';

export interface Registration {
  runId: string;
  host: string;
  port: number;
  user: string;
  /** The host key launch saw and pinned (OpenSSH SHA256 form). */
  hostKeyFingerprint: string;
  /** The bastion launch went through (`user@host:port`) and the key it verified there; absent for a direct box. */
  jump?: RecordedJump | null;
  runRoot: string;
  backend: string;
  attempt: number;
  expectedDurationS: number | null;
  launchedAt: string;
  commit: string | null;
  /** How the attempt is held, as the backend answered at launch (`slurm:<job id>` is sbatch's own answer). */
  handle?: string | null;
  /** The provider and instance the box was rented as, when launch was told (provision fills them). */
  provider?: string | null;
  instanceId?: string | null;
  /** Who launched it (the GitHub login that dispatched, or asked through /tether): whom a notice mentions. */
  launchedBy?: string | null;
  /** What the box costs per hour (US dollars, as text like `1.29`), and the run's budgets: shown as gauges, escalated when crossed. */
  hourlyPrice?: string | null;
  maxHoursS?: number | null;
  maxCost?: string | null;
  /** What a confirmed preemption leads to (issue 27 §2): absent for `wait`. */
  recovery?: RecoveryTerms | null;
  /** What the patrol does on its own once a collect verified the ended run (issue 27 §3): absent for none. */
  policy?: PolicyTerms | null;
  /** A run on many boxes (issue 28): every node, rank 0 first (rank 0 is also host, port and pin above). */
  nodes?: RegisteredNode[] | null;
  /** on-node-failure: stop, a recorded opt-in: the patrol stops the surviving nodes' job once one node's failed. */
  onNodeFailure?: 'stop' | null;
  /** park-after: the box parks itself this long after its job ended (a recorded opt-in: it acts without a fresh approval). */
  parkAfterS?: number | null;
}

/**
 * A run launched with `on-preempt: replace`: the policy, how many recoveries it has had, and what a recovery
 * needs to start the identical work on a new box (the recover phase takes it only from this signed entry).
 */
export interface RecoveryTerms {
  /** replace: a new box of the same spec; restart-instance: the same instance started again (vast: a new bid), its disk kept. */
  onPreempt: 'replace' | 'restart-instance';
  maxRecoveries: number;
  /** Recoveries so far (cause: preemption). */
  recoveries: number;
  command: string;
  then: string | null;
  checkpoints: string[];
  /** The code: packed again from `syncDir` at the recorded commit, and it must be this release ('' and null: restart-instance, whose disk kept it). */
  syncDir: string;
  syncMode: 'dir' | 'git-head';
  release: string | null;
  envNames: string[];
  secretNames: string[];
  /** The boxes the run left behind on earlier recoveries, newest last: listed with what may survive, never destroyed here. */
  previous: Array<{ provider: string; instanceId: string; attempt: number }>;
  /** The checkpoint the current attempt was started from (its step checks that the job resumed). */
  restored: { path: string; step: number | null; sha256: string } | null;
  /** A sweep's cells (`name: command` lines, as `cells` takes them) and its queue settings; absent for one job. */
  sweep?: SweepTerms | null;
}

export interface SweepTerms {
  cells: string;
  gpusPerCell: number;
  maxParallel: number;
  onCellFailure: 'continue' | 'stop';
}

/** One node of a multi-node run, as launch reached it: its address, its pinned key, its record's root. */
export interface RegisteredNode {
  rank: number;
  host: string;
  port: number;
  user: string;
  hostKeyFingerprint: string;
  runRoot: string;
  instanceId: string | null;
}

/** A GitHub login (a person's, or an app's `name[bot]`). */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/** A registration with its signature: `signer` names the public key (fingerprint) that made `sig`. */
export interface Sealed {
  entry: Registration;
  signer: string;
  sig: string;
}

/** The comment's marker (one comment per run id), its common prefix, and the run id it names. */
export const REGISTRATION_PREFIX = '<!-- tether:registration ';
export const registrationMarker = (runId: string) => `${REGISTRATION_PREFIX}${runId} -->`;
export function registrationRunId(body: string): string | undefined {
  const id = /<!-- tether:registration ([^ ]{1,64}) -->/.exec(body)?.[1];
  return id !== undefined && RUN_ID.test(id) ? id : undefined;
}
const OPEN = '<!-- tether:registration-data ';
const CLOSE = ' -->';

/** The entry as written: the schema and every field. */
function fields(r: Registration): Record<string, unknown> {
  return {
    schema: REGISTRATION_SCHEMA,
    run_id: r.runId,
    host: r.host,
    port: r.port,
    user: r.user,
    host_key_fingerprint: r.hostKeyFingerprint,
    run_root: r.runRoot,
    backend: r.backend,
    attempt: r.attempt,
    expected_duration_s: r.expectedDurationS,
    launched_at: r.launchedAt,
    commit: r.commit,
    // Written only when known, so a registration from before it existed still verifies.
    ...(r.handle ? { handle: r.handle } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
    ...(r.instanceId ? { instance_id: r.instanceId } : {}),
    ...(r.launchedBy ? { launched_by: r.launchedBy } : {}),
    ...(r.jump ? { jump_host: r.jump.address, jump_host_key_fingerprint: r.jump.hostKeyFingerprint } : {}),
    ...(r.hourlyPrice ? { hourly_price: r.hourlyPrice } : {}),
    ...(r.maxHoursS ? { max_hours_s: r.maxHoursS } : {}),
    ...(r.maxCost ? { max_cost: r.maxCost } : {}),
    ...(r.recovery ? { recovery: recoveryFields(r.recovery) } : {}),
    ...(r.parkAfterS ? { park_after_s: r.parkAfterS } : {}),
    ...(r.nodes?.length
      ? {
          nodes: r.nodes.map((n) => ({
            rank: n.rank,
            host: n.host,
            port: n.port,
            user: n.user,
            host_key_fingerprint: n.hostKeyFingerprint,
            run_root: n.runRoot,
            instance_id: n.instanceId,
          })),
        }
      : {}),
    ...(r.nodes?.length && r.onNodeFailure === 'stop' ? { on_node_failure: 'stop' } : {}),
    ...(r.policy
      ? {
          policy: {
            after_verified: r.policy.afterVerified,
            environment: r.policy.environment,
            approving_run: { id: r.policy.approvingRun.id, attempt: r.policy.approvingRun.attempt, workflow: r.policy.approvingRun.workflow },
          },
        }
      : {}),
  };
}

/** park_after_s, only when written (an entry from before it existed reads as it was). */
function parkAfterOf(o: Record<string, unknown>, w: string): { parkAfterS?: number } {
  const s = optInt(o, 'park_after_s', w, { min: 10, max: 7 * 86_400 });
  return s !== null ? { parkAfterS: s } : {};
}

/** The policy block, strictly (absent: none). */
function policyOf(o: Record<string, unknown>, w: string): { policy?: PolicyTerms } {
  if (o['policy'] === undefined) return {};
  const x = `${w}.policy`;
  const p = obj(o['policy'], x);
  const run = obj(p['approving_run'], `${x}.approving_run`);
  return {
    policy: {
      afterVerified: str(p, 'after_verified', x, { max: 8, pattern: /^(?:park|destroy)$/ }) as PolicyTerms['afterVerified'],
      environment: str(p, 'environment', x, { max: 100, pattern: ENVIRONMENT_NAME }),
      approvingRun: {
        id: int(run, 'id', `${x}.approving_run`, { min: 1, max: Number.MAX_SAFE_INTEGER }),
        attempt: int(run, 'attempt', `${x}.approving_run`, { min: 1, max: 1000 }),
        workflow: str(run, 'workflow', `${x}.approving_run`, { max: 256, pattern: /^\.github\/workflows\/[A-Za-z0-9._-]{1,100}\.ya?ml$/ }),
      },
    },
  };
}

function recoveryFields(t: RecoveryTerms): Record<string, unknown> {
  return {
    on_preempt: t.onPreempt,
    max_recoveries: t.maxRecoveries,
    recoveries: t.recoveries,
    command: t.command,
    then: t.then,
    checkpoints: t.checkpoints,
    sync_dir: t.syncDir,
    sync_mode: t.syncMode,
    release: t.release,
    env_names: t.envNames,
    secret_names: t.secretNames,
    previous: t.previous.map((p) => ({ provider: p.provider, instance_id: p.instanceId, attempt: p.attempt })),
    restored: t.restored ? { path: t.restored.path, step: t.restored.step, sha256: t.restored.sha256 } : null,
    // Only a sweep carries the field: a single run's signed bytes stay as they were.
    ...(t.sweep
      ? { sweep: { cells: t.sweep.cells, gpus_per_cell: t.sweep.gpusPerCell, max_parallel: t.sweep.maxParallel, on_cell_failure: t.sweep.onCellFailure } }
      : {}),
  };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const NO_CONTROL = /^[^\u0000]*$/;

/** Only a registration with recovery terms carries the field (an older reader's round trip stays the same). */
function recoveryOf(o: Record<string, unknown>, w: string): { recovery?: RecoveryTerms } {
  const t = recoveryTerms(o, w);
  return t ? { recovery: t } : {};
}

/** The recovery block, strictly (absent: the run waits on a preemption). */
function recoveryTerms(o: Record<string, unknown>, w: string): RecoveryTerms | null {
  if (o['recovery'] === undefined) return null;
  const r = obj(o['recovery'], `${w}.recovery`);
  const x = `${w}.recovery`;
  const policy = str(r, 'on_preempt', x, { max: 16 });
  if (policy !== 'replace' && policy !== 'restart-instance') throw new BoxDataError(`${x}.on_preempt is not replace or restart-instance`);
  const replace = policy === 'replace';
  const names = (k: string) =>
    arr(r, k, x, 64).map((n, i) => {
      if (typeof n !== 'string' || !ENV_NAME.test(n)) throw new BoxDataError(`${x}.${k}[${i}] is not a variable name`);
      return n;
    });
  const restored = r['restored'] === null ? null : obj(r['restored'], `${x}.restored`);
  const mode = str(r, 'sync_mode', x, { max: 8, pattern: /^(?:dir|git-head)$/ }) as RecoveryTerms['syncMode'];
  return {
    onPreempt: policy,
    maxRecoveries: int(r, 'max_recoveries', x, { min: 1, max: 20 }),
    recoveries: int(r, 'recoveries', x, { min: 0, max: 20 }),
    command: str(r, 'command', x, { max: RECOVERY_COMMAND_MAX, pattern: NO_CONTROL }),
    then: optStr(r, 'then', x, { max: RECOVERY_COMMAND_MAX, pattern: NO_CONTROL }),
    checkpoints: arr(r, 'checkpoints', x, 64).map((g, i) => {
      if (typeof g !== 'string' || g.length > 512 || !/^[^\u0000-\u001f]+$/.test(g)) throw new BoxDataError(`${x}.checkpoints[${i}] is not a glob`);
      return g;
    }),
    syncDir: str(r, 'sync_dir', x, { max: 1024, pattern: replace ? /^[^\u0000-\u001f]+$/ : /^[^\u0000-\u001f]*$/ }),
    syncMode: mode,
    release: replace ? str(r, 'release', x, { max: 64, pattern: /^[0-9a-f]{12,64}$/ }) : optStr(r, 'release', x, { max: 64, pattern: /^[0-9a-f]{12,64}$/ }),
    envNames: names('env_names'),
    secretNames: names('secret_names'),
    previous: arr(r, 'previous', x, 20).map((p, i) => {
      const q = obj(p, `${x}.previous[${i}]`);
      return {
        provider: str(q, 'provider', x, { max: 32, pattern: /^[a-z]{1,32}$/ }),
        instanceId: str(q, 'instance_id', x, { max: 128, pattern: INSTANCE_ID }),
        attempt: int(q, 'attempt', x, { min: 1, max: 999_999 }),
      };
    }),
    restored: restored
      ? {
          path: str(restored, 'path', x, { max: 4096, pattern: SAFE_PATH }),
          step: optInt(restored, 'step', x, { min: 0 }),
          sha256: str(restored, 'sha256', x, { max: 64, pattern: /^[0-9a-f]{64}$/ }),
        }
      : null,
    ...sweepOf(r, x),
  };
}

function sweepOf(r: Record<string, unknown>, x: string): { sweep?: SweepTerms } {
  if (r['sweep'] === undefined) return {};
  const w = `${x}.sweep`;
  const s = obj(r['sweep'], w);
  const onCellFailure = str(s, 'on_cell_failure', w, { max: 8 });
  if (onCellFailure !== 'continue' && onCellFailure !== 'stop') throw new BoxDataError(`${w}.on_cell_failure is not continue or stop`);
  return {
    sweep: {
      // The launch parser reads them again on the new box (cells: name: command lines, no carriage return).
      cells: str(s, 'cells', w, { max: RECOVERY_CELLS_MAX, pattern: /^[^\u0000\r]+$/ }),
      gpusPerCell: int(s, 'gpus_per_cell', w, { min: 0, max: 64 }),
      maxParallel: int(s, 'max_parallel', w, { min: 0, max: CELLS_MAX }),
      onCellFailure,
    },
  };
}

/** The exact bytes that are signed: every field, keys sorted. */
export function signedBytes(r: Registration): Buffer {
  return Buffer.from(sortedJson(fields(r)));
}

/** The hidden block carried by the registration comment. */
export function registrationBlock(s: Sealed): string {
  const json = sortedJson({ ...fields(s.entry), signer: s.signer, sig: s.sig });
  return `${OPEN}${Buffer.from(json).toString('base64')}${CLOSE}`;
}

const HOST = /^[A-Za-z0-9.:_-]{1,253}$/;
/** Dollars as tether's records write them: at most 4 decimals, no exponent, no trailing zeros (`1.29`, `20`). */
export const moneyText = (n: number) => n.toFixed(4).replace(/\.?0+$/, '');
/** US dollars as written into a registration: `1.29`, `20`. */
const MONEY = /^\d{1,7}(\.\d{1,4})?$/;

/**
 * The entry of a registration comment body, read strictly (it came back from GitHub, where a person with
 * write access can edit any comment): a BoxDataError for anything not exactly as launch writes it. Whether
 * the signature holds is for verify (src/ssh/sign.ts), with the patrol's own key.
 */
export function readRegistration(body: string): Sealed {
  if (body.length > 65_536) throw new BoxDataError('the registration comment is larger than 64 KiB');
  const start = body.indexOf(OPEN);
  const end = start < 0 ? -1 : body.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) throw new BoxDataError('the registration comment holds no registration block');
  const b64 = body.slice(start + OPEN.length, end);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new BoxDataError('the registration block is not base64');
  const o = obj(parseJson(Buffer.from(b64, 'base64').toString('utf8'), 'the registration block', 32_768), 'registration');
  const w = 'registration';
  if (str(o, 'schema', w, { max: 64 }) !== REGISTRATION_SCHEMA) throw new BoxDataError(`registration: schema is not ${REGISTRATION_SCHEMA}`);
  const entry: Registration = {
    runId: str(o, 'run_id', w, { max: 64, pattern: RUN_ID }),
    host: str(o, 'host', w, { max: 253, pattern: HOST }),
    port: int(o, 'port', w, { min: 1, max: 65535 }),
    user: str(o, 'user', w, { max: 64, pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/ }),
    hostKeyFingerprint: str(o, 'host_key_fingerprint', w, { max: 50, pattern: FINGERPRINT }),
    runRoot: str(o, 'run_root', w, { max: 1024, pattern: /^[^\u0000-\u001f\u007f]+$/ }),
    backend: str(o, 'backend', w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    attempt: int(o, 'attempt', w, { min: 1, max: 999_999 }),
    expectedDurationS: optInt(o, 'expected_duration_s', w, { min: 1, max: 366 * 86_400 }),
    launchedAt: str(o, 'launched_at', w, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/ }),
    commit: optStr(o, 'commit', w, { max: 64, pattern: /^[0-9a-f]{7,64}$/ }),
    handle: optStr(o, 'handle', w, { max: 256, pattern: /^[a-z]{1,16}(:[A-Za-z0-9_./:-]{1,200})?$/ }),
    provider: optStr(o, 'provider', w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    instanceId: optStr(o, 'instance_id', w, { max: 128, pattern: INSTANCE_ID }),
    launchedBy: optStr(o, 'launched_by', w, { max: 45, pattern: GITHUB_LOGIN }),
    jump: recordedJump(o, w),
    hourlyPrice: optStr(o, 'hourly_price', w, { max: 16, pattern: MONEY }),
    maxHoursS: optInt(o, 'max_hours_s', w, { min: 1, max: 366 * 86_400 }),
    maxCost: optStr(o, 'max_cost', w, { max: 16, pattern: MONEY }),
    ...recoveryOf(o, w),
    ...policyOf(o, w),
    ...parkAfterOf(o, w),
    ...nodesOf(o, w),
  };
  return {
    entry,
    signer: str(o, 'signer', w, { max: 50, pattern: FINGERPRINT }),
    sig: str(o, 'sig', w, { max: 2048, pattern: /^[A-Za-z0-9+/]+={0,2}$/ }),
  };
}

/** A multi-node run's nodes, strictly: ranks 0..n-1 in order, rank 0 the entry's own host (absent: one box). */
function nodesOf(o: Record<string, unknown>, w: string): { nodes?: RegisteredNode[]; onNodeFailure?: 'stop' } {
  if (o['nodes'] === undefined) {
    if (o['on_node_failure'] !== undefined) throw new BoxDataError(`${w}.on_node_failure without nodes`);
    return {};
  }
  const nodes = arr(o, 'nodes', w, 16).map((x, i): RegisteredNode => {
    const x2 = `${w}.nodes[${i}]`;
    const n = obj(x, x2);
    const rank = int(n, 'rank', x2, { min: 0, max: 15 });
    if (rank !== i) throw new BoxDataError(`${x2}.rank is ${rank}, not ${i}`);
    return {
      rank,
      host: str(n, 'host', x2, { max: 253, pattern: HOST }),
      port: int(n, 'port', x2, { min: 1, max: 65535 }),
      user: str(n, 'user', x2, { max: 64, pattern: /^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/ }),
      hostKeyFingerprint: str(n, 'host_key_fingerprint', x2, { max: 50, pattern: FINGERPRINT }),
      runRoot: str(n, 'run_root', x2, { max: 1024, pattern: /^[^\u0000-\u001f\u007f]+$/ }),
      instanceId: optStr(n, 'instance_id', x2, { max: 128, pattern: INSTANCE_ID }),
    };
  });
  if (nodes.length < 2) throw new BoxDataError(`${w}.nodes lists fewer than two nodes`);
  const r0 = nodes[0]!;
  if (r0.host !== o['host'] || r0.port !== o['port'] || r0.hostKeyFingerprint !== o['host_key_fingerprint'])
    throw new BoxDataError(`${w}.nodes[0] is not the registration's own host`);
  const stop = o['on_node_failure'];
  if (stop !== undefined && stop !== 'stop') throw new BoxDataError(`${w}.on_node_failure is not stop`);
  return { nodes, ...(stop === 'stop' ? { onNodeFailure: 'stop' as const } : {}) };
}

/** A jump host recorded with its pin, both or neither. */
function recordedJump(o: Record<string, unknown>, w: string): RecordedJump | null {
  const address = optStr(o, 'jump_host', w, {
    max: 330,
    pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}@(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):\d{1,5}$/,
  });
  const fp = optStr(o, 'jump_host_key_fingerprint', w, { max: 50, pattern: FINGERPRINT });
  if (!address !== !fp) throw new BoxDataError(`${w}: jump_host and jump_host_key_fingerprint come together`);
  return address && fp ? { address, hostKeyFingerprint: fp } : null;
}

/** Where the registration says the run lives, as one comparable string. */
export function whereRegistered(r: Registration): string {
  return `${r.user}@${r.host}:${r.port} ${r.hostKeyFingerprint} ${r.runRoot}${r.jump ? ` via ${r.jump.address} ${r.jump.hostKeyFingerprint}` : ''}`;
}

const human = (s: number) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);

/** The whole registration comment: its marker, a line for people (every value escaped), the signed block. */
export function renderRegistration(s: Sealed, code: (text: string) => string): string {
  const e = s.entry;
  return [
    registrationMarker(e.runId),
    `🛰️ tether run ${code(e.runId)}, attempt ${e.attempt}, launched ${code(e.launchedAt)} on ${code(`${e.user}@${e.host}:${e.port}`)} ` +
      `(host key ${code(e.hostKeyFingerprint)})` +
      (e.jump ? ` through jump host ${code(e.jump.address)} (host key ${code(e.jump.hostKeyFingerprint)})` : '') +
      `, run root ${code(e.runRoot)}, backend ${code(e.backend)}` +
      (e.expectedDurationS ? `, expected ${human(e.expectedDurationS)}` : '') +
      (e.policy
        ? `; after a verified collect the patrol will ${e.policy.afterVerified} it, as approved through environment ${code(e.policy.environment)} on workflow run ${code(String(e.policy.approvingRun.id))}`
        : '') +
      (e.parkAfterS ? `; the box parks itself ${human(e.parkAfterS)} after its job ends (park-after, opted into at launch)` : '') +
      '.',
    '',
    `The patrol finds this run here, without a tether.yml. The entry is signed with the SSH key that launched it (${code(s.signer)}): ` +
      'the patrol refuses it if anything in it was edited, and a relaunch re-registers it.',
    registrationBlock(s),
  ].join('\n');
}
