import { PHASE_INPUTS } from '../config/inputs.ts';
import { actionInputs, runAction } from '../github/actions-io.ts';
import { auditPhase } from '../launch/phase.ts';

await runAction((r) => auditPhase(actionInputs(PHASE_INPUTS.audit), process.env, r));
