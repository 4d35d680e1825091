import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-LIMEA6X3.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-VSGLFN6W.js";
import "../chunks/chunk-VLPWTH7L.js";
import "../chunks/chunk-MP3GR5CH.js";
import "../chunks/chunk-6HC5EO2D.js";
import "../chunks/chunk-Q7SGPJDP.js";
import "../chunks/chunk-B4N4UQG3.js";
import "../chunks/chunk-YBXAOFSY.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-TBRREONL.js";
import "../chunks/chunk-6GYWRMDF.js";
import "../chunks/chunk-T4D4UC6P.js";
import "../chunks/chunk-GJKECLQ2.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/patrol/main.ts
function run() {
  return runActionPhase(PHASES.patrol);
}

// src/actions/patrol/index.ts
await run();
