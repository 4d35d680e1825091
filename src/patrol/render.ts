import {
  fitMemory,
  markTeardown,
  memoryBlock,
  readMemory,
  withoutMemory,
  type MemoryKey,
  type RunMemory,
  type TeardownMark,
  type TickMemory,
} from './memory.ts';
import type { State } from './remediation.ts';
import type { Verdict } from './verdict.ts';
import { durationText } from '../record/run-state.ts';
import { code, inert as esc } from '../report/markdown.ts';
import { sparkline } from '../report/terminal-markdown.ts';
import { human } from '../report/bytes.ts';
import { summarize, summaryText, type CellVerdict } from './cells.ts';

export type HostVerdict = Verdict & { host: string; hourlyPrice?: number | null };

export const ICON: Record<State, string> = {
  queued: '⏳',
  requeued: '♻️',
  launching: '🔵',
  running: '🟢',
  stalled: '🟡',
  finished: '✅',
  failed: '❌',
  dead: '💀',
  rebooted: '🔁',
  unreachable: '📡',
  'host-key-changed': '🚨',
  'auth-refused': '🔒',
  'probe-error': '🧩',
  unknown: '❔',
  'torn-down': '🏁',
  preempted: '🪂',
  degraded: '🟠',
};

/** States that need a person. */
export const ESCALATE: readonly State[] = [
  'preempted',
  'stalled',
  'failed',
  'dead',
  'rebooted',
  'unreachable',
  'host-key-changed',
  'auth-refused',
  'probe-error',
  'unknown',
  'degraded',
];
export const BODY_MAX = 65_536;
/** What the body leaves for the tag tether signs its comments with. */
const TAG_ROOM = 160;
/** Finds our status comment (with the author's login). */
export const STATUS_MARKER = '<!-- tether:status -->';
/** The marker of a status comment with a header (a second, independent status on the same PR); header checked by parseHeader. */
export function statusMarker(header = ''): string {
  return header ? `<!-- tether:status:${header} -->` : STATUS_MARKER;
}

export function age(s: number | null): string {
  return s === null ? '—' : durationText(s);
}

export function stateText(v: Pick<Verdict, 'state' | 'cls'>): string {
  return v.cls ? `${v.state} (${v.cls})` : v.state;
}

function metricsText(m: Record<string, number>): string {
  return Object.entries(m)
    .slice(0, 4)
    .map(([k, x]) => `${k} ${Number.isFinite(x) ? Number(x.toPrecision(4)) : String(x)}`)
    .join(', ');
}

function gpuText(v: Verdict): string {
  if (!v.gpus.length) return '—';
  const util = Math.round(v.gpus.reduce((a, g) => a + (g.utilPct ?? 0), 0) / v.gpus.length);
  const mem = v.gpus.reduce((a, g) => a + (g.memUsedMiB ?? 0), 0) / 1024;
  const temp = Math.max(...v.gpus.map((g) => g.tempC ?? 0));
  return `${v.gpus.length}× ${util}% · ${mem.toFixed(0)} GiB · ${temp} °C`;
}

function row(v: HostVerdict, now: Date, withHost: boolean): string {
  const progress = [v.step !== null ? `step ${v.step}` : '', v.epoch ? `epoch ${esc(v.epoch, 40)}` : ''].filter(Boolean).join(' · ') || '—';
  const disk = v.disk ? `${v.disk.usedPct.toFixed(0)}% / ${v.disk.inodesUsedPct === null ? '—' : `${v.disk.inodesUsedPct.toFixed(0)}%`}` : '—';
  const ck = v.checkpoints.count ? `${v.checkpoints.count}, newest ${age(v.checkpoints.ageS)} ago` : '—';
  const inState = age((now.getTime() - Date.parse(v.since)) / 1000);
  const flags = v.flags.length ? ` ⚠️ ${v.flags.join(' ')}` : '';
  // How long in this state and a later attempt ride in the state cell: a table of eleven columns scrolled
  // sideways in a GitHub comment, hiding the last ones (seen rendered, test/box/rendered-status.test.ts).
  const state = `${ICON[v.state]} ${stateText(v)} for ${inState}${v.attempt > 1 ? ` (attempt ${v.attempt})` : ''}${flags}`;
  return `| ${code(v.runId)} |${withHost ? ` ${code(v.host)} |` : ''} ${state} | ${progress} | ${esc(metricsText(v.metrics)) || '—'} | ${gpuText(v)} | ${disk} | ${age(v.heartbeatAgeS)} | ${ck} |`;
}

