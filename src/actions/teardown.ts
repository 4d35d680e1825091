import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { fetchArtifact } from '../github/artifacts.ts';
import { teardownDone } from '../github/status-store.ts';
import { teardownPhase } from '../teardown/phase.ts';

await runAction(async (r) => {
  const inputs = actionInputs(PHASE_INPUTS.teardown);
  return teardownPhase(inputs, process.env, r, process.env['GITHUB_WORKSPACE'] ?? process.cwd(), {
    fetchArtifact,
    afterTeardown: (state, reason) => teardownDone(inputs, process.env, r, state, reason),
  });
});
