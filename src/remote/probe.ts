import type { ConnectionConfig } from '../config/connection.ts';
import type { HostObservation, SeenRun } from '../record/observation.ts';
import { parseProbe } from './probe-parse.ts';
import { connect, type Session } from '../ssh/client.ts';
import type { Credential } from '../ssh/keys.ts';
import { parseJsonLine, runScript } from './invoke.ts';

/** One SSH connection, one probe.sh round trip for every run on the host, under an overall deadline. */
export async function probeHost(conn: ConnectionConfig, cred: Credential, runRoot: string, runs: SeenRun[], timeoutMs = 60_000): Promise<HostObservation> {
  const session = await connect({ ...conn, attempts: 1 }, cred);
  try {
    return await probeOn(session, runRoot, runs, timeoutMs);
  } finally {
    session.close();
  }
}

/** The probe on a connection already open (a follow keeps one per host). */
export async function probeOn(session: Session, runRoot: string, runs: SeenRun[], timeoutMs = 60_000): Promise<HostObservation> {
  const lines = runs.flatMap((r) => [
    `run ${r.id} ${r.attempt} ${r.offset}`,
    ...(r.cells ?? []).map((c) => `cell ${r.id} ${c.name} ${c.attempt} ${c.offset} ${c.final ? 1 : 0}`),
  ]);
  const data = lines.join('\n') + '\nend\n';
  // Per run at most ~98 KB of base64 log plus small fields; sweeps' cells ~28 KB each while they run (a
  // settled cell is a few hundred bytes), 16 MiB for all of them: more than this is not a probe's answer.
  const r = await runScript(session, 'probe', [runRoot], { data, timeoutMs, maxOutput: 64 * 1024 + runs.length * 128 * 1024 + 16 * 1024 * 1024 });
  return parseProbe(parseJsonLine('probe', r), runRoot);
}
