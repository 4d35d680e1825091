/**
 * The file provision leaves for launch (`tether-provision-<run-id>.json`, schema `tether.provision/v1`): the
 * instance from the moment the provider named it, and, once the box answered with its pinned host key, where
 * it is and that key, signed with the connection's SSH key. Launch's `from-provision` takes the connection
 * from it (the CLI's provision → launch with nothing copied by hand), and only when the signature verifies with
 * the key launch itself holds: a file edited on the runner cannot point launch at another box or key. Pure.
 */
import { sortedJson } from './spec.ts';
import { BoxDataError, int, obj, str, type Obj } from './strict.ts';

export const HANDOFF_SCHEMA = 'tether.provision/v1';
export const HANDOFF_MAX_BYTES = 64 * 1024;

export interface Handoff {
  runId: string;
  provider: string;
  instanceId: string;
  instanceType: string;
  region: string;
  hourlyPrice: number | null;
  spot: boolean;
  hostKeyFingerprint: string;
  createdAt: string;
  /** Set once the box answered SSH with its pinned key. */
  ready: { host: string; port: number; user: string; readyAt: string } | null;
}

/** The fields as written, in one order: what is signed. */
export function handoffFields(h: Handoff): Obj {
  return {
    schema: HANDOFF_SCHEMA,
    run_id: h.runId,
    provider: h.provider,
    instance_id: h.instanceId,
    instance_type: h.instanceType,
    region: h.region,
    hourly_price: h.hourlyPrice,
    spot: h.spot,
    host_key_fingerprint: h.hostKeyFingerprint,
    created_at: h.createdAt,
    ...(h.ready ? { host: h.ready.host, port: h.ready.port, user: h.ready.user, ready_at: h.ready.readyAt } : {}),
  };
}

export const handoffBytes = (h: Handoff) => Buffer.from(sortedJson(handoffFields(h)));

export function renderHandoff(h: Handoff, signature: { signer: string; sig: string } | null): string {
  return sortedJson({ ...handoffFields(h), ...(signature ? { signer: signature.signer, sig: signature.sig } : {}) }) + '\n';
}

const FP = /^SHA256:[A-Za-z0-9+/]{43}$/;
const HOST = /^[A-Za-z0-9.:[\]-]{1,253}$/;

/** The file read strictly: every field as provision writes it, or a BoxDataError naming the first that is not. */
export function readHandoff(text: string): { handoff: Handoff; signature: { signer: string; sig: string } | null } {
  if (Buffer.byteLength(text) > HANDOFF_MAX_BYTES) throw new BoxDataError(`the file is over ${HANDOFF_MAX_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BoxDataError('the file is not JSON');
  }
  const o = obj(doc, 'provision file');
  if (o['schema'] !== HANDOFF_SCHEMA) throw new BoxDataError(`schema is not ${HANDOFF_SCHEMA}`);
  const price = o['hourly_price'];
  if (price !== null && !(typeof price === 'number' && price >= 0 && price < 100_000)) throw new BoxDataError('hourly_price is not a price');
  if (typeof o['spot'] !== 'boolean') throw new BoxDataError('spot is not true or false');
  const handoff: Handoff = {
    runId: str(o, 'run_id', 'provision file', { max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/ }),
    provider: str(o, 'provider', 'provision file', { max: 20, pattern: /^[a-z]{2,20}$/ }),
    instanceId: str(o, 'instance_id', 'provision file', { max: 128, pattern: /^[A-Za-z0-9._:@/-]{1,128}$/ }),
    instanceType: str(o, 'instance_type', 'provision file', { max: 100 }),
    region: str(o, 'region', 'provision file', { max: 100 }),
    hourlyPrice: price as number | null,
    spot: o['spot'],
    hostKeyFingerprint: str(o, 'host_key_fingerprint', 'provision file', { max: 60, pattern: FP }),
    createdAt: str(o, 'created_at', 'provision file', { max: 40 }),
    ready:
      o['host'] === undefined
        ? null
        : {
            host: str(o, 'host', 'provision file', { max: 253, pattern: HOST }),
            port: int(o, 'port', 'provision file', { min: 1, max: 65_535 }),
            user: str(o, 'user', 'provision file', { max: 32, pattern: /^[a-z_][a-z0-9_-]{0,31}$/ }),
            readyAt: str(o, 'ready_at', 'provision file', { max: 40 }),
          },
  };
  const signature =
    o['signer'] === undefined && o['sig'] === undefined
      ? null
      : {
          signer: str(o, 'signer', 'provision file', { max: 60, pattern: FP }),
          sig: str(o, 'sig', 'provision file', { max: 2000, pattern: /^[A-Za-z0-9+/=]+$/ }),
        };
  return { handoff, signature };
}
