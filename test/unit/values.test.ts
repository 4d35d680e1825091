import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/errors.ts';
import * as v from '../../src/config/values.ts';

describe('input values', () => {
  it.each([
    ['90m', 5400],
    ['12h', 43200],
    ['1h30m', 5400],
    ['2d', 172800],
    ['45s', 45],
    ['3600', 3600],
  ])('duration %s = %i s', (raw, s) => expect(v.duration('d', raw, undefined)).toBe(s));

  it('duration rejects words and negative values', () => {
    for (const bad of ['12 hours', '-5m', 'h', '1.5h']) expect(() => v.duration('d', bad, undefined)).toThrow(InputError);
  });

  it('booleans follow the YAML 1.2 core spellings only', () => {
    expect(v.bool('b', 'True', false)).toBe(true);
    expect(v.bool('b', 'FALSE', true)).toBe(false);
    expect(v.bool('b', '', true)).toBe(true);
    expect(() => v.bool('b', 'yes', false)).toThrow(/not a boolean/);
  });

  it('env lines keep values literally, skip blanks and comments, refuse duplicates', () => {
    expect(v.envLines('env', "A=1\n\n# note\nB= spaced = 'q' \nC=")).toEqual([
      ['A', '1'],
      ['B', " spaced = 'q' "],
      ['C', ''],
    ]);
    expect(() => v.envLines('env', 'A=1\nA=2')).toThrow(/A is given twice/);
  });

  it('remote paths keep ~ and strip trailing slashes', () => {
    expect(v.remotePath('p', '~/runs/', undefined)).toBe('~/runs');
    expect(v.remotePath('p', '/', undefined)).toBe('/');
    expect(v.remotePath('p', '', '~/.tether/runs')).toBe('~/.tether/runs');
  });

  it('hosts: names, IPv4, IPv6 (bracketed or not); not numbers that are not addresses', () => {
    expect(v.host('h', 'gpu-1.example.com')).toBe('gpu-1.example.com');
    expect(v.host('h', '10.251.1.2')).toBe('10.251.1.2');
    expect(v.host('h', '[fe80::1]')).toBe('fe80::1');
    expect(() => v.host('h', '10.0.0.999')).toThrow(InputError);
  });

  it('show() escapes control characters and cuts long values', () => {
    expect(v.show('a\nb')).toBe('"a\\nb"');
    expect(v.show('x'.repeat(100)).length).toBeLessThan(70);
  });
});
