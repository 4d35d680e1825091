import type { ConnectionConfig } from '../../config/connection.ts';
import { connect } from '../../ssh/client.ts';
import { TransportError } from '../../ssh/errors.ts';
import type { Credential } from '../../ssh/keys.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';

/** Transport failures that mean "no answer" (the box stopped); the others mean another or a changed box. */
const SILENT = new Set(['unreachable', 'connection_refused', 'network']);

/**
 * Park over SSH: `sudo -n poweroff` on the box (park only; a box cannot destroy itself). Proof: the
 * box stops answering SSH, and only after its poweroff was accepted; a host-key mismatch or a refused key
 * is never that proof (another machine, or a changed one, answers there): it fails the step. On Lambda
 * this is the wrong tool: an in-OS shutdown keeps billing (R65).
 */
export function sshProvider(ctx: ProviderContext, conn: ConnectionConfig, cred: Credential): Provider {
  let accepted = false;
  const fatal = (err: TransportError) => new ProviderError(`ssh: ${err.message}: ${err.advice}`, false);
  return {
    async state() {
      try {
        const s = await connect({ ...conn, attempts: 1, connectTimeoutMs: Math.min(conn.connectTimeoutMs, ctx.callTimeoutMs) }, cred);
        s.close();
        return { state: 'running', detail: 'the box answers SSH' };
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        if (!SILENT.has(err.kind)) throw fatal(err);
        const why = err.message.split('\n')[0];
        if (!accepted) return { state: 'unknown', detail: `the box does not answer SSH (${why}), but no poweroff was accepted: that proves nothing` };
        return { state: 'stopped', detail: `the box no longer answers SSH after accepting poweroff (${why})` };
      }
    },
    async request(verb) {
      if (verb !== 'park') throw new ProviderError('ssh: only park (poweroff) is possible over SSH; destroy needs a provider API or provider: command', false);
      let s;
      try {
        s = await connect(conn, cred);
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        if (!SILENT.has(err.kind)) throw fatal(err);
        throw new ProviderError(`ssh: cannot reach the box to power it off (${err.message})`, true);
      }
      try {
        // The connection may drop as the box goes down: that is the expected outcome, not a failure.
        const r = await s.exec(`if [ "$(id -u)" = 0 ]; then poweroff; else sudo -n poweroff; fi`, { timeoutMs: ctx.callTimeoutMs }).catch(() => null);
        if (r && r.code !== 0 && r.code !== null)
          throw new ProviderError(
            `ssh: poweroff failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop()?.slice(0, 200) ?? ''} (does the user have passwordless sudo?)`,
            false,
          );
        accepted = true;
      } finally {
        s.close();
      }
    },
  };
}
