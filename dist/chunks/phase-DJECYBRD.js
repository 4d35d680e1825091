import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  auditPhase,
  launchPhase
} from "./chunk-TBQTCNRS.js";
import "./chunk-ZFPQ7UQN.js";
import "./chunk-RYUDDKPE.js";
import "./chunk-6HNMC4MM.js";
import "./chunk-OWBPA4XH.js";
import "./chunk-B5RLHREN.js";
import "./chunk-REKSNWLM.js";
import "./chunk-YAATTMFO.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-NCPTB3VZ.js";
import "./chunk-WNED74TN.js";
import "./chunk-DHT7G7Q2.js";
import "./chunk-Y5U57WVN.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-LQKPZATM.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-Y2GZDFST.js";
import "./chunk-3ZXXC4EP.js";
import "./chunk-SYALDCTE.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  auditPhase,
  launchPhase
};
