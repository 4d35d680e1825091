/**
 * The backends' names, the one list config and the CLI help share (src/backends/index.ts holds the modules,
 * and its BACKEND_LIST must name exactly these, in this order: the compiler checks it). A leaf.
 */
export const BACKEND_NAMES = ['tmux', 'setsid', 'slurm'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
