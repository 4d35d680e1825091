import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-AJXIECEN.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-4ZPH7WUM.js";
import "../chunks/chunk-F2LJVVBI.js";
import "../chunks/chunk-G6MZCFDC.js";
import "../chunks/chunk-RD63DBSG.js";
import "../chunks/chunk-KNYWTTPB.js";
import "../chunks/chunk-FDDE5PC7.js";
import "../chunks/chunk-A5LRLYZ7.js";
import "../chunks/chunk-C5LSTVYI.js";
import "../chunks/chunk-4EIO57CW.js";
import "../chunks/chunk-3A2X7C3T.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-SLBSTOQH.js";
import "../chunks/chunk-YL3WBD46.js";
import "../chunks/chunk-DAF6TSCP.js";
import "../chunks/chunk-TCXCDEHT.js";
import "../chunks/chunk-DHT7G7Q2.js";
import "../chunks/chunk-BJTWK57O.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-5YIYZ35O.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-Y2GZDFST.js";
import "../chunks/chunk-3ZXXC4EP.js";
import "../chunks/chunk-TVYL3LYN.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/chatops/main.ts
function run() {
  return runActionPhase(PHASES.chatops);
}

// src/actions/chatops/index.ts
await run();
