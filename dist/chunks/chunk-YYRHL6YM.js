import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/mac.ts
import { createHmac, timingSafeEqual } from "node:crypto";
function mac(key, label, data) {
  return createHmac("sha256", key).update(`${label}\0`).update(data).digest("hex");
}
function macOk(key, label, data, tag) {
  const want = Buffer.from(mac(key, label, data), "hex");
  const got = /^[0-9a-f]{64}$/.test(tag) ? Buffer.from(tag, "hex") : Buffer.alloc(0);
  return got.length === want.length && timingSafeEqual(got, want);
}

export {
  mac,
  macOk
};
