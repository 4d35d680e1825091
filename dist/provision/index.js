import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-Q2OAUU52.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-PSBPMS7J.js";
import "../chunks/chunk-RXAKWHHF.js";
import "../chunks/chunk-AORHWGV6.js";
import "../chunks/chunk-A6MUPZWO.js";
import "../chunks/chunk-LQUJYXPP.js";
import "../chunks/chunk-MZQIMHNK.js";
import "../chunks/chunk-2RVYMC2G.js";
import "../chunks/chunk-3A2X7C3T.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-TNEBGXUW.js";
import "../chunks/chunk-QASOL2U5.js";
import "../chunks/chunk-5VLTQGDL.js";
import "../chunks/chunk-GG2JVZPM.js";
import "../chunks/chunk-ZEYL4QKI.js";
import "../chunks/chunk-BJTWK57O.js";
import "../chunks/chunk-C5X3PL2Z.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-K3DZ3EI6.js";
import "../chunks/chunk-GMQBEAIE.js";
import "../chunks/chunk-U6FX2S55.js";
import "../chunks/chunk-EB3SDZEE.js";
import "../chunks/chunk-UOEFC6VY.js";
import "../chunks/chunk-TVYL3LYN.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/provision/main.ts
function run() {
  return runActionPhase(PHASES.provision);
}

// src/actions/provision/index.ts
await run();
