import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  registeredHosts,
  verifiedRegistration
} from "./chunk-SJE4GZEL.js";
import "./chunk-FSXIQ3O6.js";
import "./chunk-CBT73HNZ.js";
import "./chunk-7D67HXM6.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-IV4MSY6M.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedRegistration
};
