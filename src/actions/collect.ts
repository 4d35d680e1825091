import { runActionPhase } from '../github/actions-io.ts';
import { PHASES } from '../phases.ts';

await runActionPhase(PHASES.collect);
