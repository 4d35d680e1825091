import { setsid } from './setsid.ts';
import { slurm } from './slurm.ts';
import { tmux } from './tmux.ts';
import type { Backend } from './types.ts';
import { BACKEND_NAMES } from '../record/names.ts';

export type { Backend };

/** Every backend, by name: adding one is a module here, its bash file, and its tests. */
export const BACKEND_LIST = [tmux, setsid, slurm] as const;
export { BACKEND_NAMES };
// test/unit/inputs-table.test.ts checks the list holds exactly the backends src/record/names.ts names, in its order.

/** The backend that wrote a recorded handle, or undefined (an older record, or a handle from elsewhere). */
export function backendOf(handle: string | null): Backend | undefined {
  return handle ? BACKEND_LIST.find((b) => b.owns(handle)) : undefined;
}
