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
  return spawnSync(process.execPath, ['scripts/lint-actions.mjs', f], { encoding: 'utf8', timeout: 60_000 });
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
