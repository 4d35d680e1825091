import { parseListing, parseManifest, type Listing, type Manifest } from '../record/manifest.ts';
import type { Session } from '../ssh/client.ts';
import { dataLines, parseJsonLine, runScript } from './invoke.ts';

/** Builds (and writes) the run's manifest on the box; returns it with its exact text, whose sha256 VERIFIED.json records. */
export async function buildManifest(
  session: Session,
  runRoot: string,
  runId: string,
  opts: { latestOnly: boolean; roster: string[]; cells?: string[] },
): Promise<{ manifest: Manifest; text: string }> {
  const data = dataLines({
    ...(opts.roster.length ? { roster: opts.roster.join('\n') } : {}),
    ...(opts.cells?.length ? { cells: opts.cells.join('\n') } : {}),
  });
  const r = await runScript(session, 'manifest', [runRoot, runId, opts.latestOnly ? '1' : '0'], { data, timeoutMs: 3_600_000, maxOutput: 64 << 20 });
  const raw = parseJsonLine('manifest', r);
  const manifest = parseManifest(raw, runId);
  const text =
    r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .pop() ?? '';
  return { manifest, text: `${text}\n` };
}

/** Lists the run's checkpoint files on the box (names, sizes, mtimes; nothing read or written): collect's first step. */
export async function listFiles(
  session: Session,
  runRoot: string,
  runId: string,
  opts: { latestOnly: boolean; roster: string[]; cells?: string[] },
): Promise<Listing> {
  const data = dataLines({
    ...(opts.roster.length ? { roster: opts.roster.join('\n') } : {}),
    ...(opts.cells?.length ? { cells: opts.cells.join('\n') } : {}),
  });
  const r = await runScript(session, 'manifest', [runRoot, runId, opts.latestOnly ? '1' : '0', '0'], { data, timeoutMs: 600_000, maxOutput: 64 << 20 });
  return parseListing(parseJsonLine('manifest', r), runId);
}
