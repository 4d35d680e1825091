/**
 * tether's reports are markdown for GitHub; on a terminal the same text is rendered, not printed raw:
 * headings and table headers in bold, tables aligned by display width, callouts as `warning:` lines,
 * `<details>` as a plain label, code spans and escapes undone, mermaid charts (GitHub only) left out.
 * Colour only when the caller says so (a TTY, and no NO_COLOR). Pure; handles the markdown tether writes,
 * which escapes all untrusted text (report/markdown.ts), not markdown in general.
 */

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const sgr = (on: number, off: number) => (s: string) => (s ? `\u001b[${on}m${s}\u001b[${off}m` : s);
const plain = (s: string) => s;
export const PLAIN: Style = { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };
export const COLOR: Style = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };

/**
 * Colour only on a terminal, never with NO_COLOR (any value but empty: no-color.org), nor on TERM=dumb;
 * FORCE_COLOR (non-empty, not 0) turns it on for a pipe.
 */
export function wantsColor(isTTY: boolean | undefined, env: Record<string, string | undefined>): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return Boolean(isTTY) && env['TERM'] !== 'dumb';
}

/** Wide East Asian ranges (two columns each). */
const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
];

/** Columns a string takes on a terminal: wide East Asian and emoji count 2, combining marks and joiners 0. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s.replace(/\u001b\[[0-9;]*m/g, '')) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/\p{M}/u.test(ch) || cp === 0x200b || cp === 0x200d || cp === 0xfe0f || cp === 0xfe0e) continue;
    const emoji = cp > 0x2000 && /\p{Extended_Pictographic}/u.test(ch);
    w += emoji || WIDE.some(([lo, hi]) => cp >= lo && cp <= hi) ? 2 : 1;
  }
  return w;
}

const BARS = '▁▂▃▄▅▆▇█';

/** The last `width` finite values as a text sparkline (low ▁ … high █). Pure. */
export function sparkline(values: readonly (number | null)[], width = 16): string {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).slice(-width);
  if (!v.length) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map((x) => BARS[hi === lo ? 3 : Math.round(((x - lo) / (hi - lo)) * (BARS.length - 1))]).join('');
}

/** Backslash escapes and entities of tether's markdown undone; zero-width spaces (autolink breakers) gone. */
function unescape(s: string): string {
  return s
    .replace(/\\([\\`*_[\]()!#|~{}])/g, '$1')
    .replace(/\u200b/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** One line of inline markdown: code spans taken literally (but `\|`), `**bold**`, escapes undone. */
export function inline(s: string, style: Style): string {
  let out = '';
  let rest = s;
  for (let guard = 0; rest && guard < 10_000; guard++) {
    const m = /(?<!\\)(`+)([\s\S]*?[^`])\1(?!`)/.exec(rest);
    if (!m) break;
    out += prose(rest.slice(0, m.index), style);
    let inner = (m[2] ?? '').replace(/\\\|/g, '|');
    if (inner.length >= 2 && inner.startsWith(' ') && inner.endsWith(' ')) inner = inner.slice(1, -1);
    out += inner;
    rest = rest.slice(m.index + m[0].length);
  }
  return out + prose(rest, style);
}

function prose(s: string, style: Style): string {
  return s
    .split(/(?<!\\)\*\*/)
    .map((part, i) => (i % 2 ? style.bold(unescape(part)) : unescape(part)))
    .join('');
}

/** Cells of one table row, split on `|` that is not escaped. */
function cells(line: string): string[] {
  const body = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return body.split(/(?<!\\)\|/).map((c) => c.trim());
}

function table(lines: string[], style: Style): string[] {
  const rows = lines.filter((l) => !/^\|(\s*:?-+:?\s*\|)+\s*$/.test(l.trim())).map((l) => cells(l).map((c) => inline(c, style)));
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows.map((r, k) =>
    Array.from({ length: n }, (_, i) => {
      const c = r[i] ?? '';
      const padded = c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c)));
      return k === 0 ? style.bold(padded) : padded;
    })
      .join('  ')
      .trimEnd(),
  );
}

const CALLOUT: Record<string, (s: Style) => string> = {
  WARNING: (s) => s.yellow('warning:'),
  CAUTION: (s) => s.red('caution:'),
  IMPORTANT: (s) => s.yellow('important:'),
  NOTE: (s) => s.dim('note:'),
  TIP: (s) => s.dim('tip:'),
};

/** A report's markdown as terminal text. */
export function markdownToTerminal(md: string, style: Style = PLAIN): string {
  const src = md
    .replace(/\r\n?/g, '\n')
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n');
  const out: string[] = [];
  for (let i = 0; i < src.length; i++) {
    const line = src[i] ?? '';
    const fence = /^(`{3,})\s*([\w-]*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < src.length && !(src[i] ?? '').startsWith(fence[1] ?? '```'); i++) body.push(src[i] ?? '');
      // A mermaid chart is for GitHub; `tether status` draws its own sparkline.
      if (fence[2] !== 'mermaid') out.push(...body.map((b) => `  ${b.replace(/`\u200b``/g, '```')}`));
      continue;
    }
    if (line.trimStart().startsWith('|')) {
      const block: string[] = [];
      for (; i < src.length && (src[i] ?? '').trimStart().startsWith('|'); i++) block.push(src[i] ?? '');
      i--;
      out.push(...table(block, style));
      continue;
    }
    const callout = /^>\s*\[!(\w+)\]\s*$/.exec(line);
    if (callout) {
      const text: string[] = [];
      for (i++; i < src.length && (src[i] ?? '').startsWith('>'); i++) text.push((src[i] ?? '').replace(/^>\s?/, ''));
      i--;
      const label = (CALLOUT[(callout[1] ?? '').toUpperCase()] ?? ((s: Style) => s.dim(`${(callout[1] ?? '').toLowerCase()}:`)))(style);
      out.push(`${label} ${inline(text.join(' '), style)}`);
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      out.push(style.bold(inline(heading[1] ?? '', style)));
      continue;
    }
    const summary = /^<details>\s*<summary>(.*)<\/summary>\s*$/.exec(line);
    if (summary) {
      out.push(`${inline(summary[1] ?? '', style)}:`);
      continue;
    }
    if (/^<\/?details>\s*$/.test(line)) continue;
    if (line.startsWith('> ')) {
      out.push(`  ${inline(line.slice(2), style)}`);
      continue;
    }
    out.push(inline(line, style));
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
