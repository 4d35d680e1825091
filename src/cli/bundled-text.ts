import { readFileSync } from 'node:fs';

/**
 * The text of a file of this repository the CLI carries (`examples/workflows/<name>`, `actions/smoke/action.yml`):
 * read from the checkout when tether runs from source; scripts/build.ts swaps this module for one holding each
 * file's text, so the CLI bundle reads nothing from a checkout it does not have.
 */
export function bundledText(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}
