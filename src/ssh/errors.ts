/** Typed transport failures. A transport failure says nothing about the run on the box. */
import type { TransportKind } from '../record/observation.ts';

export type { TransportKind };

const ADVICE: Record<TransportKind, string> = {
  auth_failed: 'the box refused the key: check the user and that the public key is in ~/.ssh/authorized_keys on the box',
  host_key_mismatch:
    'the box presented a different host key than the pinned one: if the box was re-created, update known-hosts / host-key-fingerprint; otherwise treat it as an attack and do not connect',
  connection_refused: 'nothing accepts SSH on that address and port: check the port (providers re-assign it when an instance is re-created) and that sshd runs',
  unreachable: 'no answer from the box: check the provider console for balance, power or preemption, and the address and port',
  network: 'the connection broke: retry later; if it repeats, check the box load and sshd MaxStartups',
};

export class TransportError extends Error {
  readonly advice: string;
  constructor(
    readonly kind: TransportKind,
    detail: string,
    /** host_key_mismatch: the fingerprint the host presented (provision compares it with the provider's own word). */
    readonly presented?: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'TransportError';
    this.advice = ADVICE[kind];
  }
}

interface Ssh2ErrorLike {
  message?: string;
  code?: string;
  level?: string;
}

/** Maps an ssh2 / socket error to a transport kind. `hostKeyRejected` is set by our host verifier. */
export function classify(err: Ssh2ErrorLike, hostKeyRejected: boolean): TransportKind {
  if (hostKeyRejected) return 'host_key_mismatch';
  const code = err.code ?? '';
  const msg = err.message ?? '';
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(msg)) return 'auth_failed';
  if (code === 'ECONNREFUSED') return 'connection_refused';
  if (err.level === 'client-timeout' || /timed out|keepalive timeout/i.test(msg)) return 'unreachable';
  if (['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return 'unreachable';
  return 'network';
}
