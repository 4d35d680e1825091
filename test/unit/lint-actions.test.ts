import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tether-actionlint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(runsOn: string) {
  const f = join(dir, `w-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(f, `name: x\non: push\njobs:\n  a:\n    runs-on: ${runsOn}\n    steps:\n      - run: echo hi\n`);
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lint-actions.ts', f], { encoding: 'utf8', timeout: 60_000 });
}

describe('runner labels in workflows (.github/actionlint.yaml)', () => {
  it("tether's self-hosted label and current GitHub-hosted labels pass", () => {
    for (const runsOn of ['[self-hosted, tether]', 'ubuntu-24.04', 'ubuntu-latest', 'macos-15']) {
      const r = lint(runsOn);
      expect(r.status, `${runsOn}: ${r.stdout}`).toBe(0);
    }
  });

  it('a mistyped or unlisted label is reported', () => {
    for (const [runsOn, label] of [
      ['[self-hosted, tehter]', 'tehter'],
      ['ubuntu-24.4', 'ubuntu-24.4'],
    ]) {
      const r = lint(runsOn!);
      expect(r.status, runsOn).toBe(1);
      expect(r.stdout).toContain(`label "${label}" is unknown`);
    }
  });
});

describe("tether lint's own checks (src/cli/lint.ts)", () => {
  it('knows every input of each tether action, and what each requires', async () => {
    const { tetherChecks } = await import('../../src/cli/lint.ts');
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    // Every action.yml (the hand-written smoke one too): what it declares is what the lint accepts, what it requires is what the lint asks for.
    for (const phase of ['audit', 'launch', 'patrol', 'collect', 'teardown', 'chatops', 'logs', 'stop', 'provision', 'recover', 'smoke']) {
      const a = parse(readFileSync(`actions/${phase}/action.yml`, 'utf8')) as { inputs: Record<string, { required?: boolean; default?: unknown }> };
      const all = Object.keys(a.inputs);
      const wf = (w: string[]) =>
        `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tether-dev/tether/actions/${phase}@main\n        with:\n${w.map((k) => `          ${k}: x\n`).join('')}`;
      expect(tetherChecks(wf(all), 'w.yml'), phase).toEqual([]);
      const required = Object.entries(a.inputs)
        .filter(([, v]) => v.required && v.default === undefined)
        .map(([k]) => k);
      const none = tetherChecks(wf([]), 'w.yml');
      if (required.length) expect(none.map((p) => p.message).join('\n'), phase).toContain(`needs ${required.map((n) => `"${n}"`).join(', ')} in with:`);
      else expect(none, phase).toEqual([]);
    }
    const odd = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: tether-dev/tether/actions/deploy@main\n      - uses: tether-dev/tether@main\n        with:\n          command: patrol\n          job-command: x\n          hots: y\n`;
    expect(tetherChecks(odd, 'w.yml').map((p) => `${p.line}: ${p.message}`)).toEqual([
      '6: tether-dev/tether/actions/deploy@main: tether has no such action (its actions: audit, launch, patrol, collect, teardown, chatops, logs, stop, provision, recover, smoke)',
      '11: tether (root action) has no input "hots" (did you mean "host"?)',
    ]);
  });
});
