import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../config/errors.ts';
import { PHASE_INPUTS, type Phase } from '../config/inputs.ts';
import { PHASE_LIST, runPhase } from '../phases.ts';
import { terminalPorts } from './ports.ts';
import { describeError } from '../report/describe-error.ts';
import type { Reporter } from '../report/reporter.ts';
import { forTerminal, markdownForTerminal } from '../report/terminal.ts';
import { HELP, usage } from './help.ts';

const REPEATABLE = new Set(['env', 'checkpoints', 'mounts', 'known-hosts', 'host-key-fingerprint', 'run-ids', 'progress-regex']);

/** `--name value`, `--name=value`; repeatable list flags join with newlines. Unknown flags are errors. */
export function parseArgs(phase: Phase, argv: string[]): Record<string, string> {
  const cmd = phase === 'patrol' ? 'status' : phase;
  const allowed = new Set<string>(PHASE_INPUTS[phase]);
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) throw new InputError(arg, `unexpected argument; see 'tether ${cmd} --help'`);
    const name = m[1] ?? '';
    if (!allowed.has(name)) throw new InputError(name, `is not an option of 'tether ${cmd}'; see 'tether ${cmd} --help'`);
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new InputError(name, 'needs a value');
    }
    out[name] = REPEATABLE.has(name) && out[name] ? `${out[name]}\n${value}` : value;
  }
  return out;
}

function terminalReporter(outputs: Record<string, string>): Reporter {
  const masks: string[] = [];
  const clean = (s: string) => forTerminal(masks.reduce((acc, m) => acc.split(m).join('***'), s));
  return {
    info: (l) => console.error(clean(l)),
    warn: (l) => console.error(`warning: ${clean(l)}`),
    error: (l) => console.error(`error: ${clean(l)}`),
    mask: (v) => void masks.push(v),
    output: (n, v) => void (outputs[n] = v),
    summary: (md) => console.log(clean(markdownForTerminal(md))),
  };
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(usage());
    return cmd ? 0 : 2;
  }
  const phase = PHASE_LIST.find((p) => p.cli === cmd);
  if (!phase) {
    console.error(`error: unknown command ${JSON.stringify(cmd)}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP[phase.cli as keyof typeof HELP]);
    return 0;
  }
  const outputs: Record<string, string> = {};
  const reporter = terminalReporter(outputs);
  try {
    const inputs = parseArgs(phase.name, rest);
    const code = await runPhase(phase, inputs, process.env, reporter, terminalPorts());
    // launch and audit end with their outputs (the others say it all in their summary).
    if (phase.name === 'launch' || phase.name === 'audit')
      for (const [k, v] of Object.entries(outputs)) if (k !== 'report') console.error(forTerminal(`${k}: ${v}`));
    return code;
  } catch (err) {
    const d = describeError(err);
    reporter.error(d.line);
    return d.code;
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
