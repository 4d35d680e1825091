import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  provisionPhase
} from "./chunk-IGZV7AKG.js";
import "./chunk-7C3PZU5D.js";
import "./chunk-KNYWTTPB.js";
import "./chunk-FDDE5PC7.js";
import "./chunk-3A2X7C3T.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-YL3WBD46.js";
import "./chunk-TCXCDEHT.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-BJTWK57O.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-5YIYZ35O.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-TVYL3LYN.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  provisionPhase
};
