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
} from "./chunk-LHPKAICV.js";
import "./chunk-VTKWXHTO.js";
import "./chunk-E7PO24WD.js";
import "./chunk-QNBTBNZB.js";
import "./chunk-G27BO7ZT.js";
import "./chunk-G7BPTEQ6.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-WD323GCQ.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
};
