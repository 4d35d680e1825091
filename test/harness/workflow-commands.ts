/**
 * The workflow commands the Actions runner would act on in a step's stdout: it trims leading whitespace,
 * honours `::stop-commands::<token>` until a line `::<token>::`, and also parses legacy `##[name]`.
 * Returns each command line it would run (the stop/resume lines included).
 */
export function workflowCommands(stdout: string): string[] {
  const out: string[] = [];
  let stopped: string | null = null;
  for (const raw of stdout.split(/\r?\n|\r/)) {
    const line = raw.trimStart();
    if (stopped !== null) {
      if (line === `::${stopped}::`) {
        stopped = null;
        out.push(line);
      }
      continue;
    }
    if (!line.startsWith('::') && !line.startsWith('##[')) continue;
    out.push(line);
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) stopped = stop[1] ?? null;
  }
  return out;
}

/** Workflow commands a hostile job prints: each must stay inert when it reaches tether's stdout. */
export const HOSTILE_COMMANDS = [
  '::error::forged error from the box',
  '  ::add-mask::tether',
  '::stop-commands::nothing',
  '::set-output name=verified::true',
  '::warning file=x::forged',
  '##[error]legacy forged',
  '::nothing::',
];
