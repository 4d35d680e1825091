import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
} from "./chunk-RRY5ZHCL.js";
import "./chunk-CRCUETVT.js";
import "./chunk-KVLL6EXG.js";
import "./chunk-CBGH3CFU.js";
import "./chunk-U6YV35CK.js";
import "./chunk-YHYEFN6U.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-L5FHM4FN.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
};
