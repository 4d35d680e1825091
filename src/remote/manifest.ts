import { decideListing, parseBoxFiles, type BoxFiles, type ListingRequest } from '../record/listing.ts';
import { manifestFromListing, type Listing, type Manifest } from '../record/manifest.ts';
import { BoxDataError } from '../record/strict.ts';
import type { Session } from '../ssh/client.ts';
import { groups } from '../util/groups.ts';
import { dataLines, parseJsonLine, runScript } from './invoke.ts';

export type { ListingRequest };

/**
 * Lists the run's checkpoint files on the box (manifest.sh: names, sizes, exact mtimes; nothing read or
 * written), then decides here what was asked for (cells, roster, latest-only): collect's first step.
 */
export async function listFiles(session: Session, runRoot: string, runId: string, req: ListingRequest): Promise<Listing> {
  return decideListing(await listBoxFiles(session, runRoot, runId, req), req);
}

/** What manifest.sh found on the box, before anything is decided: every file the run's globs match (teardown's check of an uncollected node). */
export async function listBoxFiles(session: Session, runRoot: string, runId: string, req: Pick<ListingRequest, 'cells' | 'latestOnly'>): Promise<BoxFiles> {
  const data = dataLines(req.cells.length ? { cells: req.cells.join('\n') } : {});
  const r = await runScript(session, 'manifest', [runRoot, runId, req.latestOnly ? '1' : '0'], { data, timeoutMs: 600_000, maxOutput: 64 << 20 });
  return parseBoxFiles(parseJsonLine('manifest', r), runId);
}

const SENT = /^tether-(sent|changed|refused) ?([0-9]*) ?(.{0,300})$/;

/**
 * The box's manifest of the run now (teardown's comparison with the proof): the listing as collect would
 * take it, every file then hashed on the box by send.sh asked for none of its bytes (so the one reader that
 * hashes is the one collect uses), in up to 4 channels at once. A file that moved while it was hashed is a
 * BoxDataError naming it: teardown refuses on it.
 */
export async function rebuildManifest(session: Session, runRoot: string, runId: string, cells: string[]): Promise<{ manifest: Manifest; text: string }> {
  const listing = await listFiles(session, runRoot, runId, { latestOnly: false, roster: [], cells });
  const sha = new Map<string, string>();
  await Promise.all(
    groups(listing.files, 4).map(async (group) => {
      const files = group.map((f) => `${f.bytes} ${f.bytes} ${f.mtime} ${f.path}`).join('\n');
      const r = await runScript(session, 'send', [], { data: dataLines({ workdir: listing.workdir, files }), timeoutMs: 3_600_000, maxOutput: 16 << 20 });
      if (r.truncated) throw new BoxDataError('send.sh printed more than its output bound while hashing');
      if (r.stdout.length) throw new BoxDataError('send.sh sent bytes it was not asked for while hashing');
      for (const line of r.stderr.split('\n')) {
        const m = SENT.exec(line);
        if (!m) continue;
        const f = group[Number(m[2])];
        if (m[1] === 'refused') throw new BoxDataError(`the box refused to hash the files: ${(m[3] ?? '').replace(/[^\x20-\x7e]/g, '?')}`);
        if (!f) continue;
        if (m[1] === 'changed') throw new BoxDataError(`${f.path} changed on the box while it was hashed (${(m[3] ?? '').replace(/[^\x20-\x7e]/g, '?')})`);
        if (/^[0-9a-f]{64}$/.test(m[3] ?? '')) sha.set(f.path, m[3] as string);
      }
      const missing = group.find((f) => !sha.has(f.path));
      if (missing) throw new BoxDataError(`the box did not hash ${missing.path} (send.sh exit ${r.code ?? r.signal})`);
    }),
  );
  return manifestFromListing(listing, sha);
}
