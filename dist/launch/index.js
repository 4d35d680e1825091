import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  PHASES,
  runActionPhase
} from "../chunks/chunk-XWZR3622.js";
import "../chunks/chunk-LHH7UFVJ.js";
import "../chunks/chunk-PWDKICJE.js";
import "../chunks/chunk-MEC5OE5W.js";
import "../chunks/chunk-6J4WSDWD.js";
import "../chunks/chunk-QVGQYR5O.js";
import "../chunks/chunk-XZHXGFI5.js";
import "../chunks/chunk-GJYV4XMR.js";
import "../chunks/chunk-Z52J2UM4.js";
import "../chunks/chunk-7MNXD2ZJ.js";
import "../chunks/chunk-7ZTFFDQ7.js";
import "../chunks/chunk-IRUQJGMC.js";
import "../chunks/chunk-UXJDJOFW.js";
import "../chunks/chunk-PDDLEZQQ.js";
import "../chunks/chunk-EIRDXYTK.js";
import "../chunks/chunk-QQLEJVPE.js";
import "../chunks/chunk-XSXAROAL.js";
import "../chunks/chunk-EPCPIVQ4.js";
import "../chunks/chunk-5X6WLO4A.js";
import "../chunks/chunk-75KHDEEE.js";
import "../chunks/chunk-3B7SBFZS.js";
import "../chunks/chunk-UWHVA42A.js";
import "../chunks/chunk-R3K6G2KB.js";

// src/actions/launch/main.ts
function run() {
  return runActionPhase(PHASES.launch);
}

// src/actions/launch/index.ts
await run();
