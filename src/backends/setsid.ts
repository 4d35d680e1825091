import type { Backend } from './types.ts';

/** The wrapper in a new session (`setsid -f`); liveness from the wrapper's pid and start time. */
export const setsid: Backend = { name: 'setsid', jobOnLoginHost: true, owns: (h) => h === 'setsid' };
