import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-2AU66I3D.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-JLRFH4MV.js";
import "../chunks/chunk-HTXDHT2O.js";
import "../chunks/chunk-TRCY2FQ3.js";
import "../chunks/chunk-VXP3NA5S.js";
import "../chunks/chunk-PMYTZTBK.js";
import "../chunks/chunk-64JW2ZYO.js";
import "../chunks/chunk-RCKD3XOR.js";
import "../chunks/chunk-JOV7PQOL.js";
import "../chunks/chunk-RMPFFKDZ.js";
import "../chunks/chunk-FFXU52B2.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-PGRFP7UR.js";
import "../chunks/chunk-DFN7BY5E.js";
import "../chunks/chunk-NXBWW6MH.js";
import "../chunks/chunk-IT7PQAOE.js";
import "../chunks/chunk-DHT7G7Q2.js";
import "../chunks/chunk-GE6WDEAU.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-CXWRYNI3.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-Y2GZDFST.js";
import "../chunks/chunk-3ZXXC4EP.js";
import "../chunks/chunk-H5LIQO3L.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/logs/main.ts
function run() {
  return runActionPhase(PHASES.logs);
}

// src/actions/logs/index.ts
await run();
