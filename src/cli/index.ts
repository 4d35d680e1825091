import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../config/errors.ts';
import { INPUTS, PHASE_INPUTS, type InputDef, type Phase } from '../config/inputs.ts';
import { PHASE_LIST, runPhase } from '../phases.ts';
import { terminalPorts } from './ports.ts';
import { describeError } from '../report/describe-error.ts';
import type { Reporter } from '../report/reporter.ts';
import { forTerminal } from '../report/terminal.ts';
import { COLOR, markdownToTerminal, PLAIN, wantsColor } from '../report/terminal-markdown.ts';
import { HELP, INIT_HELP, LINT_HELP, usage, VERIFY_HELP } from './help.ts';
import { aliasInputs } from './ssh-config.ts';
import { distance, nearest } from './nearest.ts';
import { verifyCommand } from './verify.ts';
import pkg from '../../package.json' with { type: 'json' };

const kindOf = (kind: string) => new Set(Object.entries(INPUTS).flatMap(([n, d]) => ((d as InputDef).kind === kind ? [n] : [])));
/** List flags may repeat; their values join with newlines (the input table's `list` kind). */
const REPEATABLE = kindOf('list');
/** Flags that may stand alone (`--resume` is `--resume true`); `--no-<flag>` is false. */
const BOOLEAN = kindOf('boolean');
/** Inputs only a workflow has are no flags. */
const ACTION_ONLY = new Set(Object.entries(INPUTS).flatMap(([n, d]) => ((d as InputDef).only === 'action' ? [n] : [])));

/** Every problem with a command line, reported together. */
export class ArgsError extends InputError {
  constructor(readonly problems: string[]) {
    super('arguments', problems.join('; '));
    this.message = problems.join('\n');
  }
}

function suggest(name: string, allowed: Iterable<string>): string {
  const near = nearest(name, allowed);
  return near ? ` (did you mean --${near}?)` : '';
}

/**
 * `--name value`, `--name=value`, `--flag` / `--no-flag` for booleans; repeatable list flags join with
 * newlines. Every unknown flag and missing value is collected and thrown together as one ArgsError.
 */
export function parseArgs(phase: Phase, argv: string[]): Record<string, string> {
  const cmd = phase === 'patrol' ? 'status' : phase;
  const allowed = new Set<string>(PHASE_INPUTS[phase].filter((n) => !ACTION_ONLY.has(n)));
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z][a-z0-9-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) {
      problems.push(`${JSON.stringify(arg)}: unexpected argument (options are --name value)`);
      continue;
    }
    let name = m[1] ?? '';
    let value = m[2];
    if (name.startsWith('no-') && BOOLEAN.has(name.slice(3)) && allowed.has(name.slice(3)) && value === undefined) {
      name = name.slice(3);
      value = 'false';
    }
    if (!allowed.has(name)) {
      problems.push(`--${name} is not an option of 'tether ${cmd}'${suggest(name, allowed)}`);
      if (value === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) i++;
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (BOOLEAN.has(name)) value = next === 'true' || next === 'false' ? argv[++i]! : 'true';
      else if (next === undefined || next.startsWith('--')) {
        problems.push(`--${name} needs a value`);
        continue;
      } else value = argv[++i]!;
    }
    out[name] = REPEATABLE.has(name) && out[name] ? `${out[name]}\n${value}` : value;
  }
  if (problems.length) throw new ArgsError(problems.map((p) => `${p}; see 'tether ${cmd} --help'`));
  return out;
}

/** A command's flags, and its positional word where it has one (`tether logs RUN-ID`: the run id without its flag). */
export function parseCommandLine(phase: Phase, argv: string[]): Record<string, string> {
  const positional = (phase === 'logs' || phase === 'stop' || phase === 'provision') && argv[0] !== undefined && !argv[0].startsWith('--');
  return parseArgs(phase, positional ? ['--run-id', ...argv] : argv);
}

const ALL_INPUTS = new Set<string>(Object.values(PHASE_INPUTS).flat());

/**
 * A line in the terminal's words: `--name` for an input and every input it mentions, not `input 'name'`; a
 * remediation written for a workflow (`dry-run: false`, `set artifact: none`) becomes the flag (`--no-dry-run`,
 * `set --artifact none`). Messages are written once, in workflow words; only the CLI's reporter translates.
 */
