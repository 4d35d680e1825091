import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  connect
} from "./chunk-GAYRDAJD.js";

// src/ssh/open.ts
async function openPinned(p, reporter, opts = {}) {
  const session = await connect(opts.attempts ? { ...p.conn, attempts: opts.attempts } : p.conn, p.cred);
  if (p.conn.pin.kind !== "accept-new") return { session };
  const hostKeyNote = `accept-new-host-key is on: the host key of ${p.conn.host}:${p.conn.port} was NOT checked. It is ${session.hostFingerprint}; pin it with host-key-fingerprint.`;
  reporter.warn(hostKeyNote);
  return { session, hostKeyNote };
}

export {
  openPinned
};
