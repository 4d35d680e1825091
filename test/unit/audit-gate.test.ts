import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAudit as parseAuditConfig } from '../../src/config/audit.ts';
import { gate } from '../../src/launch/audit-gate.ts';
import { parseAudit, parseGpuQuery, throttleReasons, type AuditReport } from '../../src/remote/audit.ts';
import { GPU } from '../fixtures/nvidia-smi.ts';

function raw(over: Record<string, unknown> = {}) {
  return {
    schema: 'tether.audit/v1',
    hostname: 'gpu-box',
    time: '2026-11-22T00:00:00Z',
    nproc: 16,
    uptime: '5000.12',
    btime: 1795000000,
    disks: [
      {
        path: '/root/.tether/runs',
        checked: '/root',
        df_bytes: '/dev/nvme0n1p1 1000000000000 400000000000 600000000000 40% /',
        df_inodes: '/dev/nvme0n1p1 60000000 1000000 59000000 2% /',
      },
    ],
    cgroup: { version: 2, memory_max: 'max', memory_current: '1048576', memory_events: 'low 0\nhigh 0\nmax 0\noom 2\noom_kill 2\n', cpu_max: '800000 100000' },
    gpu: { present: true, exit_code: 0, query: GPU.h100x2 },
    xid: { readable: true, lines: '' },
    interpreter: { name: 'python3', path: '/usr/bin/python3', torch_exit: 0, torch_out: '2.5.1\nTrue\n' },
    ...over,
  };
}
const cfg = parseAuditConfig({});

describe('audit parsing', () => {
  it('parses disks, cgroup v2, GPUs and the interpreter', () => {
    const r = parseAudit(raw());
    expect(r.disks[0]).toMatchObject({ mount: '/', availBytes: 600000000000, inodesFree: 59000000 });
    expect(r.cgroup).toEqual({ version: 2, memoryMaxBytes: null, memoryCurrentBytes: 1048576, oomKills: 2, cpuQuotaCores: 8 });
    expect(r.gpu.gpus).toHaveLength(2);
    expect(r.interpreter).toMatchObject({ torchVersion: '2.5.1', cuda: true });
    expect(r.bootTime).toBe(new Date(1795000000 * 1000).toISOString());
  });

  it('parses cgroup v1 (unlimited memory is a huge number)', () => {
    const r = parseAudit(
      raw({
        cgroup: {
          version: 1,
          memory_max: '9223372036854771712',
          memory_current: '524288',
          memory_events: 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
          cpu_max: '-1 100000',
        },
      }),
    );
    expect(r.cgroup).toEqual({ version: 1, memoryMaxBytes: null, memoryCurrentBytes: 524288, oomKills: 1, cpuQuotaCores: null });
  });

  it('reads throttle bitmasks and [Not Supported] fields', () => {
    expect(throttleReasons('0x0000000000000044')).toEqual(['sw_power_cap', 'hw_thermal_slowdown']);
    expect(throttleReasons('[Not Supported]')).toEqual([]);
    expect(parseGpuQuery(GPU.notSupported)[0]).toMatchObject({ name: 'Tesla T4', throttleActive: [] });
  });

  it('rejects a document of another schema', () => {
    expect(() => parseAudit({ schema: 'x' })).toThrow(/tether.audit\/v1/);
  });
});

