import { InputError } from '../config/errors.ts';
import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { auditPhase, launchPhase } from '../launch/phase.ts';

// The root action: `command:` picks the phase. patrol, collect and teardown arrive in later releases.
await runAction(async (r) => {
  const command = actionInputs(['command'])['command']?.trim() || 'launch';
  if (command === 'launch') {
    // Here `command` picks the phase, so the training command arrives as `job-command`.
    const inputs = { ...actionInputs(PHASE_INPUTS.launch), command: actionInputs(['job-command'])['job-command'] };
    return launchPhase(inputs, process.env, r, process.env['GITHUB_WORKSPACE'] ?? process.cwd());
  }
  if (command === 'audit') return auditPhase(actionInputs(PHASE_INPUTS.audit), process.env, r);
  if (['patrol', 'collect', 'teardown'].includes(command)) throw new InputError('command', `'${command}' is not in this release yet; this version supports launch and audit`);
  throw new InputError('command', `${JSON.stringify(command)} is not one of: launch, audit, patrol, collect, teardown`);
});
