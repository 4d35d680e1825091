import { describe, expect, it } from 'vitest';
import { renderCollect } from '../../src/collect/report.ts';
import type { Manifest } from '../../src/record/manifest.ts';
import { emptyMemory } from '../../src/patrol/memory.ts';
import { code, inert } from '../../src/report/markdown.ts';
import { renderPatrol, renderTeardownMark, type HostVerdict } from '../../src/patrol/render.ts';
import { renderLaunch } from '../../src/launch/render.ts';
import { forTerminal } from '../../src/report/terminal.ts';
import { HOSTILE_TEXTS, renderGfm, visibleText } from '../harness/render.ts';

/** What a rendered body must not contain when hostile text went into it. */
function assertInert(html: string, ownHeadings: number): void {
  expect(html.match(/<h[1-6]/g)?.length ?? 0).toBe(ownHeadings);
  expect(html).not.toMatch(/<a\s/);
  expect(html).not.toMatch(/<img\s/);
  expect(html).not.toMatch(/<details open/);
  expect(html).not.toMatch(/<strong>bold<\/strong>|<em>em<\/em>|<del>strike<\/del>/);
  // The only HTML comment is tether's own memory block.
  expect((html.match(/<!--/g) ?? []).length).toBeLessThanOrEqual(1);
  // GitHub makes no mentions inside code spans; everywhere else an @name must not survive.
  const text = visibleText(html.replace(/<code>[\s\S]*?<\/code>/g, ''));
  expect(text).not.toMatch(/@[A-Za-z0-9]/);
  expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
}

const verdict = (runId: string, detail: string, epoch: string | null): HostVerdict => ({
  runId,
  state: 'failed',
  cls: 'other',
  flags: [],
  remediation: 'read the log',
  detail,
  attempt: 1,
  step: 3,
  epoch,
  metrics: { loss: 0.5 },
  heartbeatAgeS: 10,
  progressAgeS: 10,
  checkpoints: { count: 0, newest: null, ageS: null },
  gpus: [],
  disk: null,
  memoryPct: null,
  since: '2026-11-23T00:00:00.000Z',
  newSignature: null,
  host: 'box-1',
});

describe('untrusted text in markdown', () => {
  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))('inert() keeps %s inert in prose and in a table cell', (_n, t) => {
    const md = `### ours\n\n| a | b |\n|---|---|\n| ${inert(t)} | x |\n| next-row | y |\n\n- item: ${inert(t)}\n- next item\n`;
    const html = renderGfm(md);
    assertInert(html, 1);
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html).toContain('next-row');
    expect(html).toContain('next item');
  });

  it.each(HOSTILE_TEXTS.map((t) => [JSON.stringify(t).slice(0, 40), t]))('code() keeps %s inside one code span', (_n, t) => {
    const html = renderGfm(`| a | b |\n|---|---|\n| ${code(t)} | x |\n| next-row | y |\n`);
    assertInert(html, 0);
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html.match(/<code>/g)).toHaveLength(1);
    expect(html).toContain('next-row');
  });

  it('a patrol comment whose markers and log carry hostile text adds no heading, mention, link or image and hides no run', () => {
    const hostile = HOSTILE_TEXTS.join(' ');
    const body = renderPatrol(
      [verdict('r1', hostile, hostile), verdict('r2-next', 'ok', null)],
      { ...emptyMemory(), tick: 4 },
      new Date('2026-11-23T01:00:00Z'),
      '<!-- tether:status -->',
    );
    const html = renderGfm(body);
    expect(html.match(/<h3/g)).toHaveLength(1);
    assertInert(html.replace('<!-- tether:status -->', ''), 1);
    // Both runs keep their table row and their note; the memory block is still the last thing.
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(visibleText(html)).toContain('r2-next');
    expect(body.trimEnd().endsWith('-->')).toBe(true);
    // A teardown reason from a provider answer is just as inert.
    const marked = renderTeardownMark(body, 'r1', { state: 'torn-down', reason: hostile, at: '2026-11-23T02:00:00Z' });
    assertInert(renderGfm(marked).replace('<!-- tether:status -->', ''), 2);
  });

  it('collect and launch summaries keep verifier problems, tensor names and box messages inert', () => {
    const hostile = HOSTILE_TEXTS.join(' ');
    const m: Manifest = {
      schema: 'tether.manifest/v1',
      run_id: 'r1',
      attempt: 1,
      created_at: 'x',
      latest_only: false,
      file_count: 1,
      total_bytes: 1,
      workdir: '/w',
      files: [{ path: 'a.pt', bytes: 1, sha256: 'a'.repeat(64) }],
    };
    const md = renderCollect(
      'r1',
      m,
      [
        {
          path: 'a.pt',
          bytes: 1,
          sha256: 'a'.repeat(64),
          result: { format: 'torch-zip', ok: false, problems: [hostile], tensors: [], nonFinite: [{ name: hostile, count: 2 }] },
          trusted: hostile,
        },
      ],
      { ok: true, missing: [], extra: [], sizeMismatch: [], hashMismatch: [] },
      null,
    );
    assertInert(renderGfm(md), 1);
    const launch = renderLaunch(
      {
        result: 'refused',
        message: hostile,
        runId: 'r1',
        attempt: 2,
        pid: 5,
        handle: hostile,
        runDir: hostile,
        startedAt: hostile,
        logHead: `${hostile}\n\`\`\`\n# not a heading`,
        warnings: [hostile],
      },
      'u@h:22',
      hostile,
    );
    const html = renderGfm(launch);
    assertInert(html.replace(/<pre>[\s\S]*?<\/pre>/g, ''), 1);
    expect(html.match(/<pre>/g)).toHaveLength(1);
  });
});

