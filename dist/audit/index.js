import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-OOCQKRTD.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-GAOFMWYM.js";
import "../chunks/chunk-DDFBMNZI.js";
import "../chunks/chunk-CH46JESU.js";
import "../chunks/chunk-OIXJY5AZ.js";
import "../chunks/chunk-F76BA6GK.js";
import "../chunks/chunk-LQE3GQLK.js";
import "../chunks/chunk-LISGVXPC.js";
import "../chunks/chunk-X3XFAWJG.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-7H6O37LU.js";
import "../chunks/chunk-4A2GWDP5.js";
import "../chunks/chunk-QUO5DVML.js";
import "../chunks/chunk-SRA6DY5S.js";
import "../chunks/chunk-7EM4F4UI.js";
import "../chunks/chunk-NV43GDDO.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-5JHUVUQF.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-TMKPMM4N.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/audit/main.ts
function run() {
  return runActionPhase(PHASES.audit);
}

// src/actions/audit/index.ts
await run();
