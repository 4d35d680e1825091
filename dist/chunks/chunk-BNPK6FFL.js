import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  slurm
} from "./chunk-U6FX2S55.js";
import {
  BoxDataError,
  arr,
  bool,
  int,
  obj,
  optInt,
  optStr,
  str
} from "./chunk-FHK73RDK.js";

// src/backends/setsid.ts
var setsid = { name: "setsid", jobOnLoginHost: true, owns: (h) => h === "setsid" };

// src/backends/tmux.ts
var tmux = { name: "tmux", jobOnLoginHost: true, owns: (h) => h.startsWith("tmux:") };

// src/backends/index.ts
var BACKEND_LIST = [tmux, setsid, slurm];
function backendOf(handle) {
  return handle ? BACKEND_LIST.find((b) => b.owns(handle)) : void 0;
}

// src/remote/audit.ts
var THROTTLE_BITS = [
  [1, "gpu_idle"],
  [2, "applications_clocks_setting"],
  [4, "sw_power_cap"],
  [8, "hw_slowdown"],
  [16, "sync_boost"],
  [32, "sw_thermal_slowdown"],
  [64, "hw_thermal_slowdown"],
  [128, "hw_power_brake_slowdown"],
  [256, "display_clock_setting"]
];
function throttleReasons(mask) {
  if (!/^0x[0-9a-fA-F]+$/.test(mask.trim())) return [];
  const n = Number(BigInt(mask.trim()) & 0xffffn);
  return THROTTLE_BITS.filter(([bit]) => (n & bit) !== 0).map(([, name]) => name);
}
var num = (s) => {
  const t = (s ?? "").trim();
  return /^-?[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : null;
};
function parseGpuQuery(text) {
  const gpus = [];
  for (const line of text.split("\n")) {
    const f = line.split(",").map((s) => s.trim());
    if (f.length < 9 || num(f[0]) === null) continue;
    gpus.push({
      index: num(f[0]) ?? 0,
      name: f[1] ?? "",
      memTotalMiB: num(f[2]),
      memUsedMiB: num(f[3]),
      utilPct: num(f[4]),
      tempC: num(f[5]),
      smClockMHz: num(f[6]),
      smClockMaxMHz: num(f[7]),
      throttleActive: throttleReasons(f[8] ?? "")
    });
  }
  return gpus;
}
function parseXid(lines) {
  const out = [];
  for (const line of lines.split("\n")) {
    const m = /NVRM: Xid \([^)]*\): (\d+)/.exec(line) ?? /NVRM: Xid[^:]*: (\d+)/.exec(line);
    if (m) out.push({ code: Number(m[1]), line: line.trim() });
  }
  return out;
}
function dfFields(line) {
  return line.trim().split(/\s+/);
}
function parseDf(path, bytesLine, inodesLine, fallbackMount = "") {
  const b = dfFields(bytesLine);
  const i = dfFields(inodesLine);
  return {
    path,
    mount: b.slice(5).join(" ") || fallbackMount,
    sizeBytes: num(b[1]) ?? 0,
    availBytes: num(b[3]) ?? 0,
    inodesTotal: num(i[1]) ?? 0,
    inodesFree: num(i[3]) ?? 0
  };
}
function parseMemory(max, current, events) {
  const m = cgroupValue(max);
  const c = cgroupValue(current);
  const oom = /oom_kill (\d+)/.exec(events);
  return { fraction: m && c !== null ? c / m : null, oomKills: oom ? Number(oom[1]) : null };
}
function cgroupValue(s) {
  const t = s.trim();
  if (t === "max" || t === "") return null;
  const n = num(t);
  return n !== null && n < 2 ** 60 ? n : null;
}
function checkAudit(raw) {
  const w = "audit";
  const r = obj(raw, w);
  if (r["schema"] !== "tether.audit/v1") throw new BoxDataError("audit.sh returned an unexpected document (schema is not tether.audit/v1)");
  const S = { max: 65536 };
  str(r, "hostname", w, { max: 255 });
  str(r, "time", w, { max: 64 });
  optInt(r, "nproc", w);
  str(r, "uptime", w, { max: 256 });
  optInt(r, "btime", w, { max: 1e11 });
  for (const [i, d] of arr(r, "disks", w, 64).entries())
    for (const k of ["path", "checked", "df_bytes", "df_inodes"]) str(obj(d, `${w}.disks[${i}]`), k, `${w}.disks[${i}]`, S);
  if (r["cgroup"] !== null) {
    const c = obj(r["cgroup"], `${w}.cgroup`);
    int(c, "version", `${w}.cgroup`, { min: 1, max: 2 });
    for (const k of ["memory_max", "memory_current", "memory_events", "cpu_max"]) str(c, k, `${w}.cgroup`, S);
  }
  const g = obj(r["gpu"], `${w}.gpu`);
  if (bool(g, "present", `${w}.gpu`)) {
    optInt(g, "exit_code", `${w}.gpu`, { max: 255 });
    optStr(g, "query", `${w}.gpu`, S);
  }
  const x = obj(r["xid"], `${w}.xid`);
  bool(x, "readable", `${w}.xid`);
  str(x, "lines", `${w}.xid`, S);
  const p = obj(r["interpreter"], `${w}.interpreter`);
  str(p, "name", `${w}.interpreter`, { max: 4096 });
  optStr(p, "path", `${w}.interpreter`, { max: 4096 });
  optInt(p, "torch_exit", `${w}.interpreter`, { max: 255 });
  optStr(p, "torch_out", `${w}.interpreter`, S);
  return raw;
}
function parseAudit(raw) {
  const r = checkAudit(raw);
  const disks = r.disks.map((d) => parseDf(d.path, d.df_bytes, d.df_inodes, d.checked));
  let cgroup = null;
  if (r.cgroup) {
    const mem = parseMemory(r.cgroup.memory_max, r.cgroup.memory_current, r.cgroup.memory_events);
    const [q, p] = r.cgroup.cpu_max.trim().split(/\s+/);
    const quota = num(q);
    const period = num(p);
    cgroup = {
      version: r.cgroup.version,
      memoryMaxBytes: cgroupValue(r.cgroup.memory_max),
      memoryCurrentBytes: cgroupValue(r.cgroup.memory_current),
      oomKills: mem.oomKills,
      cpuQuotaCores: quota !== null && quota > 0 && period ? quota / period : null
    };
  }
  let gpu = { present: false, error: null, gpus: [] };
  if (r.gpu.present) {
    const code = r.gpu.exit_code ?? 0;
    const query = r.gpu.query ?? "";
    gpu = {
      present: true,
      error: code === 124 ? "nvidia-smi did not answer within 20 s" : code !== 0 ? `nvidia-smi failed (exit ${code}): ${query.trim().slice(0, 200)}` : null,
      gpus: code === 0 ? parseGpuQuery(query) : []
    };
  }
  const interp = r.interpreter;
  let torchVersion = null;
  let cuda = null;
  let error = null;
  if (interp.path) {
    const out = (interp.torch_out ?? "").trim().split("\n");
    if (interp.torch_exit === 0 && out.length >= 2) {
      torchVersion = out[out.length - 2]?.trim() ?? null;
      cuda = out[out.length - 1]?.trim() === "True";
    } else {
      error = interp.torch_exit === 124 ? "import torch did not finish within 60 s" : (out[out.length - 1] ?? "").slice(0, 200);
    }
  }
  const uptime = num(r.uptime?.split(" ")[0]);
  return {
    hostname: r.hostname,
    time: r.time,
    nproc: r.nproc,
    uptimeS: uptime,
    bootTime: r.btime ? new Date(r.btime * 1e3).toISOString() : null,
    disks,
    cgroup,
    gpu,
    xid: { readable: r.xid.readable, events: parseXid(r.xid.lines) },
    interpreter: { name: interp.name, path: interp.path, torchVersion, cuda, error }
  };
}

export {
  parseGpuQuery,
  parseDf,
  parseMemory,
  parseAudit,
  BACKEND_LIST,
  backendOf
};
