import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/dispatch.ts
function dispatchInputs(runId, requestedBy, where) {
  const inputs = { "run-id": runId, "requested-by": requestedBy };
  if (where) Object.assign(inputs, { host: where.host, port: String(where.port), "host-key-fingerprint": where.hostKeyFingerprint });
  if (where?.jump) Object.assign(inputs, { "jump-host": where.jump.address, "jump-host-key-fingerprint": where.jump.hostKeyFingerprint });
  if (where?.provider && where.instanceId) Object.assign(inputs, { provider: where.provider, "instance-id": where.instanceId });
  return inputs;
}

export {
  dispatchInputs
};
