import { INPUTS, PHASE_GROUPS } from '../config/inputs.ts';
import { PHASE_LIST } from '../phases.ts';

/** One line per option, from the input table (src/config/inputs.ts): `--help` and action.yml share it. */
export const OPTION_HELP: Record<string, string> = Object.fromEntries(Object.entries(INPUTS).map(([n, d]) => [n, d.help]));

function section(title: string, names: readonly string[]): string {
  return `${title}:\n${names.map((n) => `  --${n.padEnd(22)} ${OPTION_HELP[n] ?? ''}`).join('\n')}`;
}

/** The commands, from the registry (a phase only the action offers is left out), then `verify`. */
export function usage(): string {
  const commands: Array<[string, string]> = [
    ...PHASE_LIST.flatMap((p) => ('summary' in p ? [[p.cli, p.summary] as [string, string]] : [])),
    ['verify', 'the same verifiers on local files or directories (checkpoints you pulled yourself)'],
    ['lint', "your repository's tether workflows: actionlint with tether's labels, and every tether step's inputs"],
    ['init', 'writes the workflows a repository needs (launch, patrol, collect-teardown), never overwriting a file'],
  ];
  return [
    'tether: keep hold of long training runs on rented GPU boxes',
    '',
    'usage: tether <command> [options]',
    ...commands.map(([c, s]) => `  ${c.padEnd(8)} ${s}`),
    '',
    "'tether help <command>' (or 'tether <command> --help') lists the options; 'tether --version' prints the version.",
    'Boolean options stand alone (--resume, --no-audit). Secrets: export them, then name them with --secrets.',
  ].join('\n');
}

export const INIT_HELP = [
  'usage: tether init [--provider P] [--runner-label L] [--report-to R] [--user U] [--[no-]chatops] [--[no-]smoke] [--dir D]',
  '',
  'Writes launch.yml, patrol.yml and collect-teardown.yml (and chatops.yml with --chatops) into D (default',
  '.github/workflows), adapted from the examples: the provider (lambda, runpod, vastai, aws or ssh; its login user',
  'and teardown), the self-hosted runner label (default tether; follow jobs use <label>-follow) and where the status',
  'goes (tracking-issue, pr:<n> or issue:<n>). On a terminal it asks for what the flags leave open; otherwise the',
  'flags and the defaults decide. It never overwrites a file, and prints the secrets and the environment to create.',
].join('\n');

export const LINT_HELP = [
  'usage: tether lint [PATH...]',
  '',
  'Lints workflow files (a folder: its .yml/.yaml files; default .github/workflows) with actionlint, knowing',
  "tether's runner labels (tether, tether-follow) and those of the repository's .github/actionlint.yaml, and checks",
  'that every step using a tether action passes only inputs that action has, and every input it requires.',
  'One line per problem (file:line:column: message [kind]). Exit 0 when clean, 1 with problems, 2 for a bad path.',
].join('\n');

export const VERIFY_HELP = [
  'usage: tether verify [--json] PATH...',
  '',
  "Runs collect's structural verifiers (torch zip, safetensors, npy/npz, gguf; other files sha256 only) on local",
  'files; a directory is walked recursively, symlinks are skipped and counted. No checkpoint code runs.',
  'One line per file (ok/FAIL, path, format, problem); --json prints [{path, ok, format, problem}].',
  'Exit 0 when every file passed, 1 otherwise, 2 for a bad command line.',
].join('\n');

/** Each command's help: its usage line, then its inputs in the groups the input table gives them. */
export const HELP: Record<string, string> = Object.fromEntries(
  PHASE_LIST.map((p) => [
    p.cli,
    [
      `usage: ${p.usage}`,
      ...Object.entries(PHASE_GROUPS[p.name]).flatMap(([title, names]) => ['', section(title, names)]),
      '',
      'Output:',
      '  --json  one JSON object on stdout: the command, exit_code, its outputs (as the action names them) and errors; the summary goes to stderr',
    ].join('\n'),
  ]),
);
