import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/dispatch.ts
var nodeLine = (n) => `${n.user}@${n.host.includes(":") ? `[${n.host}]` : n.host}:${n.port} ${n.hostKeyFingerprint}${n.instanceId ? ` instance-id=${n.instanceId}` : ""}` + (/\s/.test(n.runRoot) ? "" : ` run-root=${n.runRoot}`);
function dispatchInputs(runId, requestedBy, where) {
  const inputs = { "run-id": runId, "requested-by": requestedBy };
  if (where?.nodes?.length) {
    inputs["nodes"] = where.nodes.map(nodeLine).join("\n");
    if (where.jump) Object.assign(inputs, { "jump-host": where.jump.address, "jump-host-key-fingerprint": where.jump.hostKeyFingerprint });
    if (where.provider) inputs["provider"] = where.provider;
    return inputs;
  }
  if (where) Object.assign(inputs, { host: where.host, port: String(where.port), "host-key-fingerprint": where.hostKeyFingerprint });
  if (where?.jump) Object.assign(inputs, { "jump-host": where.jump.address, "jump-host-key-fingerprint": where.jump.hostKeyFingerprint });
  if (where?.provider && where.instanceId) Object.assign(inputs, { provider: where.provider, "instance-id": where.instanceId });
  return inputs;
}

export {
  dispatchInputs
};
