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
} from "./chunk-5RTTKOP3.js";
import "./chunk-EATFAHHB.js";
import "./chunk-D4LSXUI5.js";
import "./chunk-4U6B6A5Q.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-U6D75MKF.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-FHK73RDK.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedProvisioned,
  verifiedRegistration
};