/**
 * The opening lines of a mermaid xychart: mermaid's default palette starts with a near-white line (#ECECFF),
 * invisible on GitHub's white comment, so the lines get GitHub's own accent colours (seen in a rendered comment,
 * test/box/rendered-status.test.ts).
 */
const CHART_HEAD = ['```mermaid', '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #bf3989, #1a7f37, #bc4c00"}}}}%%', 'xychart-beta'];
export const CHART_COLORS = ['#0969da', '#bf3989', '#1a7f37', '#bc4c00'];

/** A mermaid xychart of loss (or step) over the remembered ticks; GitHub renders it natively. */
export function chart(runId: string, m: TickMemory['runs'][string] | undefined): string {
  const pts = (m?.history ?? []).filter((p) => p[2] !== null || p[1] !== null);
  if (pts.length < 2) return '';
  const useLoss = pts.filter((p) => p[2] !== null && Number.isFinite(p[2])).length >= 2;
  const series = pts.filter((p) => (useLoss ? p[2] !== null && Number.isFinite(p[2]) : p[1] !== null));
  const xs = series.map((p, i) => (p[1] !== null ? String(p[1]) : String(i + 1)));
  const ys = series.map((p) => Number((useLoss ? (p[2] as number) : (p[1] as number)).toPrecision(5)));
  return [
    ...CHART_HEAD,
    `  title "${runId.replace(/"/g, '')}: ${useLoss ? 'loss' : 'step'} by tick"`,
    `  x-axis "step" [${xs.map((x) => `"${x}"`).join(', ')}]`,
    `  y-axis "${useLoss ? 'loss' : 'step'}"`,
    `  line [${ys.join(', ')}]`,
    '```',
  ].join('\n');
}

/** Cells shown by name in a sweep's section: the unhealthy first, then the newest running; the rest are counted. */
const CELL_ROWS = { unhealthy: 24, running: 12 };
const UNHEALTHY: readonly State[] = [
  'preempted',
  'failed',
  'dead',
  'stalled',
  'rebooted',
  'probe-error',
  'unknown',
  'unreachable',
  'host-key-changed',
  'auth-refused',
];

/** The cells of a sweep worth a row: every unhealthy one (up to a bound), then the newest running ones. */
export function cellsToShow(cells: readonly CellVerdict[]): { shown: CellVerdict[]; hidden: number } {
  // A cell the queue holds for want of disk needs a person as much as a failed one.
  const bad = cells.filter((c) => UNHEALTHY.includes(c.state) || c.flags.includes('blocked-disk')).slice(0, CELL_ROWS.unhealthy);
  const live = cells
    .filter((c) => c.state === 'running' || c.state === 'launching')
    .sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : 0))
    .slice(0, CELL_ROWS.running);
  const shown = [...bad, ...live];
  return { shown, hidden: cells.length - shown.length };
}

