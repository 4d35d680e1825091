import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  lookAtRun,
  rebuildManifest,
  stateOfLook
} from "./chunk-T2Y6MVLQ.js";
import {
  checkHostKey,
  checkRebuilt
} from "./chunk-F6D7OO2Z.js";
import {
  openPinned
} from "./chunk-6V3LMIJC.js";
import {
  probeOn
} from "./chunk-X5TEVKNF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";

// src/teardown/look-box.ts
async function lookAtBox(cfg, conn, proof, reporter, now, notes, unlooked) {
  try {
    const { session } = await openPinned({ conn, cred: loadCredential(conn.key) }, reporter, { attempts: 1 });
    try {
      const otherBox = proof && checkHostKey(proof.verified, session.hostFingerprint);
      if (otherBox) return { refused: otherBox };
      const at = now();
      const look = await lookAtRun(cfg.runId, (runs) => probeOn(session, cfg.runRoot, runs), at);
      const seen = look.kind === "blind" ? { kind: "not-seen", why: look.detail } : { kind: "seen", state: stateOfLook(look, at) };
      if (proof) {
        const { manifest } = await rebuildManifest(session, cfg.runRoot, cfg.runId, proof.manifest.cells ?? []);
        const changed = checkRebuilt(proof.manifest, manifest);
        if (changed)
          return { refused: changed, run: seen.kind === "seen" ? { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` } : unlooked };
        notes.push(`the box still answers: its ${manifest.file_count} checkpoint files are exactly the verified ones`);
      }
      return { seen };
    } finally {
      session.close();
    }
  } catch (err) {
    if (!(err instanceof TransportError) || err.kind === "host_key_mismatch" || err.kind === "auth_failed")
      return { refused: `could not look at the run on the box: ${err.message}` };
    if (proof) notes.push(`the box does not answer (${err.kind}); relying on VERIFIED.json from ${proof.verified.verified_at}`);
    return { seen: { kind: "not-seen", why: `the box does not answer: ${err.kind}` } };
  }
}

export {
  lookAtBox
};
