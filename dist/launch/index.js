import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-GIHRJQCD.js";
import "../chunks/chunk-NU54IGMU.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-3DOMAJ6O.js";
import "../chunks/chunk-JHDWKTMW.js";
import "../chunks/chunk-GMCALIDV.js";
import "../chunks/chunk-RTIPQEDD.js";
import "../chunks/chunk-A3AHLUYL.js";
import "../chunks/chunk-JKRAHGPR.js";
import "../chunks/chunk-PDDLEZQQ.js";
import "../chunks/chunk-CIX4MHOR.js";
import "../chunks/chunk-RRSSA76J.js";
import "../chunks/chunk-BHSIGIX6.js";
import "../chunks/chunk-GR6MAJTX.js";
import "../chunks/chunk-NXNO5ZZ5.js";
import "../chunks/chunk-XSXAROAL.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-5X6WLO4A.js";
import "../chunks/chunk-75KHDEEE.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/launch/main.ts
function run() {
  return runActionPhase(PHASES.launch);
}

// src/actions/launch/index.ts
await run();
