import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditPhase } from '../harness/phases.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';
import { GPU } from '../fixtures/nvidia-smi.ts';

let box: Box;
beforeAll(async () => {
  box = await createBox();
});
afterAll(() => box?.destroy());
beforeEach(() => {
  box.sh(`rm -f ${box.bin}/*`);
});

/** Fake nvidia-smi on the box's PATH printing `csv` for the query (real output format, fixtures/). */
function fakeGpu(csv: string, opts: { eventReasonsOnly?: boolean; hang?: boolean } = {}) {
  writeFileSync(`${box.bin}/nvidia-smi.csv`, csv);
  const script = [
    '#!/bin/bash',
    opts.hang ? 'sleep 600' : '',
    // Newer drivers only know clocks_event_reasons; they reject the old field name (exit 2).
    opts.eventReasonsOnly
      ? 'case "$*" in *clocks_throttle_reasons*) echo \'Field "clocks_throttle_reasons.active" is not a valid field to query.\'; exit 2;; esac'
      : '',
    'case "$*" in *--query-gpu=*) cat "$(dirname "$0")/nvidia-smi.csv" ;; *) echo "NVIDIA-SMI 550.54.15" ;; esac',
  ].join('\n');
  writeFileSync(`${box.bin}/nvidia-smi`, script + '\n', { mode: 0o755 });
}

function fakeDmesg(lines: string | null) {
  const body = lines === null ? 'echo "dmesg: read kernel buffer failed: Operation not permitted" >&2; exit 1' : `cat <<'EOF_'\n${lines}\nEOF_`;
  writeFileSync(`${box.bin}/dmesg`, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
}

async function audit(extra: Record<string, string> = {}) {
  const r = captureReporter();
  const code = await auditPhase(box.inputs({ 'min-free-gb': '1', 'min-free-inodes': '10', ...extra }), {}, r);
  return { code, r, report: JSON.parse(r.outputs['report'] ?? '{}') };
}

describe('audit gate on a namespace box', () => {
  it('passes a healthy H100 and reports disks, cgroup, interpreter and the GPU', async () => {
    fakeGpu(GPU.h100Idle);
    fakeDmesg('[    5.1] usb 1-1: new device\n');
    const { code, r, report } = await audit({ interpreter: '/usr/bin/python3' });
    expect(r.errors).toEqual([]);
    expect(code).toBe(0);
    expect(r.outputs['passed']).toBe('true');
    expect(report.gpu.gpus[0]).toMatchObject({
      name: 'NVIDIA H100 80GB HBM3',
      memTotalMiB: 81559,
      tempC: 31,
      smClockMaxMHz: 1980,
      throttleActive: ['gpu_idle'],
    });
    expect(report.disks[0].path).toBe(`${box.home}/.tether/runs`);
    expect(report.disks[0].availBytes).toBeGreaterThan(1e9);
    expect(report.interpreter.path).toBe('/usr/bin/python3');
    expect(report.interpreter.torchVersion).toMatch(/^1\.13/);
    expect(report.hostname).toBe(`box-${box.index}`);
    expect(r.summaries.join('\n')).toContain('NVIDIA H100 80GB HBM3');
  });

  it('fails without nvidia-smi when a GPU is required, passes a CPU box when not', async () => {
    fakeDmesg('');
    const failed = await audit();
    expect(failed.code).toBe(3);
    expect(failed.r.errors.join('\n')).toMatch(/nvidia-smi not found/);
    const cpu = await audit({ 'require-gpu': 'false' });
    expect(cpu.code).toBe(0);
  });

  it('fails on an active thermal throttle and on hot-and-slow clocks; warns on hot-but-fast', async () => {
    fakeDmesg('');
    fakeGpu(GPU.a100HwThermal);
    const hw = await audit();
    expect(hw.code).toBe(3);
    expect(hw.r.errors.join('\n')).toMatch(/active throttle hw_thermal_slowdown/);
    fakeGpu(GPU.h100HotSlow);
    const slow = await audit();
    expect(slow.r.errors.join('\n')).toMatch(/86 °C with SM clock 1100\/1980 MHz/);
    fakeGpu(GPU.h100HotFast);
    const fast = await audit();
    expect(fast.code).toBe(0);
    expect(fast.r.warnings.join('\n')).toMatch(/hot \(84 °C\) but clocks are fine/);
  });

  it('falls back to clocks_event_reasons on newer drivers', async () => {
    fakeDmesg('');
    fakeGpu(GPU.a100HwThermal, { eventReasonsOnly: true });
    const { code, r } = await audit();
    expect(code).toBe(3);
    expect(r.errors.join('\n')).toMatch(/hw_thermal_slowdown/);
  });

  it('fails on Xid 79 and 48, warns on other Xids and on an unreadable kernel log', async () => {
    fakeGpu(GPU.h100Idle);
    fakeDmesg(GPU.xid79);
    const x79 = await audit();
    expect(x79.code).toBe(3);
    expect(x79.r.errors.join('\n')).toMatch(/Xid 79 .*fallen off the bus/);
    fakeDmesg(GPU.xid48);
    const x48 = await audit();
    expect(x48.code).toBe(3);
    expect(x48.r.errors.join('\n')).toMatch(/Xid 48 .*double bit error/);
    fakeDmesg(GPU.xid13);
    const x13 = await audit();
    expect(x13.code).toBe(0);
    expect(x13.r.warnings.join('\n')).toMatch(/Xid 13/);
    fakeDmesg(null);
    const unreadable = await audit();
    expect(unreadable.code).toBe(0);
    expect(unreadable.r.warnings.join('\n')).toMatch(/not authoritative/);
  });

  it('fails when free bytes or inodes are short, one line per reason', async () => {
    fakeDmesg('');
    const { code, r } = await audit({ 'require-gpu': 'false', 'min-free-gb': '900000', 'min-free-inodes': '999999999999' });
    expect(code).toBe(3);
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(/disk: [\d.]+ GB free .* need 900000\.0 GB/);
    expect(r.errors[1]).toMatch(/inodes: \d+ free .* need 999999999999/);
  });

  it('a hung nvidia-smi cannot hang the audit', async () => {
    fakeDmesg('');
    fakeGpu(GPU.h100Idle, { hang: true });
    const t0 = Date.now();
    const { code, r } = await audit();
    expect(Date.now() - t0).toBeLessThan(40_000);
    expect(code).toBe(3);
    expect(r.errors.join('\n')).toMatch(/did not answer within 20 s/);
  });

  it('a failing gate blocks launch before any run record is written (built action)', async () => {
    fakeDmesg('');
    const run = await runBuiltAction('launch', box.inputs({ 'run-id': 'blocked', command: 'true', 'min-free-gb': '1' }));
    removeWorkspace(run);
    expect(run.code).toBe(3);
    expect(run.outputs['result']).toBe('blocked');
    expect(run.stdout).toMatch(/::error::launch blocked: the audit gate blocked the launch: - gpu: nvidia-smi not found/);
    expect(box.sh(`test -e ${box.home}/.tether/runs/blocked && echo exists || echo absent`).trim()).toBe('absent');
  });
});
