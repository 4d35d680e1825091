import { describe, expect, it } from 'vitest';
import { parseLaunch } from '../../src/config/launch.ts';
import { InputError } from '../../src/config/errors.ts';
import { parseSmoke, smokeGate } from '../../src/launch/smoke.ts';
import { BoxDataError } from '../../src/record/strict.ts';
import { evaluate } from '../harness/composite.ts';

const rec = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    schema: 'tether.smoke/v1',
    commit: 'a'.repeat(40),
    command_sha256: 'b'.repeat(64),
    exit_code: 0,
    duration_s: 12.5,
    finished_at: '2026-11-23T10:00:00Z',
    log_tail: ['step 1 loss 2.0'],
    ...over,
  });

describe('the smoke record and the gate (pure)', () => {
  it('passes a passing record of exactly the same full commit id', () => {
    expect(smokeGate(parseSmoke(rec()), 'a'.repeat(40), 'x')).toMatchObject({
      ok: true,
      note: expect.stringMatching(/smoke passed for aaaaaaaaaaaa in 12\.5 s/),
    });
    // A SHA-256 repository's 64-hex ids too.
    expect(smokeGate(parseSmoke(rec({ commit: 'b'.repeat(64) })), 'b'.repeat(64), 'x').ok).toBe(true);
  });
  it('an abbreviated id never matches: not in the record, not in the launch (a 7-digit record of another commit passed before)', () => {
    expect(() => parseSmoke(rec({ commit: 'a'.repeat(7) }))).toThrow(/not a full commit id \(40 or 64 hex\)/);
    expect(() => parseSmoke(rec({ commit: 'a'.repeat(41) }))).toThrow(/not a full commit id/);
    expect(smokeGate(parseSmoke(rec()), 'a'.repeat(12), 'x')).toMatchObject({ ok: false, why: expect.stringMatching(/is not a full commit id/) });
    // A 40-hex prefix of a 64-hex id is another object.
    expect(smokeGate(parseSmoke(rec({ commit: 'a'.repeat(64) })), 'a'.repeat(40), 'x').ok).toBe(false);
  });
  it('refuses none, a failure, a timeout and another commit, each saying what to do', () => {
    expect(smokeGate(null, 'a'.repeat(40), 'artifact y')).toMatchObject({
      ok: false,
      why: expect.stringMatching(/no smoke record for commit aaaaaaaaaaaa \(artifact y\)/),
    });
    expect(smokeGate(parseSmoke(rec({ exit_code: 1 })), 'a'.repeat(40), 'x')).toMatchObject({
      why: expect.stringMatching(/failed \(exit 1\); last line: step 1 loss 2\.0/),
    });
    expect(smokeGate(parseSmoke(rec({ exit_code: 124 })), 'a'.repeat(40), 'x')).toMatchObject({ why: expect.stringMatching(/hit its time limit/) });
    expect(smokeGate(parseSmoke(rec()), 'c'.repeat(40), 'x')).toMatchObject({ why: expect.stringMatching(/is for commit aaaaaaaaaaaa, not cccccccccccc/) });
  });
  it('reads the record strictly', () => {
    for (const bad of [rec({ schema: 'tether.smoke/v2' }), rec({ commit: 'nothex!' }), rec({ exit_code: -1 }), rec({ duration_s: 'soon' }), '{', '[]'])
      expect(() => parseSmoke(bad), bad).toThrow(BoxDataError);
  });
  it('launch inputs: require-smoke, smoke-waiver and smoke-record, checked before anything connects', () => {
    const base = { 'run-id': 'r', command: 'true' };
    expect(parseLaunch(base).smoke).toEqual({ kind: 'off' });
    expect(parseLaunch({ ...base, 'require-smoke': 'true' }).smoke).toEqual({ kind: 'required', recordPath: undefined });
    expect(parseLaunch({ ...base, 'require-smoke': 'true', 'smoke-record': 'out/tether-smoke.json' }).smoke).toEqual({
      kind: 'required',
      recordPath: 'out/tether-smoke.json',
    });
    expect(parseLaunch({ ...base, 'require-smoke': 'true', 'smoke-waiver': 'runner down' }).smoke).toEqual({ kind: 'waived', reason: 'runner down' });
    for (const [inputs, name] of [
      [{ 'smoke-record': 'x.json' }, 'smoke-record'],
      [{ 'require-smoke': 'yes' }, 'require-smoke'],
      [{ 'smoke-waiver': 'a\nb' }, 'smoke-waiver'],
    ] as const) {
      let err: unknown;
      try {
        parseLaunch({ ...base, ...inputs });
      } catch (e) {
        err = e;
      }
      expect((err as InputError).input).toBe(name);
    }
  });
});

describe("the composite runner's expressions (the subset actions/smoke uses)", () => {
  const ctx = {
    inputs: { requirements: 'req.txt', empty: '', name: '' },
    steps: { smoke: { outputs: { passed: 'true', 'record-path': '/t/r.json' }, outcome: 'success' } },
    github: { sha: 'abc' },
    runner: { temp: '/t' },
    failed: false,
  };
  it.each([
    ["inputs.requirements != ''", true],
    ["inputs.empty != ''", false],
    ["inputs.requirements != '' && 'pip' || ''", 'pip'],
    ["inputs.empty != '' && 'pip' || ''", ''],
    ["always() && steps.smoke.outputs.record-path != ''", true],
    ["steps.smoke.outputs.passed != 'true'", false],
    ["inputs.name != '' && inputs.name || format('tether-smoke-{0}', github.sha)", 'tether-smoke-abc'],
    ['success()', true],
    ["!(inputs.empty == '')", false],
  ])('%s → %j', (e, want) => expect(evaluate(e, ctx)).toEqual(want));
  it('an expression outside the subset is an error, never a guess', () => {
    expect(() => evaluate("contains(inputs.x, 'y')", ctx)).toThrow(/not supported/);
    expect(() => evaluate('secrets.TOKEN', ctx)).toThrow(/not supported/);
    expect(() => evaluate("inputs.x == 'a' 'b'", ctx)).toThrow(/unexpected/);
  });
});
