import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-T4SKOZOO.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-LK26I7RU.js";
import "../chunks/chunk-JWNOOURD.js";
import "../chunks/chunk-6BPONR2H.js";
import "../chunks/chunk-GNV6GGOU.js";
import "../chunks/chunk-V4MUZUKH.js";
import "../chunks/chunk-PFQFTWQV.js";
import "../chunks/chunk-NMJRNFZE.js";
import "../chunks/chunk-Y5HP5YFS.js";
import "../chunks/chunk-JJDYANJU.js";
import "../chunks/chunk-6IC2V5YV.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-5RTTKOP3.js";
import "../chunks/chunk-EATFAHHB.js";
import "../chunks/chunk-D4LSXUI5.js";
import "../chunks/chunk-4U6B6A5Q.js";
import "../chunks/chunk-DHT7G7Q2.js";
import "../chunks/chunk-U6D75MKF.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-GAYRDAJD.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-Y2GZDFST.js";
import "../chunks/chunk-3ZXXC4EP.js";
import "../chunks/chunk-FHK73RDK.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/stop/main.ts
function run() {
  return runActionPhase(PHASES.stop);
}

// src/actions/stop/index.ts
await run();
