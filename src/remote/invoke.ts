import type { ExecResult, Session } from '../ssh/client.ts';
import { BoxDataError, parseJson } from '../record/strict.ts';
import { LIB, SCRIPTS, type ScriptName } from './scripts.ts';
import { shellQuote } from './shell-quote.ts';

export { shellQuote };

/** Data lines that follow the script on stdin: `key base64` and `env NAME base64`, then `end`. */
export function dataLines(data: Record<string, string>, env: Array<[string, string]> = []): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const lines = Object.entries(data).map(([k, v]) => `${k} ${b64(v)}`);
  for (const [name, value] of env) lines.push(`env ${name} ${b64(value)}`);
  lines.push('end');
  return lines.join('\n') + '\n';
}

/**
 * Stdin for `bash -s`: lib.sh, the script (whose last line is `main "$@"; exit $?`), then data.
 * bash reads a script from a pipe one line at a time, so by the time `main` runs and reads stdin,
 * what is left is exactly the data.
 */
export function scriptStdin(name: ScriptName, data?: string | Buffer): Buffer {
  const script = SCRIPTS[name];
  if (!/\nmain "\$@"; exit \$\?\n?$/.test(script)) throw new Error(`scripts/remote/${name}.sh must end with: main "$@"; exit $?`);
  const head = Buffer.from(`${LIB}\n${script.endsWith('\n') ? script : script + '\n'}`);
  return data === undefined ? head : Buffer.concat([head, Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}

export function scriptCommand(args: string[]): string {
  return ['bash', '-s', '--', ...args.map(shellQuote)].join(' ');
}

/** Runs an on-box script; `data` (text lines) or `binary` (raw bytes, e.g. a tar) follows it on stdin. */
export function runScript(
  session: Session,
  name: ScriptName,
  args: string[],
  opts: { data?: string; binary?: Buffer; timeoutMs?: number; maxOutput?: number } = {},
): Promise<ExecResult> {
  return session.exec(scriptCommand(args), {
    stdin: scriptStdin(name, opts.binary ?? opts.data),
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxOutput: opts.maxOutput ?? 1 << 20,
  });
}

/**
 * The last line of stdout that starts with `{`, parsed: a BoxDataError when the script printed more than
 * its bound, no such line, or a line that is not JSON. The value is `unknown` until its parser checks it.
 */
export function parseJsonLine<T = unknown>(name: string, r: ExecResult): T {
  const said = () => (r.stderr || r.stdout).trim().slice(0, 300);
  if (r.truncated) throw new BoxDataError(`${name}.sh printed more than its output bound; the box's answer was not read`);
  const line = r.stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) throw new BoxDataError(`${name}.sh printed no JSON result (exit ${r.code ?? r.signal}): ${said()}`);
  return parseJson(line, `${name}.sh's result`, 16 << 20) as T;
}
