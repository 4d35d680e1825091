/**
 * The local-file ports both composition roots share: the patrol's `state-file` as a status store, and a
 * tether.yml read. Reading or writing fails as an InputError naming the input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../config/errors.ts';
import type { StatusStore } from '../report/reporter.ts';

/** Tick memory in a local file (the CLI, or a runner without report-to). */
export function fileStore(path: string): StatusStore {
  return {
    load: async () => {
      if (!existsSync(path)) return [];
      try {
        return [readFileSync(path, 'utf8')];
      } catch (err) {
        throw new InputError('state-file', `cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
      }
    },
    save: async (runIds, render) => {
      writeFileSync(path, render(runIds));
      return [path];
    },
  };
}

/** The text of a tether.yml (`config`). */
export function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('config', `cannot read ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
}
