import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';

/**
 * A CPU-quota cgroup for a box's processes (v1 `cpu` hierarchy or v2 unified), so the wrapper's
 * thread cap and the audit's quota reading meet a real limit. Returns null when cgroups are not writable.
 */
export interface CpuCgroup {
  dir: string;
  add(pid: number): void;
  remove(): void;
}

export function cpuCgroup(name: string, quotaUs: number, periodUs: number): CpuCgroup | null {
  try {
    if (existsSync('/sys/fs/cgroup/cgroup.controllers')) {
      const dir = `/sys/fs/cgroup/${name}`;
      if (!readFileSync('/sys/fs/cgroup/cgroup.subtree_control', 'utf8').includes('cpu')) writeFileSync('/sys/fs/cgroup/cgroup.subtree_control', '+cpu');
      mkdirSync(dir);
      writeFileSync(`${dir}/cpu.max`, `${quotaUs} ${periodUs}`);
      return { dir, add: (pid) => writeFileSync(`${dir}/cgroup.procs`, String(pid)), remove: () => evacuate(dir, '/sys/fs/cgroup') };
    }
    if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) {
      const dir = `/sys/fs/cgroup/cpu/${name}`;
      mkdirSync(dir);
      writeFileSync(`${dir}/cpu.cfs_period_us`, String(periodUs));
      writeFileSync(`${dir}/cpu.cfs_quota_us`, String(quotaUs));
      return { dir, add: (pid) => writeFileSync(`${dir}/cgroup.procs`, String(pid)), remove: () => evacuate(dir, '/sys/fs/cgroup/cpu') };
    }
  } catch {
    return null;
  }
  return null;
}

function evacuate(dir: string, parent: string): void {
  for (const pid of readFileSync(`${dir}/cgroup.procs`, 'utf8').split('\n').filter(Boolean)) {
    try {
      writeFileSync(`${parent}/cgroup.procs`, pid);
    } catch {
      /* exited */
    }
  }
  rmdirSync(dir);
}
