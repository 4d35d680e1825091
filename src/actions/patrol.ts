import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { refuseUnsafeContext } from '../github/context.ts';
import { storeFromInputs } from '../github/status-store.ts';
import { patrolPhase } from '../patrol/phase.ts';

await runAction(async (r) => {
  const inputs = actionInputs(PHASE_INPUTS.patrol);
  refuseUnsafeContext(process.env, inputs);
  return patrolPhase(inputs, process.env, r, 'markdown', storeFromInputs(inputs, process.env, r));
});
