import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  provisionPhase
} from "./chunk-J6QKLJ7E.js";
import "./chunk-O52SO6QH.js";
import "./chunk-N6G2FICY.js";
import "./chunk-LIOEWVTJ.js";
import "./chunk-6SQIXSAD.js";
import "./chunk-NMVVBMUM.js";
import "./chunk-VTKWXHTO.js";
import "./chunk-QNBTBNZB.js";
import "./chunk-G27BO7ZT.js";
import "./chunk-G7BPTEQ6.js";
import "./chunk-C5X3PL2Z.js";
import "./chunk-3B7SBFZS.js";
import "./chunk-6OY2DR7K.js";
import "./chunk-GMQBEAIE.js";
import "./chunk-U6FX2S55.js";
import "./chunk-EB3SDZEE.js";
import "./chunk-WD323GCQ.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";
export {
  provisionPhase
};
