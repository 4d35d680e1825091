import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-UWN6FDRB.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-JAHTBINV.js";
import "../chunks/chunk-6IEVKDGH.js";
import "../chunks/chunk-X42YCZB7.js";
import "../chunks/chunk-D7EJ2PHA.js";
import "../chunks/chunk-2SIWTSD5.js";
import "../chunks/chunk-FE6J5APQ.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-IIBCFU4P.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-WZUORG3J.js";
import "../chunks/chunk-JVLHI33R.js";
import "../chunks/chunk-J2T5H5DO.js";
import "../chunks/chunk-QSTG6HKX.js";
import "../chunks/chunk-356XD6MB.js";
import "../chunks/chunk-4U2G3ZMM.js";
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
