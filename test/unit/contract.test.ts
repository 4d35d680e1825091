import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLURM_ALIVE } from '../../src/backends/slurm.ts';
import { ATTEMPT_PATTERN, CELL_NAME_PATTERN, CELLS_MAX, contractSh, LOG_WINDOWS, RUN_ID_PATTERN, SAFE_PATH_PATTERN } from '../../src/record/contract.ts';
import { ATTEMPT, parseMarker } from '../../src/record/grammar.ts';
import { SAFE_PATH } from '../../src/record/manifest.ts';
import { LIB } from '../../src/remote/scripts.ts';

/** Runs bash with the preamble every on-box script gets (the contract, lib.sh, the backends), then `body`. */
const bash = (body: string, input = '') => spawnSync('bash', ['-c', `${LIB}\n${body}`], { input, encoding: 'utf8' });
const says = (fn: string, cases: string[]) =>
  bash(`while IFS= read -r x; do if ${fn} "$x"; then echo 1; else echo 0; fi; done`, cases.join('\n') + '\n')
    .stdout.trim()
    .split('\n')
    .map((l) => l === '1');

describe('the on-box contract, written once (src/record/contract.ts)', () => {
  it('bash gets the same values TypeScript uses, and lib.sh refuses to run without them', () => {
    const r = bash(
      'printf "%s|%s|%s|%s|%s|%s|%s" "$TETHER_RUN_ID_RE" "$TETHER_CELL_NAME_RE" "$TETHER_SAFE_PATH_RE" "$CELLS_MAX" "$DELTA_MAX" "$CELL_TAIL_MAX" "$TETHER_SLURM_ALIVE"',
    );
    expect(r.stdout).toBe(
      [RUN_ID_PATTERN, CELL_NAME_PATTERN, SAFE_PATH_PATTERN, CELLS_MAX, LOG_WINDOWS.delta, LOG_WINDOWS.cellTail, SLURM_ALIVE.join(' ')].join('|'),
    );
    const bare = spawnSync('bash', ['-c', `${readFileSync('scripts/remote/lib.sh', 'utf8')}\necho reached`], { encoding: 'utf8' });
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toContain('reached');
    expect(bare.stderr).toMatch(/the on-box contract/);
    expect(contractSh({ X: "it's" })).toContain(`X='it'\\''s'`);
  });

  it('is_safe_path and is_attempt say what SAFE_PATH and ATTEMPT say, case for case', () => {
    const paths = [
      'ck/a.pt',
      'a',
      '_x/y_z.bin',
      'a/b/c.safetensors',
      '../a',
      'a/../b',
      '.hidden',
      'ck/.x',
      '-rf',
      'ck/-x',
      'a b',
      'a//b',
      '/abs',
      'a/',
      '',
      'λ.pt',
      'a\tb',
    ];
    expect(says('is_safe_path', paths)).toEqual(paths.map((p) => SAFE_PATH.test(p)));
    const attempts = ['1', '9', '10', '999999', '1000000', '0', '007', '-1', '+1', '1.0', 'x', ''];
    expect(says('is_attempt', attempts)).toEqual(attempts.map((a) => ATTEMPT.test(a)));
  });

  it("write_marker's DONE and FAILED read back through parseMarker, extra fields included", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-marker-'));
    try {
      const r = bash(
        `write_marker "${dir}/DONE" 3 0 null cells 2026-12-01T10:00:00Z '"cells":4'; write_marker "${dir}/FAILED" 2 137 '"KILL"' stopped 2026-12-01T10:00:01Z`,
      );
      expect(r.status, r.stderr).toBe(0);
      const done = readFileSync(join(dir, 'DONE'), 'utf8');
      expect(JSON.parse(done)).toEqual({ attempt: 3, exit_code: 0, signal: null, stage: 'cells', cells: 4, finished_at: '2026-12-01T10:00:00Z' });
      expect(parseMarker('DONE', done)).toMatchObject({ attempt: 3, exitCode: 0, signal: null, stage: 'cells' });
      expect(parseMarker('FAILED', readFileSync(join(dir, 'FAILED'), 'utf8'))).toMatchObject({ attempt: 2, exitCode: 137, signal: 'KILL', stage: 'stopped' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retire_failed moves the previous FAILED into its attempt, and proc_stat reads a live process and refuses a gone one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tether-retire-'));
    try {
      writeFileSync(join(dir, 'FAILED'), '{}');
      const r = bash(`mkdir -p "${dir}/attempts/2"; retire_failed "${dir}" 0; ls "${dir}"; retire_failed "${dir}" 2; ls "${dir}" "${dir}/attempts/2"`);
      expect(r.stdout.split('\n').filter(Boolean)).toEqual(['FAILED', 'attempts', `${dir}:`, 'attempts', '', `${dir}/attempts/2:`, 'FAILED'].filter(Boolean));
      const p = bash(
        'proc_stat $$ && echo "$PROC_STATE $PROC_START"; s=$(pid_start $$); [ "$s" = "$PROC_START" ] && echo same; proc_stat 999999999 || echo gone',
      );
      expect(p.stdout).toMatch(/^[RS] \d+\nsame\ngone\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no on-box script spells a contract pattern or limit itself', () => {
    for (const f of readdirSync('scripts/remote').filter((n) => n.endsWith('.sh'))) {
      const text = readFileSync(join('scripts/remote', f), 'utf8');
      for (const p of [RUN_ID_PATTERN, CELL_NAME_PATTERN, SAFE_PATH_PATTERN, ATTEMPT_PATTERN]) expect(text.includes(p), `${f} spells ${p}`).toBe(false);
      expect(text, f).not.toMatch(/\b(DELTA_MAX|TAIL_MAX|CELLS_MAX)=\d/);
      // lib.sh write_marker is the one marker writer.
      if (f !== 'lib.sh') expect(text, f).not.toMatch(/"exit_code":(%s|\d),"signal"/);
    }
  });
});
