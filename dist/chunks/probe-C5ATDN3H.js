import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  probeHost,
  probeOn
} from "./chunk-XNYDBDTT.js";
import "./chunk-HP7AN6JU.js";
import "./chunk-H57H7UT2.js";
import "./chunk-B4PP3MV7.js";
import "./chunk-6XQBKNGP.js";
import "./chunk-UOK4MJ4T.js";
import "./chunk-JVLHI33R.js";
import "./chunk-R52NVVCN.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  probeHost,
  probeOn
};
