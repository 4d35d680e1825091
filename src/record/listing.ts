/**
 * What manifest.sh lists of a run's checkpoints on the box (`tether.box-files/v1`: names, sizes, exact
 * mtimes, a sweep's cell markers; no decision), read strictly, and the decisions made from it here, not in
 * bash: which cells are asked for and finished, the roster, the latest file, and every refusal of those.
 * Collect pulls the decided listing; teardown hashes it to compare with the proof. Pure.
 */
import { CELLS_MAX, MANIFEST_FILES_MAX, PATH_MAX } from './contract.ts';
import { ATTEMPT_MAX, CELL_NAME } from './grammar.ts';
import { LISTING_SCHEMA, parseListing, type Listing } from './manifest.ts';
import { arr, bool, BoxDataError, int, obj, str } from './strict.ts';

export const BOX_FILES_SCHEMA = 'tether.box-files/v1';

export interface BoxCell {
  name: string;
  /** False for a cell that was not asked for (its markers and files were not read). */
  listed: boolean;
  done: boolean;
  failed: boolean;
  attempt: number;
  globs: string[];
}

export interface BoxFile {
  path: string;
  bytes: number;
  /** As `stat -c %.9Y` printed it. */
  mtime: string;
  /** A sweep's file: every listed cell whose globs matched it, in the cells' order. */
  cells: string[];
  /** Whether its size and mtime held across one second (asked for a latest-only listing; else null). */
  still: boolean | null;
}

export interface BoxFiles {
  run_id: string;
  attempt: number;
  created_at: string;
  workdir: string;
  globs: string[];
  /** A sweep's cells in cells.list order; null for a plain run. */
  cells: BoxCell[] | null;
  files: BoxFile[];
  skipped_symlinks: { count: number; names: string[] };
}

/** What was asked of the listing: collect's inputs (teardown: every file of the proof's cells). */
export interface ListingRequest {
  latestOnly: boolean;
  roster: string[];
  cells: string[];
}

/** The run's files cannot be taken as asked (named cells, the roster, nothing settled): said to the user as is. */
export class ListingRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListingRefused';
  }
}

const GLOB = { max: 4096, pattern: /^[^\u0000-\u001f]+$/ };

