import type { AuditConfig } from '../config/audit.ts';
import type { AuditReport } from '../remote/audit.ts';
import type { SlurmAudit } from '../remote/slurm-audit.ts';

export interface GateResult {
  pass: boolean;
  failures: string[];
  warnings: string[];
}

/** Runbook thresholds (runbook-facts §1.11, R17-R19). */
export const TEMP_HOT_C = 83;
export const SM_CLOCK_FLOOR = 0.7;
const FATAL_XID = new Set([48, 79]);
const FATAL_THROTTLE = new Set(['hw_slowdown', 'sw_thermal_slowdown', 'hw_thermal_slowdown', 'hw_power_brake_slowdown']);
const GB = 1e9;

/** Pure: decides whether a launch may proceed on this box. One line per reason. */
export function gate(report: AuditReport, cfg: AuditConfig): GateResult {
  const failures: string[] = [];
  const warnings: string[] = [];
  const root = report.disks[0];
  if (root) {
    const need = (cfg.minFreeGb + cfg.checkpointBudgetGb) * GB;
    if (root.availBytes < need) {
      failures.push(
        `disk: ${(root.availBytes / GB).toFixed(1)} GB free on ${root.mount} (run root ${root.path}), need ${(need / GB).toFixed(1)} GB (min-free-gb ${cfg.minFreeGb} + checkpoint-budget-gb ${cfg.checkpointBudgetGb}); free space or move run-root to the data disk`,
      );
    }
    if (root.inodesTotal > 0 && root.inodesFree < cfg.minFreeInodes) {
      failures.push(`inodes: ${root.inodesFree} free on ${root.mount}, need ${cfg.minFreeInodes} (min-free-inodes); delete small files or use another disk`);
    }
  }
  for (const d of report.disks.slice(1)) {
    if (d.availBytes < cfg.minFreeGb * GB) warnings.push(`disk: only ${(d.availBytes / GB).toFixed(1)} GB free on ${d.mount} (${d.path})`);
  }

  if (!report.gpu.present) {
    if (cfg.requireGpu) failures.push('gpu: nvidia-smi not found on the box (require-gpu is true); rent another box or set require-gpu: false for CPU jobs');
  } else if (report.gpu.error) {
    (cfg.requireGpu ? failures : warnings).push(`gpu: ${report.gpu.error}`);
  } else if (report.gpu.gpus.length === 0) {
    (cfg.requireGpu ? failures : warnings).push('gpu: nvidia-smi lists no GPUs');
  }
  for (const g of report.gpu.gpus) {
    const id = `gpu ${g.index} (${g.name})`;
    const fatal = g.throttleActive.filter((t) => FATAL_THROTTLE.has(t));
    if (fatal.length) failures.push(`${id}: active throttle ${fatal.join(', ')}; re-rent a different box`);
    if (g.tempC !== null && g.tempC >= TEMP_HOT_C) {
      const slow = g.smClockMHz !== null && g.smClockMaxMHz ? g.smClockMHz < SM_CLOCK_FLOOR * g.smClockMaxMHz : false;
      if (slow) failures.push(`${id}: ${g.tempC} °C with SM clock ${g.smClockMHz}/${g.smClockMaxMHz} MHz (< 70%); it is throttling, re-rent a different box`);
      else warnings.push(`${id}: hot (${g.tempC} °C) but clocks are fine (${g.smClockMHz}/${g.smClockMaxMHz} MHz); watch it`);
    }
  }

  const fatalXid = report.xid.events.filter((e) => FATAL_XID.has(e.code));
  if (fatalXid.length) {
    failures.push(
      `gpu: kernel log has Xid ${[...new Set(fatalXid.map((e) => e.code))].join(', ')} (${fatalXid[0]?.line}); the GPU is failing, re-rent a different box`,
    );
  }
  const otherXid = report.xid.events.filter((e) => !FATAL_XID.has(e.code));
  if (otherXid.length) warnings.push(`gpu: kernel log has Xid ${[...new Set(otherXid.map((e) => e.code))].join(', ')} (usually an application fault)`);
  if (!report.xid.readable && report.gpu.present)
    warnings.push('gpu: the kernel log is not readable, so the Xid check is not authoritative; a person should confirm');

  if (!report.interpreter.path) warnings.push(`interpreter: ${report.interpreter.name} not found on the box`);
  else if (report.interpreter.error) warnings.push(`interpreter: ${report.interpreter.path} cannot import torch: ${report.interpreter.error}`);
  else if (cfg.requireGpu && report.interpreter.cuda === false) warnings.push(`interpreter: torch ${report.interpreter.torchVersion} reports no CUDA`);

  return { pass: failures.length === 0, failures, warnings };
}

const NODE_OK = /^(idle|mix|mixed|alloc|allocated|completing|planned)/;

/**
 * The Slurm part of the gate (backend slurm), pure: the cluster answers sinfo, and each partition the job
 * asks for (`--partition=a,b`, else the default one) exists and is up; a partition whose nodes are all down
 * or drained is a warning (the job would wait). One line per reason.
 */
export function slurmGate(audit: SlurmAudit, sbatchOptions: readonly string[]): GateResult {
  const failures: string[] = [];
  const warnings: string[] = [];
  if (!audit.reachable) {
    failures.push(`slurm: sinfo did not answer on the login node (${audit.error.split('\n')[0]}); check slurm-conf and that this is the login node`);
    return { pass: false, failures, warnings };
  }
  const names = [...new Set(audit.partitions.map((p) => p.name))];
  const asked = sbatchOptions
    .find((o) => o.startsWith('--partition='))
    ?.slice('--partition='.length)
    .split(',');
  const wanted =
    asked ??
    audit.partitions
      .filter((p) => p.default)
      .map((p) => p.name)
      .slice(0, 1);
  if (!wanted.length) failures.push(`slurm: no partition given and the cluster has no default one; add --partition=… (partitions: ${names.join(', ')})`);
  for (const name of wanted) {
    const lines = audit.partitions.filter((p) => p.name === name);
    if (!lines.length) {
      failures.push(`slurm: partition ${name} does not exist (partitions: ${names.join(', ')})`);
      continue;
    }
    const avail = lines[0]!.avail;
    if (avail !== 'up') failures.push(`slurm: partition ${name} is ${avail}, not up; jobs there would not start`);
    else if (!lines.some((l) => l.nodes > 0 && NODE_OK.test(l.state)))
      warnings.push(`slurm: every node of partition ${name} is ${[...new Set(lines.map((l) => l.state))].join('/')}; the job will wait until one is back`);
  }
  return { pass: failures.length === 0, failures, warnings };
}
