import script from '../../scripts/remote/backend_setsid.sh?raw';
import type { Backend } from './types.ts';

/** The wrapper in a new session (`setsid -f`); liveness from the wrapper's pid and start time. */
export const setsid: Backend = { name: 'setsid', script, jobOnLoginHost: true, owns: (h) => h === 'setsid' };
