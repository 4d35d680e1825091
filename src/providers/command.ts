import { spawn } from 'node:child_process';
import { ProviderError, type Provider, type ProviderContext } from './types.ts';
import { InputError } from '../config/errors.ts';
import type { ProviderModule } from './types.ts';

/**
 * `teardown-command`, run on the runner with TETHER_INSTANCE_ID, TETHER_RUN_ID and TETHER_VERB set (and
 * the step's environment, so a provider CLI finds its credentials). Exit 0 is the only proof there is:
 * the state is "gone"/"stopped" once the command succeeded, "running" before.
 */
export function commandProvider(ctx: ProviderContext, command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Provider {
  let done = false;
  return {
    async state() {
      return done
        ? { state: ctx.verb === 'park' ? 'stopped' : 'gone', detail: 'teardown-command exited 0' }
        : { state: 'running', detail: 'teardown-command not run yet' };
    },
    request(verb) {
      return new Promise<void>((resolve, reject) => {
        const child = spawn('bash', ['-c', command], {
          env: { ...env, TETHER_INSTANCE_ID: ctx.instanceId, TETHER_RUN_ID: ctx.runId, TETHER_VERB: verb },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        });
        let tail = '';
        const keep = (d: Buffer) => {
          for (const line of d.toString().split('\n')) if (line.trim()) ctx.log(`teardown-command: ${line}`);
          tail = (tail + d.toString()).slice(-500);
        };
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        const timer = setTimeout(() => {
          // The whole process group: a provider CLI may have children.
          // (never kill(-0): with no pid that would signal tether's own process group)
          try {
            if (child.pid && child.pid > 1) process.kill(-child.pid, 'SIGKILL');
            else child.kill('SIGKILL');
          } catch {
            /* already gone */
          }
        }, timeoutMs);
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          if (code === 0) {
            done = true;
            resolve();
          } else
            reject(
              new ProviderError(
                `teardown-command ${signal ? `was killed (${signal}) after ${Math.round(timeoutMs / 1000)} s` : `exited ${code}`}${tail.trim() ? `: ${tail.trim().split('\n').pop()}` : ''}`,
                false,
              ),
            );
        });
      });
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider command. */
export const command: ProviderModule = {
  name: 'command',
  facts: {
    title: 'your teardown command',
    credentials: 'command',
    park: {
      action: 'your `teardown-command` with TETHER_VERB=park',
      reversible: true,
      survives: 'as your command decides',
      keepsBilling: 'as your provider bills a parked machine',
    },
    destroy: {
      action: 'your `teardown-command` with TETHER_VERB=destroy',
      reversible: false,
      survives: 'as your command decides',
      keepsBilling: 'anything your command does not delete (volumes, IPs, snapshots)',
    },
    traps: ['tether only knows the exit status of your command: check the provider console afterwards'],
    verified: '2026-06',
  },
  check: (cfg) => {
    if (!cfg.teardownCommand) throw new InputError('teardown-command', 'is required (the command line to run on the box)');
  },
  make: (ctx, cfg, env) => commandProvider(ctx, cfg.teardownCommand ?? '', env as NodeJS.ProcessEnv, cfg.timeoutS * 1000),
};
