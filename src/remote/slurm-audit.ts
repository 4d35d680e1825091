import { arr, bool, BoxDataError, int, obj, str } from '../record/strict.ts';
import type { Session } from '../ssh/client.ts';
import { parseJsonLine, runScript } from './invoke.ts';

/** One line of `sinfo -o '%P|%a|%D|%T'`: a partition with nodes in one state (a partition may have several lines). */
export interface PartitionLine {
  name: string;
  default: boolean;
  avail: string;
  nodes: number;
  state: string;
}

export type SlurmAudit = { reachable: true; partitions: PartitionLine[] } | { reachable: false; error: string };

/** slurm_audit.sh's answer, field by field. Pure. */
export function parseSlurmAudit(raw: unknown): SlurmAudit {
  const o = obj(raw, 'slurm audit');
  if (!bool(o, 'reachable', 'slurm audit')) return { reachable: false, error: str(o, 'error', 'slurm audit', { max: 1024 }) };
  const partitions = arr(o, 'partitions', 'slurm audit', 1000).map((x, i) => {
    const p = obj(x, `slurm audit partitions[${i}]`);
    const w = `slurm audit partitions[${i}]`;
    return {
      name: str(p, 'name', w, { max: 64, pattern: /^[A-Za-z0-9_.-]{1,64}$/ }),
      default: bool(p, 'default', w),
      avail: str(p, 'avail', w, { max: 16, pattern: /^[a-z]{1,16}$/ }),
      nodes: int(p, 'nodes', w, { min: 0, max: 1_000_000 }),
      state: str(p, 'state', w, { max: 64 }),
    };
  });
  if (partitions.length === 0) throw new BoxDataError('sinfo lists no partition');
  return { reachable: true, partitions };
}

export async function runSlurmAudit(session: Session, slurmConf: string): Promise<SlurmAudit> {
  return parseSlurmAudit(parseJsonLine('slurm_audit', await runScript(session, 'slurm_audit', [slurmConf], { timeoutMs: 40_000 })));
}
