import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-5UT5XRCX.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-3DXTACMI.js";
import "../chunks/chunk-DYCU5SPG.js";
import "../chunks/chunk-ECWVTPTB.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/launch/main.ts
function run() {
  return runActionPhase(PHASES.launch);
}

// src/actions/launch/index.ts
await run();
