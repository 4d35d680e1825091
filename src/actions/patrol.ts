import { PHASE_INPUTS } from '../config/inputs.ts';
import { parseReportTo } from '../config/patrol.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { refuseUnsafeContext } from '../github/context.ts';
import { githubStore } from '../github/status-store.ts';
import { patrolPhase } from '../remote/patrol-phase.ts';

await runAction(async (r) => {
  const inputs = actionInputs(PHASE_INPUTS.patrol);
  refuseUnsafeContext(process.env, inputs);
  const target = parseReportTo(inputs['report-to']);
  if (inputs['github-token']) r.mask(inputs['github-token']);
  const store = target ? githubStore(target, process.env, inputs['github-token'] ?? '') : undefined;
  return patrolPhase(inputs, process.env, r, 'markdown', store);
});
