import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  auditPhase,
  launchPhase
} from "./chunk-YSFEZQHR.js";
import "./chunk-T6O3CDSP.js";
import "./chunk-TNPW6QEE.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-KFGKGXAR.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-5VLTQGDL.js";
import "./chunk-FOJTPIWC.js";
import "./chunk-ZEYL4QKI.js";
import "./chunk-BJTWK57O.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-K3DZ3EI6.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-UOEFC6VY.js";
import "./chunk-TVYL3LYN.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  auditPhase,
  launchPhase
};
