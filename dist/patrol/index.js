import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-QH2DJSNK.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-YML7N5WP.js";
import "../chunks/chunk-WUFY3L5A.js";
import "../chunks/chunk-4EFJHIUE.js";
import "../chunks/chunk-2ADWWBS6.js";
import "../chunks/chunk-QAZILDQF.js";
import "../chunks/chunk-H6LKDT6K.js";
import "../chunks/chunk-YBXAOFSY.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-JDFDE4ZB.js";
import "../chunks/chunk-B4PP3MV7.js";
import "../chunks/chunk-6XQBKNGP.js";
import "../chunks/chunk-UOK4MJ4T.js";
import "../chunks/chunk-JVLHI33R.js";
import "../chunks/chunk-R52NVVCN.js";
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
