import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-N3P3H33R.js";
import "../chunks/chunk-KA5Z3KC2.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-A3LMKUG6.js";
import "../chunks/chunk-6J4WSDWD.js";
import "../chunks/chunk-LHANM7XK.js";
import "../chunks/chunk-LJZCHI4Z.js";
import "../chunks/chunk-ZLLNF332.js";
import "../chunks/chunk-5EVUKYYH.js";
import "../chunks/chunk-PDDLEZQQ.js";
import "../chunks/chunk-7MNXD2ZJ.js";
import "../chunks/chunk-IRUQJGMC.js";
import "../chunks/chunk-BHSIGIX6.js";
import "../chunks/chunk-EIRDXYTK.js";
import "../chunks/chunk-QQLEJVPE.js";
import "../chunks/chunk-XSXAROAL.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-5X6WLO4A.js";
import "../chunks/chunk-75KHDEEE.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/chatops/main.ts
function run() {
  return runActionPhase(PHASES.chatops);
}

// src/actions/chatops/index.ts
await run();
