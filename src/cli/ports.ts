import type { Ports } from '../ports/types.ts';
import { fileStore, readConfigFile } from '../ports/files.ts';

/**
 * The terminal composition root: no artifact service, no GitHub status (the patrol keeps its memory in
 * `state-file`), no context to refuse; paths resolve against the current directory.
 */
export function terminalPorts(cwd: string = process.cwd()): Ports {
  return { workspace: cwd, statusMode: 'text', checkContext: () => undefined, stateStore: fileStore, readConfig: readConfigFile };
}
