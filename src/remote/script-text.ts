import { readFileSync } from 'node:fs';

/**
 * The text of one on-box script, `scripts/remote/<name>`. Read from the checkout when tether runs from source
 * (vitest, tsx, `@github/local-action`); scripts/build.ts swaps this module for one holding every script's
 * text, so the bundles in dist/ carry them and read nothing.
 */
export function scriptText(name: string): string {
  return readFileSync(new URL(`../../scripts/remote/${name}`, import.meta.url), 'utf8');
}
