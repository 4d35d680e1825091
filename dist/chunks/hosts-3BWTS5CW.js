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
} from "./chunk-7H6O37LU.js";
import "./chunk-4A2GWDP5.js";
import "./chunk-QUO5DVML.js";
import "./chunk-SRA6DY5S.js";
import "./chunk-7EM4F4UI.js";
import "./chunk-NV43GDDO.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-TMKPMM4N.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
};
