import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-AI7ECCVS.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-TVADWB5U.js";
import "../chunks/chunk-U55KAKSH.js";
import "../chunks/chunk-DNRFT5IX.js";
import "../chunks/chunk-6N4FRENJ.js";
import "../chunks/chunk-KBNEERWU.js";
import "../chunks/chunk-S5DYIYBY.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-SCJVTDPP.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-ZIHMGYKB.js";
import "../chunks/chunk-JVLHI33R.js";
import "../chunks/chunk-J2T5H5DO.js";
import "../chunks/chunk-LQ42SQBH.js";
import "../chunks/chunk-356XD6MB.js";
import "../chunks/chunk-Y35QWPYV.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/chatops/main.ts
function run() {
  return runActionPhase(PHASES.chatops);
}

// src/actions/chatops/index.ts
await run();
