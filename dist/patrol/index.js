import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-6KVTQ4R5.js";
import "../chunks/chunk-DE5NC3GP.js";
import "../chunks/chunk-GQG57MKC.js";
import "../chunks/chunk-JMKXPYYV.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-T3FRM4YI.js";
import "../chunks/chunk-YLWYNWZR.js";
import "../chunks/chunk-INNOZAD6.js";
import "../chunks/chunk-6WYEXZGS.js";
import "../chunks/chunk-FPBAUO6M.js";
import "../chunks/chunk-TZTO3P3G.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/patrol/main.ts
function run() {
  return runActionPhase(PHASES.patrol);
}

// src/actions/patrol/index.ts
await run();
