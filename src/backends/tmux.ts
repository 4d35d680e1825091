import script from '../../scripts/remote/backend_tmux.sh?raw';
import type { Backend } from './types.ts';

/** A private tmux server per run (`tmux:<run-dir>/tmux.sock`); liveness from the wrapper's pid and start time. */
export const tmux: Backend = { name: 'tmux', script, jobOnLoginHost: true, owns: (h) => h.startsWith('tmux:') };
