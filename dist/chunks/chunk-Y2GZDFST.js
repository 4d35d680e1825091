import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/spec.ts
import { createHash } from "node:crypto";
function cellGlobs(globs, cell) {
  return globs.map((g) => g.replace(/\{cell\}/g, cell));
}
function identity(cfg) {
  const h = createHash("sha256").update(`${cfg.command}\0${cfg.then ?? ""}\0${cfg.workdir}`);
  if (cfg.sweep) h.update(`\0cells\0${sortedJson({ cells: cfg.sweep.cells, gpus_per_cell: cfg.sweep.gpusPerCell })}`);
  if (cfg.slurm) h.update(`\0sbatch\0${cfg.slurm.sbatchOptions.join("\n")}`);
  return h.digest("hex");
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
    identity: identity(cfg),
    ...cfg.slurm ? { sbatch_options: cfg.slurm.sbatchOptions } : {},
    ...cfg.sweep ? {
      cells: cfg.sweep.cells.map((c) => ({ name: c.name, command: c.command })),
      gpus_per_cell: cfg.sweep.gpusPerCell,
      max_parallel: cfg.sweep.maxParallel || null,
      on_cell_failure: cfg.sweep.onCellFailure
    } : {},
    ...cfg.node ? { node_rank: cfg.node.rank, nnodes: cfg.node.nnodes, master_addr: cfg.node.masterAddr, master_port: cfg.node.masterPort } : {}
  });
}
function cellData(cfg) {
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64");
  return (cfg.sweep?.cells ?? []).map((c) => {
    const checkpoints = cellGlobs(cfg.checkpoints, c.name);
    const spec = sortedJson({ schema: "tether.cell/v1", run_id: cfg.runId, cell: c.name, command: c.command, then: cfg.then ?? null, checkpoints });
    return `${c.name} ${b64(c.command)} ${b64(checkpoints.join("\n"))} ${b64(spec)}`;
  }).join("\n");
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
  cellData,
  specExpectedDuration
};
