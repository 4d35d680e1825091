import type { ConnectionConfig } from '../config/connection.ts';
import { connect } from '../ssh/client.ts';
import { TransportError } from '../ssh/errors.ts';
import type { Credential } from '../ssh/keys.ts';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';
import { InputError } from '../config/errors.ts';
import { loadCredential } from '../ssh/keys.ts';
import type { ProviderModule } from './types.ts';
import { runScript } from '../remote/invoke.ts';

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
        const r = await runScript(s, 'poweroff', [], { timeoutMs: ctx.callTimeoutMs }).catch(() => null);
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

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider ssh. */
export const ssh: ProviderModule = {
  name: 'ssh',
  facts: {
    title: 'any SSH box',
    credentials: 'ssh',
    park: {
      action: '`sudo -n poweroff` on the box',
      reversible: true,
      survives: 'the disks, if the provider keeps a stopped machine',
      keepsBilling: 'whatever the provider bills for a powered-off machine; on Lambda an in-OS shutdown leaves the instance in Alert and it KEEPS BILLING',
    },
    destroy: null,
    missing: { destroy: 'an SSH box cannot destroy itself: use the provider API (lambda, runpod, vastai, aws, paperspace) or provider: command' },
    traps: [
      'a forgotten box bills 24/7: nothing releases it automatically',
      'Lambda: shutdown from inside the OS keeps billing (Alert state); use provider: lambda',
    ],
    verified: '2026-06',
  },
  defaultInstance: (box) => (box && box.host ? `${box.host}:${box.port}` : ''),
  check: (cfg) => {
    if (!cfg.connection) throw new InputError('host', 'provider ssh parks the box over SSH: give the connection inputs');
  },
  make: (ctx, cfg) => {
    const conn = cfg.connection;
    if (!conn) throw new ProviderError('provider ssh needs the connection inputs', false);
    return sshProvider(ctx, conn, loadCredential(conn.key));
  },
};
