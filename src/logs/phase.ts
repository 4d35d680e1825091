/**
 * `tether logs RUN`: a run's log through the same pinned connection as every phase, bounded (the last
 * `log-bytes`), read-only; with `tail`, new lines every 2 s until the run ends. The log is box text: the
 * reporter escapes it (a terminal loses its escape sequences; on GitHub it cannot act as a workflow command).
 */
import { StringDecoder } from 'node:string_decoder';
import type { LogsPhaseConfig } from '../config/logs.ts';
import type { PhaseContext } from '../ports/types.ts';
import { LOG_READ_MAX, readLog, type LogRead } from '../remote/logs.ts';
import { loadCredential } from '../ssh/keys.ts';
import { openPinned } from '../ssh/open.ts';

const POLL_MS = 2000;
/** A tail stops reading after this long whatever the run does (a self-hosted runner's job limit). */
const TAIL_MAX_MS = 5 * 86_400_000;

/** Whole lines of the log, decoded across reads (a character or a line split between two reads is kept for the next). */
class Lines {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  constructor(private readonly emit: (text: string) => void) {}
  push(b: Buffer): void {
    this.pending += this.decoder.write(b);
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return;
    this.emit(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut + 1);
  }
  flush(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }
}

export async function logsPhase(cfg: LogsPhaseConfig, ctx: PhaseContext): Promise<number> {
  const { reporter } = ctx;
  const { session } = await openPinned({ conn: cfg.conn, cred: loadCredential(cfg.conn.key) }, reporter);
  const runDir = `${cfg.runRoot}/${cfg.runId}`;
  const lines = new Lines((t) => (reporter.text ? reporter.text(t) : reporter.info(t)));
  try {
    let r: LogRead = await readLog(session, runDir, cfg.attempt, -1, cfg.bytes);
    reporter.output('attempt', String(r.attempt));
    reporter.output('size', String(r.size));
    reporter.info(
      r.from > 0
        ? `logs: attempt ${r.attempt} of ${cfg.runId}: its last ${r.bytes.length} of ${r.size} bytes (log-bytes says how many)`
        : `logs: attempt ${r.attempt} of ${cfg.runId}: ${r.size} bytes`,
    );
    lines.push(r.bytes);
    if (!cfg.tail) return 0;
    let offset = r.from + r.bytes.length;
    for (const end = Date.now() + TAIL_MAX_MS; Date.now() < end;) {
      if (r.ended && offset >= r.size) {
        lines.flush();
        reporter.info(`logs: attempt ${r.attempt} of ${cfg.runId} has ended; ${offset} bytes read`);
        return 0;
      }
      await new Promise((res) => setTimeout(res, POLL_MS));
      r = await readLog(session, runDir, r.attempt, offset, LOG_READ_MAX);
      if (r.size < offset) {
        lines.flush();
        reporter.warn(`logs: the log shrank from ${offset} to ${r.size} bytes (rewritten on the box); reading on from its new end`);
        offset = r.size;
        continue;
      }
      lines.push(r.bytes);
      offset = r.from + r.bytes.length;
    }
    reporter.info('logs: stopped reading after 5 days');
    return 0;
  } finally {
    lines.flush();
    session.close();
  }
}
