/**
 * The run registry: what launch leaves on GitHub so the patrol finds the run without a file edit (host,
 * port, user, the host key launch pinned, run root, backend, expected duration). One comment per run, by
 * tether's own identity, holding the entry and a signature made with the SSH key that launched it; the
 * patrol accepts an entry only when that signature verifies with its own key. Pure.
 */
import { RUN_ID } from '../record/grammar.ts';
import { sortedJson } from '../record/spec.ts';
import { BoxDataError, int, obj, optInt, optStr, parseJson, str } from '../record/strict.ts';
import { FINGERPRINT } from '../record/hostkey.ts';
import type { RecordedJump } from '../config/connection.ts';

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
  const o = obj(parseJson(Buffer.from(b64, 'base64').toString('utf8'), 'the registration block', 16_384), 'registration');
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
    instanceId: optStr(o, 'instance_id', w, { max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/ }),
    launchedBy: optStr(o, 'launched_by', w, { max: 45, pattern: GITHUB_LOGIN }),
    jump: recordedJump(o, w),
    hourlyPrice: optStr(o, 'hourly_price', w, { max: 16, pattern: MONEY }),
    maxHoursS: optInt(o, 'max_hours_s', w, { min: 1, max: 366 * 86_400 }),
    maxCost: optStr(o, 'max_cost', w, { max: 16, pattern: MONEY }),
  };
  return {
    entry,
    signer: str(o, 'signer', w, { max: 50, pattern: FINGERPRINT }),
    sig: str(o, 'sig', w, { max: 2048, pattern: /^[A-Za-z0-9+/]+={0,2}$/ }),
  };
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
      '.',
    '',
    `The patrol finds this run here, without a tether.yml. The entry is signed with the SSH key that launched it (${code(s.signer)}): ` +
      'the patrol refuses it if anything in it was edited, and a relaunch re-registers it.',
    registrationBlock(s),
  ].join('\n');
}
