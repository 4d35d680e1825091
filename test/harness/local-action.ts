import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocalActionRun {
  code: number | null;
  stdout: string;
  /** Outputs as local-action's @actions/core stub recorded them (its `::set-output name=…::…` echo lines). */
  outputs: Record<string, string>;
  summary: string;
}

/** One `KEY="value"` dotenv line; dotenv expands \n inside double quotes. */
function dotenvLine(key: string, value: string): string {
  if (/["\\]/.test(value)) throw new Error(`dotenv value for ${key} may not hold quotes or backslashes in this harness`);
  return `${key}="${value.replace(/\n/g, '\\n')}"`;
}

/**
 * Runs `actions/<name>` through GitHub's own local runner for JavaScript actions, `@github/local-action`, the
 * way a user debugging tether would: the action's directory, its `run()` module (src/actions/<name>/main.ts,
 * not the bundle: local-action replaces @actions/core in the source's imports) and a dotenv file of
 * INPUT_* and GITHUB_* variables.
 */
export function runLocalAction(name: string, inputs: Record<string, string>, env: Record<string, string> = {}, timeoutMs = 120_000): Promise<LocalActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tether-local-action-'));
  const summaryPath = join(dir, 'summary.md');
  writeFileSync(summaryPath, '');
  const lines = [
    ...Object.entries(inputs).map(([k, v]) => dotenvLine(`INPUT_${k.toUpperCase()}`, v)),
    ...Object.entries({ GITHUB_STEP_SUMMARY: summaryPath, GITHUB_WORKSPACE: dir, ...env }).map(([k, v]) => dotenvLine(k, v)),
  ];
  writeFileSync(join(dir, '.env'), `${lines.join('\n')}\n`);
  const bin = resolve('node_modules/.bin');
  const childEnv = { PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: process.env['HOME'] ?? '/root', NO_COLOR: '1' };
  return new Promise((done, fail) => {
    const child = spawn(join(bin, 'local-action'), ['run', `actions/${name}`, `../../src/actions/${name}/main.ts`, join(dir, '.env')], {
      cwd: resolve('.'),
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`local-action ${name} did not finish within ${timeoutMs} ms:\n${stdout}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outputs: Record<string, string> = {};
      for (const m of stdout.matchAll(/^::set-output name=([\w-]+)::(.*)$/gm)) outputs[m[1] as string] = m[2] as string;
      const summary = readFileSync(summaryPath, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      done({ code, stdout, outputs, summary });
    });
  });
}
