import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-7O5GBZ4M.js";
import "../chunks/chunk-BFZTDEA3.js";
import "../chunks/chunk-GD7NZHVL.js";
import "../chunks/chunk-B4N4UQG3.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-RXRFUA5V.js";
import "../chunks/chunk-RE4QR6QO.js";
import "../chunks/chunk-KYBKV4AL.js";
import "../chunks/chunk-XSXAROAL.js";
import "../chunks/chunk-QNACZ3Y5.js";
import "../chunks/chunk-VHE5P3B7.js";
import "../chunks/chunk-LCZBWDJG.js";
import "../chunks/chunk-SEMMJJY4.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/patrol/main.ts
function run() {
  return runActionPhase(PHASES.patrol);
}

// src/actions/patrol/index.ts
await run();
