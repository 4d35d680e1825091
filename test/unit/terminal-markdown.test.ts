import { describe, expect, it } from 'vitest';
import { terminalReporter } from '../../src/cli/index.ts';
import { renderLaunch } from '../../src/launch/render.ts';
import { code, inert } from '../../src/report/markdown.ts';
import { COLOR, displayWidth, markdownToTerminal, PLAIN, sparkline, wantsColor } from '../../src/report/terminal-markdown.ts';

const ESC = /\u001b\[/;

describe('markdown on a terminal', () => {
  it('aligns a table by display width (emoji take two columns), header first, separator gone', () => {
    const md = [
      '| run | state | note |',
      '|---|---|---|',
      `| ${code('a')} | ✅ finished | x |`,
      `| ${code('long-run-id')} | 🟢 running | ${inert('a|b')} |`,
    ].join('\n');
    const lines = markdownToTerminal(md).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^run\s+state\s+note$/);
    const col = (l: string, word: string) => displayWidth(l.slice(0, l.indexOf(word)));
    expect(col(lines[1]!, 'x')).toBe(col(lines[0]!, 'note'));
    expect(col(lines[2]!, 'a|b')).toBe(col(lines[0]!, 'note'));
    expect(lines[2]).toContain('long-run-id');
  });

  it('renders headings, callouts, details and fences as text, drops mermaid and HTML comments', () => {
    const md = [
      '<!-- tether:status -->',
      '### ✅ tether launch — `x` on `host`: started',
      '',
      '> [!WARNING]',
      `> ${inert('disk *almost* full: /data')}`,
      '',
      '<details><summary>first lines of the job log</summary>',
      '',
      '```text',
      'step 1 `\u200b`` loss',
      '```',
      '',
      '</details>',
      '```mermaid',
      'xychart-beta',
      '```',
      '- **bold** and `code | pipe`',
    ].join('\n');
    const t = markdownToTerminal(md);
    expect(t).toBe(
      [
        '✅ tether launch — x on host: started',
        '',
        'warning: disk *almost* full: /data',
        '',
        'first lines of the job log:',
        '',
        '  step 1 ``` loss',
        '',
        '- bold and code | pipe',
      ].join('\n'),
    );
    expect(t).not.toMatch(/xychart|tether:status|<details>|###|\[!WARNING\]/);
  });

  it('colour only through the style: none in PLAIN, SGR in COLOR', () => {
    const md = '### title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!WARNING]\n> careful';
    expect(markdownToTerminal(md, PLAIN)).not.toMatch(ESC);
    const colored = markdownToTerminal(md, COLOR);
    expect(colored).toMatch(/\u001b\[1mtitle\u001b\[22m/);
    expect(colored).toMatch(/\u001b\[33mwarning:\u001b\[39m careful/);
    // Alignment ignores the escape codes.
    expect(displayWidth(COLOR.bold('abc'))).toBe(3);
  });

  it('colour on a TTY only, never with NO_COLOR or TERM=dumb; FORCE_COLOR for a pipe', () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(undefined, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(true, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(wantsColor(true, { TERM: 'dumb' })).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(true, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('a sparkline scales min..max over the last points and skips missing ones', () => {
    expect(sparkline([4, 3, 2, 1, 0])).toBe('█▆▅▃▁');
    expect(sparkline([1, null, Number.NaN, 1])).toBe('▄▄');
    expect(sparkline([])).toBe('');
    expect(
      sparkline(
        Array.from({ length: 40 }, (_, i) => i),
        16,
      ),
    ).toHaveLength(16);
  });
});

describe('the CLI reporter', () => {
  function capture(isTTY: boolean, env: Record<string, string> = {}) {
    const out = { text: '', isTTY, write: (s: string) => void (out.text += s) };
    const err = { text: '', isTTY, write: (s: string) => void (err.text += s) };
    return { r: terminalReporter({}, env, out, err), out, err };
  }
  const outcome = {
    result: 'started' as const,
    runId: 'exp-1',
    message: 'attempt 1 is running',
    warnings: ['tmux missing: fell back to setsid'],
    attempt: 1,
    pid: 4242,
    handle: 'setsid',
    runDir: '/root/.tether/runs/exp-1',
    startedAt: '2026-11-23T10:00:00Z',
    logHead: 'step 1 loss 2.0\n\u001b]52;c;Y2xpcGJvYXJk\u0007step 2',
  } as unknown as Parameters<typeof renderLaunch>[0];

  it('prints a launch summary as text: no markdown syntax, no colour on a pipe, box escape sequences gone', () => {
    const { r, out } = capture(false);
    r.summary(renderLaunch(outcome, 'root@10.0.0.5:22'));
    expect(out.text).not.toMatch(/\|---|^#+ |\[!WARNING\]|<details>|\*\*/m);
    expect(out.text).not.toMatch(/\u001b/);
    expect(out.text).toMatch(/^✅ tether launch — exp-1 on root@10\.0\.0\.5:22: started$/m);
    expect(out.text).toMatch(/^warning: tmux missing: fell back to setsid$/m);
    expect(out.text).toMatch(/^attempt\s+pid\s+handle\s+run dir\s+started$/m);
    expect(out.text).toMatch(/^ {2}step 2$/m);
  });

  it('colours headings and prefixes on a TTY, and not with NO_COLOR', () => {
    const tty = capture(true);
    tty.r.summary(renderLaunch(outcome, 'h'));
    tty.r.warn('careful');
    expect(tty.out.text).toMatch(ESC);
    expect(tty.err.text).toBe('\u001b[33mwarning:\u001b[39m careful\n');
    // The box's OSC 52 clipboard write never survives, colour or not.
    expect(tty.out.text).not.toMatch(/\u001b\]52/);
    const noColor = capture(true, { NO_COLOR: '1' });
    noColor.r.summary(renderLaunch(outcome, 'h'));
    noColor.r.error('bad');
    expect(noColor.out.text + noColor.err.text).not.toMatch(/\u001b/);
    expect(noColor.err.text).toBe('error: bad\n');
  });
});