/** A sweep's section of the comment: counts per state, the cells worth a row, a chart of up to 4 running cells' loss. */
export function renderSweep(v: HostVerdict, m: RunMemory | undefined): string {
  const cells = v.cells ?? [];
  const s = summarize(cells);
  const counts = (Object.entries(s.counts) as Array<[State, number]>).map(([st, n]) => `${ICON[st]} ${st} ${n}`).join(' · ');
  const { shown, hidden } = cellsToShow(cells);
  const lines = [`#### Sweep ${code(v.runId)}: ${esc(summaryText(s))}`, '', counts, ''];
  if (shown.length) {
    lines.push('| cell | state | GPUs | progress | metrics | heartbeat | attempt | detail |', '|---|---|---|---|---|---|---|---|');
    for (const c of shown) {
      const progress = [c.step !== null ? `step ${c.step}` : '', c.epoch ? `epoch ${esc(c.epoch, 40)}` : ''].filter(Boolean).join(' · ') || '—';
      lines.push(
        `| ${code(c.runId)} | ${ICON[c.state]} ${stateText(c)} | ${c.cellGpus ? code(c.cellGpus) : '—'} | ${progress} | ${esc(metricsText(c.metrics)) || '—'} | ${age(c.heartbeatAgeS)} | ${c.attempt || '—'} | ${esc(c.detail, 200)} |`,
      );
    }
    lines.push('');
  }
  if (hidden > 0) lines.push(`…and ${hidden} more cell${hidden === 1 ? '' : 's'} (counted above).`, '');
  const charted = cells.filter((c) => c.state === 'running').slice(0, 4);
  const series = charted
    .map((c) => ({ name: c.runId, ys: (m?.cells?.[c.runId]?.history ?? []).map((p) => p[2]).filter((x): x is number => x !== null && Number.isFinite(x)) }))
    .filter((x) => x.ys.length >= 2);
  if (series.length) {
    const n = Math.max(...series.map((x) => x.ys.length));
    lines.push(
      ...CHART_HEAD,
      `  title "${v.runId.replace(/"/g, '')}: loss of ${series.map((x) => x.name.replace(/"/g, '')).join(', ')} by tick"`,
      `  x-axis "tick" [${Array.from({ length: n }, (_, i) => `"${i + 1}"`).join(', ')}]`,
      '  y-axis "loss"',
      ...series.map((x) => `  line [${x.ys.map((y) => Number(y.toPrecision(5))).join(', ')}]`),
      '```',
      '',
    );
  }
  return lines.join('\n');
}

/** A run on many boxes: one row per node under the run's line (state, step, GPU, heartbeat), rank 0 first. */
export function renderNodes(v: HostVerdict): string {
  const lines = [`#### Nodes of ${code(v.runId)}`, '', '| rank | node | state | step | GPU | heartbeat | detail |', '|---|---|---|---|---|---|---|'];
  for (const n of v.nodes ?? [])
    lines.push(
      `| ${n.rank} | ${n.host ? code(n.host) : '—'} | ${ICON[n.state]} ${n.state}${n.cls ? ` (${n.cls})` : ''}${n.consequence ? ', a consequence' : ''} | ${n.step ?? '—'} | ${n.gpuUtilPct !== null ? `${n.gpuUtilPct}%` : '—'} | ${age(n.heartbeatAgeS)} | ${esc(n.detail, 200)} |`,
    );
  return `${lines.join('\n')}\n`;
}

