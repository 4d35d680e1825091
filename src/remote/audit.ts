import type { DiskInfo, GpuInfo } from '../record/observation.ts';
import { arr, bool, BoxDataError, int, obj, optInt, optStr, str } from '../record/strict.ts';
/** Typed view of scripts/remote/audit.sh output. Pure parsing of raw tool output. */

export type { DiskInfo, GpuInfo };

export interface AuditReport {
  hostname: string;
  time: string;
  nproc: number | null;
  uptimeS: number | null;
  bootTime: string | null;
  disks: DiskInfo[];
  cgroup: { version: 1 | 2; memoryMaxBytes: number | null; memoryCurrentBytes: number | null; oomKills: number | null; cpuQuotaCores: number | null } | null;
  gpu: { present: boolean; error: string | null; gpus: GpuInfo[] };
  xid: { readable: boolean; events: Array<{ code: number; line: string }> };
  interpreter: { name: string; path: string | null; torchVersion: string | null; cuda: boolean | null; error: string | null };
}

interface RawAudit {
  schema: string;
  hostname: string;
  time: string;
  nproc: number | null;
  uptime: string;
  btime: number | null;
  disks: Array<{ path: string; checked: string; df_bytes: string; df_inodes: string }>;
  cgroup: { version: 1 | 2; memory_max: string; memory_current: string; memory_events: string; cpu_max: string } | null;
  gpu: { present: boolean; exit_code?: number; query?: string };
  xid: { readable: boolean; lines: string };
  interpreter: { name: string; path: string | null; torch_exit?: number; torch_out?: string };
}

const THROTTLE_BITS: Array<[number, string]> = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

export function throttleReasons(mask: string): string[] {
  if (!/^0x[0-9a-fA-F]+$/.test(mask.trim())) return [];
  const n = Number(BigInt(mask.trim()) & 0xffffn);
  return THROTTLE_BITS.filter(([bit]) => (n & bit) !== 0).map(([, name]) => name);
}

const num = (s: string | undefined): number | null => {
  const t = (s ?? '').trim();
  return /^-?[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : null;
};

/** Lines of `nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu,clocks.sm,clocks.max.sm,<throttle> --format=csv,noheader,nounits`. */
export function parseGpuQuery(text: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(',').map((s) => s.trim());
    if (f.length < 9 || num(f[0]) === null) continue;
    gpus.push({
      index: num(f[0]) ?? 0,
      name: f[1] ?? '',
      memTotalMiB: num(f[2]),
      memUsedMiB: num(f[3]),
      utilPct: num(f[4]),
      tempC: num(f[5]),
      smClockMHz: num(f[6]),
      smClockMaxMHz: num(f[7]),
      throttleActive: throttleReasons(f[8] ?? ''),
    });
  }
  return gpus;
}

export function parseXid(lines: string): Array<{ code: number; line: string }> {
  const out: Array<{ code: number; line: string }> = [];
  for (const line of lines.split('\n')) {
    const m = /NVRM: Xid \([^)]*\): (\d+)/.exec(line) ?? /NVRM: Xid[^:]*: (\d+)/.exec(line);
    if (m) out.push({ code: Number(m[1]), line: line.trim() });
  }
  return out;
}

function dfFields(line: string): string[] {
  return line.trim().split(/\s+/);
}

/** `df -P -B1` and `df -P -i` lines of one filesystem. */
export function parseDf(path: string, bytesLine: string, inodesLine: string, fallbackMount = ''): DiskInfo {
  const b = dfFields(bytesLine);
  const i = dfFields(inodesLine);
  return {
    path,
    mount: b.slice(5).join(' ') || fallbackMount,
    sizeBytes: num(b[1]) ?? 0,
    availBytes: num(b[3]) ?? 0,
    inodesTotal: num(i[1]) ?? 0,
    inodesFree: num(i[3]) ?? 0,
  };
}

/** cgroup memory files (v1 or v2) to a usage fraction and the oom_kill counter. */
export function parseMemory(max: string, current: string, events: string): { fraction: number | null; oomKills: number | null } {
  const m = cgroupValue(max);
  const c = cgroupValue(current);
  const oom = /oom_kill (\d+)/.exec(events);
  return { fraction: m && c !== null ? c / m : null, oomKills: oom ? Number(oom[1]) : null };
}

