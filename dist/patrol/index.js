import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-CW37DOVV.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-SJE4GZEL.js";
import "../chunks/chunk-FSXIQ3O6.js";
import "../chunks/chunk-CBT73HNZ.js";
import "../chunks/chunk-LK6MM33I.js";
import "../chunks/chunk-FDWRVPG2.js";
import "../chunks/chunk-U5UEGJKA.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-7D67HXM6.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-NQSADVXV.js";
import "../chunks/chunk-JVLHI33R.js";
import "../chunks/chunk-J2T5H5DO.js";
import "../chunks/chunk-OJJHAIZN.js";
import "../chunks/chunk-356XD6MB.js";
import "../chunks/chunk-IV4MSY6M.js";
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
