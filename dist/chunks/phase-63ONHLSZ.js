import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  provisionPhase
} from "./chunk-G7PG5R66.js";
import "./chunk-6J3DALMW.js";
import "./chunk-F76BA6GK.js";
import "./chunk-LQE3GQLK.js";
import "./chunk-X3XFAWJG.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-4A2GWDP5.js";
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
  provisionPhase
};