/** The job summary / sticky comment body: status table, remediation, charts, hidden memory. Pure. */
export function renderPatrol(
  verdicts: HostVerdict[],
  memory: TickMemory,
  now: Date,
  marker = '',
  header = '',
  key: MemoryKey = null,
  /** Lines about instances that bill with no run behind them (provision records), already escaped. */
  unlaunched: readonly string[] = [],
): string {
  const hosts = new Set(verdicts.map((v) => v.host));
  const oneHost = hosts.size === 1 ? [...hosts][0]! : null;
  const head = [
    marker,
    `### tether patrol${header ? ` ${code(header)}` : ''} — last checked ${now.toISOString().replace(/\.\d+Z$/, 'Z')}, tick ${memory.tick}`,
    '',
    // One host: named once above the table, not in a column (the table then fits a comment's width).
    ...(oneHost ? [`On ${code(oneHost)}:`, ''] : []),
    `| run |${oneHost ? '' : ' host |'} state | progress | metrics | GPU | disk / inodes | last seen | checkpoints |`,
    `|---|${oneHost ? '' : '---|'}---|---|---|---|---|---|---|`,
    ...verdicts.map((v) => row(v, now, !oneHost)),
    '',
  ];
  const notes = verdicts
    .filter((v) => v.state !== 'running' || v.flags.length || v.newSignature)
    .map((v) => `- ${ICON[v.state]} **${code(v.runId)}** ${stateText(v)}: ${esc(v.detail)}. **Do:** ${v.remediation}${costLine(v, now)}`);
  const synced = verdicts.flatMap((v) => {
    const line = syncLine(memory.runs[v.runId]?.sync, now);
    return line ? [`- 💾 **${code(v.runId)}** ${line}`] : [];
  });
  if (synced.length) notes.push('', ...synced);
  if (unlaunched.length) notes.push('', ...unlaunched.map((l) => `- ${l}`));
  // The memory must survive whole; its history is thinned (never its offsets) to leave room for the table.
  const tail = memoryBlock(fitMemory(memory, 24_000), key);
  let body = [...head, ...notes, ''].join('\n');
  for (const v of verdicts) {
    if (!v.nodes) continue;
    const sec = renderNodes(v);
    if (body.length + sec.length + tail.length + 64 < BODY_MAX) body += `\n${sec}`;
  }
  for (const v of verdicts) {
    if (!v.cells) continue;
    const sec = renderSweep(v, memory.runs[v.runId]);
    if (body.length + sec.length + tail.length + 64 < BODY_MAX) body += `\n${sec}`;
  }
  for (const v of verdicts) {
    const c = chart(v.runId, memory.runs[v.runId]);
    if (c && body.length + c.length + tail.length + 64 < BODY_MAX) body += `\n${c}\n`;
  }
  // Room is kept for the signed tag the comment carries (src/github/sticky.ts signItem) and the header line.
  if (body.length + tail.length + TAG_ROOM > BODY_MAX)
    body = `${body.slice(0, BODY_MAX - tail.length - TAG_ROOM - 80)}\n\n…(cut to fit GitHub's 65,536-character limit)\n`;
  return `${body}\n${tail}\n`;
}

/**
 * Money spent since a run finished, while its box still bills (every tick until teardown). Pure.
 * The price is per hour in whatever currency the user wrote in tether.yml.
 */
export function costLine(v: HostVerdict, now: Date): string {
  if (v.state !== 'finished' || v.hourlyPrice === null || v.hourlyPrice === undefined) return '';
  const hours = Math.max(0, (now.getTime() - Date.parse(v.since)) / 3600e3);
  const h = Math.floor(hours);
  const m = Math.floor((hours - h) * 60);
  return ` 💸 Finished ${h}h ${String(m).padStart(2, '0')}m ago and the box still bills: ${(hours * v.hourlyPrice).toFixed(2)} spent since at ${v.hourlyPrice}/h — collect, then tear it down.`;
}

/**
 * The status after a teardown: a 🏁 header on top of the last status, and the run marked in the tick
 * memory so the next patrol stops probing it and reports it torn down. Pure.
 */
export function renderTeardownMark(oldBody: string, runId: string, mark: TeardownMark, marker = STATUS_MARKER, key: MemoryKey = null): string {
  // Only what tether signed is carried over; the mark itself is signed with the same key (only a signed mark ends a run).
  const memory = markTeardown(readMemory(oldBody, key).memory, runId, mark);
  const visible = withoutMemory(oldBody).replace(marker, '').trim();
  return `${marker}\n### 🏁 ${code(runId)} ${mark.state} at ${esc(mark.at, 40)}\n\n${esc(mark.reason)}\n\n${visible}\n\n${memoryBlock(fitMemory(memory, 24_000), key)}\n`;
}

/** A sparkline of the remembered loss and its last value, or — when there is none. */
function lossCell(history: RunMemory['history'] | undefined): string {
  const losses = (history ?? []).map((p) => p[2]);
  const last = losses.filter((x): x is number => x !== null && Number.isFinite(x)).at(-1);
  return last === undefined ? '—' : `${sparkline(losses)} ${Number(last.toPrecision(4))}`;
}

/**
 * The status for a terminal (`tether status`), as markdown the terminal renderer aligns: fewer columns than
 * the comment, and a sparkline of loss over the remembered ticks instead of the mermaid chart. Pure.
 */
