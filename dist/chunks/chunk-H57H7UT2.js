import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/observation.ts
function emptyRun(id) {
  return {
    id,
    exists: false,
    attempt: 0,
    alive: false,
    pid: null,
    handle: null,
    jobOnBox: true,
    startedEpoch: null,
    exitCode: null,
    marker: null,
    heartbeatMtime: null,
    expectedDurationS: null,
    logSize: 0,
    logMtime: null,
    delta: "",
    deltaFrom: 0,
    tail: "",
    checkpoints: { count: 0, newest: null, newestMtime: null, newestBytes: null }
  };
}

export {
  emptyRun
};
