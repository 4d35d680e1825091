import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-IPWYN2AN.js";
import "../chunks/chunk-PH7IAEM6.js";
import "../chunks/chunk-J4JGH25V.js";
import "../chunks/chunk-MIKWZDZL.js";
import "../chunks/chunk-RXAKWHHF.js";
import "../chunks/chunk-3AFNX4JH.js";
import "../chunks/chunk-CCQEYRCH.js";
import "../chunks/chunk-LQUJYXPP.js";
import "../chunks/chunk-5FYVZV4Y.js";
import "../chunks/chunk-2RVYMC2G.js";
import "../chunks/chunk-3A2X7C3T.js";
import "../chunks/chunk-NMVVBMUM.js";
import "../chunks/chunk-GUI5WHLN.js";
import "../chunks/chunk-HXKSHWDY.js";
import "../chunks/chunk-5VLTQGDL.js";
import "../chunks/chunk-FOJTPIWC.js";
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

// src/actions/recover/main.ts
function run() {
  return runActionPhase(PHASES.recover);
}

// src/actions/recover/index.ts
await run();
