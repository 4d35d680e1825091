import { readFileSync } from 'node:fs';
import { InputError } from '../config/errors.ts';
import type { CommentEvent } from '../chatops/gate.ts';

type Env = Record<string, string | undefined>;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/**
 * The issue_comment event the runner handed this job (GITHUB_EVENT_PATH), read strictly; null for another
 * event. Only the fields ChatOps uses are taken.
 */
export function commentEvent(env: Env): { event: CommentEvent; defaultRef: string } | null {
  if (env['GITHUB_EVENT_NAME'] !== 'issue_comment' || !env['GITHUB_EVENT_PATH']) return null;
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(readFileSync(env['GITHUB_EVENT_PATH'], 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new InputError('event', `the event payload could not be read: ${(err as Error).message}`);
  }
  const o = (v: unknown) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
  const comment = o(p['comment']);
  const user = o(comment['user']);
  const issue = o(p['issue']);
  const login = String(user['login'] ?? '');
  const id = Number(comment['id']);
  const number = Number(issue['number']);
  if (!LOGIN.test(login) || !Number.isSafeInteger(id) || id <= 0 || !Number.isSafeInteger(number) || number <= 0)
    throw new InputError('event', 'the issue_comment payload lacks a comment id, an issue number or a login');
  const ref = String(o(p['repository'])['default_branch'] ?? '');
  return {
    event: {
      action: String(p['action'] ?? ''),
      commentId: id,
      body: typeof comment['body'] === 'string' ? comment['body'] : '',
      login,
      userType: String(user['type'] ?? ''),
      issueNumber: number,
      isPullRequest: issue['pull_request'] !== undefined && issue['pull_request'] !== null,
    },
    defaultRef: /^[A-Za-z0-9._/-]{1,200}$/.test(ref) ? ref : 'main',
  };
}
