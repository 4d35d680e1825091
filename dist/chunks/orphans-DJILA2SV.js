import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  describeConfirmed,
  describeTwice,
  findOrphans
} from "./chunk-KKGS4ANM.js";
import "./chunk-PFQFTWQV.js";
import "./chunk-U6D75MKF.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-GAYRDAJD.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  describeConfirmed,
  describeTwice,
  findOrphans
};
