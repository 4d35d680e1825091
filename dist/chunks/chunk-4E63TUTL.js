import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/names.ts
var BACKEND_NAMES = ["tmux", "setsid", "slurm"];
var PROVIDER_NAMES = ["ssh", "command", "lambda", "runpod", "vastai", "aws", "paperspace", "autodl", "slurm"];
var VERBS = ["park", "destroy", "cancel"];
var INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

export {
  BACKEND_NAMES,
  PROVIDER_NAMES,
  VERBS,
  INSTANCE_ID
};
