import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-Y3ZBRYND.js";
import "../chunks/chunk-RDW4N5E7.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-7PZS5DBW.js";
import "../chunks/chunk-JHDWKTMW.js";
import "../chunks/chunk-E2MPYYDO.js";
import "../chunks/chunk-I3Y4EOJH.js";
import "../chunks/chunk-7XDFRW46.js";
import "../chunks/chunk-ADSDY35L.js";
import "../chunks/chunk-UXUO6KSY.js";
import "../chunks/chunk-T7DGWZDY.js";
import "../chunks/chunk-XSXAROAL.js";
import "../chunks/chunk-5X6WLO4A.js";
import "../chunks/chunk-75KHDEEE.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/audit/main.ts
function run() {
  return runActionPhase(PHASES.audit);
}

// src/actions/audit/index.ts
await run();
