/**
 * Escaping of untrusted text (from a box, a job's log, a checkpoint, a provider's answer) for GitHub
 * markdown. Every such text reaches a summary, comment or issue through `inert` (prose) or `code`
 * (identifiers and paths); our own markdown around it stays ours. Pure.
 */

/** C0/C1 controls, DEL, and the bidi/zero-width controls that can reorder or hide what a reader sees. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Punctuation that starts markdown constructs inline: emphasis, code, links, images, tables, strikethrough. */
const PUNCT = /[\\`*_[\]()!#|~{}]/g;
const ZWSP = '\u200b';

/** At most `max` characters (whole code points), with an ellipsis when cut. */
function bounded(s: string, max: number): string {
  const cps = Array.from(s);
  return cps.length > max ? `${cps.slice(0, max).join('')}…` : s;
}

/**
 * Untrusted text as one line of inert markdown: no heading, list, quote, HTML or HTML comment (which
 * could hide what follows), no link, image or autolink, no @mention, no table-cell break, no code span.
 */
export function inert(s: string, max = 2000): string {
  return (
    bounded(String(s), max)
      .replace(/\r\n?|\n/g, ' ')
      .replace(CONTROLS, ' ')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(PUNCT, (c) => `\\${c}`)
      // Autolinks (`https://x`, `www.x`) and mentions (`@user`, `a@b.c`) are broken with a zero-width space.
      .replace(/:\/\//g, `:${ZWSP}//`)
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`)
      .replace(/@/g, `@${ZWSP}`)
  );
}

/**
 * Untrusted text as one inline code span (names, paths, ids): inside it nothing renders; the fence is
 * longer than any backtick run in the text, and `|` is escaped so a table cell cannot be split.
 */
export function code(s: string, max = 400): string {
  const t = bounded(String(s), max)
    .replace(/\r\n?|\n/g, ' ')
    .replace(CONTROLS, ' ')
    .replace(/\|/g, '\\|');
  const longest = Math.max(0, ...Array.from(t.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t === '' ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}
