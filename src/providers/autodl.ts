import { InputError } from '../config/errors.ts';
import { ProviderError, type Provider, type ProviderContext, type ProviderModule, type Verb } from './types.ts';

/**
 * AutoDL: its ordinary container instances have no API (only enterprise "elastic deployment" has one;
 * providers-rent-facts §1.6), so tether cannot act on them and does not pretend to. Behind the same proof and
 * approval as any teardown, it shows the console checklist and waits for a person: the verb is done once
 * `console-done` says so, in words naming the exact instance ("shut down <id>" for park, "released <id>" for
 * destroy). Without that word the teardown is a refusal that carries the checklist; nothing is marked done.
 */
export const CONSOLE_WORD: Record<'park' | 'destroy', string> = { park: 'shut down', destroy: 'released' };

/** The console steps for a verb, in one line (they go to the step's error and the summary). Pure. */
export function autodlChecklist(verb: Verb, instanceId: string): string {
  const act =
    verb === 'park'
      ? '关机 (shut down): the data disk stays; the instance is released automatically 15 days after 关机, and a low balance force-stops it'
      : '释放实例 (release): the instance and its disks are deleted; copies you made off it are all that survive';
  return [
    `AutoDL has no API for this: in the console (autodl.com → 控制台 → 容器实例), find instance ${instanceId}`,
    act,
    `then run this teardown again with console-done: "${CONSOLE_WORD[verb as 'park' | 'destroy']} ${instanceId}"`,
  ].join('; ');
}

export function autodlProvider(ctx: ProviderContext, consoleDone: string | undefined): Provider {
  let done = false;
  return {
    async state() {
      if (done) return { state: ctx.verb === 'park' ? 'stopped' : 'gone', detail: `a person says it is done in the AutoDL console ("${consoleDone}")` };
      return { state: 'running', detail: 'AutoDL has no API: only a person in its console can say' };
    },
    async request(verb) {
      if (!consoleDone) throw new ProviderError(autodlChecklist(verb, ctx.instanceId), false);
      done = true;
    },
  };
}

/** The registry row (src/providers/index.ts): the facts, the checks and the verbs of provider autodl. */
export const autodl: ProviderModule = {
  name: 'autodl',
  facts: {
    title: 'AutoDL (console only)',
    credentials: 'console',
    loginUser: 'root',
    park: {
      action: '关机 (shut down) in the AutoDL console, done by a person',
      reversible: true,
      survives: 'the data disk (/root/autodl-tmp) and the system disk',
      keepsBilling: 'nothing for the GPU; the disks are kept for 15 days after 关机, then the instance is released with them',
    },
    destroy: {
      action: '释放实例 (release) in the AutoDL console, done by a person',
      reversible: false,
      survives: 'nothing on the instance; files in AutoDL file storage (autodl-fs) stay and bill',
      keepsBilling: 'autodl-fs file storage until you delete it',
    },
    traps: [
      'tether cannot see or act on an AutoDL instance: the state after teardown is a person’s word',
      'a 关机 instance is released (its disks deleted) 15 days later; a low balance force-stops a running one',
      'the SSH port is assigned at create and changes when the instance is re-created',
    ],
    verified: '2026-12',
  },
  check: (cfg) => {
    if (cfg.verb === 'cancel') return;
    const done = cfg.consoleDone;
    if (!done) return;
    const want = `${CONSOLE_WORD[cfg.verb as 'park' | 'destroy']} ${cfg.instanceId}`;
    if (done !== want) throw new InputError('console-done', `must be exactly "${want}" (the verb done, and this instance), got "${done.slice(0, 80)}"`);
  },
  make: (ctx, cfg) => autodlProvider(ctx, cfg.consoleDone),
};
