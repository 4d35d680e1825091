import { parseConnection, type ConnectionConfig, type Inputs } from '../config/connection.ts';
import type { Reporter } from '../report/reporter.ts';
import { connect, type Session } from './client.ts';
import { loadCredential, type Credential } from './keys.ts';

/** A checked connection: the inputs parsed and the key loaded, nothing sent to the box yet. */
export interface Pinned {
  conn: ConnectionConfig;
  cred: Credential;
}

/**
 * The connection inputs, checked before anything touches the box: the key text masked at once, host,
 * port, pin and key parsed (a bad one is an InputError naming it), the credential loaded.
 */
export function pinnedConnection(inputs: Inputs, env: Inputs, reporter: Reporter): Pinned {
  if (inputs['ssh-key']) reporter.mask(inputs['ssh-key']);
  const conn = parseConnection(inputs, env);
  return { conn, cred: loadCredential(conn.key) };
}

/**
 * Opens the pinned session every phase uses. With `accept-new-host-key` the host key was not checked:
 * that is said loudly, with the fingerprint seen, and returned as a note for the summary.
 */
export async function openPinned(p: Pinned, reporter: Reporter, opts: { attempts?: number } = {}): Promise<{ session: Session; hostKeyNote?: string }> {
  const session = await connect(opts.attempts ? { ...p.conn, attempts: opts.attempts } : p.conn, p.cred);
  if (p.conn.pin.kind !== 'accept-new') return { session };
  const hostKeyNote = `accept-new-host-key is on: the host key of ${p.conn.host}:${p.conn.port} was NOT checked. It is ${session.hostFingerprint}; pin it with host-key-fingerprint.`;
  reporter.warn(hostKeyNote);
  return { session, hostKeyNote };
}
