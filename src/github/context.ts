import { readFileSync } from 'node:fs';
import { InputError } from '../config/errors.ts';

type Env = Record<string, string | undefined>;

/**
 * Refusals for actions that hold the SSH key (runbook R10): never on a fork's pull request, and a key
 * file only on a self-hosted runner (a GitHub-hosted runner is fresh: a key file there came from a secret
 * written to disk, and a cloud runner must never hold the key).
 */
export function refuseUnsafeContext(env: Env, use: { keyFile: boolean }): void {
  const event = env['GITHUB_EVENT_NAME'] ?? '';
  if ((event === 'pull_request' || event === 'pull_request_target') && env['GITHUB_EVENT_PATH']) {
    let fork: boolean;
    try {
      const payload = JSON.parse(readFileSync(env['GITHUB_EVENT_PATH'], 'utf8')) as {
        pull_request?: { head?: { repo?: { fork?: boolean; full_name?: string } } };
        repository?: { full_name?: string };
      };
      const head = payload.pull_request?.head?.repo;
      fork = Boolean(head?.fork) || (head?.full_name !== undefined && head.full_name !== payload.repository?.full_name);
    } catch {
      fork = true; // cannot tell: fail closed
    }
    if (fork) throw new InputError('event', "refusing to run on a pull request from a fork: its code must never reach a runner that holds the box's SSH key");
  }
  if (use.keyFile && env['RUNNER_ENVIRONMENT'] === 'github-hosted') {
    throw new InputError(
      'ssh-key-path',
      'refusing a key file on a GitHub-hosted runner: patrol runs on a self-hosted runner that holds the key (runs-on: [self-hosted, tether])',
    );
  }
}
