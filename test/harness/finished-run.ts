import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPhase } from './phases.ts';
import type { Box } from './box.ts';
import { captureReporter } from './reporter.ts';
import { waitFor } from './sh.ts';

/**
 * Launches `command` as run `id` in `~/<workdir>` on the box (no audit, short confirmation) and waits
 * until the wrapper writes DONE: the setup of every collect and teardown test.
 */
export async function finishedRun(
  box: Box,
  id: string,
  command: string,
  opts: { workdir?: string; checkpoints?: string; env?: string; timeoutMs?: number; connection?: Record<string, string> } = {},
): Promise<void> {
  const workdir = opts.workdir ?? id;
  box.sh(`mkdir -p ${box.home}/${workdir}`);
  const rep = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      command,
      workdir: `~/${workdir}`,
      env: opts.env ?? '',
      audit: 'false',
      'confirm-timeout': '1',
      checkpoints: opts.checkpoints ?? 'ck/*.pt',
      'run-file': join(tmpdir(), `tether-${process.pid}-${id}.json`),
      ...opts.connection,
    }),
    {},
    rep,
    tmpdir(),
  );
  if (code !== 0) throw new Error(`launch of ${id} exited ${code}: ${rep.errors.join('; ')}`);
  await waitFor(`${id} DONE`, () => existsSync(`${box.home}/.tether/runs/${id}/DONE`), opts.timeoutMs ?? 60_000);
}
