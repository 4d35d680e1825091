import { createHash } from 'node:crypto';

/**
 * `tether.spec/v1` (spec.json, written once by launch) and the run's identity. Pure.
 */

/** What spec.json records of a launch (src/config/launch.ts's LaunchConfig is one): the record's own shape. */
export interface SpecSource {
  runId: string;
  command: string;
  then: string | undefined;
  workdir: string;
  env: Array<[string, string]>;
  secretNames: string[];
  checkpoints: string[];
  expectedDurationS: number | undefined;
  commit: string | undefined;
  backend: string;
  slurm?: { sbatchOptions: string[] } | undefined;
  sweep?: { cells: Array<{ name: string; command: string }>; gpusPerCell: number; maxParallel: number; onCellFailure: string } | undefined;
  /** This node's place in a run on many boxes (issue 28); absent for one box. */
  node?: NodePlace | undefined;
}

export interface NodePlace {
  rank: number;
  nnodes: number;
  masterAddr: string;
  masterPort: number;
}

/** A checkpoint glob for one cell: `{cell}` becomes its name. */
export function cellGlobs(globs: readonly string[], cell: string): string[] {
  return globs.map((g) => g.replace(/\{cell\}/g, cell));
}

/**
 * What identifies a run's work: resume must run exactly this again. A sweep's cells (names, commands) and
 * GPUs per cell are part of it; how many run at once and what a failure stops are not.
 */
export function identity(cfg: Pick<SpecSource, 'command' | 'then' | 'workdir' | 'sweep' | 'slurm'>): string {
  const h = createHash('sha256').update(`${cfg.command}\u0000${cfg.then ?? ''}\u0000${cfg.workdir}`);
  if (cfg.sweep) h.update(`\u0000cells\u0000${sortedJson({ cells: cfg.sweep.cells, gpus_per_cell: cfg.sweep.gpusPerCell })}`);
  // On Slurm, what the job asks of the cluster is part of the work: a resume submits the same request.
  if (cfg.slurm) h.update(`\u0000sbatch\u0000${cfg.slurm.sbatchOptions.join('\n')}`);
  return h.digest('hex');
}

/** JSON with keys sorted at every level, so records are reproducible and diffable (runbook R7). */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(value));
}

/** spec.json: env and secret NAMES only, never values. */
export function buildSpec(cfg: SpecSource, createdAt: Date): string {
  return sortedJson({
    schema: 'tether.spec/v1',
    run_id: cfg.runId,
    command: cfg.command,
    then: cfg.then ?? null,
    workdir: cfg.workdir,
    env: cfg.env.map(([n]) => n),
    secrets: cfg.secretNames,
    checkpoints: cfg.checkpoints,
    expected_duration_s: cfg.expectedDurationS ?? null,
    commit: cfg.commit ?? null,
    backend: cfg.backend,
    created_at: createdAt.toISOString(),
    identity: identity(cfg),
    ...(cfg.slurm ? { sbatch_options: cfg.slurm.sbatchOptions } : {}),
    ...(cfg.sweep
      ? {
          cells: cfg.sweep.cells.map((c) => ({ name: c.name, command: c.command })),
          gpus_per_cell: cfg.sweep.gpusPerCell,
          max_parallel: cfg.sweep.maxParallel || null,
          on_cell_failure: cfg.sweep.onCellFailure,
        }
      : {}),
    ...(cfg.node ? { node_rank: cfg.node.rank, nnodes: cfg.node.nnodes, master_addr: cfg.node.masterAddr, master_port: cfg.node.masterPort } : {}),
  });
}

/**
 * A sweep's cells for launch.sh: one line each, `NAME B64(command) B64(checkpoints, {cell} expanded)
 * B64(cell spec.json)`; the cell spec is `tether.cell/v1` (run id, cell, command, checkpoints). Pure.
 */
export function cellData(cfg: SpecSource): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return (cfg.sweep?.cells ?? [])
    .map((c) => {
      const checkpoints = cellGlobs(cfg.checkpoints, c.name);
      const spec = sortedJson({ schema: 'tether.cell/v1', run_id: cfg.runId, cell: c.name, command: c.command, then: cfg.then ?? null, checkpoints });
      return `${c.name} ${b64(c.command)} ${b64(checkpoints.join('\n'))} ${b64(spec)}`;
    })
    .join('\n');
}

/** The expected duration a spec.json from the box declares (seconds), or null when it declares none or is unreadable. */
export function specExpectedDuration(text: string): number | null {
  try {
    const v = (JSON.parse(text) as { expected_duration_s?: unknown } | null)?.expected_duration_s;
    return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}
