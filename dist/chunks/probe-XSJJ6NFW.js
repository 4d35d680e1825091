import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  probeHost,
  probeOn
} from "./chunk-GV4XGNIU.js";
import "./chunk-7WQ2WKMO.js";
import "./chunk-UC6YQFTH.js";
import "./chunk-H57H7UT2.js";
import "./chunk-JVLHI33R.js";
import "./chunk-7MNXD2ZJ.js";
import "./chunk-EIRDXYTK.js";
import "./chunk-QQLEJVPE.js";
import "./chunk-XSXAROAL.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-75KHDEEE.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-UWHVA42A.js";
import "./chunk-R3K6G2KB.js";
export {
  probeHost,
  probeOn
};