export function cliLine(line: string): string {
  return line
    .replace(/^input '([a-z][a-z0-9-]*)': /, '--$1: ')
    .replace(/'([a-z][a-z0-9-]*)'/g, (m, name: string) => (ALL_INPUTS.has(name) ? `--${name}` : m))
    .replace(/\b([a-z][a-z0-9-]*): (["']?)(true|false)\2(?![\w-])/g, (m, name: string, _q: string, v: string) =>
      BOOLEAN.has(name) ? (v === 'true' ? `--${name}` : `--no-${name}`) : m,
    )
    .replace(/\b(set|use|or|with) ([a-z][a-z0-9-]*): ([A-Za-z0-9._-]+)(?![\w:-])/g, (m, verb: string, name: string, v: string) =>
      ALL_INPUTS.has(name) && !BOOLEAN.has(name) ? `${verb} --${name} ${v}` : m,
    );
}

/**
 * Reports on a terminal: box text loses its escape sequences first (forTerminal), then tether's markdown
 * is rendered (aligned tables, no raw markdown); colour only where that stream is a TTY and NO_COLOR is
 * unset. Lines go to stderr, the summary to stdout.
 */
export function terminalReporter(
  outputs: Record<string, string>,
  env: Record<string, string | undefined> = process.env,
  out: { write(s: string): unknown; isTTY?: boolean } = process.stdout,
  err: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
): Reporter {
  const masks: string[] = [];
  const masked = (s: string) => forTerminal(masks.reduce((acc, m) => acc.split(m).join('***'), s));
  // tether's own lines speak flags; box text (a log) is shown as it is, only made safe for the terminal.
  const clean = (s: string) => cliLine(masked(s));
  const outStyle = wantsColor(out.isTTY, env) ? COLOR : PLAIN;
  const errStyle = wantsColor(err.isTTY, env) ? COLOR : PLAIN;
  return {
    info: (l) => void err.write(`${clean(l)}\n`),
    warn: (l) => void err.write(`${errStyle.yellow('warning:')} ${clean(l)}\n`),
    error: (l) => void err.write(`${errStyle.red('error:')} ${clean(l)}\n`),
    mask: (v) => void masks.push(v),
    output: (n, v) => void (outputs[n] = v),
    summary: (md) => void out.write(`${markdownToTerminal(clean(md), outStyle)}\n`),
    text: (t) => void out.write(`${masked(t)}\n`),
    summaryInLog: true,
  };
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
    console.log(`tether ${pkg.version}`);
    return 0;
  }
  if (cmd === 'help' && rest[0] === 'verify') {
    console.log(VERIFY_HELP);
    return 0;
  }
  if ((cmd === 'help' && rest[0] === 'lint') || (cmd === 'lint' && (rest.includes('--help') || rest.includes('-h')))) {
    console.log(LINT_HELP);
    return 0;
  }
  if (cmd === 'lint') return (await import('./lint.ts')).lintCommand(rest);
  if ((cmd === 'help' && rest[0] === 'init') || (cmd === 'init' && (rest.includes('--help') || rest.includes('-h')))) {
    console.log(INIT_HELP);
    return 0;
  }
  if (cmd === 'init') return (await import('./init.ts')).initCommand(rest);
  if (cmd === 'help' && rest[0]) {
    const named = PHASE_LIST.find((p) => p.cli === rest[0] || p.name === rest[0]);
    if (!named) {
      console.error(`error: no command ${JSON.stringify(rest[0])}${suggestCommand(rest[0])}\n\n${usage()}`);
      return 2;
    }
    console.log(HELP[named.cli]);
    return 0;
  }
  if (cmd === 'verify') {
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(VERIFY_HELP);
      return 0;
    }
    return verifyCommand(rest);
  }
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(usage());
    return cmd ? 0 : 2;
  }
  const phase = PHASE_LIST.find((p) => p.cli === cmd);
  if (!phase) {
    console.error(`error: unknown command ${JSON.stringify(cmd)}${suggestCommand(cmd)}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(HELP[phase.cli]);
    return 0;
  }
  // --json: stdout holds one JSON object (the outputs, as the action would set them, and the exit code); the
  // summary and every line go to stderr.
  const json = rest.includes('--json');
  const args = rest.filter((a) => a !== '--json');
  const outputs: Record<string, string> = {};
  const reporter = terminalReporter(outputs, process.env, json ? process.stderr : process.stdout);
  const finish = (code: number, errors: string[] = []) => {
    if (json) console.log(JSON.stringify(jsonResult(phase.cli, code, outputs, errors), null, 2));
    return code;
  };
  try {
    const given = parseCommandLine(phase.name, args);
    // --host may be an alias from ~/.ssh/config (HostName, Port, User, IdentityFile fill what the flags left empty).
    const { inputs, note } = aliasInputs(given);
    if (note) reporter.info(note);
    const code = await runPhase(phase, inputs, process.env, reporter, terminalPorts());
    // launch and audit end with their outputs on stdout, after the summary (the others say it all in their summary).
    if (!json && (phase.name === 'launch' || phase.name === 'audit'))
      for (const [k, v] of Object.entries(outputs)) if (k !== 'report') console.log(forTerminal(`${k}: ${v}`));
    return finish(code);
  } catch (err) {
    if (err instanceof ArgsError) {
      for (const p of err.problems) reporter.error(p);
      return finish(2, err.problems);
    }
    const d = describeError(err, 'cli');
    for (const line of d.lines) reporter.error(cliLine(line));
    return finish(
      d.code,
      d.lines.map((l) => forTerminal(cliLine(l))),
    );
  }
}

/**
 * What `--json` prints: the command, its exit code, every output under its action name (an output that holds
 * JSON, like `states` or `report`, as that JSON), and the error lines. JSON.stringify escapes every control
 * character, so box text in it cannot drive a terminal.
 */
export function jsonResult(command: string, code: number, outputs: Record<string, string>, errors: string[]): Record<string, unknown> {
  const value = (v: string): unknown => {
    if (!/^\s*[[{]/.test(v)) return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  };
  return { command, exit_code: code, outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, value(v)])), errors };
}

function suggestCommand(cmd: string): string {
  const near = PHASE_LIST.map((p) => p.cli).find((c) => distance(cmd, c) <= 2);
  return near ? ` (did you mean '${near}'?)` : '';
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
