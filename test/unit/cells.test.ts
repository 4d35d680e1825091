import { describe, expect, it } from 'vitest';
import { CELLS_MAX, cellGlobs, nameFromValue, parseSweep, shellWord } from '../../src/config/cells.ts';
import { withDefaults } from '../../src/config/defaults.ts';
import { parseLaunch } from '../../src/config/launch.ts';
import { buildSpec, identity } from '../../src/record/spec.ts';

const base = { 'run-id': 'sweep-1', workdir: '~/code' };
const launch = (extra: Record<string, string>) => parseLaunch(withDefaults('launch', { ...base, ...extra }));

describe('sweep inputs', () => {
  it('cells: one "name: command" a line; comments and blank lines skipped; defaults for the queue', () => {
    const cfg = launch({ cells: 'lr-1: python train.py --lr 1e-3\n\n# a note\nlr-2:python train.py --lr 1e-4 # keep\n' });
    expect(cfg.command).toBe('');
    expect(cfg.sweep).toEqual({
      cells: [
        { name: 'lr-1', command: 'python train.py --lr 1e-3' },
        { name: 'lr-2', command: 'python train.py --lr 1e-4 # keep' },
      ],
      gpusPerCell: 1,
      maxParallel: 0,
      onCellFailure: 'continue',
    });
  });

  it('a bad line is an input error naming the line', () => {
    expect(() => launch({ cells: 'a: true\nno colon here' })).toThrow(/input 'cells': line 2: "no colon here" is not "name: command"/);
    expect(() => launch({ cells: 'a: true\n../up: true' })).toThrow(/line 2: "..\/up" is not a cell name/);
    expect(() => launch({ cells: '..: true' })).toThrow(/is not a cell name/);
    expect(() => launch({ cells: '-x: true' })).toThrow(/is not a cell name/);
    expect(() => launch({ cells: `${'a'.repeat(65)}: true` })).toThrow(/is not a cell name/);
    expect(() => launch({ cells: 'a:   ' })).toThrow(/line 1: cell a has no command/);
    expect(() => launch({ cells: 'a: x\nb: y\na: z' })).toThrow(/line 3: cell a is already line 1/);
    expect(() => launch({ cells: 'a: x\u0000y' })).toThrow(/NUL/);
  });

  it('cell-template + cell-values: each value one quoted word, names from values, collisions name both lines', () => {
    const cfg = launch({ 'cell-template': 'python train.py --lr {value} --out runs/{name}', 'cell-values': "1e-3\n$(touch /tmp/pwn); echo 'x'\n" });
    expect(cfg.sweep?.cells).toEqual([
      { name: '1e-3', command: "python train.py --lr '1e-3' --out runs/1e-3" },
      { name: '__touch__tmp_pwn___echo__x_', command: `python train.py --lr '$(touch /tmp/pwn); echo '\\''x'\\''' --out runs/__touch__tmp_pwn___echo__x_` },
    ]);
    expect(() => launch({ 'cell-template': 'run {value}', 'cell-values': 'a/b\na_b' })).toThrow(
      /input 'cell-values': line 2 "a_b" and line 1 "a\/b" both become cell a_b/,
    );
    expect(() => launch({ 'cell-template': 'run', 'cell-values': 'a' })).toThrow(/uses neither \{value\} nor \{name\}/);
    expect(() => launch({ 'cell-values': 'a' })).toThrow(/input 'cell-template': is required with 'cell-values'/);
    expect(() => launch({ 'cell-template': 'run {value}' })).toThrow(/input 'cell-values': is required/);
  });

  it('names from values: other characters become _, a leading . or - too, at most 64', () => {
    expect(nameFromValue('..')).toBe('_.');
    expect(nameFromValue('-rf')).toBe('_rf');
    expect(nameFromValue('a b\nc')).toBe('a_b_c');
    expect(nameFromValue('x'.repeat(100))).toHaveLength(64);
    expect(shellWord("it's")).toBe(`'it'\\''s'`);
  });

  it('command and cells are exclusive; sweep-only inputs need a sweep; bounds', () => {
    expect(() => launch({ command: 'true', cells: 'a: true' })).toThrow(/either one 'command' or a sweep of 'cells'/);
    expect(() => launch({ cells: 'a: true', 'cell-template': 'x {value}', 'cell-values': 'v' })).toThrow(/not both/);
    expect(() => launch({ command: 'true', 'max-parallel': '2' })).toThrow(/input 'max-parallel': is for sweeps/);
    expect(launch({ command: 'true' }).sweep).toBeUndefined();
    expect(() => launch({ command: 'true', checkpoints: 'ck/{cell}/*.pt' })).toThrow(/uses \{cell\}, which only a sweep/);
    expect(() => launch({ cells: 'a: true', 'gpus-per-cell': '1.5' })).toThrow(/is not a whole number from 0 to 64/);
    expect(() => launch({ cells: 'a: true', 'max-parallel': '0' })).toThrow(/is not a whole number from 1 to 512/);
    expect(() => launch({ cells: 'a: true', 'on-cell-failure': 'panic' })).toThrow(/on-cell-failure/);
    const many = Array.from({ length: CELLS_MAX + 1 }, (_, i) => `c${i}: true`).join('\n');
    expect(() => launch({ cells: many })).toThrow(/lists 513 cells; at most 512/);
    expect(launch({ cells: many.split('\n').slice(0, CELLS_MAX).join('\n') }).sweep?.cells).toHaveLength(CELLS_MAX);
    expect(() => launch({ cells: Array.from({ length: 8 }, (_, i) => `c${i}: ${'x'.repeat(40_000)}`).join('\n') })).toThrow(/at most 262144/);
    expect(parseSweep({ cells: 'a: true', 'gpus-per-cell': '0', 'max-parallel': '3', 'on-cell-failure': 'stop' })).toMatchObject({
      gpusPerCell: 0,
      maxParallel: 3,
      onCellFailure: 'stop',
    });
  });

  it('{cell} in checkpoint globs is the cell name', () => {
    expect(cellGlobs(['ck/{cell}/*.pt', 'logs/{cell}-{cell}.txt', 'shared.bin'], 'lr-1')).toEqual(['ck/lr-1/*.pt', 'logs/lr-1-lr-1.txt', 'shared.bin']);
  });

  it("spec.json records the cells; identity covers cells and GPUs per cell, not the queue's width", () => {
    const a = launch({ cells: 'a: x\nb: y', 'max-parallel': '2' });
    const spec = JSON.parse(buildSpec(a, new Date('2026-11-23T00:00:00Z')));
    expect(spec).toMatchObject({
      command: '',
      cells: [
        { name: 'a', command: 'x' },
        { name: 'b', command: 'y' },
      ],
      gpus_per_cell: 1,
      max_parallel: 2,
    });
    expect(identity(a)).toBe(identity(launch({ cells: 'a: x\nb: y', 'max-parallel': '4', 'on-cell-failure': 'stop' })));
    expect(identity(a)).not.toBe(identity(launch({ cells: 'a: x\nb: z' })));
    expect(identity(a)).not.toBe(identity(launch({ cells: 'a: x\nb: y', 'gpus-per-cell': '2' })));
    // A single-command run's identity is what it always was.
    expect(identity(launch({ command: 'python t.py' }))).toBe(identity({ command: 'python t.py', then: undefined, workdir: '~/code' }));
    expect(JSON.parse(buildSpec(launch({ command: 'python t.py' }), new Date())).cells).toBeUndefined();
  });
});
