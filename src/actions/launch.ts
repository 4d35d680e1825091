import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { launchPhase } from '../launch/phase.ts';

await runAction((r) => launchPhase(actionInputs(PHASE_INPUTS.launch), process.env, r, process.env['GITHUB_WORKSPACE'] ?? process.cwd()));
