/**
 * The provision record (issue 26 §3): what provision leaves on GitHub the moment the provider names the
 * instance, before it waits for SSH, so a provision killed at any point leaves an instance the next patrol
 * finds. It lives in the run's registration comment (same marker): launch's registration replaces it in place,
 * and until then the patrol shows the instance as billing with no run behind it. Signed with the SSH key that
 * provisioned, like a registration; read strictly. Pure.
 */
import { RUN_ID } from '../record/grammar.ts';
import { FINGERPRINT } from '../record/hostkey.ts';
import { INSTANCE_ID } from '../record/names.ts';
import { sortedJson } from '../record/spec.ts';
import { arr, BoxDataError, int, obj, parseJson, str } from '../record/strict.ts';
import { registrationMarker } from './entry.ts';

export const PROVISIONED_SCHEMA = 'tether.provisioned/v1';

export interface Provisioned {
  runId: string;
  provider: string;
  instanceId: string;
  instanceType: string;
  region: string;
  /** US dollars per hour as the provider listed it, as text (`1.29`), or '' when it listed none. */
  hourlyPrice: string;
  hostKeyFingerprint: string;
  createdAt: string;
  /**
   * A run on many boxes (provision's `count`): every instance created so far, rank by rank as each was named (the
   * fields above are the first's). Signed with the rest; absent for one box.
   */
  nodes?: ProvisionedNode[];
}

/** One instance of a multi-node provision. */
export type ProvisionedNode = { rank: number } & Pick<
  Provisioned,
  'instanceId' | 'instanceType' | 'region' | 'hourlyPrice' | 'hostKeyFingerprint' | 'createdAt'
>;

/** Every instance a record names, each as a record of its own (what the patrol lists and teardown matches). */
export function provisionedInstances(p: Provisioned): Provisioned[] {
  if (!p.nodes) return [p];
  return p.nodes.map(({ rank: _rank, ...n }) => ({ runId: p.runId, provider: p.provider, ...n }));
}

const OPEN = '<!-- tether:provisioned-data ';
const CLOSE = ' -->';

function fields(p: Provisioned): Record<string, unknown> {
  return {
    schema: PROVISIONED_SCHEMA,
    run_id: p.runId,
    provider: p.provider,
    instance_id: p.instanceId,
    instance_type: p.instanceType,
    region: p.region,
    hourly_price: p.hourlyPrice,
    host_key_fingerprint: p.hostKeyFingerprint,
    created_at: p.createdAt,
    ...(p.nodes
      ? {
          nodes: p.nodes.map((n) => ({
            rank: n.rank,
            instance_id: n.instanceId,
            instance_type: n.instanceType,
            region: n.region,
            hourly_price: n.hourlyPrice,
            host_key_fingerprint: n.hostKeyFingerprint,
            created_at: n.createdAt,
          })),
        }
      : {}),
  };
}

/** The exact bytes that are signed. */
export function provisionedBytes(p: Provisioned): Buffer {
  return Buffer.from(sortedJson(fields(p)));
}

/** Whether a registration comment holds a provision record (and not yet launch's registration). */
export const isProvisionRecord = (body: string) => body.includes(OPEN);

/** The comment: the run's registration marker (launch replaces it), a line for people, the signed block. */
export function renderProvisioned(p: Provisioned, signed: { signer: string; sig: string }, code: (t: string) => string): string {
  const json = sortedJson({ ...fields(p), ...signed });
  return [
    registrationMarker(p.runId),
    (p.nodes
      ? `🛰️ tether provisioned ${p.nodes.length} instances for a run on many boxes at ${code(p.provider)} (${p.nodes.map((n) => `rank ${n.rank} ${code(n.instanceId)}`).join(', ')}) `
      : `🛰️ tether provisioned ${code(p.instanceId)} at ${code(p.provider)} (${code(p.instanceType)} in ${code(p.region)}${p.hourlyPrice ? `, $${p.hourlyPrice}/h` : ''}) `) +
      `for run ${code(p.runId)} at ${code(p.createdAt)}. It bills from then on; until launch registers the run here, the patrol shows it as billing with no run behind it.`,
    `${OPEN}${Buffer.from(json).toString('base64')}${CLOSE}`,
  ].join('\n');
}

