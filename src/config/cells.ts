import { InputError } from './errors.ts';
import type { Inputs } from './connection.ts';
import { CELL_NAME } from '../record/grammar.ts';
import { defaultsOf } from './defaults.ts';
import * as v from './values.ts';

/**
 * A sweep: many cells in one run, each a name and a command, queued on the box with their own GPUs and
 * records (runbook §1.1–1.2, §7.4, R25–R28). The same cell model serves a Slurm array. Pure.
 */

/** Cells a run may hold: each is a directory, a queue slot and a row in the status. */
import { CELLS_MAX } from '../record/contract.ts';

export { CELLS_MAX };
/** All cells' commands together: they travel in spec.json and the launch data. */
export const CELL_COMMANDS_MAX = 262_144;
export const ON_CELL_FAILURE = ['continue', 'stop'] as const;
export type OnCellFailure = (typeof ON_CELL_FAILURE)[number];

export interface Cell {
  name: string;
  command: string;
}

export interface SweepConfig {
  cells: Cell[];
  /** GPUs each cell gets through CUDA_VISIBLE_DEVICES; 0: CPU cells. */
  gpusPerCell: number;
  /** Cells running at once; 0: as many as the box's GPUs (÷ gpusPerCell) or CPUs allow, decided on the box. */
  maxParallel: number;
  onCellFailure: OnCellFailure;
}

/** The cells as `cells` takes them, one `name: command` line each (parseSweep reads them back as they were). */
export function cellLines(cells: readonly Cell[]): string {
  return cells.map((c) => `${c.name}: ${c.command}`).join('\n');
}

/** One word for bash, whatever the value holds: single quotes, with each `'` as `'\''`. */
export function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A cell name from a value: characters outside the grammar become `_`, a leading `.`/`-` too, at most 64. */
export function nameFromValue(value: string): string {
  const s = Array.from(value)
    .map((c) => (/[A-Za-z0-9._-]/.test(c) ? c : '_'))
    .join('')
    .slice(0, 64);
  return /^[.-]/.test(s) ? `_${s.slice(1)}` : s;
}

const lineNo = (i: number) => `line ${i + 1}`;

function parseCellLines(raw: string): Cell[] {
  const cells: Cell[] = [];
  const seen = new Map<string, number>();
  raw.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const m = /^\s*([^:\s]+)\s*:\s?(.*)$/.exec(line);
    if (!m) throw new InputError('cells', `${lineNo(i)}: ${v.show(line)} is not "name: command"`);
    const [, name = '', command = ''] = m;
    if (!CELL_NAME.test(name))
      throw new InputError('cells', `${lineNo(i)}: ${v.show(name)} is not a cell name (1-64 of A-Z a-z 0-9 . _ -, not starting with . or -)`);
    if (!command.trim()) throw new InputError('cells', `${lineNo(i)}: cell ${name} has no command`);
    v.command('cells', command, true);
    const before = seen.get(name);
    if (before !== undefined) throw new InputError('cells', `${lineNo(i)}: cell ${name} is already ${lineNo(before)}; cell names must be unique`);
    seen.set(name, i);
    cells.push({ name, command });
  });
  return cells;
}

function parseTemplate(template: string, raw: string): Cell[] {
  if (!template.includes('{value}') && !template.includes('{name}'))
    throw new InputError('cell-template', 'uses neither {value} nor {name}: every cell would run the same command');
  v.command('cell-template', template, true);
  const cells: Cell[] = [];
  const from = new Map<string, { value: string; line: number }>();
  raw.split('\n').forEach((value, i) => {
    if (!value.trim()) return;
    if (/[\u0000\r]/.test(value)) throw new InputError('cell-values', `${lineNo(i)}: holds a NUL or carriage return`);
    if (value.length > 4096) throw new InputError('cell-values', `${lineNo(i)}: is longer than 4096 characters`);
    const name = nameFromValue(value);
    if (!CELL_NAME.test(name)) throw new InputError('cell-values', `${lineNo(i)}: ${v.show(value)} gives no usable cell name`);
    const other = from.get(name);
    if (other)
      throw new InputError(
        'cell-values',
        `${lineNo(i)} ${v.show(value)} and ${lineNo(other.line)} ${v.show(other.value)} both become cell ${name}; make the values differ in letters, digits, . _ or -`,
      );
    from.set(name, { value, line: i });
    // The value goes in as one quoted word, never as shell text; the name is already plain.
    cells.push({ name, command: template.replace(/\{(value|name)\}/g, (_, k: string) => (k === 'value' ? shellWord(value) : name)) });
  });
  return cells;
}

/** The sweep inputs, or undefined for a single-command run. */
export function parseSweep(inputs: Inputs): SweepConfig | undefined {
  const cellsRaw = inputs['cells'] ?? '';
  const template = (inputs['cell-template'] ?? '').trim();
  const valuesRaw = inputs['cell-values'] ?? '';
  const hasCells = cellsRaw.trim() !== '';
  if (!hasCells && !template && !valuesRaw.trim()) {
    for (const k of ['gpus-per-cell', 'max-parallel', 'on-cell-failure'])
      if ((inputs[k] ?? '').trim() && inputs[k] !== defaultsOf('launch')[k])
        throw new InputError(k, "is for sweeps: give 'cells' (or 'cell-template' with 'cell-values')");
    return undefined;
  }
  if ((inputs['command'] ?? '').trim()) throw new InputError('cells', "a run is either one 'command' or a sweep of 'cells', not both");
  if (hasCells && (template || valuesRaw.trim())) throw new InputError('cells', "give 'cells' or 'cell-template' with 'cell-values', not both");
  if (!hasCells && !template) throw new InputError('cell-template', "is required with 'cell-values' (a command with {value} and {name})");
  if (!hasCells && !valuesRaw.trim()) throw new InputError('cell-values', "is required with 'cell-template' (one value a line)");
  const cells = hasCells ? parseCellLines(cellsRaw) : parseTemplate(template, valuesRaw);
  const input = hasCells ? 'cells' : 'cell-values';
  if (!cells.length) throw new InputError(input, 'lists no cell');
  if (cells.length > CELLS_MAX) throw new InputError(input, `lists ${cells.length} cells; at most ${CELLS_MAX} in one run`);
  const total = cells.reduce((n, c) => n + c.command.length, 0);
  if (total > CELL_COMMANDS_MAX)
    throw new InputError(input, `the cells' commands come to ${total} characters; at most ${CELL_COMMANDS_MAX} (put long commands in a script in the workdir)`);
  return {
    cells,
    gpusPerCell: whole('gpus-per-cell', inputs['gpus-per-cell'], 1, 0, 64),
    maxParallel: whole('max-parallel', inputs['max-parallel'], 0, 1, CELLS_MAX),
    onCellFailure: v.oneOf('on-cell-failure', inputs['on-cell-failure'], ON_CELL_FAILURE, 'continue'),
  };
}

/** A whole number from min to max, or the fallback when empty. */
function whole(input: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const s = (raw ?? '').trim();
  if (!s) return fallback;
  if (!/^[0-9]{1,4}$/.test(s) || Number(s) < min || Number(s) > max) throw new InputError(input, `${v.show(s)} is not a whole number from ${min} to ${max}`);
  return Number(s);
}

export { cellGlobs } from '../record/spec.ts';
