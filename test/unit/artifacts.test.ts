import { describe, expect, it } from 'vitest';
import { budgetWarning, planArtifacts } from '../../src/collect/artifacts.ts';

describe('artifact plan', () => {
  const files = [
    { path: 'ck/a.pt', bytes: 300e6 },
    { path: 'ck/b.pt', bytes: 300e6 },
  ];
  const records = [
    { path: 'manifest.json', bytes: 500 },
    { path: 'VERIFIED.json', bytes: 400 },
  ];
  it('names carry the run and the file-list hash; an unverified upload says so', () => {
    const [cp, rec] = planArtifacts('r1', 'abcdef0123456789'.repeat(4), '/d/r1', files, records, true);
    expect(cp).toMatchObject({ kind: 'checkpoints', name: 'tether-r1-abcdef012345-checkpoints', files: ['ck/a.pt', 'ck/b.pt'], bytes: 600e6 });
    expect(rec).toMatchObject({ kind: 'records', name: 'tether-r1-abcdef012345-records', bytes: 900 });
    expect(planArtifacts('r1', 'f'.repeat(64), '/d', files, records, false).map((p) => p.name)).toEqual([
      'tether-r1-ffffffffffff-checkpoints-unverified',
      'tether-r1-ffffffffffff-records-unverified',
    ]);
  });
  it('warns with the numbers over the budget, and only then', () => {
    const plans = planArtifacts('r1', 'f'.repeat(64), '/d', files, records, true);
    expect(budgetWarning(plans, 1e9, 3)).toBeNull();
    expect(budgetWarning(plans, 500e6, 3)).toMatch(/artifacts total 600.0 MB, over the artifact-budget of 500.0 MB.*\(3 days\)/);
  });
});
