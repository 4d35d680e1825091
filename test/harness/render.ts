import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

/**
 * Renders markdown the way GitHub does for the parts that matter here (CommonMark + GFM tables, autolink
 * literals, strikethrough), with raw HTML passed through as GitHub passes its allowed tags.
 */
export function renderGfm(md: string): string {
  return micromark(md, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** The visible text of rendered HTML (tags removed, entities decoded). */
export function visibleText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

/** What hostile text tries to do in a comment: each must render inert. */
export const HOSTILE_TEXTS = [
  '\n## injected heading',
  '\r\n# another heading',
  'ping @octocat and @github/security',
  '[click](https://evil.example/x)',
  '![img](https://evil.example/pixel.png)',
  '<img src="https://evil.example/p.png">',
  '<a href="https://evil.example">link</a>',
  'see https://evil.example/a and www.evil.example',
  'mail me: someone@evil.example',
  '<!-- hide everything after this',
  'cell | break | here',
  '`code` and ```fence',
  '<details open><summary>x</summary>',
  '**bold** _em_ ~~strike~~',
  '\u202eevil-rtl\u202c',
  '&lt;script&gt; &amp;',
];
