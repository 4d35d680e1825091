import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-DFFM5DXN.js";
import "../chunks/chunk-NR3KDOTO.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-NFKG6743.js";
import "../chunks/chunk-JHDWKTMW.js";
import "../chunks/chunk-TOAYWW2B.js";
import "../chunks/chunk-EYO7VGRC.js";
import "../chunks/chunk-KWAWNAWO.js";
import "../chunks/chunk-G3PBINO7.js";
import "../chunks/chunk-PDDLEZQQ.js";
import "../chunks/chunk-SBVQIZR7.js";
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

// src/actions/audit/main.ts
function run() {
  return runActionPhase(PHASES.audit);
}

// src/actions/audit/index.ts
await run();
