import { availableParallelism } from 'node:os';
import { DEFAULT_RUN_ROOT } from './audit.ts';
import type { Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';
import { CELLS_MAX } from './cells.ts';
import { CELL_NAME } from '../record/grammar.ts';

export interface CollectConfig {
  runId: string;
  runRoot: string;
  destDir: string;
  latestOnly: boolean;
  roster: string[];
  /** A sweep's cells to collect (empty: all of them). */
  cells: string[];
  parallel: number;
  trustedLoadCommand: string | undefined;
  /** Which files become workflow artifacts: none, only a verified collect, or also an unverified one. */
  artifact: ArtifactMode;
  /** Whether `artifact` was given explicitly (the CLI has no artifact service; the default then means none). */
  artifactExplicit: boolean;
  retentionDays: number | undefined;
  artifactBudgetBytes: number;
  /** Seconds a pull waits on a silent box before giving up. */
  stallTimeoutS: number;
}

export const ARTIFACT_MODES = ['none', 'verified', 'all'] as const;
export type ArtifactMode = (typeof ARTIFACT_MODES)[number];
/** GitHub Free's included artifact storage (anchors §G.5); larger uploads get a warning with the numbers. */
export const DEFAULT_ARTIFACT_BUDGET = 500e6;

export function parseCollect(inputs: Inputs): CollectConfig {
  const dest = (inputs['dest-dir'] ?? '').trim();
  if (!dest) throw new InputError('dest-dir', 'is required: a directory on the runner for the checkpoints (on a self-hosted runner, your durable copy)');
  v.plainPath('dest-dir', dest);
  const roster = v.splitList(inputs['roster'] ?? '');
  for (const cell of roster)
    if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(cell)) throw new InputError('roster', `${v.show(cell)} is not a cell directory name`);
  const cells = v.splitList(inputs['cells'] ?? '');
  for (const cell of cells) if (!CELL_NAME.test(cell)) throw new InputError('cells', `${v.show(cell)} is not a cell name`);
  if (new Set(cells).size !== cells.length) throw new InputError('cells', 'names a cell twice');
  if (cells.length > CELLS_MAX) throw new InputError('cells', `names ${cells.length} cells; a sweep has at most ${CELLS_MAX}`);
  if (cells.length && roster.length)
    throw new InputError('cells', "a sweep's roster is its cells: give 'cells' (a sweep) or 'roster' (cell directories of one run), not both");
  // Each stream costs a core on each side (cipher + hash); more streams than runner cores only contend.
  const parallel = v.number('parallel', inputs['parallel'], Math.min(4, Math.max(2, availableParallelism())), 1, 32);
  if (!Number.isInteger(parallel)) throw new InputError('parallel', 'must be a whole number');
  return {
    runId: v.runId('run-id', inputs['run-id']),
    runRoot: v.remotePath('run-root', inputs['run-root'], DEFAULT_RUN_ROOT),
    destDir: dest,
    latestOnly: v.bool('latest-only', inputs['latest-only'], false),
    roster,
    cells,
    parallel,
    trustedLoadCommand: v.command('trusted-load-command', inputs['trusted-load-command'], false),
    artifact: v.oneOf('artifact', inputs['artifact'], ARTIFACT_MODES, 'verified'),
    artifactExplicit: (inputs['artifact'] ?? '').trim() !== '',
    retentionDays: retention(inputs['retention-days']),
    stallTimeoutS: stallTimeout(inputs['stall-timeout']),
    artifactBudgetBytes: v.size('artifact-budget', inputs['artifact-budget'], DEFAULT_ARTIFACT_BUDGET),
  };
}

/** 1–400 days (90 is the default cap; private repositories may allow up to 400); empty = the repository's setting. */
export function retention(raw: string | undefined): number | undefined {
  const d = (raw ?? '').trim();
  if (!d) return undefined;
  if (!/^[0-9]{1,3}$/.test(d) || Number(d) < 1 || Number(d) > 400)
    throw new InputError('retention-days', `${v.show(raw ?? '')} is not a whole number of days from 1 to 400`);
  return Number(d);
}

function stallTimeout(raw: string | undefined): number {
  const t = v.duration('stall-timeout', raw, 120) ?? 120;
  if (t < 2 || t > 86400) throw new InputError('stall-timeout', `${v.show(raw ?? '')} is outside 2s to 1d`);
  return t;
}
