import type { LaunchOutcome } from './launch.ts';
import { code, inert as esc } from '../report/markdown.ts';

/** A log excerpt as a fenced block that the text inside cannot close. */
export const fence = (s: string) => '```text\n' + s.replace(/```/g, '`\u200b``') + '\n```';

/** Markdown for the job summary of an audit or launch. Pure. */
export function renderLaunch(o: LaunchOutcome, target: string, hostKeyNote?: string): string {
  const icon = { started: '✅', refused: '⛔', blocked: '🛑', failed: '❌' }[o.result];
  const lines = [`### ${icon} tether launch — ${code(o.runId)} on ${code(target)}: ${o.result}`, '', esc(o.message), ''];
  if (hostKeyNote) lines.push(`> [!WARNING]\n> ${esc(hostKeyNote)}`, '');
  const notes = o.warnings.filter((w) => !w.startsWith('audit: '));
  if (notes.length) lines.push(...notes.map((w) => `> [!WARNING]\n> ${esc(w)}`), '');
  if (o.attempt) {
    lines.push('| attempt | pid | handle | run dir | started |', '|---|---|---|---|---|');
    lines.push(`| ${o.attempt} | ${o.pid ?? ''} | ${esc(o.handle)} | ${code(o.runDir)} | ${esc(o.startedAt, 64)} |`, '');
  }
  if (o.audit) lines.push(renderAudit(o.audit), '');
  if (o.logHead.trim()) lines.push('<details><summary>first lines of the job log</summary>', '', fence(o.logHead.trimEnd()), '', '</details>', '');
  return lines.join('\n');
}

export function renderAudit(a: NonNullable<LaunchOutcome['audit']>): string {
  const r = a.report;
  const GB = 1e9;
  const lines = [`#### Audit of ${code(r.hostname)}: ${a.gate.pass ? (a.gate.warnings.length ? 'pass with warnings' : 'pass') : 'FAIL'}`, ''];
  for (const f of a.gate.failures) lines.push(`- 🛑 ${esc(f)}`);
  for (const w of a.gate.warnings) lines.push(`- ⚠️ ${esc(w)}`);
  lines.push('', '| check | value |', '|---|---|');
  for (const d of r.disks)
    lines.push(
      `| disk ${esc(d.path)} | ${(d.availBytes / GB).toFixed(1)} / ${(d.sizeBytes / GB).toFixed(1)} GB free, ${d.inodesTotal ? `${d.inodesFree} inodes free` : 'no inode limit'} (${esc(d.mount)}) |`,
    );
  if (r.cgroup) {
    const mem = r.cgroup.memoryMaxBytes ? `${(r.cgroup.memoryMaxBytes / GB).toFixed(1)} GB limit` : 'no limit';
    lines.push(`| cgroup v${r.cgroup.version} | memory ${mem}, oom kills ${r.cgroup.oomKills ?? '?'}, cpu quota ${r.cgroup.cpuQuotaCores ?? 'none'} |`);
  }
  lines.push(`| cpus / boot | ${r.nproc ?? '?'} / ${esc(String(r.bootTime ?? '?'), 64)} |`);
  if (!r.gpu.present) lines.push('| gpu | no nvidia-smi |');
  for (const g of r.gpu.gpus) {
    lines.push(
      `| gpu ${g.index} | ${esc(g.name)}: ${g.memUsedMiB}/${g.memTotalMiB} MiB, ${g.utilPct}% util, ${g.tempC} °C, SM ${g.smClockMHz}/${g.smClockMaxMHz} MHz${g.throttleActive.length ? `, throttle ${esc(g.throttleActive.join(' '))}` : ''} |`,
    );
  }
  const i = r.interpreter;
  lines.push(
    `| interpreter | ${i.path ? `${esc(i.path)}: ${i.torchVersion ? `torch ${esc(String(i.torchVersion), 64)}, cuda ${esc(String(i.cuda), 64)}` : `no torch (${esc(i.error ?? '')})`}` : `${esc(i.name)} not found`} |`,
  );
  return lines.join('\n');
}
