/**
 * The runner's disk as one budget for a whole patrol tick: what is free is measured once, a reserve is kept,
 * and every pull (any host, any run, concurrently) reserves its bytes before it starts and gives them back
 * when it fails. Two boxes whose checkpoints each fit, but not together, can no longer fill the disk. Pure.
 */
export interface DiskBudget {
  /** Reserves `bytes`; false (nothing reserved) when they would eat into the reserve. */
  take(bytes: number): boolean;
  /** Gives reserved bytes back (a pull that failed, a file discarded from staging). */
  give(bytes: number): void;
  /** What can still be reserved. */
  left(): number;
}

export function diskBudget(free: number | null, reserve: number): DiskBudget {
  // Unknown free space (statfs failed): nothing is held back beyond the per-pull check the caller makes.
  let left = free === null ? Number.MAX_SAFE_INTEGER : Math.max(0, free - reserve);
  return {
    take: (bytes) => {
      if (bytes > left) return false;
      left -= bytes;
      return true;
    },
    give: (bytes) => {
      left += bytes;
    },
    left: () => left,
  };
}
