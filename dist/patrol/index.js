import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-THNAVF6N.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-LQ5ROLPM.js";
import "../chunks/chunk-ZACZCL4Q.js";
import "../chunks/chunk-2Y6JV2H5.js";
import "../chunks/chunk-IURFQPFU.js";
import "../chunks/chunk-NLIR2G2V.js";
import "../chunks/chunk-TN5GORXK.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-2CMLSQTK.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-G5GSXDJI.js";
import "../chunks/chunk-JVLHI33R.js";
import "../chunks/chunk-OPI6I6ZJ.js";
import "../chunks/chunk-356XD6MB.js";
import "../chunks/chunk-VEKMV7GC.js";
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
