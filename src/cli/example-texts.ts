import { readFileSync } from 'node:fs';

/**
 * The text of one example workflow, `examples/workflows/<name>` (what `tether init` writes, adapted). Read from
 * the checkout when tether runs from source; scripts/build.ts swaps this module for one holding every example's
 * text, so the CLI bundle carries them.
 */
export function exampleText(name: string): string {
  return readFileSync(new URL(`../../examples/workflows/${name}`, import.meta.url), 'utf8');
}
