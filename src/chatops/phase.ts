import { InputError } from '../config/errors.ts';
import { dispatchInputs, type RegisteredWhere } from '../record/dispatch.ts';
import type { ChatOpsConfig, ChatOpsPhaseConfig } from '../config/chatops.ts';
import { code, inert } from '../report/markdown.ts';
import type { Reporter } from '../report/reporter.ts';
import { HELP, parseCommand, type Command } from './command.ts';
import { eventGate, neededRole, roleGate, type CommentEvent } from './gate.ts';
import type { ChatOpsApi, Reaction } from '../ports/types.ts';

export type { ChatOpsApi, Reaction };

export interface ChatOpsDeps {
  api: ChatOpsApi | undefined;
  event: CommentEvent | null;
  /** The repository's default branch (the ref dispatched workflows run on unless `workflow-ref` says). */
  defaultRef: string;
  /**
   * Where the run lives, from its registration (signature checked with this job's SSH key), or null when it
   * is not registered: the dispatched workflow gets it as inputs, so it needs nothing typed by hand.
   */
  registration(runId: string): Promise<{
    host: string;
    port: number;
    hostKeyFingerprint: string;
    provider?: string | null;
    instanceId?: string | null;
    jump?: { address: string; hostKeyFingerprint: string } | null;
    nodes?: RegisteredWhere['nodes'];
  } | null>;
  /** A patrol tick of these runs (all registered ones when empty): its exit code, the status comment URL, and each run's state. */
  status(runIds: string[]): Promise<{ code: number; url: string; states: Record<string, { state: string; class: string | null }> }>;
}

/**
 * ChatOps: a `/tether …` comment, checked (a new comment, by a person, with at least `min-permission` on the
 * repository as the API says; not a non-collaborator on a fork's pull request), then done: `status` is a
 * patrol tick here, `collect`/`resume`/`teardown` dispatch the repository's own workflows with the run id and
 * who asked, so every gate of those workflows (environment approval, VERIFIED.json) still holds. Reactions:
 * 👎 refused, 👀 taken, then 🚀 done or 😕 failed; each with a one-line reply. Outputs: result, command.
 */
export async function chatopsPhase(phaseCfg: ChatOpsPhaseConfig, reporter: Reporter, deps: ChatOpsDeps): Promise<number> {
  const cfg = phaseCfg.chatops;
  const e = deps.event;
  if (!e) throw new InputError('event', 'chatops runs on issue_comment events (on: issue_comment), where GitHub hands it the comment');
  const parsed = parseCommand(e.body);
  const done = (result: string, command = '') => {
    reporter.output('result', result);
    reporter.output('command', command);
  };
  if (parsed.kind === 'none') {
    reporter.info('chatops: the comment is not a /tether command; nothing to do');
    done('ignored');
    return 0;
  }
  const api = deps.api;
  if (!api) throw new InputError('github-token', 'chatops needs the GitHub API (the action, with a token that may react, comment and dispatch workflows)');
  const refuse = async (why: string) => {
    reporter.warn(`chatops: refused: ${why}`);
    await api.react(e.commentId, '-1');
    // Refusals are rate-limited: one reply per commenter per issue in REFUSAL_WINDOW_MS; the 👎 is always there.
    const lately = api.refusedLately ? await api.refusedLately(e.issueNumber, e.login, REFUSAL_WINDOW_MS).catch(() => 0) : 0;
    if (lately > 0)
      reporter.info(`chatops: a refusal was already said to @${e.login} here in the last ${REFUSAL_WINDOW_MS / 60_000} min: only the 👎 this time`);
    else await api.reply(e.issueNumber, `👎 ${inert(why)}.`);
    done('refused');
    return 0;
  };
  const first = eventGate(e);
  if (!first.ok) {
    // An edit or a bot is not answered (an answer to a bot can start a loop; an edit is not a command).
    reporter.info(`chatops: not a command, not answered: ${first.why}`);
    done('ignored');
    return 0;
  }
  const fork = e.isPullRequest ? await api.fromFork(e.issueNumber) : false;
  // Collect, resume and teardown spend or stop money: write at least, whatever min-permission says.
  const need = parsed.kind === 'command' ? neededRole(parsed.command.kind, cfg.minRole) : cfg.minRole;
  const who = roleGate(e.login, await api.role(e.login), need, fork);
  if (!who.ok) return refuse(who.why);
  if (parsed.kind === 'wrong') {
    await api.react(e.commentId, 'confused');
    await api.reply(e.issueNumber, `😕 ${inert(parsed.why)}. What tether understands:\n\n${HELP}`);
    done('help');
    return 0;
  }
  const cmd = parsed.command;
  await api.react(e.commentId, 'eyes');
  reporter.info(`chatops: @${e.login} asked for ${describe(cmd)}`);
  try {
    const text = await run(cmd, cfg, deps, api, e);
    await api.react(e.commentId, text.ok ? 'rocket' : 'confused');
    await api.reply(e.issueNumber, text.body);
    done(text.ok ? 'done' : 'failed', cmd.kind);
    return text.ok ? 0 : 1;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0] ?? 'failed';
    await api.react(e.commentId, 'confused');
    await api.reply(e.issueNumber, `😕 ${describe(cmd)} failed: ${inert(why)}`);
    done('failed', cmd.kind);
    reporter.error(`chatops: ${describe(cmd)} failed: ${why}`);
    return 1;
  }
}

/** One refusal reply per commenter per issue in this window (the reaction is always given). */
export const REFUSAL_WINDOW_MS = 10 * 60_000;

function describe(c: Command): string {
  switch (c.kind) {
    case 'status':
      return c.runIds.length ? `status of ${c.runIds.join(', ')}` : 'status';
    case 'teardown':
      return `teardown of ${c.runId}${c.verb ? ` (${c.verb})` : ''}`;
    case 'help':
      return 'help';
    default:
      return `${c.kind} of ${c.runId}`;
  }
}

async function run(cmd: Command, cfg: ChatOpsConfig, deps: ChatOpsDeps, api: ChatOpsApi, e: CommentEvent): Promise<{ ok: boolean; body: string }> {
  if (cmd.kind === 'help') return { ok: true, body: `What tether understands:\n\n${HELP}` };
  if (cmd.kind === 'status') {
    const s = await deps.status(cmd.runIds);
    const lines = Object.entries(s.states).map(([id, v]) => `- ${code(id)}: ${inert(v.class ? `${v.state} (${v.class})` : v.state)}`);
    const where = s.url ? `[the status comment](${s.url.split('\n')[0]})` : 'the job summary';
    return { ok: s.code === 0, body: `${s.code === 0 ? '🚀' : '😕'} Patrol tick done; ${where} is up to date.\n\n${lines.join('\n') || 'No runs.'}` };
  }
  const workflow = cfg.workflows[cmd.kind];
  if (!workflow)
    return { ok: false, body: `😕 No \`${cmd.kind}-workflow\` is set for tether's chatops here, so \`/tether ${cmd.kind}\` cannot start anything.` };
  const inputs = dispatchInputs(cmd.runId, e.login, await deps.registration(cmd.runId));
  if (cmd.kind === 'resume') inputs['resume'] = 'true';
  if (cmd.kind === 'teardown' && cmd.verb) inputs['verb'] = cmd.verb;
  const url = await api.dispatch(workflow, cfg.ref || deps.defaultRef, inputs);
  const gate = cmd.kind === 'teardown' ? ' It waits there for the environment approval, and tears nothing down without the verified proof.' : '';
  return { ok: true, body: `🚀 Started ${code(workflow)} for ${code(cmd.runId)}, as @${e.login} asked: ${url}.${gate}` };
}
