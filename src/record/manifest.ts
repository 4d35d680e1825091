import { ATTEMPT_MAX, CELL_NAME } from './grammar.ts';
import { arr, bool, BoxDataError, int, obj, str } from './strict.ts';

/** `tether.manifest/v1`: what the box says its checkpoints are; the one manifest schema end to end (runbook R59). Pure. */
export const MANIFEST_SCHEMA = 'tether.manifest/v1';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  /** A sweep's file: the cell whose globs matched it. */
  cell?: string;
}

export interface Manifest {
  schema: typeof MANIFEST_SCHEMA;
  run_id: string;
  attempt: number;
  created_at: string;
  latest_only: boolean;
  file_count: number;
  total_bytes: number;
  files: ManifestFile[];
  /** Absolute directory on the box the paths are relative to. */
  workdir: string;
  /** A sweep's manifest: the cells it covers (its roster), each with at least one file. */
  cells?: string[];
}

export const SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;
/** Names tether writes next to the pulled files: a box file may never be one of them (it could plant a proof). */
export const RECORD_NAME = /(^|\/)(verified\.json|manifest\.json)$|\.(part|tmp)$/i;
export const MANIFEST_FILES_MAX = 100_000;

/**
 * Validates a manifest from the box, field by field: unknown versions, unsafe, duplicate or record-named
 * paths, bad hashes and totals fail closed with a BoxDataError naming the problem.
 */
export function parseManifest(raw: unknown, runId: string): Manifest {
  const m = obj(raw, 'manifest');
  if (typeof m['error'] === 'string') throw new BoxDataError(`manifest refused on the box: ${m['error'].slice(0, 500)}`);
  if (m['schema'] !== MANIFEST_SCHEMA)
    throw new BoxDataError(`manifest schema is ${JSON.stringify(String(m['schema']).slice(0, 64))}, expected ${MANIFEST_SCHEMA}: refusing an unknown version`);
  if (m['run_id'] !== runId) throw new BoxDataError(`manifest is for run ${JSON.stringify(String(m['run_id']).slice(0, 64))}, not ${runId}`);
  const list = arr(m, 'files', 'manifest', MANIFEST_FILES_MAX);
  if (list.length === 0) throw new BoxDataError('manifest lists no files');
  const seen = new Set<string>();
  let total = 0;
  // A sweep's roster: cell names, each once; every file names one of them and every cell has a file (R42, R49).
  const cells =
    m['cells'] === undefined
      ? undefined
      : arr(m, 'cells', 'manifest', 512).map((c, i) => str({ c }, 'c', `manifest.cells[${i}]`, { max: 64, pattern: CELL_NAME }));
  if (cells && new Set(cells).size !== cells.length) throw new BoxDataError('manifest lists a cell twice');
  if (cells && cells.length === 0) throw new BoxDataError('manifest lists no cells');
  const files: ManifestFile[] = list.map((x, i) => {
    const f = obj(x, `manifest.files[${i}]`);
    const path = str(f, 'path', `manifest.files[${i}]`, { max: 4096 });
    if (!SAFE_PATH.test(path)) throw new BoxDataError(`manifest has an unsafe path ${JSON.stringify(path.slice(0, 200))}`);
    if (RECORD_NAME.test(path))
      throw new BoxDataError(
        `manifest lists ${path}, a name tether keeps for its own records (manifest.json, VERIFIED.json, .part, .tmp): rename the checkpoint on the box`,
      );
    if (seen.has(path)) throw new BoxDataError(`manifest lists ${path} twice`);
    seen.add(path);
    const bytes = f['bytes'];
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw new BoxDataError(`manifest size of ${path} is not a byte count`);
    const sha256 = f['sha256'];
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new BoxDataError(`manifest sha256 of ${path} is not a sha256`);
    total += bytes;
    if (!cells) {
      if (f['cell'] !== undefined) throw new BoxDataError(`manifest tags ${path} with a cell, but lists no cells`);
      return { path, bytes, sha256 };
    }
    const cell = str(f, 'cell', `manifest.files[${i}]`, { max: 64, pattern: CELL_NAME });
    if (!cells.includes(cell)) throw new BoxDataError(`manifest tags ${path} with cell ${cell}, which is not in its cells`);
    return { path, bytes, sha256, cell };
  });
  if (cells) {
    const empty = cells.filter((c) => !files.some((f) => f.cell === c));
    if (empty.length) throw new BoxDataError(`manifest lists no file for cell(s) ${empty.slice(0, 10).join(', ')}`);
  }
  const workdir = str(m, 'workdir', 'manifest', { max: 4096 });
  if (!workdir.startsWith('/')) throw new BoxDataError('manifest has no absolute workdir');
  if (m['file_count'] !== files.length || m['total_bytes'] !== total || !Number.isSafeInteger(total))
    throw new BoxDataError('manifest totals do not match its file list');
  return {
    schema: MANIFEST_SCHEMA,
    run_id: runId,
    attempt: int(m, 'attempt', 'manifest', { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, 'created_at', 'manifest', { max: 64 }),
    latest_only: bool(m, 'latest_only', 'manifest'),
    file_count: files.length,
    total_bytes: total,
    files,
    workdir,
    ...(cells ? { cells } : {}),
  };
}
