import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  stopRun
} from "./chunk-OTLRCFSB.js";
import {
  connect
} from "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/stop/nodes.ts
var NODE_STOP_GRACE_S = 30;
async function stopNodes(targets, runId) {
  return Promise.all(
    targets.map(async (t) => {
      try {
        const session = await connect({ ...t.conn, attempts: 1 }, t.cred);
        try {
          const s = await stopRun(session, `${t.runRoot}/${runId}`, NODE_STOP_GRACE_S);
          if (!s.wasAlive) return { rank: t.rank, stopped: false, detail: `had already ended (attempt ${s.attempt})` };
          return s.alive ? { rank: t.rank, stopped: false, detail: `still runs after TERM and KILL: stop it by hand` } : { rank: t.rank, stopped: true, detail: `stopped (attempt ${s.attempt}${s.escalated ? ", KILL after the grace" : ""})` };
        } finally {
          session.close();
        }
      } catch (err) {
        return { rank: t.rank, stopped: false, detail: `could not be stopped (${err.message.slice(0, 200)})` };
      }
    })
  );
}
export {
  stopNodes
};
