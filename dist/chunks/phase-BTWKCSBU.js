import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  provisionPhase
} from "./chunk-7MXOWCNZ.js";
import "./chunk-NMK2FPDO.js";
import "./chunk-V4MUZUKH.js";
import "./chunk-PFQFTWQV.js";
import "./chunk-6IC2V5YV.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-EATFAHHB.js";
import "./chunk-4U6B6A5Q.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-U6D75MKF.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  provisionPhase
};
