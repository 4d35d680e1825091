import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-6KIT52FT.js";
import "../chunks/chunk-XEMQKCNU.js";
import "../chunks/chunk-KVJWKUR4.js";
import "../chunks/chunk-JMKXPYYV.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-2U5FTT2H.js";
import "../chunks/chunk-YLWYNWZR.js";
import "../chunks/chunk-3SJ4V5W3.js";
import "../chunks/chunk-U7F4KCTF.js";
import "../chunks/chunk-2QZZ7MPP.js";
import "../chunks/chunk-IG6J6XRG.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/audit/main.ts
function run() {
  return runActionPhase(PHASES.audit);
}

// src/actions/audit/index.ts
await run();
