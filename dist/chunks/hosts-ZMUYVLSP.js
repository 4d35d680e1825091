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
} from "./chunk-GUI5WHLN.js";
import "./chunk-HXKSHWDY.js";
import "./chunk-5VLTQGDL.js";
import "./chunk-FOJTPIWC.js";
import "./chunk-ZEYL4QKI.js";
import "./chunk-BJTWK57O.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-UOEFC6VY.js";
import "./chunk-TVYL3LYN.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
};
