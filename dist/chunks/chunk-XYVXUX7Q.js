import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/follow/schedule.ts
function idle() {
  return { lastAt: null, pending: false };
}
function dueAt(c, debounceMs, refreshMs) {
  if (c.lastAt === null) return 0;
  return c.pending ? c.lastAt + debounceMs : c.lastAt + refreshMs;
}
function plan(clocks, now, debounceMs, refreshMs) {
  const due = [];
  let next = Infinity;
  for (const [host, c] of clocks) {
    const at = dueAt(c, debounceMs, refreshMs);
    if (at <= now) due.push(host);
    else next = Math.min(next, at);
  }
  return { due, waitMs: due.length ? 0 : Math.max(0, Math.min(next - now, refreshMs)) };
}
function worthWriting(prevShown, shown, lastWriteAt, now, quietMs) {
  return prevShown !== shown || lastWriteAt === null || now - lastWriteAt >= quietMs;
}
var STEADY_MS = 3e4;
function reconnect(failures, livedMs, [firstMs, maxMs]) {
  const n = (livedMs !== null && livedMs >= STEADY_MS ? 0 : failures) + 1;
  return { failures: n, waitMs: Math.min(maxMs, firstMs * 2 ** Math.min(n - 1, 10)) };
}

export {
  idle,
  plan,
  worthWriting,
  reconnect
};
