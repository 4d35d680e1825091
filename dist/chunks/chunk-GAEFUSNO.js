import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/util/pool.ts
async function eachLimit(items, limit, each) {
  let next = 0;
  let stopped = false;
  const stop = () => void (stopped = true);
  const worker = async () => {
    for (let i = next++; i < items.length && !stopped; i = next++) await each(items[i], i, stop);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export {
  eachLimit
};
