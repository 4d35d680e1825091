import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-MLLR6GT4.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-O4IC6ED4.js";
import "../chunks/chunk-FWHPFPNY.js";
import "../chunks/chunk-FPL3OPAT.js";
import "../chunks/chunk-DS4QQYF2.js";
import "../chunks/chunk-RRY5ZHCL.js";
import "../chunks/chunk-CRCUETVT.js";
import "../chunks/chunk-KVLL6EXG.js";
import "../chunks/chunk-CBGH3CFU.js";
import "../chunks/chunk-P7DJRZ5H.js";
import "../chunks/chunk-UH4VCSQP.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-U6YV35CK.js";
import "../chunks/chunk-YHYEFN6U.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-UCZRAAPS.js";
import "../chunks/chunk-4E63TUTL.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-L5FHM4FN.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/chatops/main.ts
function run() {
  return runActionPhase(PHASES.chatops);
}

// src/actions/chatops/index.ts
await run();
