import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  registeredHosts,
  verifiedRegistration
} from "./chunk-7ZTFFDQ7.js";
import "./chunk-IRUQJGMC.js";
import "./chunk-UXJDJOFW.js";
import "./chunk-PDDLEZQQ.js";
import "./chunk-EIRDXYTK.js";
import "./chunk-QQLEJVPE.js";
import "./chunk-XSXAROAL.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-5X6WLO4A.js";
import "./chunk-75KHDEEE.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-UWHVA42A.js";
import "./chunk-R3K6G2KB.js";
export {
  registeredHosts,
  verifiedRegistration
};
