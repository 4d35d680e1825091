import { runActionPhase } from '../../github/actions-io.ts';
import { PHASES } from '../../phases.ts';

/** The recover action; index.ts runs it on the runner, `local-action` imports it (see .env.example). */
export function run(): Promise<void> {
  return runActionPhase(PHASES.recover);
}
