import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-45RFFBF2.js";
import "../chunks/chunk-GYBZ2CHN.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-6OYJ5OEK.js";
import "../chunks/chunk-G4OTA3QE.js";
import "../chunks/chunk-ZE2VK2AB.js";
import "../chunks/chunk-XEWP4ND2.js";
import "../chunks/chunk-TYTTAG5H.js";
import "../chunks/chunk-OZVI5RZM.js";
import "../chunks/chunk-TZTO3P3G.js";
import "../chunks/chunk-AFJSGZI6.js";
import "../chunks/chunk-IUTVNWSE.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/launch/main.ts
function run() {
  return runActionPhase(PHASES.launch);
}

// src/actions/launch/index.ts
await run();
