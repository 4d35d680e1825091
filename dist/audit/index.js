import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-OVJ4SCBH.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-OOFBLIKY.js";
import "../chunks/chunk-24IZYYAF.js";
import "../chunks/chunk-PEVD5T2B.js";
import "../chunks/chunk-DR4EG23G.js";
import "../chunks/chunk-DWVTGVDL.js";
import "../chunks/chunk-XVI6BGPG.js";
import "../chunks/chunk-REKSNWLM.js";
import "../chunks/chunk-YAATTMFO.js";
import "../chunks/chunk-D3OBCIDC.js";
import "../chunks/chunk-B44AY4NO.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-H4YRDYGL.js";
import "../chunks/chunk-MTUBNZTH.js";
import "../chunks/chunk-NCPTB3VZ.js";
import "../chunks/chunk-WNED74TN.js";
import "../chunks/chunk-DHT7G7Q2.js";
import "../chunks/chunk-Y5U57WVN.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-LQKPZATM.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-Y2GZDFST.js";
import "../chunks/chunk-3ZXXC4EP.js";
import "../chunks/chunk-SYALDCTE.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/audit/main.ts
function run() {
  return runActionPhase(PHASES.audit);
}

// src/actions/audit/index.ts
await run();
