/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { renderGfm } from './render.ts';

/**
 * A comment as GitHub shows it: the markdown rendered as GFM (micromark, harness/render.ts), styled with
 * GitHub's own markdown CSS (github-markdown-css) at a comment's width, every ```mermaid block drawn by
 * mermaid as GitHub's viewer does, in Debian's headless Chromium driven by playwright-core (no browser
 * download: the system's /usr/bin/chromium). What a test reads back is the rendered DOM, never the markdown.
 */
const require = createRequire(import.meta.url);

export function chromiumPath(): string | null {
  for (const p of [process.env['TETHER_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && existsSync(p)) return p;
  return null;
}

export async function openBrowser(): Promise<Browser> {
  const path = chromiumPath();
  if (!path) throw new Error('rendering a comment needs Chromium: apt-get install chromium fonts-noto-color-emoji (scripts/apt-packages.txt)');
  // Root in a container: Chromium's own sandbox needs user namespaces it may not get; nothing untrusted is loaded
  // from the network (the page is set from a string and every request is refused below).
  return chromium.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'], timeout: 60_000 });
}

/** What a person sees of one rendered comment. */
export interface Rendered {
  /** Each table: its header cells, then each row's cells, as visible text. */
  tables: string[][][];
  /** Per table, how many pixels of it lie past the comment's edge (GitHub scrolls a wide table sideways). */
  overflow: number[];
  /** Per table, the headers of the columns a reader sees whole without scrolling sideways. */
  onScreen: string[][];
  /** Each mermaid block: whether it became an SVG chart, its title and how many lines it plots, or mermaid's error. */
  charts: Array<{ drawn: boolean; title: string; lines: number; colors: string[]; error: string }>;
  /** Headings' text, in order. */
  headings: string[];
  /** Every link's href, image src, and element carrying an event-handler attribute or a script. */
  links: string[];
  images: string[];
  active: string[];
  /** The whole visible text. */
  text: string;
  /** Requests the page tried to make (images, frames, anything): none should leave it. */
  requests: string[];
}

/** A comment's body on an issue or pull request page at GitHub's usual desktop width: about 880 px with its padding. */
export const COMMENT_WIDTH = 880;

let cssCache: string | null = null;
const css = () => (cssCache ??= readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8'));
let mermaidCache: string | null = null;
const mermaidJs = () => (mermaidCache ??= readFileSync(join(dirname(require.resolve('@mermaid-js/tiny/package.json')), 'dist', 'mermaid.tiny.js'), 'utf8'));

/** GitHub turns a ```mermaid fence into a diagram; the GFM HTML has it as a code block of class language-mermaid. */
function withMermaid(html: string): string {
  return html.replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>');
}

/** Renders `markdown` as GitHub shows a comment, takes a screenshot to `shot` (a PNG), and reads the page back. */
export async function renderComment(browser: Browser, markdown: string, shot: string, width = COMMENT_WIDTH): Promise<Rendered> {
  const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
  const requests: string[] = [];
  try {
    await page.route('**/*', (route) => {
      requests.push(route.request().url());
      return route.abort();
    });
    const body = withMermaid(renderGfm(markdown));
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${css()}
       body { margin: 0; background: #fff; } .markdown-body { box-sizing: border-box; width: ${width}px; padding: 16px; }
       </style></head><body><article class="markdown-body">${body}</article></body></html>`,
      { waitUntil: 'load', timeout: 30_000 },
    );
    await page.addScriptTag({ content: mermaidJs() });
    await page.evaluate(async () => {
      const m = (globalThis as unknown as { mermaid: { initialize(o: object): void; run(o: object): Promise<void> } }).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default' });
      for (const el of Array.from(document.querySelectorAll('pre.mermaid'))) {
        try {
          await m.run({ nodes: [el] });
        } catch (err) {
          el.setAttribute('data-error', String((err as Error).message ?? err).slice(0, 300));
        }
      }
    });
    const rendered = await page.evaluate(() => {
      const text = (el: Element) => (el as HTMLElement).innerText.trim();
      const tables = Array.from(document.querySelectorAll('article table')).map((t) =>
        Array.from(t.querySelectorAll('tr')).map((tr) => Array.from(tr.querySelectorAll('th,td')).map(text)),
      );
      const overflow = Array.from(document.querySelectorAll('article table')).map((t) => Math.max(0, t.scrollWidth - t.clientWidth));
      const onScreen = Array.from(document.querySelectorAll('article table')).map((t) => {
        const edge = t.getBoundingClientRect().left + t.clientWidth;
        return Array.from(t.querySelectorAll('tr:first-child th'))
          .filter((th) => th.getBoundingClientRect().right <= edge + 0.5)
          .map(text);
      });
      const charts = Array.from(document.querySelectorAll('pre.mermaid')).map((el) => {
        const svg = el.querySelector('svg');
        return {
          drawn: !!svg && svg.getAttribute('aria-roledescription') === 'xychart',
          title: svg?.querySelector('.chart-title text, g.chart-title text')?.textContent ?? '',
          lines: svg ? svg.querySelectorAll('g[class^="line-plot"] path').length : 0,
          colors: svg ? Array.from(svg.querySelectorAll('g[class^="line-plot"] path')).map((p) => (p.getAttribute('stroke') ?? '').toLowerCase()) : [],
          error: el.getAttribute('data-error') ?? '',
        };
      });
      const active: string[] = [];
      for (const el of Array.from(document.querySelectorAll('article *'))) {
        if (el.closest('pre.mermaid svg')) continue; // mermaid's own drawing
        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FORM', 'STYLE'].includes(el.tagName)) active.push(el.tagName.toLowerCase());
        for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) active.push(`${el.tagName.toLowerCase()}[${a.name}]`);
      }
      return {
        tables,
        overflow,
        onScreen,
        charts,
        headings: Array.from(document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6')).map(text),
        links: Array.from(document.querySelectorAll('article a[href]')).map((a) => a.getAttribute('href') ?? ''),
        images: Array.from(document.querySelectorAll('article img')).map((i) => i.getAttribute('src') ?? ''),
        active,
        text: (document.querySelector('article') as HTMLElement).innerText,
      };
    });
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    return { ...rendered, requests };
  } finally {
    await page.close();
  }
}
