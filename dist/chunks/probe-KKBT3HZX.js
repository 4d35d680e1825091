import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  probeHost,
  probeOn
} from "./chunk-X5TEVKNF.js";
import "./chunk-BNPK6FFL.js";
import "./chunk-H57H7UT2.js";
import "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  probeHost,
  probeOn
};
