import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  provisionPhase
} from "./chunk-BYKJPZIT.js";
import "./chunk-RLNC7ZN3.js";
import "./chunk-PMYTZTBK.js";
import "./chunk-64JW2ZYO.js";
import "./chunk-FFXU52B2.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-DFN7BY5E.js";
import "./chunk-IT7PQAOE.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-GE6WDEAU.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-CXWRYNI3.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-H5LIQO3L.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  provisionPhase
};