describe('untrusted text on a terminal', () => {
  it('drops escape sequences (CSI, OSC clipboard/title/hyperlink, DCS, C1) and shows other controls as ?', () => {
    const evil = 'a\u001b[2J\u001b[1;1Hb\u001b]52;c;cHduZWQ=\u0007c\u001b]8;;https://evil\u001b\\d\u001bPq#0\u001b\\e\u009b31mf\u0007\u0008g\r\nh';
    const out = forTerminal(evil);
    expect(out).toBe('abcdef??g\nh');
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('summaries on a terminal', () => {
  it('undo the markdown escaping of untrusted text, and escape sequences still go', async () => {
    const { markdownToTerminal } = await import('../../src/report/terminal-markdown.ts');
    const text = 'collect (verified) must come first: a|b <x> & @user https://x.test \u001b[2J **not bold** `not code`';
    expect(markdownToTerminal(forTerminal(inert(text)))).toBe(
      'collect (verified) must come first: a|b <x> & @user https://x.test  [2J **not bold** `not code`',
    );
  });
});

describe('teardown summaries (src/teardown/render.ts)', () => {
  it('provider answers, reasons and leftovers stay inert in every outcome', async () => {
    const { renderTeardown } = await import('../../src/teardown/render.ts');
    const hostile = HOSTILE_TEXTS.join(' ');
    for (const s of [
      { kind: 'refused' as const, runId: 'r1', reason: hostile, notes: [hostile], card: '' },
      { kind: 'unconfirmed' as const, runId: 'r1', detail: hostile, notes: [hostile], card: '' },
      {
        kind: 'done' as const,
        runId: 'r1',
        state: 'torn-down' as const,
        instanceId: 'pod-1',
        detail: hostile,
        already: false,
        verb: 'destroy',
        keepsBilling: 'nothing',
        leftovers: [hostile],
        notes: [hostile],
        card: '',
      },
      {
        kind: 'done' as const,
        runId: 'r1',
        state: 'parked' as const,
        instanceId: 'pod-1',
        detail: 'ok',
        already: true,
        verb: 'park',
        keepsBilling: null,
        leftovers: { error: hostile },
        notes: [],
        card: '',
      },
    ]) {
      const html = renderGfm(renderTeardown(s));
      expect(html.match(/<h3/g)).toHaveLength(1);
      assertInert(html, s.kind === 'done' && s.leftovers && !('error' in s.leftovers) ? 2 : 1);
    }
  });
});
