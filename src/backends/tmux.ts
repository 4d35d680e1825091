import type { Backend } from './types.ts';

/** A private tmux server per run (`tmux:<run-dir>/tmux.sock`); liveness from the wrapper's pid and start time. */
export const tmux: Backend = { name: 'tmux', jobOnLoginHost: true, owns: (h) => h.startsWith('tmux:') };