function cgroupValue(s: string): number | null {
  const t = s.trim();
  if (t === 'max' || t === '') return null;
  const n = num(t);
  // cgroup v1 reports "unlimited" as a number near 2^63.
  return n !== null && n < 2 ** 60 ? n : null;
}

/** audit.sh's document, checked field by field before anything reads it (a BoxDataError otherwise). */
function checkAudit(raw: unknown): RawAudit {
  const w = 'audit';
  const r = obj(raw, w);
  if (r['schema'] !== 'tether.audit/v1') throw new BoxDataError('audit.sh returned an unexpected document (schema is not tether.audit/v1)');
  const S = { max: 65_536 };
  str(r, 'hostname', w, { max: 255 });
  str(r, 'time', w, { max: 64 });
  optInt(r, 'nproc', w);
  str(r, 'uptime', w, { max: 256 });
  optInt(r, 'btime', w, { max: 1e11 });
  for (const [i, d] of arr(r, 'disks', w, 64).entries())
    for (const k of ['path', 'checked', 'df_bytes', 'df_inodes']) str(obj(d, `${w}.disks[${i}]`), k, `${w}.disks[${i}]`, S);
  if (r['cgroup'] !== null) {
    const c = obj(r['cgroup'], `${w}.cgroup`);
    int(c, 'version', `${w}.cgroup`, { min: 1, max: 2 });
    for (const k of ['memory_max', 'memory_current', 'memory_events', 'cpu_max']) str(c, k, `${w}.cgroup`, S);
  }
  const g = obj(r['gpu'], `${w}.gpu`);
  if (bool(g, 'present', `${w}.gpu`)) {
    optInt(g, 'exit_code', `${w}.gpu`, { max: 255 });
    optStr(g, 'query', `${w}.gpu`, S);
  }
  const x = obj(r['xid'], `${w}.xid`);
  bool(x, 'readable', `${w}.xid`);
  str(x, 'lines', `${w}.xid`, S);
  const p = obj(r['interpreter'], `${w}.interpreter`);
  str(p, 'name', `${w}.interpreter`, { max: 4096 });
  optStr(p, 'path', `${w}.interpreter`, { max: 4096 });
  optInt(p, 'torch_exit', `${w}.interpreter`, { max: 255 });
  optStr(p, 'torch_out', `${w}.interpreter`, S);
  return raw as RawAudit;
}

export function parseAudit(raw: unknown): AuditReport {
  const r = checkAudit(raw);
  const disks: DiskInfo[] = r.disks.map((d) => parseDf(d.path, d.df_bytes, d.df_inodes, d.checked));
  let cgroup: AuditReport['cgroup'] = null;
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
      cpuQuotaCores: quota !== null && quota > 0 && period ? quota / period : null,
    };
  }
  let gpu: AuditReport['gpu'] = { present: false, error: null, gpus: [] };
  if (r.gpu.present) {
    const code = r.gpu.exit_code ?? 0;
    const query = r.gpu.query ?? '';
    gpu = {
      present: true,
      error: code === 124 ? 'nvidia-smi did not answer within 20 s' : code !== 0 ? `nvidia-smi failed (exit ${code}): ${query.trim().slice(0, 200)}` : null,
      gpus: code === 0 ? parseGpuQuery(query) : [],
    };
  }
  const interp = r.interpreter;
  let torchVersion: string | null = null;
  let cuda: boolean | null = null;
  let error: string | null = null;
  if (interp.path) {
    const out = (interp.torch_out ?? '').trim().split('\n');
    if (interp.torch_exit === 0 && out.length >= 2) {
      torchVersion = out[out.length - 2]?.trim() ?? null;
      cuda = out[out.length - 1]?.trim() === 'True';
    } else {
      error = interp.torch_exit === 124 ? 'import torch did not finish within 60 s' : (out[out.length - 1] ?? '').slice(0, 200);
    }
  }
  const uptime = num(r.uptime?.split(' ')[0]);
  return {
    hostname: r.hostname,
    time: r.time,
    nproc: r.nproc,
    uptimeS: uptime,
    bootTime: r.btime ? new Date(r.btime * 1000).toISOString() : null,
    disks,
    cgroup,
    gpu,
    xid: { readable: r.xid.readable, events: parseXid(r.xid.lines) },
    interpreter: { name: interp.name, path: interp.path, torchVersion, cuda, error },
  };
}
