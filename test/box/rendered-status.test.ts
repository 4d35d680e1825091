import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportTo } from '../../src/config/patrol.ts';
import { githubStore } from '../../src/github/status-store.ts';
import { CHART_COLORS, ICON } from '../../src/patrol/render.ts';
import { registeredHosts } from '../../src/registry/hosts.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { createBox, type Box } from '../harness/box.ts';
import { openBrowser, renderComment, type Rendered } from '../harness/browser.ts';
import { fakeGpus, h100s } from '../harness/fake-gpu.ts';
import { BOT, startGitHubDouble, type GitHubDouble } from '../harness/github-double.ts';
import { launchPhase, patrolPhase } from '../harness/phases.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * The sticky status comment as people see it all day: real runs on two real boxes (a training run with a
 * falling loss, a sweep of three cells, and a run whose log is hostile), the cron patrol's ticks posting
 * through the real Octokit to the GitHub double, and the comment it left rendered as GitHub renders it (GFM,
 * GitHub's CSS, mermaid) in headless Chromium. Every check reads the rendered page. Screenshots land in
 * .tmp/screenshots/ (one of them is docs/images/status-comment.png).
 */
let a: Box;
let b: Box;
let gh: GitHubDouble;
let browser: Browser;
const SHOTS = join('.tmp', 'screenshots');
const TOKEN = 'ghs-actions-token';
const env = () => ({ GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url });
const store = (reportTo: string) => githubStore(parseReportTo(reportTo)!, env(), TOKEN);

// What a box could print to steal attention or clicks, each piece within the 40 characters the status keeps
// of a progress field: read from the log by the patrol's progress-regex (as a user's regex would), each must
// arrive as plain text.
const HOSTILE = [
  '<img src=//evil.example/p onerror=x>',
  '@everyone [login](https://evil.example)',
  '</td></tr></table># owned <script>',
  '| x | ![i](//evil.example/i) <!-- ',
];
const NOTE_REGEX = 'note (?<epoch>.+)';
const note = (text: string) => `printf 'note %s\\n' '${text.replace(/'/g, `'\\''`)}'`;

const LOSS = `for i in $(seq 1 600); do awk -v i=$i 'BEGIN{printf "step %d loss %.4f\\n", i*10, 2.0/(1+i)}'; sleep 0.7; done`;
const CELL = (k: number) =>
  `${note(HOSTILE[k - 1]!)}; for i in $(seq 1 600); do awk -v i=$i 'BEGIN{printf "step %d loss %.4f\\n", i, ${k}/(1+i)}'; sleep 0.7; done`;

beforeAll(async () => {
  [a, b] = await Promise.all([createBox(), createBox()]);
  fakeGpus(a, h100s(1));
  for (const box of [a, b]) box.sh(`mkdir -p ${box.home}/code`);
  b.sh(`cat ${a.clientKeyPath}.pub >> ${b.dir}/authorized_keys`);
  b.sh(
    `cat > ${b.home}/code/hostile.sh <<'EOF'\necho "step 1 loss 0.5"\n${note(HOSTILE[3]!)}\nsleep 2\necho 'Traceback (most recent call last):'\necho 'RuntimeError: bad'\nexit 1\nEOF`,
  );
  gh = await startGitHubDouble();
  browser = await openBrowser();
});
afterAll(async () => {
  await browser?.close();
  await gh?.close();
  a?.destroy();
  b?.destroy();
});

async function launch(box: Box, id: string, at: string, extra: Record<string, string>) {
  const r = captureReporter();
  const file = `/tmp/tether-rendered-${process.pid}-${id}.json`;
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': file,
      'report-to': at,
      'ssh-key-path': a.clientKeyPath,
      ...extra,
    }),
    {},
    r,
    '/tmp',
    store(at),
  );
  rmSync(file, { force: true });
  expect(code, r.errors.join('\n')).toBe(0);
}

/** One cron tick: only the patrol's key and where launch registered; the comment it leaves. */
async function tick(at: string, runIds: string): Promise<string> {
  const r = captureReporter();
  const inputs = {
    'ssh-key-path': a.clientKeyPath,
    'connect-timeout': '4',
    'report-to': at,
    'run-ids': runIds,
    'stall-after': '1h',
    'progress-regex': NOTE_REGEX,
  };
  const code = await patrolPhase(inputs, {}, r, {
    probe: probeHost,
    registered: registeredHosts,
    remote: store(at),
  });
  expect([0, 1]).toContain(code); // 1 when a run needs a person (the hostile one fails)
  const issue = Number(at.split(':')[1]);
  const c = [...gh.comments.values()].find((x) => x.issue === issue && x.user.login === BOT.login && x.body.includes('<!-- tether:status -->'));
  expect(c, r.errors.join('\n')).toBeDefined();
  return c!.body;
}

async function ticks(at: string, runIds: string, n: number): Promise<string> {
  let body = '';
  for (let i = 0; i < n; i++) {
    body = await tick(at, runIds);
    await new Promise((res) => setTimeout(res, 1600));
  }
  return body;
}

/** Text as a reader sees it: zero-width characters are not seen. */
const visible = (t: string) => t.replace(/\u200b|\u200c|\u200d|\u2060/g, '');
const column = (t: string[][], name: string) => t.slice(1).map((row) => row[t[0]!.indexOf(name)] ?? '');
const rowOf = (r: Rendered, id: string) => r.tables.flatMap((t) => t.slice(1).map((row) => ({ head: t[0]!, row }))).find((x) => x.row[0] === id);

describe('the sticky status comment, rendered as GitHub renders it', () => {
  it('one run: the table with its state icon, progress and GPU, and the loss chart drawn by mermaid', async () => {
    const at = `pr:${gh.addIssue('One run', { pull: true })}`;
    await launch(a, 'loss-run', at, { command: LOSS });
    const body = await ticks(at, 'loss-run', 3);
    const r = await renderComment(browser, body, join(SHOTS, 'status-run.png'));
    const row = rowOf(r, 'loss-run');
    expect(row, JSON.stringify(r.tables)).toBeDefined();
    expect(row!.head).toEqual(expect.arrayContaining(['run', 'state']));
    // The fake GPU idles at 0 %, so the run is flagged: the icon and state lead the cell.
    expect(row!.row[row!.head.indexOf('state')]).toMatch(new RegExp(`^${ICON.running} running`));
    expect(row!.row.join(' ')).toMatch(/step \d+/);
    expect(row!.row[row!.head.indexOf('GPU')]).toMatch(/^1× 0% · 0 GiB · 31 °C$/);
    expect(r.charts.length).toBeGreaterThanOrEqual(1);
    expect(r.charts[0]).toMatchObject({ drawn: true, error: '' });
    expect(r.charts[0]!.title).toContain('loss-run');
    expect(r.charts[0]!.lines).toBe(1);
    // Drawn in a colour that shows on GitHub's white comment (mermaid's own first colour is near-white).
    expect(r.charts[0]!.colors).toEqual([CHART_COLORS[0]]);
    // The hidden tick memory stays hidden: nothing of it is visible text.
    expect(r.text).not.toMatch(/tether:memory|[A-Za-z0-9+/]{80,}/);
    expect(r.requests).toEqual([]);
    // The whole table shows at a comment's width: nothing hides behind a sideways scroll.
    expect(r.overflow).toEqual([0]);
  });

  it('a sweep and a multi-host tick: one table over both boxes, the sweep’s cells by name with icons, its chart, and a hostile log line as inert text', async () => {
    const at = `pr:${gh.addIssue('Sweep and more', { pull: true })}`;
    await launch(a, 'multi-a', at, { command: LOSS });
    await launch(b, 'grid', at, {
      command: '',
      cells: ['lr1', 'lr2', 'lr3'].map((c, k) => `${c}: ${CELL(k + 1)}`).join('\n'),
      'gpus-per-cell': '0',
      'max-parallel': '3',
    });
    await launch(b, 'hostile', at, { command: 'bash hostile.sh' });
    await waitFor('the hostile run to fail', () => b.sh(`test -f ${b.home}/.tether/runs/hostile/FAILED && echo y || true`).trim() === 'y', 20_000);
    const body = await ticks(at, 'multi-a,grid,hostile', 3);
    const r = await renderComment(browser, body, join(SHOTS, 'status-sweep-multihost.png'));

    // Multi-host: both boxes' runs in the one status table, each on its own host.
    const main = r.tables.find((t) => t[0]!.includes('host'))!;
    expect(column(main, 'run')).toEqual(expect.arrayContaining(['multi-a', 'grid', 'hostile']));
    const hosts = new Set(column(main, 'host'));
    expect(hosts).toEqual(new Set([`root@${a.addr}:22`, `root@${b.addr}:22`]));
    expect(rowOf(r, 'multi-a')!.row.join(' ')).toContain(`${ICON.running} running`);
    expect(rowOf(r, 'hostile')!.row.join(' ')).toContain(`${ICON.failed} failed`);

    // The sweep: its own heading, per-state counts with icons, each cell by name with its icon, and a chart of the cells' loss.
    expect(r.headings.some((h) => /^Sweep grid/.test(h))).toBe(true);
    const cells = r.tables.find((t) => t[0]![0] === 'cell')!;
    expect(cells, JSON.stringify(r.tables)).toBeDefined();
    expect(column(cells, 'cell').sort()).toEqual(['lr1', 'lr2', 'lr3']);
    for (const s of column(cells, 'state')) expect(s).toBe(`${ICON.running} running`);
    expect(column(cells, 'progress').map((p) => visible(p).replace(/^step \d+ · epoch /, ''))).toEqual(
      expect.arrayContaining(HOSTILE.slice(0, 3).map((h) => h.trim())),
    );
    expect(r.text).toContain(`${ICON.running} running 3`);
    const sweepChart = r.charts.find((c) => c.title.startsWith('grid'));
    expect(sweepChart, JSON.stringify(r.charts)).toMatchObject({ drawn: true, error: '', lines: 3, colors: CHART_COLORS.slice(0, 3) });
    expect(r.charts.every((c) => c.drawn && !c.error)).toBe(true);

    // The hostile pieces: visible as the text they are; they made no heading, link, image, handler or script,
    // broke no table, and hid nothing after them.
    // (Mentions and autolinks are defused with a zero-width space after `@` and in `://`, which a reader does not see.)
    for (const h of HOSTILE) expect(visible(r.text)).toContain(h.trim());
    expect(r.headings.some((h) => /owned/.test(h))).toBe(false);
    expect(r.links.filter((h) => h.includes('evil'))).toEqual([]);
    expect(r.images).toEqual([]);
    expect(r.active).toEqual([]);
    expect(r.requests).toEqual([]);
    // What follows the last hostile piece (the hostile run's row, then the sweep and its chart) is still shown.
    expect(visible(r.text).indexOf('Sweep grid')).toBeGreaterThan(visible(r.text).indexOf(HOSTILE[3]!.trim()));
    // Four runs' worth of columns over two hosts may scroll sideways (GitHub lets a wide table scroll), but what
    // a reader needs first (which run, where, its state and progress) is on screen, and the sweep's table fits.
    expect(r.onScreen[r.tables.indexOf(main)]!.slice(0, 4)).toEqual(['run', 'host', 'state', 'progress']);
    expect(r.overflow[r.tables.indexOf(cells)]).toBe(0);
    for (const t of r.tables) for (const row of t) expect(row.length, JSON.stringify(row)).toBe(t[0]!.length);
  });
});
