import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  REFUSAL_WINDOW_MS,
  chatopsPhase,
  parseChatOps
} from "./chunk-MEC5OE5W.js";
import "./chunk-6J4WSDWD.js";
import "./chunk-XZHXGFI5.js";
import "./chunk-GJYV4XMR.js";
import "./chunk-Z52J2UM4.js";
import "./chunk-QQLEJVPE.js";
import "./chunk-XSXAROAL.js";
import "./chunk-75KHDEEE.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-R3K6G2KB.js";
export {
  REFUSAL_WINDOW_MS,
  chatopsPhase,
  parseChatOps
};