/** manifest.sh's answer, field by field; an `{error}` (a refusal made on the box: no record, no workdir, an unsafe name) is a BoxDataError. */
export function parseBoxFiles(raw: unknown, runId: string): BoxFiles {
  const m = obj(raw, 'listing');
  if (typeof m['error'] === 'string') throw new BoxDataError(`manifest refused on the box: ${m['error'].slice(0, 500)}`);
  if (m['schema'] !== BOX_FILES_SCHEMA)
    throw new BoxDataError(`listing schema is ${JSON.stringify(String(m['schema']).slice(0, 64))}, expected ${BOX_FILES_SCHEMA}: refusing an unknown version`);
  if (m['run_id'] !== runId) throw new BoxDataError(`listing is for run ${JSON.stringify(String(m['run_id']).slice(0, 64))}, not ${runId}`);
  const globs = arr(m, 'globs', 'listing', 256).map((g, i) => str({ g }, 'g', `listing.globs[${i}]`, GLOB));
  const cells =
    m['cells'] === null
      ? null
      : arr(m, 'cells', 'listing', CELLS_MAX).map((x, i): BoxCell => {
          const w = `listing.cells[${i}]`;
          const c = obj(x, w);
          const name = str(c, 'name', w, { max: 64, pattern: CELL_NAME });
          if (!bool(c, 'listed', w)) return { name, listed: false, done: false, failed: false, attempt: 0, globs: [] };
          return {
            name,
            listed: true,
            done: bool(c, 'done', w),
            failed: bool(c, 'failed', w),
            attempt: int(c, 'attempt', w, { min: 0, max: ATTEMPT_MAX }),
            globs: arr(c, 'globs', w, 256).map((g, k) => str({ g }, 'g', `${w}.globs[${k}]`, GLOB)),
          };
        });
  if (cells && new Set(cells.map((c) => c.name)).size !== cells.length) throw new BoxDataError('listing lists a cell twice');
  const listedCells = new Set((cells ?? []).filter((c) => c.listed).map((c) => c.name));
  const files = arr(m, 'files', 'listing', MANIFEST_FILES_MAX).map((x, i): BoxFile => {
    const w = `listing.files[${i}]`;
    const f = obj(x, w);
    // The path's own checks (safe, not a record name, once) are the listing's, below, as a manifest's are.
    const path = str(f, 'path', w, { max: PATH_MAX });
    const of =
      f['cells'] === undefined ? [] : arr(f, 'cells', w, CELLS_MAX).map((c, k) => str({ c }, 'c', `${w}.cells[${k}]`, { max: 64, pattern: CELL_NAME }));
    if (!cells && of.length) throw new BoxDataError(`listing tags ${path} with a cell, but the run is not a sweep`);
    if (cells && of.length === 0) throw new BoxDataError(`listing has ${path} in a sweep without a cell`);
    for (const c of of) if (!listedCells.has(c)) throw new BoxDataError(`listing tags ${path} with cell ${c}, which it did not list`);
    return {
      path,
      bytes: int(f, 'bytes', w),
      mtime: str(f, 'mtime', w, { max: 24, pattern: /^[0-9]{1,12}\.[0-9]{9}$/ }),
      cells: of,
      still: f['still'] === undefined ? null : bool(f, 'still', w),
    };
  });
  const l = obj(m['skipped_symlinks'], 'listing.skipped_symlinks');
  const workdir = str(m, 'workdir', 'listing', { max: 4096 });
  if (!workdir.startsWith('/')) throw new BoxDataError('listing has no absolute workdir');
  return {
    run_id: runId,
    attempt: int(m, 'attempt', 'listing', { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, 'created_at', 'listing', { max: 64 }),
    workdir,
    globs,
    cells,
    files,
    skipped_symlinks: {
      count: int(l, 'count', 'listing.skipped_symlinks', { max: MANIFEST_FILES_MAX * 10 }),
      names: arr(l, 'names', 'listing.skipped_symlinks', 5).map((n, i) =>
        str({ n }, 'n', `listing.skipped_symlinks.names[${i}]`, { max: 200, pattern: /^[A-Za-z0-9_./-]{1,200}$/ }),
      ),
    },
  };
}

const list = (xs: string[]) => xs.join(', ');

/** The cells asked for (all of them when none is named), each known and, unless latest-only, finished. */
function askedCells(box: BoxFiles, cells: BoxCell[], req: ListingRequest): BoxCell[] {
  if (req.roster.length) throw new ListingRefused(`run ${box.run_id} is a sweep: its roster is its cells (use 'cells' to collect some of them, not 'roster')`);
  const byName = new Map(cells.map((c) => [c.name, c]));
  const want = req.cells.length
    ? req.cells.map((n) => {
        const c = byName.get(n);
        if (!c?.listed) throw new ListingRefused(`run ${box.run_id} has no cell '${n}'`);
        return c;
      })
    : cells;
  if (!want.length) throw new ListingRefused(`run ${box.run_id} lists no cells`);
  if (!req.latestOnly) {
    const bad = want.filter((c) => !c.done).map((c) => `${c.name} (${c.attempt === 0 ? 'never started' : c.failed ? 'failed' : 'running'})`);
    if (bad.length) throw new ListingRefused(`cells not finished: ${list(bad)}; collect the finished ones with 'cells', or wait`);
  }
  return want;
}

/** The cells under the first glob's static prefix (`results/*\/x.pt` → results/<cell>) must be the roster exactly. */
function checkRoster(box: BoxFiles, files: BoxFile[], roster: string[]): void {
  const first = box.globs[0] ?? '';
  let base = '';
  for (const part of first.split('/')) {
    if (/[*?[]/.test(part)) break;
    base += `${part}/`;
  }
  const found = [
    ...new Set(
      files
        .map((f) => (f.path.startsWith(base) ? f.path.slice(base.length) : f.path))
        .filter((p) => p.includes('/'))
        .map((p) => p.slice(0, p.indexOf('/'))),
    ),
  ].sort();
  const want = [...new Set(roster.filter(Boolean))].sort();
  if (found.join('\n') !== want.join('\n')) throw new ListingRefused(`roster mismatch: expected [${want.join(',')}], found [${found.join(',')}]`);
}

/** The newest of `files` (by exact mtime) that held still, or null. */
function newestStill(files: BoxFile[]): BoxFile | null {
  const byAge = [...files].sort((a, b) =>
    a.mtime.length !== b.mtime.length ? b.mtime.length - a.mtime.length : a.mtime < b.mtime ? 1 : a.mtime > b.mtime ? -1 : 0,
  );
  return byAge.find((f) => f.still === true) ?? null;
}

/**
 * The listing collect pulls (and teardown hashes): the files of the run, or of the cells asked for (each file
 * with the first asked cell that matched it), checked against the roster, cut to the newest still file (per
 * cell) when latest-only; then validated exactly as the box's listing always was (parseListing).
 */
export function decideListing(box: BoxFiles, req: ListingRequest): Listing {
  let files: Array<BoxFile & { cell?: string }>;
  let cells: string[] | undefined;
  if (box.cells) {
    const want = askedCells(box, box.cells, req);
    const names = want.map((c) => c.name);
    files = box.files.filter((f) => f.cells.some((c) => names.includes(c))).map((f) => ({ ...f, cell: names.find((n) => f.cells.includes(n)) as string }));
    const empty = names.filter((n) => !box.files.some((f) => f.cells.includes(n)));
    if (empty.length) throw new ListingRefused(`no checkpoint files for cell(s): ${list(empty)}`);
    cells = names;
  } else {
    if (req.cells.length) throw new ListingRefused(`run ${box.run_id} is not a sweep; 'cells' is for sweeps`);
    files = box.files;
  }
  if (!files.length) {
    const links = box.skipped_symlinks.count ? `; ${box.skipped_symlinks.count} symlink(s) matched and were skipped (never followed)` : '';
    throw new ListingRefused(
      `no-checkpoints: no file in ${box.workdir} matches the run's checkpoint globs (${list(box.globs)}): check the launch input 'checkpoints' against where the job saves${links}`,
    );
  }
  if (req.roster.length) checkRoster(box, files, req.roster);
  if (req.latestOnly) {
    if (files.some((f) => f.still === null)) throw new BoxDataError('a latest-only listing did not say which files held still');
    if (cells) {
      files = cells.map((c) => {
        const f = newestStill(files.filter((x) => x.cell === c));
        if (!f) throw new ListingRefused(`every checkpoint of cell ${c} is still being written; try again`);
        return f;
      });
    } else {
      const f = newestStill(files);
      if (!f) throw new ListingRefused('every checkpoint is still being written; try again');
      files = [f];
    }
  }
  return parseListing(
    {
      schema: LISTING_SCHEMA,
      run_id: box.run_id,
      attempt: box.attempt,
      ...(cells ? { cells: [...cells].sort() } : {}),
      created_at: box.created_at,
      files: files.map((f) => ({ bytes: f.bytes, ...(f.cell !== undefined ? { cell: f.cell } : {}), mtime: f.mtime, path: f.path })),
      latest_only: req.latestOnly,
      skipped_symlinks: box.skipped_symlinks,
      workdir: box.workdir,
    },
    box.run_id,
  );
}
