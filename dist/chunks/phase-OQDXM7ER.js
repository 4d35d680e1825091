import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import {
  LOG_READ_MAX
} from "./chunk-JWNOOURD.js";
import "./chunk-JJDYANJU.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import {
  parseJsonLine,
  runScript
} from "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  bool,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/logs/phase.ts
import { StringDecoder } from "node:string_decoder";

// src/remote/logs.ts
function parseLogRead(raw, max) {
  const where = "logs.sh's result";
  const o = obj(raw, where);
  if ("error" in o) throw new BoxDataError(`logs: ${str(o, "message", where, { max: 600 })}`);
  const data = str(o, "data", where, { max: Math.ceil(max * 4 / 3) + 4, pattern: /^[A-Za-z0-9+/]*={0,2}$/ });
  const bytes = Buffer.from(data, "base64");
  const size = int(o, "size", where, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const from = int(o, "from", where, { min: 0, max: size });
  if (bytes.length > max || from + bytes.length > size)
    throw new BoxDataError(`logs: the box sent ${bytes.length} bytes from ${from} of a ${size}-byte log, more than asked`);
  return { attempt: int(o, "attempt", where, { min: 1, max: ATTEMPT_MAX }), size, from, bytes, ended: bool(o, "ended", where), alive: bool(o, "alive", where) };
}
async function readLog(session, runDir, attempt, offset, max) {
  const r = await runScript(session, "logs", [runDir, String(attempt), String(offset), String(max)], {
    timeoutMs: 6e4,
    maxOutput: Math.ceil(max * 4 / 3) + 4096
  });
  return parseLogRead(parseJsonLine("logs", r), max);
}

// src/logs/phase.ts
var POLL_MS = 2e3;
var TAIL_MAX_MS = 5 * 864e5;
var Lines = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  decoder = new StringDecoder("utf8");
  pending = "";
  push(b) {
    this.pending += this.decoder.write(b);
    const cut = this.pending.lastIndexOf("\n");
    if (cut < 0) return;
    this.emit(this.pending.slice(0, cut));
    this.pending = this.pending.slice(cut + 1);
  }
  flush() {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending);
    this.pending = "";
  }
};
async function logsPhase(cfg, ctx) {
  const { reporter } = ctx;
  const { session } = await openPinned({ conn: cfg.conn, cred: loadCredential(cfg.conn.key) }, reporter);
  const runDir = `${cfg.runRoot}/${cfg.runId}`;
  const lines = new Lines((t) => reporter.text ? reporter.text(t) : reporter.info(t));
  try {
    let r = await readLog(session, runDir, cfg.attempt, -1, cfg.bytes);
    reporter.output("attempt", String(r.attempt));
    reporter.output("size", String(r.size));
    reporter.info(
      r.from > 0 ? `logs: attempt ${r.attempt} of ${cfg.runId}: its last ${r.bytes.length} of ${r.size} bytes (log-bytes says how many)` : `logs: attempt ${r.attempt} of ${cfg.runId}: ${r.size} bytes`
    );
    lines.push(r.bytes);
    if (!cfg.tail) return 0;
    let offset = r.from + r.bytes.length;
    for (const end = Date.now() + TAIL_MAX_MS; Date.now() < end; ) {
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
    reporter.info("logs: stopped reading after 5 days");
    return 0;
  } finally {
    lines.flush();
    session.close();
  }
}
export {
  logsPhase
};
