import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BACKEND_LIST } from '../../src/backends/index.ts';
import { BACKEND_NAMES } from '../../src/record/names.ts';
import { HELP, OPTION_HELP, usage } from '../../src/cli/help.ts';
import { parseArgs } from '../../src/cli/index.ts';
import { INPUTS, PHASE_GROUPS, PHASE_INPUTS, requiredIn, type InputDef } from '../../src/config/inputs.ts';
import { duration } from '../../src/config/values.ts';
import { PHASE_LIST } from '../../src/phases.ts';
import { PROVIDER_LIST } from '../../src/providers/index.ts';
import { PROVIDER_NAMES } from '../../src/record/names.ts';

const rows = INPUTS as Record<string, InputDef>;
const taken = new Set<string>(Object.values(PHASE_INPUTS).flat());

/** Every `inputs['name']` any source file reads. */
function namesRead(): Set<string> {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      // tether.yml's keys (a host's hourly-price, …) are that file's own, not inputs.
      else if (p.endsWith('.ts') && !p.endsWith('tether-file.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/inputs\[['"]([a-z][a-z0-9-]*)['"]\]/g)) out.add(m[1]!);
    }
  };
  walk('src');
  return out;
}

describe('the input table: each input declared once, everything else derived from it', () => {
  it('every row is taken by a phase, and every name a phase takes or a parser reads has a row', () => {
    expect(Object.keys(rows).filter((n) => !taken.has(n))).toEqual([]);
    expect([...taken].filter((n) => !rows[n])).toEqual([]);
    expect([...namesRead()].filter((n) => !rows[n])).toEqual([]);
    for (const [phase, groups] of Object.entries(PHASE_GROUPS)) expect(PHASE_INPUTS[phase as keyof typeof PHASE_INPUTS]).toEqual(Object.values(groups).flat());
  });

  it('kinds and defaults agree: a duration default is a duration, a boolean one true or false, a required input has none', () => {
    for (const [n, d] of Object.entries(rows)) {
      expect(d.help.length, n).toBeGreaterThan(10);
      if (d.default === undefined) continue;
      if (d.kind === 'duration') expect(duration(n, d.default, undefined), n).toBeGreaterThan(0);
      if (d.kind === 'boolean') expect(['true', 'false'], n).toContain(d.default);
      expect(d.required, `${n} is required yet has a default`).toBeUndefined();
    }
  });

  it('the CLI flags follow the kinds: lists repeat, booleans stand alone, others take one value', () => {
    const list = Object.entries(rows).find(([n, d]) => d.kind === 'list' && PHASE_INPUTS.launch.includes(n as never))![0];
    expect(parseArgs('launch', [`--${list}`, 'a', `--${list}`, 'b'])[list]).toBe('a\nb');
    for (const [n] of Object.entries(rows).filter(([, d]) => d.kind === 'boolean')) {
      const phase = PHASE_LIST.find((p) => (p.inputs as readonly string[]).includes(n))!;
      expect(parseArgs(phase.name, [`--${n}`])[n], n).toBe('true');
      expect(parseArgs(phase.name, [`--no-${n}`])[n], n).toBe('false');
    }
    expect(() => parseArgs('launch', ['--run-id'])).toThrow(/--run-id needs a value/);
  });

  it('action.yml, the help and the required lists come from the rows', () => {
    for (const p of PHASE_LIST) {
      const doc = parse(readFileSync(`actions/${p.name}/action.yml`, 'utf8')) as { inputs: Record<string, { description: string; required: boolean }> };
      for (const n of p.inputs) {
        expect(HELP[p.cli], `${p.cli} --${n}`).toContain(`--${n.padEnd(22)} ${OPTION_HELP[n]}`);
        // A CLI-only input is a flag and never an action input.
        if (rows[n]!.only === 'cli') {
          expect(doc.inputs[n], `${p.name} ${n}`).toBeUndefined();
          continue;
        }
        expect(doc.inputs[n]?.description, `${p.name} ${n}`).toBe(rows[n]!.help);
        expect(doc.inputs[n]?.required, `${p.name} ${n}`).toBe(requiredIn(p.name, n));
      }
    }
    expect(requiredIn('audit', 'host')).toBe(true);
    // A run on many boxes names them in nodes instead (and from-provision fills host).
    expect(requiredIn('launch', 'host')).toBe(false);
    expect(requiredIn('patrol', 'host')).toBe(false);
    expect(requiredIn('teardown', 'verb')).toBe(true);
  });

  it('the lists inside help text come from the registries, so none can leave a name out', () => {
    for (const p of PROVIDER_NAMES) expect(rows['provider']!.help).toMatch(new RegExp(`\\b${p}\\b`));
    for (const b of BACKEND_NAMES) expect(rows['backend']!.help).toMatch(new RegExp(`\\b${b}\\b`));
    expect(BACKEND_LIST.map((b) => b.name)).toEqual([...BACKEND_NAMES]);
    expect(PROVIDER_LIST.map((p) => p.name)).toEqual([...PROVIDER_NAMES]);
    const u = usage();
    for (const p of PHASE_LIST) if ('summary' in p) expect(u).toContain(`  ${p.cli.padEnd(8)} ${p.summary}`);
    expect(u).not.toMatch(/^ {2}chatops /m); // the action only: it needs the comment event
  });
});
