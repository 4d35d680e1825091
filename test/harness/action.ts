import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  /** Raw bytes of the GITHUB_OUTPUT file, for leak scans. */
  outputFile: string;
}

/** Parses GitHub's file-based outputs (`name<<DELIM\nvalue\nDELIM`, or `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] ?? '');
      out[name as string] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * Runs a built action (dist/<name>/index.js) the way the runner does: under Node 24, inputs as
 * INPUT_<NAME> variables, outputs and summary through GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
export function runBuiltAction(
  name: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  timeoutMs = 120_000,
  /** Aborting kills the action with SIGKILL, as a runner that dies mid-step (its code is then null). */
  signal?: AbortSignal,
): Promise<ActionRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'tether-ws-'));
  const outputPath = join(workspace, '.github_output');
  const summaryPath = join(workspace, '.step_summary');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]));
  const childEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/root',
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTIONS: 'true',
    ...inputEnv,
    ...env,
  };
  const node = resolve('node_modules/.bin/node');
  return new Promise((resolveRun, reject) => {
    const child = spawn(node, [resolve(`dist/${name}/index.js`)], { cwd: workspace, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`action ${name} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    const kill = () => child.kill('SIGKILL');
    if (signal?.aborted) kill();
    else signal?.addEventListener('abort', kill, { once: true });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      const outputFile = readFileSync(outputPath, 'utf8');
      resolveRun({ code, stdout, stderr, outputs: parseOutputFile(outputFile), summary: readFileSync(summaryPath, 'utf8'), workspace, outputFile });
    });
  });
}

export function removeWorkspace(run: ActionRun): void {
  rmSync(run.workspace, { recursive: true, force: true });
}
