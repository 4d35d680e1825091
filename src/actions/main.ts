import { InputError } from '../config/errors.ts';
import { actionInputs, runAction, runActionPhase } from '../github/actions-io.ts';
import { PHASE_LIST, PHASES, type PhaseName } from '../phases.ts';

// The root action: `command:` picks the phase from the registry. There the training command arrives as
// `job-command`, because `command` is taken.
const command = actionInputs(['command'])['command']?.trim() || 'launch';
const phase = PHASES[command as PhaseName];
if (!phase) {
  await runAction(async () => {
    throw new InputError(
      'command',
      `${JSON.stringify(command)} is not one of: ${['launch', ...PHASE_LIST.map((p) => p.name).filter((n) => n !== 'launch')].join(', ')}`,
    );
  });
} else {
  const inputs = actionInputs(phase.inputs);
  await runActionPhase(phase, phase.name === 'launch' ? { ...inputs, command: actionInputs(['job-command'])['job-command'] ?? '' } : inputs);
}