/** The record of a comment body, read strictly (anyone with write access can edit a comment): or a BoxDataError. */
export function readProvisioned(body: string): { entry: Provisioned; signer: string; sig: string } {
  if (body.length > 16_384) throw new BoxDataError('the provision record comment is larger than 16 KiB');
  const start = body.indexOf(OPEN);
  const end = start < 0 ? -1 : body.indexOf(CLOSE, start + OPEN.length);
  if (start < 0 || end < 0) throw new BoxDataError('the comment holds no provision record');
  const b64 = body.slice(start + OPEN.length, end);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new BoxDataError('the provision record is not base64');
  const o = obj(parseJson(Buffer.from(b64, 'base64').toString('utf8'), 'the provision record', 8192), 'provision record');
  const w = 'provision record';
  if (str(o, 'schema', w, { max: 64 }) !== PROVISIONED_SCHEMA) throw new BoxDataError(`${w}: schema is not ${PROVISIONED_SCHEMA}`);
  const one = (x: Record<string, unknown>, at: string) => ({
    instanceId: str(x, 'instance_id', at, { max: 128, pattern: INSTANCE_ID }),
    instanceType: str(x, 'instance_type', at, { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._:/ -]{0,63}$/ }),
    region: str(x, 'region', at, { max: 64, pattern: /^[a-z0-9][a-z0-9-]{0,63}$/ }),
    hourlyPrice: str(x, 'hourly_price', at, { max: 12, pattern: /^(\d{1,5}(\.\d{1,4})?)?$/ }),
    hostKeyFingerprint: str(x, 'host_key_fingerprint', at, { max: 50, pattern: FINGERPRINT }),
    createdAt: str(x, 'created_at', at, { max: 32, pattern: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/ }),
  });
  const entry: Provisioned = {
    runId: str(o, 'run_id', w, { max: 64, pattern: RUN_ID }),
    provider: str(o, 'provider', w, { max: 32, pattern: /^[a-z]{1,32}$/ }),
    ...one(o, w),
  };
  if (o['nodes'] !== undefined) {
    const seen = new Set<number>();
    entry.nodes = arr(o, 'nodes', w, 16).map((x, i) => {
      const at = `${w}.nodes[${i}]`;
      const n = obj(x, at);
      const rank = int(n, 'rank', at, { min: 0, max: 15 });
      if (seen.has(rank)) throw new BoxDataError(`${at}.rank ${rank} is named twice`);
      seen.add(rank);
      return { rank, ...one(n, at) };
    });
    if (!entry.nodes.length || entry.nodes[0]!.instanceId !== entry.instanceId)
      throw new BoxDataError(`${w}.nodes does not start with the record's own instance`);
  }
  return {
    entry,
    signer: str(o, 'signer', w, { max: 50, pattern: FINGERPRINT }),
    sig: str(o, 'sig', w, { max: 2048, pattern: /^[A-Za-z0-9+/]+={0,2}$/ }),
  };
}

/** What the status says of an instance provisioned with no run registered on it yet. Pure. */
export function unlaunchedLine(p: Provisioned, now: Date, code: (t: string) => string): string {
  const ageS = Math.max(0, (now.getTime() - Date.parse(p.createdAt)) / 1000);
  const price = Number(p.hourlyPrice);
  const cost = p.hourlyPrice && Number.isFinite(price) ? `, about $${((price * ageS) / 3600).toFixed(2)} so far at $${p.hourlyPrice}/h` : '';
  const mins = Math.floor(ageS / 60);
  return (
    `🧾 ${code(p.instanceId)} (${code(p.provider)} ${code(p.instanceType)} in ${code(p.region)}) was provisioned for run ${code(p.runId)} ` +
    `${mins < 1 ? 'under a minute' : `${mins} min`} ago and no run is registered on it: it bills${cost}. ` +
    '**Do:** launch the run on it (its registration replaces this record), or destroy it at the provider: nothing ran on it, so nothing is lost'
  );
}
