import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The reusable workflows against the actions they call, and the example against the reusable workflows. */

type Declared = Record<string, { required?: boolean; default?: unknown }>;
interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  steps?: Step[];
  outputs?: Record<string, string>;
}
interface Workflow {
  on: { workflow_call?: { inputs: Declared; secrets: Declared; outputs: Record<string, { value: string }> } };
  jobs: Record<string, Job>;
}

const REUSABLE = ['tether-launch.yml', 'tether-finish.yml'];
const load = (path: string) => ({ text: readFileSync(path, 'utf8'), doc: parse(readFileSync(path, 'utf8')) as Workflow });
const actionInputs = (name: string) => (parse(readFileSync(`actions/${name}/action.yml`, 'utf8')) as { inputs: Declared }).inputs;

describe('tether-launch.yml and tether-finish.yml (on: workflow_call)', () => {
  it.each(REUSABLE)('%s: every action input it passes exists, every required one is given', (file) => {
    const { doc } = load(`.github/workflows/${file}`);
    let calls = 0;
    for (const [job, j] of Object.entries(doc.jobs))
      for (const s of j.steps ?? []) {
        const m = /^tether-dev\/tether\/actions\/([a-z]+)@main$/.exec(s.uses ?? '');
        if (!m) continue;
        calls++;
        const declared = actionInputs(m[1]!);
        const given = Object.keys(s.with ?? {});
        expect(
          given.filter((k) => !(k in declared)),
          `${job} → actions/${m[1]}`,
        ).toEqual([]);
        const required = Object.entries(declared)
          .filter(([, d]) => d.required && d.default === undefined)
          .map(([k]) => k);
        expect(
          required.filter((k) => !given.includes(k)),
          `${job} → actions/${m[1]} required`,
        ).toEqual([]);
      }
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it.each(REUSABLE)('%s: every inputs.* and secrets.* it reads is declared, and every declared one is read', (file) => {
    const { text, doc } = load(`.github/workflows/${file}`);
    const call = doc.on.workflow_call!;
    const body = text.slice(text.indexOf('\njobs:'));
    const used = (ctx: string) => new Set([...body.matchAll(new RegExp(`\\b${ctx}\\.([a-z0-9-]+)`, 'g'))].map((m) => m[1]!));
    expect([...used('inputs')].filter((k) => !(k in call.inputs))).toEqual([]);
    expect([...used('secrets')].filter((k) => !(k in call.secrets))).toEqual([]);
    expect(Object.keys(call.inputs).filter((k) => !used('inputs').has(k))).toEqual([]);
    expect(Object.keys(call.secrets).filter((k) => !used('secrets').has(k))).toEqual([]);
    // Outputs name real job outputs.
    for (const [name, o] of Object.entries(call.outputs)) {
      const m = /^\$\{\{ jobs\.([a-z]+)\.outputs\.([a-z-]+) \}\}$/.exec(o.value);
      expect(m, name).not.toBeNull();
      expect(doc.jobs[m![1]!]?.outputs?.[m![2]!], name).toBeDefined();
    }
  });

  it('the example calls them with declared inputs and secrets, and every required one', () => {
    const { doc } = load('examples/workflows/lifecycle.yml');
    let calls = 0;
    for (const [job, j] of Object.entries(doc.jobs)) {
      const m = /^tether-dev\/tether\/\.github\/workflows\/([a-z-]+\.yml)@main$/.exec(j.uses ?? '');
      if (!m) continue;
      calls++;
      const call = load(`.github/workflows/${m[1]}`).doc.on.workflow_call!;
      for (const [kind, declared, given] of [
        ['inputs', call.inputs, Object.keys(j.with ?? {})],
        ['secrets', call.secrets, Object.keys(j.secrets ?? {})],
      ] as const) {
        expect(
          given.filter((k) => !(k in declared)),
          `${job} ${kind}`,
        ).toEqual([]);
        const required = Object.entries(declared)
          .filter(([, d]) => d.required && d.default === undefined)
          .map(([k]) => k);
        expect(
          required.filter((k) => !given.includes(k)),
          `${job} required ${kind}`,
        ).toEqual([]);
      }
    }
    expect(calls).toBe(2);
  });
});
