import { InputError } from '../../config/errors.ts';
import { actionInputs, runAction, runActionPhase } from '../../github/actions-io.ts';
import { PHASE_LIST, PHASES, type PhaseName } from '../../phases.ts';

/**
 * The root action (action.yml at the repository root): `command:` picks the phase from the registry. There
 * the training command arrives as `job-command`, because `command` is taken. index.ts calls this on the
 * runner; `local-action run . src/actions/root/main.ts .env` calls it locally.
 */
export function run(): Promise<void> {
  const command = actionInputs(['command'])['command']?.trim() || 'launch';
  const phase = PHASES[command as PhaseName];
  if (!phase) {
    const names = ['launch', ...PHASE_LIST.map((p) => p.name).filter((n) => n !== 'launch')];
    return runAction(async () => {
      throw new InputError('command', `${JSON.stringify(command)} is not one of: ${names.join(', ')}`);
    });
  }
  const inputs = actionInputs(phase.inputs);
  return runActionPhase(phase, phase.name === 'launch' ? { ...inputs, command: actionInputs(['job-command'])['job-command'] ?? '' } : inputs);
}