describe('audit gate (runbook R17-R19)', () => {
  const report = (over: Record<string, unknown> = {}): AuditReport => parseAudit(raw(over));
  it.each<[string, Record<string, unknown>, RegExp | null, RegExp | null]>([
    ['healthy', {}, null, null],
    ['no nvidia-smi', { gpu: { present: false } }, /nvidia-smi not found/, null],
    [
      'nvidia-smi failed',
      { gpu: { present: true, exit_code: 9, query: 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' } },
      /could not communicate/,
      null,
    ],
    ['nvidia-smi hung', { gpu: { present: true, exit_code: 124, query: '' } }, /did not answer/, null],
    ['no GPUs listed', { gpu: { present: true, exit_code: 0, query: 'No devices were found\n' } }, /lists no GPUs/, null],
    ['hw thermal throttle', { gpu: { present: true, exit_code: 0, query: GPU.a100HwThermal } }, /active throttle hw_thermal_slowdown/, null],
    ['hot and slow', { gpu: { present: true, exit_code: 0, query: GPU.h100HotSlow } }, /86 °C with SM clock/, null],
    ['hot but fast', { gpu: { present: true, exit_code: 0, query: GPU.h100HotFast } }, null, /hot \(84 °C\)/],
    ['xid 79', { xid: { readable: true, lines: GPU.xid79 } }, /Xid 79/, null],
    ['xid 48', { xid: { readable: true, lines: GPU.xid48 } }, /Xid 48/, null],
    ['xid 13', { xid: { readable: true, lines: GPU.xid13 } }, null, /Xid 13/],
    ['dmesg unreadable', { xid: { readable: false, lines: '' } }, null, /not authoritative/],
    [
      'no torch',
      { interpreter: { name: 'python3', path: '/usr/bin/python3', torch_exit: 1, torch_out: "ModuleNotFoundError: No module named 'torch'" } },
      null,
      /cannot import torch/,
    ],
    ['torch without CUDA', { interpreter: { name: 'python3', path: '/usr/bin/python3', torch_exit: 0, torch_out: '2.5.1\nFalse' } }, null, /no CUDA/],
    [
      'disk short',
      { disks: [{ path: '/r', checked: '/', df_bytes: 'overlay 100000000000 95000000000 5000000000 95% /', df_inodes: 'overlay 0 0 0 - /' }] },
      /disk: 5\.0 GB free/,
      null,
    ],
  ])('%s', (_name, over, failure, warning) => {
    const g = gate(report(over), cfg);
    if (failure) expect(g.failures.join('\n')).toMatch(failure);
    else expect(g.failures).toEqual([]);
    if (warning) expect(g.warnings.join('\n')).toMatch(warning);
    expect(g.pass).toBe(!failure);
  });

  it('a filesystem without an inode table never fails the inode check', () => {
    const r = report({ disks: [{ path: '/r', checked: '/', df_bytes: 'btrfs 1000000000000 1 900000000000 1% /', df_inodes: 'btrfs 0 0 0 - /' }] });
    expect(gate(r, cfg).pass).toBe(true);
  });

  it('checkpoint budget adds to the free-space floor', () => {
    const r = report({ disks: [{ path: '/r', checked: '/', df_bytes: 'd 100000000000 50000000000 50000000000 50% /', df_inodes: 'd 1000000 1 999999 1% /' }] });
    expect(gate(r, parseAuditConfig({ 'min-free-gb': '10', 'checkpoint-budget-gb': '30' })).pass).toBe(true);
    expect(gate(r, parseAuditConfig({ 'min-free-gb': '10', 'checkpoint-budget-gb': '45' })).failures[0]).toMatch(/need 55\.0 GB/);
  });
});

describe('real nvidia-smi output captured on an H100 (test/fixtures/nvidia-smi-h100)', () => {
  const real = (f: string) => readFileSync(`test/fixtures/nvidia-smi-h100/${f}`, 'utf8');
  it('the probe query parses to one idle H100 that passes the gate', () => {
    const gpus = parseGpuQuery(real('probe-event.csv'));
    expect(gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        memTotalMiB: 81559,
        memUsedMiB: 0,
        utilPct: 0,
        tempC: 37,
        smClockMHz: 345,
        smClockMaxMHz: 1980,
        throttleActive: ['gpu_idle'],
      },
    ]);
    const g = gate(parseAudit(raw({ gpu: { present: true, exit_code: 0, query: real('probe-event.csv') } })), cfg);
    expect(g.failures).toEqual([]);
  });

  it('an invalid query field (exit 2, as this driver answers) fails the gate naming nvidia-smi', () => {
    const g = gate(parseAudit(raw({ gpu: { present: true, exit_code: 2, query: real('bogus.txt') } })), cfg);
    expect(g.failures.join('\n')).toMatch(/nvidia-smi failed \(exit 2\): Field "bogus.field" is not a valid field to query/);
  });

  it('the kernel NVRM lines of a healthy boot hold no Xid', () => {
    const g = gate(parseAudit(raw({ xid: { readable: true, lines: real('dmesg-nvrm.txt') } })), cfg);
    expect(g.failures).toEqual([]);
    expect(parseAudit(raw({ xid: { readable: true, lines: real('dmesg-nvrm.txt') } })).xid.events).toEqual([]);
  });
});
