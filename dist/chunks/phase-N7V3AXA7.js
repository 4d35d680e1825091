import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  chatopsPhase,
  parseChatOps
} from "./chunk-A3LMKUG6.js";
import "./chunk-6J4WSDWD.js";
import "./chunk-LJZCHI4Z.js";
import "./chunk-ZLLNF332.js";
import "./chunk-5EVUKYYH.js";
import "./chunk-QQLEJVPE.js";
import "./chunk-XSXAROAL.js";
import "./chunk-75KHDEEE.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-R3K6G2KB.js";
export {
  chatopsPhase,
  parseChatOps
};
