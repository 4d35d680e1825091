/**
 * Who may command tether from a comment: decided from the event and the commenter's repository role as
 * the API reports it (never from `author_association` alone, which the commenter's own profile settings
 * can hide). A refusal is a value with its one-line reason. Pure.
 */
import { ROLES, type Role } from '../config/chatops.ts';
import type { CommentEvent } from '../ports/types.ts';

export type { CommentEvent };

export { ROLES, type Role };

export type Gate = { ok: true } | { ok: false; why: string };

/** The event alone: only a newly created comment by a person is a command. */
export function eventGate(e: CommentEvent): Gate {
  if (e.action !== 'created') return { ok: false, why: `the comment was ${e.action}: only a newly posted comment is a command (post the command again)` };
  if (e.userType !== 'User' || /\[bot\]$/.test(e.login)) return { ok: false, why: `@${e.login} is a bot; tether takes commands from people only` };
  return { ok: true };
}

/**
 * The commenter's role against `min`. On a pull request from a fork, a commenter with no more than the read
 * role everyone has on a public repository (a non-collaborator) is refused whatever `min` says.
 */
export function roleGate(login: string, role: Role, min: Role, fromFork: boolean): Gate {
  if (fromFork && ROLES.indexOf(role) <= ROLES.indexOf('read'))
    return {
      ok: false,
      why: `@${login} is not a collaborator (role ${role}) and this pull request comes from a fork; tether takes no commands there from them`,
    };
  if (ROLES.indexOf(role) >= ROLES.indexOf(min)) return { ok: true };
  return { ok: false, why: `@${login} has the ${role} role on this repository; tether commands need ${min} or higher` };
}

/** Commands that spend or stop money: never below write, whatever `min-permission` says (read is anyone on a public repository). */
export const MONEY_COMMANDS = ['collect', 'resume', 'teardown'] as const;

/** The role a command needs: `min`, raised to write for a command that spends or stops money. */
export function neededRole(command: string, min: Role): Role {
  return (MONEY_COMMANDS as readonly string[]).includes(command) && ROLES.indexOf(min) < ROLES.indexOf('write') ? 'write' : min;
}

/** The role from the API's answer: `role_name` (admin, maintain, write, triage, read), else the coarser `permission`. */
export function roleOf(answer: { permission?: unknown; role_name?: unknown }): Role {
  for (const v of [answer.role_name, answer.permission]) if (typeof v === 'string' && (ROLES as readonly string[]).includes(v)) return v as Role;
  return 'none';
}
