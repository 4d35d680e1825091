import { fetchArtifact, githubArtifacts } from '../github/artifacts.ts';
import { collectPhase } from '../collect/phase.ts';
import { InputError } from '../config/errors.ts';
import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { refuseUnsafeContext } from '../github/context.ts';
import { storeFromInputs, teardownDone } from '../github/status-store.ts';
import { teardownPhase } from '../teardown/phase.ts';
import { auditPhase, launchPhase } from '../launch/phase.ts';
import { patrolPhase } from '../patrol/phase.ts';

// The root action: `command:` picks the phase.
await runAction(async (r) => {
  const command = actionInputs(['command'])['command']?.trim() || 'launch';
  const workspace = process.env['GITHUB_WORKSPACE'] ?? process.cwd();
  switch (command) {
    case 'launch': {
      // Here `command` picks the phase, so the training command arrives as `job-command`.
      const inputs = { ...actionInputs(PHASE_INPUTS.launch), command: actionInputs(['job-command'])['job-command'] };
      return launchPhase(inputs, process.env, r, workspace);
    }
    case 'audit':
      return auditPhase(actionInputs(PHASE_INPUTS.audit), process.env, r);
    case 'patrol': {
      const inputs = actionInputs(PHASE_INPUTS.patrol);
      refuseUnsafeContext(process.env, inputs);
      return patrolPhase(inputs, process.env, r, 'markdown', storeFromInputs(inputs, process.env, r));
    }
    case 'collect': {
      const inputs = actionInputs(PHASE_INPUTS.collect);
      refuseUnsafeContext(process.env, inputs);
      return collectPhase(inputs, process.env, r, workspace, githubArtifacts());
    }
    case 'teardown': {
      const inputs = actionInputs(PHASE_INPUTS.teardown);
      return teardownPhase(inputs, process.env, r, workspace, { fetchArtifact, afterTeardown: (state, reason) => teardownDone(inputs, process.env, r, state, reason) });
    }
    default:
      throw new InputError('command', `${JSON.stringify(command)} is not one of: launch, audit, patrol, collect, teardown`);
  }
});