export function renderStatusForTerminal(verdicts: HostVerdict[], memory: TickMemory, now: Date): string {
  const rows = verdicts.map((v) => {
    const loss = lossCell(memory.runs[v.runId]?.history);
    const state = `${ICON[v.state]} ${stateText(v)}${v.flags.length ? ` ⚠️ ${v.flags.join(' ')}` : ''}`;
    const cellsOf = [
      code(v.runId),
      code(v.host),
      esc(state),
      v.step === null ? '—' : String(v.step),
      v.epoch ? esc(v.epoch, 40) : '—',
      esc(metricsText(v.metrics)) || '—',
      loss,
      age(v.heartbeatAgeS),
      String(v.checkpoints.count),
      age((now.getTime() - Date.parse(v.since)) / 1000),
    ];
    return `| ${cellsOf.join(' | ')} |`;
  });
  const notes = verdicts
    .filter((v) => v.state !== 'running' || v.flags.length)
    .map((v) => `- **${esc(v.runId)}**: ${esc(v.detail)}. **Do:** ${esc(v.remediation)}${esc(costLine(v, now))}`);
  for (const v of verdicts) {
    const line = syncLine(memory.runs[v.runId]?.sync, now);
    if (line) notes.push(`- **${esc(v.runId)}**: ${line}`);
  }
  const sweeps = verdicts.flatMap((v) => {
    if (!v.cells) return [];
    // A terminal has no comment's size limit: every cell gets its row, the ones needing a person first.
    const first = cellsToShow(v.cells).shown;
    const shown = [...first, ...v.cells.filter((c) => !first.includes(c))];
    const cm = memory.runs[v.runId]?.cells ?? {};
    return [
      '',
      `#### ${esc(v.runId)}: ${esc(summaryText(summarize(v.cells)))}`,
      '',
      ...(shown.length
        ? [
            '| cell | state | GPUs | step | loss | heartbeat | attempt |',
            '|---|---|---|---|---|---|---|',
            ...shown.map((c) => {
              const loss = lossCell(cm[c.runId]?.history);
              return `| ${code(c.runId)} | ${ICON[c.state]} ${esc(stateText(c))} | ${c.cellGpus || '—'} | ${c.step ?? '—'} | ${loss} | ${age(c.heartbeatAgeS)} | ${c.attempt || '—'} |`;
            }),
          ]
        : []),
    ];
  });
  return [
    `### tether status — ${now.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    '| run | host | state | step | epoch | metrics | loss | heartbeat | ckpts | in state |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...(notes.length ? ['', ...notes] : []),
    ...sweeps,
  ].join('\n');
}

/**
 * A run's synced checkpoint, for the status: "newest verified checkpoint: <file>, step <n>, <age>, <where>",
 * then a newer one that failed verification, then why the last sync stopped. '' when nothing was synced. Pure.
 */
export function syncLine(s: RunMemory['sync'], now: Date): string {
  if (!s) return '';
  const ago = (iso: string) => `${age(Math.max(0, (now.getTime() - Date.parse(iso)) / 1000))} ago`;
  const cell = (c: string | null) => (c ? ` (cell ${code(c)})` : '');
  const parts: string[] = [];
  const n = s.newest;
  if (n)
    parts.push(
      `newest verified checkpoint: ${code(n.path)}${cell(n.cell)}, ${n.step !== null ? `step ${n.step}` : 'step unknown'}, written ${ago(n.writtenAt)}, on ${s.runner ? `runner ${code(s.runner)}` : 'the runner'} at ${code(n.where)}${n.artifact ? `, artifact ${code(n.artifact)}` : ''}`,
    );
  else parts.push('no verified checkpoint synced yet');
  if (s.bad) parts.push(`⚠️ newer ${code(s.bad.path)}${cell(s.bad.cell)} (written ${ago(s.bad.writtenAt)}) failed verification: ${esc(s.bad.why, 300)}`);
  if (s.error) parts.push(`the last sync (${ago(s.at)}) stopped: ${esc(s.error, 300)}`);
  const older = (s.artifacts ?? []).filter((a) => a.name !== n?.artifact);
  if (older.length)
    parts.push(`older sync artifacts (yours to delete when no longer needed): ${older.map((a) => `${code(a.name)} ${human(a.bytes)}`).join(', ')}`);
  return parts.join('; ');
}
