import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  auditPhase,
  launchPhase
} from "./chunk-LCBUZDO4.js";
import "./chunk-QVFERXGS.js";
import "./chunk-XHWMEFXJ.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-L6NWVSRM.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-QUO5DVML.js";
import "./chunk-SRA6DY5S.js";
import "./chunk-7EM4F4UI.js";
import "./chunk-NV43GDDO.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-5JHUVUQF.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-TMKPMM4N.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  auditPhase,
  launchPhase
};
