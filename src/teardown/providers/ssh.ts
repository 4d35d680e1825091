import type { ConnectionConfig } from '../../config/connection.ts';
import { connect } from '../../ssh/client.ts';
import type { Credential } from '../../ssh/keys.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';

/**
 * Park over SSH: `sudo -n poweroff` on the box (park only; a box cannot destroy itself). Proof: the
 * box stops answering SSH. On Lambda this is the wrong tool: an in-OS shutdown keeps billing (R65).
 */
export function sshProvider(ctx: ProviderContext, conn: ConnectionConfig, cred: Credential): Provider {
  return {
    async state() {
      try {
        const s = await connect({ ...conn, attempts: 1, connectTimeoutMs: Math.min(conn.connectTimeoutMs, ctx.callTimeoutMs) }, cred);
        s.close();
        return { state: 'running', detail: 'the box answers SSH' };
      } catch (err) {
        return { state: 'stopped', detail: `the box no longer answers SSH (${(err as Error).message.split('\n')[0]})` };
      }
    },
    async request(verb) {
      if (verb !== 'park') throw new ProviderError('ssh: only park (poweroff) is possible over SSH; destroy needs a provider API or provider: command', false);
      const s = await connect(conn, cred);
      try {
        // The connection may drop as the box goes down: that is the expected outcome, not a failure.
        const r = await s.exec(`if [ "$(id -u)" = 0 ]; then poweroff; else sudo -n poweroff; fi`, { timeoutMs: ctx.callTimeoutMs }).catch(() => null);
        if (r && r.code !== 0 && r.code !== null) throw new ProviderError(`ssh: poweroff failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''} (does the user have passwordless sudo?)`, false);
      } finally {
        s.close();
      }
    },
  };
}
