import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-W3K7IRFC.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-BLSR4DEB.js";
import "../chunks/chunk-XITV3AK2.js";
import "../chunks/chunk-H2ZLBUTX.js";
import "../chunks/chunk-2PIK5ED7.js";
import "../chunks/chunk-N6G2FICY.js";
import "../chunks/chunk-LIOEWVTJ.js";
import "../chunks/chunk-YEXZPDFE.js";
import "../chunks/chunk-6SQIXSAD.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-LHPKAICV.js";
import "../chunks/chunk-VTKWXHTO.js";
import "../chunks/chunk-E7PO24WD.js";
import "../chunks/chunk-QNBTBNZB.js";
import "../chunks/chunk-G27BO7ZT.js";
import "../chunks/chunk-G7BPTEQ6.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-6OY2DR7K.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-WD323GCQ.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/stop/main.ts
function run() {
  return runActionPhase(PHASES.stop);
}

// src/actions/stop/index.ts
await run();
