import { PHASE_INPUTS } from '../config/inputs.ts';
import { collectPhase } from '../collect/phase.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { githubArtifacts } from '../github/artifacts.ts';
import { refuseUnsafeContext } from '../github/context.ts';

await runAction(async (r) => {
  const inputs = actionInputs(PHASE_INPUTS.collect);
  refuseUnsafeContext(process.env, inputs);
  return collectPhase(inputs, process.env, r, process.env['GITHUB_WORKSPACE'] ?? process.cwd(), githubArtifacts());
});
