import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/spec.ts
import { createHash } from "node:crypto";
function identity(cfg) {
  return createHash("sha256").update(`${cfg.command}\0${cfg.then ?? ""}\0${cfg.workdir}`).digest("hex");
}
function sortedJson(value) {
  const sort = (v) => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object")
      return Object.fromEntries(
        Object.keys(v).sort().map((k) => [k, sort(v[k])])
      );
    return v;
  };
  return JSON.stringify(sort(value));
}
function buildSpec(cfg, createdAt) {
  return sortedJson({
    schema: "tether.spec/v1",
    run_id: cfg.runId,
    command: cfg.command,
    then: cfg.then ?? null,
    workdir: cfg.workdir,
    env: cfg.env.map(([n]) => n),
    secrets: cfg.secretNames,
    checkpoints: cfg.checkpoints,
    expected_duration_s: cfg.expectedDurationS ?? null,
    commit: cfg.commit ?? null,
    backend: cfg.backend,
    created_at: createdAt.toISOString(),
    identity: identity(cfg)
  });
}
function specExpectedDuration(text) {
  try {
    const v = JSON.parse(text)?.expected_duration_s;
    return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export {
  identity,
  sortedJson,
  buildSpec,
  specExpectedDuration
};
