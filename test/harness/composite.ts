import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * A small runner for composite actions, enough for tether's own (actions/smoke): steps in order, `if:`
 * (default success()), `${{ }}` expressions over inputs, steps.<id>.outputs, github.sha and runner.temp
 * with ==, !=, &&, ||, !, always(), success(), failure() and format(); `run:` steps under bash with
 * GITHUB_OUTPUT per step and GITHUB_ACTION_PATH; `uses:` steps replaced by the doubles a test hands in.
 * An expression it does not know is an error, never a guess.
 */
export interface CompositeRun {
  ok: boolean;
  outputs: Record<string, string>;
  /** Each step by name: ran or skipped, and its outcome. */
  steps: Array<{ name: string; ran: boolean; ok: boolean; stdout: string }>;
}

export type UsesDouble = (withInputs: Record<string, string>, env: Record<string, string>) => Record<string, string> | void;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
}

type Ctx = {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string }>;
  github: Record<string, string>;
  runner: Record<string, string>;
  failed: boolean;
};

export function runComposite(
  actionYml: string,
  inputs: Record<string, string>,
  opts: { uses: Record<string, UsesDouble>; sha: string; workspace: string; env?: Record<string, string> },
): CompositeRun {
  const doc = parse(readFileSync(actionYml, 'utf8')) as {
    inputs?: Record<string, { default?: string; required?: boolean }>;
    outputs?: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  if (doc.runs.using !== 'composite') throw new Error(`${actionYml} is not a composite action`);
  const temp = mkdtempSync(join(tmpdir(), 'tether-composite-'));
  const given: Record<string, string> = {};
  for (const [k, d] of Object.entries(doc.inputs ?? {})) {
    given[k] = inputs[k] ?? (d.default !== undefined ? String(d.default) : '');
    if (d.required && !given[k]) throw new Error(`input ${k} is required`);
  }
  for (const k of Object.keys(inputs)) if (!(k in given)) throw new Error(`${k} is not an input of ${actionYml}`);
  const ctx: Ctx = { inputs: given, steps: {}, github: { sha: opts.sha, workspace: opts.workspace }, runner: { temp }, failed: false };
  const out: CompositeRun = { ok: true, outputs: {}, steps: [] };
  try {
    for (const [i, step] of doc.runs.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${i + 1}`;
      const cond = step.if ?? 'success()';
      if (!truthy(evaluate(cond.replace(/^\$\{\{|\}\}$/g, ''), ctx))) {
        out.steps.push({ name, ran: false, ok: true, stdout: '' });
        continue;
      }
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
      let ok = true;
      let stdout = '';
      let outputs: Record<string, string> = {};
      if (step.uses) {
        const key = step.uses.replace(/@.*$/, '');
        const double = opts.uses[key];
        if (!double) throw new Error(`no double for ${step.uses}`);
        const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
        try {
          outputs = double(w, env) ?? {};
        } catch (err) {
          ok = false;
          stdout = (err as Error).message;
        }
      } else {
        if (step.shell !== 'bash') throw new Error(`${name}: only shell: bash is run here`);
        const outFile = join(temp, `output-${i}`);
        writeFileSync(outFile, '');
        const r = spawnSync('bash', ['-e', '-c', interpolate(step.run ?? '', ctx)], {
          cwd: resolve(opts.workspace, interpolate(step['working-directory'] ?? '.', ctx)),
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            HOME: process.env['HOME'] ?? '/root',
            ...opts.env,
            ...env,
            GITHUB_OUTPUT: outFile,
            GITHUB_ACTION_PATH: dirname(resolve(actionYml)),
            GITHUB_WORKSPACE: opts.workspace,
            RUNNER_TEMP: temp,
          },
          encoding: 'utf8',
          timeout: 120_000,
          // stdin not a socket: Debian's bash sources ~/.bashrc when its stdin is one (as under sshd), and libuv's
          // pipes are socketpairs.
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        ok = r.status === 0;
        stdout = (r.stdout ?? '') + (r.stderr ?? '');
        outputs = readOutputs(readFileSync(outFile, 'utf8'));
      }
      if (step.id) ctx.steps[step.id] = { outputs, outcome: ok ? 'success' : 'failure' };
      if (!ok) ctx.failed = true;
      out.steps.push({ name, ran: true, ok, stdout });
    }
    out.ok = !ctx.failed;
    for (const [k, o] of Object.entries(doc.outputs ?? {})) out.outputs[k] = interpolate(o.value, ctx);
    return out;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function readOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const heredoc = /^([A-Za-z0-9_-]+)<<(.+)$/.exec(l);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
    } else if (l.includes('=')) out[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
  }
  return out;
}

const truthy = (v: unknown) => v !== '' && v !== false && v !== null && v !== undefined && v !== 0;

function interpolate(text: string, ctx: Ctx): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e: string) => {
    const v = evaluate(e, ctx);
    return v === null || v === undefined ? '' : String(v);
  });
}

/** The expression subset: literals, contexts, ==, !=, !, &&, ||, (), always(), success(), failure(), format(). */
export function evaluate(src: string, ctx: Ctx): unknown {
  const toks = src.match(/'(?:[^']|'')*'|&&|\|\||==|!=|[!(),]|[A-Za-z_][A-Za-z0-9_.-]*|\S/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const expect = (t: string) => {
    if (next() !== t) throw new Error(`expression ${JSON.stringify(src)}: expected ${t}`);
  };
  const primary = (): unknown => {
    const t = next();
    if (t === undefined) throw new Error(`expression ${JSON.stringify(src)} ends early`);
    if (t === '(') {
      const v = or();
      expect(')');
      return v;
    }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    if (/^\d+$/.test(t)) return Number(t);
    if (peek() === '(') {
      next();
      const args: unknown[] = [];
      while (peek() !== ')') {
        args.push(or());
        if (peek() === ',') next();
      }
      expect(')');
      if (t === 'always') return true;
      if (t === 'success') return !ctx.failed;
      if (t === 'failure') return ctx.failed;
      if (t === 'format') return String(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => String(args[Number(n) + 1] ?? ''));
      throw new Error(`expression ${JSON.stringify(src)}: function ${t}() is not supported here`);
    }
    const [root, ...path] = t.split('.');
    const base: Record<string, unknown> = { inputs: ctx.inputs, steps: ctx.steps, github: ctx.github, runner: ctx.runner };
    if (!(root! in base)) throw new Error(`expression ${JSON.stringify(src)}: context ${root} is not supported here`);
    let v: unknown = base[root!];
    for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
    return v ?? '';
  };
  const cmp = (): unknown => {
    let l = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const r = primary();
      l = op === '==' ? String(l) === String(r) : String(l) !== String(r);
    }
    return l;
  };
  const and = (): unknown => {
    let l = cmp();
    while (peek() === '&&') {
      next();
      const r = cmp();
      l = truthy(l) ? r : l;
    }
    return l;
  };
  const or = (): unknown => {
    let l = and();
    while (peek() === '||') {
      next();
      const r = and();
      l = truthy(l) ? l : r;
    }
    return l;
  };
  const v = or();
  if (i !== toks.length) throw new Error(`expression ${JSON.stringify(src)}: unexpected ${toks[i]}`);
  return v;
}
